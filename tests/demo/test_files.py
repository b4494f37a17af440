"""`tandem demo --write-files`: the city as import files in the documented format."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command, get_commands

from tandem.demo.generator import build_city, files_write, generate_city
from tandem.demo.generator.files import (
    DRUG_TEST_COLUMNS,
    FILE_NAMES,
    OFFENCE_COLUMNS,
    PEOPLE_COLUMNS,
)
from tandem.offending.catalogue import DEFAULT_OFFENCE_TYPES
from tandem.offending.models import DrugTest, Offence
from tandem.people.models import Person

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-import.md"
DAY = dt.date(2026, 3, 1)


def _documented_columns() -> dict[str, tuple[set[str], set[str]]]:
    """Per section of docs/data-import.md: (every documented column, required columns)."""
    sections: dict[str, tuple[set[str], set[str]]] = {}
    current = ""
    for line in DOCS.read_text().splitlines():
        heading = re.match(r"^## (\S+)$", line)
        if heading:
            current = heading.group(1)
            sections[current] = (set(), set())
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current and line.startswith("|") and len(cells) >= 2 and cells[0] != "column":
            names = set(re.findall(r"[a-z_0-9]+", cells[0].replace(" or ", ",")))
            sections[current][0].update(names)
            if cells[1] == "yes":
                sections[current][1].update(names)
    return sections


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("city-files")
    files_write(build_city(seed=5, people=150, years=5, as_of=DAY), directory)
    return directory


def test_files_have_the_documented_headers(written: Path) -> None:
    documented = _documented_columns()
    for name, section, columns in zip(
        FILE_NAMES,
        ("people", "offences", "drug-tests"),
        (PEOPLE_COLUMNS, OFFENCE_COLUMNS, DRUG_TEST_COLUMNS),
        strict=True,
    ):
        header = (written / name).read_text().splitlines()[0].split(",")
        every, required = documented[section]
        assert header == columns
        assert set(header) <= every, set(header) - every
        assert required <= set(header), required - set(header)


def test_files_hold_valid_values(written: Path) -> None:
    people = pl.read_csv(written / "people.csv", infer_schema=False)
    offences = pl.read_csv(written / "offences.csv", infer_schema=False)
    tests = pl.read_csv(written / "drug-tests.csv", infer_schema=False)
    assert people.height == 150
    assert set(offences["person_ref"]) <= set(people["person_ref"])
    assert set(tests["person_ref"]) <= set(people["person_ref"])
    assert set(offences["offence_code"]) <= {row[0] for row in DEFAULT_OFFENCE_TYPES}
    for frame, ref in ((people, "person_ref"), (offences, "offence_ref"), (tests, "test_ref")):
        assert frame[ref].n_unique() == frame.height
        assert set(frame["source_system"]) == {"DEMO"}
    dates = pl.concat([people["date_of_birth"], offences["offence_date"], tests["test_date"]])
    assert dates.str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert set(tests["assessment_required"]) <= {"yes", "no"}
    assert set(tests["assessment_followed"].drop_nulls()) <= {"yes", "no"}
    sanctions = offences.filter(pl.col("outcome").is_in(["convicted", "cautioned"]))
    assert sanctions["sanction_date"].null_count() == 0
    assert '""' not in (written / "people.csv").read_text()  # blank cells are bare


@pytest.mark.django_db
def test_command_writes_the_files(tmp_path: Path) -> None:
    call_command("demo", people=20, years=2, write_files=tmp_path, stdout=StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILE_NAMES)


@pytest.mark.django_db
def test_files_import_into_a_database_with_only_the_organisation(written: Path) -> None:
    """End to end: the importer accepts every row, and a second import changes nothing."""
    if "import" not in get_commands():
        pytest.skip("the importer is not installed")
    generate_city(people=0, as_of=DAY)
    kinds = ("people", "offences", "drug-tests")
    args = [item for kind, name in zip(kinds, FILE_NAMES, strict=True)
            for item in (kind, str(written / name))]  # fmt: skip
    call_command("import", *args, verbosity=0, stdout=StringIO(), stderr=StringIO())
    offences = pl.read_csv(written / "offences.csv", infer_schema=False)
    assert Person.objects.count() == 150
    assert Offence.objects.count() == offences.height
    assert DrugTest.objects.count() == pl.read_csv(written / "drug-tests.csv").height
    out = StringIO()
    call_command("import", *args, verbosity=0, stdout=out, stderr=StringIO())
    assert "0 created, 0 updated" in out.getvalue()
