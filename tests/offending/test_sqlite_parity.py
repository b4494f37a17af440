"""The demo's SQLite path writes exactly what PostgreSQL writes, for one whole scenario."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from . import scenario

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys
sys.path.insert(0, {root!r})
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.offending import scenario
print(json.dumps(scenario.run()))
"""


def test_sqlite_gives_the_same_results_as_postgresql(db, tmp_path):
    on_postgresql = scenario.run()
    steps, people, *_ = on_postgresql
    assert len(steps) == 12 and len(people) == 8  # the scenario really ran
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'parity.sqlite3'}",
        "TANDEM_MODE": "test",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    child = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", CHILD.format(root=str(ROOT))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    on_sqlite = json.loads(child.stdout)
    assert on_sqlite == json.loads(json.dumps(on_postgresql))
