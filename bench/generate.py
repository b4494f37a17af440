"""Synthetic city generation speed at a million recorded offences, on PostgreSQL.

Builds the city (100,000 people over ten years gives a little over 1,000,000 recorded
offences, and about four and a half times as many true offences) in a throwaway PostgreSQL
(or DATABASE_URL), timing the drawing of the careers and the bulk writing separately. The
reference is a plain COPY of the same recorded offence rows into an unvalidated table (no
indexes, no keys, no constraints) in the same process, so the ratio shows what the whole
generation costs whatever the machine's speed.

    uv run python bench/generate.py [--people 100000] [--years 10] [--seed 2005]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from support import django_on_postgres, stop


def _plain_copy_seconds() -> float:
    """Seconds to COPY the offence rows just written into a table with nothing to check."""
    from django.db import connection, transaction

    from tandem.core.bulk import read_frame, write_frame
    from tandem.offending.models import Offence

    fields = Offence._meta.concrete_fields
    columns = [str(f.column) for f in fields]
    types = {str(f.column): str(f.db_type(connection)) for f in fields}
    frame = read_frame(
        f"SELECT {', '.join(columns)} FROM {Offence._meta.db_table}",  # noqa: S608 - model names
        {c: _polars_type(types[c]) for c in columns},
    )
    with transaction.atomic(), connection.cursor() as cursor:
        definition = ", ".join(f"{c} {t.split(' ')[0]}" for c, t in types.items())
        cursor.execute(f"CREATE TEMPORARY TABLE plain_offences ({definition})")
        started = time.perf_counter()
        write_frame("plain_offences", frame)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def _polars_type(sql_type: str) -> object:
    import polars as pl

    if sql_type.startswith(("bigint", "integer")):
        return pl.Int64
    if sql_type == "date":
        return pl.Date
    return pl.String


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2005)
    args = parser.parse_args()

    server = django_on_postgres()
    from django.db import transaction

    from tandem.core.models import Partnership
    from tandem.demo.generator import build_city, reset_database
    from tandem.demo.generator.organisation import AGENCIES, AREAS, STAFF, organisation_create
    from tandem.demo.generator.summary import summarise
    from tandem.demo.generator.writer import city_write

    if Partnership.objects.exists():
        reset_database()
    as_of = dt.date.today()
    started = time.perf_counter()
    city = build_city(seed=args.seed, people=args.people, years=args.years, as_of=as_of)
    built = time.perf_counter()
    with transaction.atomic():
        city_write(city, organisation_create(seed=args.seed))
    finished = time.perf_counter()
    seconds = finished - started
    summary = summarise(
        city, areas=len(AREAS), agencies=len(AGENCIES), staff=len(STAFF), seconds=seconds
    )
    reference = _plain_copy_seconds()

    print(f"synthetic city: seed {args.seed}, {args.years} years to {as_of}; PostgreSQL")
    print(f"people               {summary.people:>12,}")
    print(f"true offences        {summary.true_offences:>12,}")
    print(f"recorded offences    {summary.recorded_offences:>12,}")
    print(f"drug tests           {summary.drug_tests:>12,}")
    print(f"seconds              {seconds:>12.1f}  (drawing {built - started:.1f}, "
          f"writing {finished - built:.1f})")  # fmt: skip
    print(f"recorded offences/s  {summary.recorded_offences / seconds:>12,.0f}")
    print(f"true offences/s      {summary.true_offences / seconds:>12,.0f}")
    print(f"plain COPY of the recorded offence rows: {reference:.1f} s; "
          f"generation takes {seconds / reference:.1f} times as long")  # fmt: skip
    print(f"top tenth's share of true offences: {summary.top_tenth_share:.0%}; cohort-like "
          f"{summary.cohort}: {summary.cohort_male:.0%} male, {summary.cohort_18_25:.0%} aged "
          f"18-25, {summary.cohort_in_custody:.0%} in custody")  # fmt: skip
    stop(server)


if __name__ == "__main__":
    main()
