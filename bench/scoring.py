"""Scoring speed: 1,000,000 offences and 100,000 people, database to ranked list.

Builds the synthetic city once (100,000 people over ten years: a little over a million
recorded offences) in a PostgreSQL kept in var/bench-scoring-pg, so later runs reuse it
(or uses DATABASE_URL). Times `load_aggregates` + `score_people` (the whole path `tandem score`
takes, without saving), then, as the reference, a plain DuckDB query computing the same
Recency-Frequency-Gravity aggregates over the same rows already in memory.

    uv run python bench/scoring.py [--people 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from support import ROOT, django_on_postgres, stop

DUCKDB_RFG = """
SELECT o.person_id,
       count(*) AS frequency,
       max(o.offence_date) AS last_offence,
       sum(t.gravity) AS gravity_sum,
       sum(CASE WHEN t.drug_related THEN 1 ELSE 0 END) AS drug_offences
FROM offences o JOIN types t ON t.offence_type_id = o.offence_type_id
WHERE o.offence_date > ? AND o.offence_date <= ? AND t.recordable
GROUP BY o.person_id
ORDER BY count(*) DESC
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = django_on_postgres(keep_in=ROOT / "var" / "bench-scoring-pg")
    import duckdb
    import polars as pl

    from tandem.core.access import today
    from tandem.core.bulk import read_frame
    from tandem.offending.models import Offence
    from tandem.selection.criteria import DEFAULT_PPO
    from tandem.selection.inputs import load_aggregates
    from tandem.selection.scoring import months_before, score_people

    if Offence.objects.count() < 900_000:
        from tandem.demo.generator import generate_city, reset_database

        print(f"building the synthetic city with {args.people:,} people (once)...", flush=True)
        reset_database()
        generate_city(people=args.people)
    as_of = today()

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        ranked = score_people(load_aggregates(as_of, DEFAULT_PPO), DEFAULT_PPO, as_of)
        timings.append(time.perf_counter() - started)
    scoring = statistics.median(timings)

    offences = read_frame(
        f"SELECT person_id, offence_type_id, offence_date FROM {Offence._meta.db_table}",  # noqa: S608
        {"person_id": pl.Int64, "offence_type_id": pl.Int64, "offence_date": pl.Date},
    )
    types = read_frame(
        "SELECT id, gravity, recordable, drug_related FROM offending_offencetype",
        {"offence_type_id": pl.Int64, "gravity": pl.Int64, "recordable": pl.Boolean,
         "drug_related": pl.Boolean},
    )  # fmt: skip
    db = duckdb.connect()
    # Hand the same rows to DuckDB through Parquet, into its own in-memory tables.
    with tempfile.TemporaryDirectory() as folder:
        for name, frame in (("offences", offences), ("types", types)):
            path = Path(folder) / f"{name}.parquet"
            frame.write_parquet(path)
            db.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{path}')")  # noqa: S608
    window = (months_before(as_of, 12), as_of)
    reference_timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        db.execute(DUCKDB_RFG, list(window)).fetchall()
        reference_timings.append(time.perf_counter() - started)
    reference = statistics.median(reference_timings)
    eligible = ranked.filter(pl.col("eligible")).height
    print(
        f"{offences.height:,} offences, {ranked.height:,} people, {eligible:,} eligible, "
        f"as of {as_of:%Y-%m-%d}; median of {args.repeat}"
    )
    ratio = scoring / reference
    print(f"scoring: {scoring:.2f} s, duckdb reference: {reference:.3f} s, ratio {ratio:.1f}")
    stop(server)


if __name__ == "__main__":
    main()
