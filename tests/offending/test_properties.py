"""Property tests: whatever lands in a cell, validation never crashes, never writes a bad
row, and reports each bad cell where it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tandem.core.access import today
from tandem.offending.imports import FileProblem, import_file
from tandem.offending.models import Disposal, DrugTest, Offence, OffenceType, Outcome
from tandem.people.models import Person

from .files import (
    DRUG_TEST_COLUMNS,
    OFFENCE_COLUMNS,
    PEOPLE_COLUMNS,
    csv_bytes,
    offence,
    offences_file,
    person,
)

DATE_COLUMNS = ("offence_date", "sanction_date")
CODE_COLUMNS = ("offence_code", "area_code", "outcome", "disposal")
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _is_real_date(text: str) -> bool:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        return dt.date(1900, 1, 1) <= day <= today()
    return False


def _known(column: str) -> set[str]:
    if column == "offence_code":
        codes = OffenceType.objects.values_list("code", "home_office_code")
        return {c.lower() for pair in codes for c in pair if c}
    if column == "outcome":
        return set(Outcome.values)
    if column == "disposal":
        return set(Disposal.values)
    return {"a", "b"}


garbage = st.text(max_size=40).filter(lambda t: t.strip() != "")
cells = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(DATE_COLUMNS + CODE_COLUMNS), garbage),
    min_size=1,
    max_size=6,
    unique_by=lambda c: (c[0], c[1]),
)


@HYPOTHESIS
@given(cells=cells)
def test_garbage_in_dates_and_codes_is_always_an_error_on_that_cell(people, cells):
    rows = [offence(i) for i in range(5)]
    for index, column, text in cells:
        if column in DATE_COLUMNS:
            assume(not _is_real_date(text))
        else:
            assume(text.strip().lower() not in _known(column))
        rows[index][column] = text
    result = import_file("offences", offences_file(rows), file_name="o.csv")
    found = {(row, column) for row, column, _ in result.errors.iter_rows()}
    assert {(index + 2, column) for index, column, _ in cells} <= found
    assert not result.written
    assert not Offence.objects.exists()


COLUMNS = {
    "people": [*PEOPLE_COLUMNS, "middle_names", "address_line2"],
    "offences": [*OFFENCE_COLUMNS, "pnc"],
    "drug-tests": [*DRUG_TEST_COLUMNS, "pnc", "other_substance"],
}
MODELS: dict[str, Any] = {"people": Person, "offences": Offence, "drug-tests": DrugTest}


@HYPOTHESIS
@given(
    kind=st.sampled_from(list(COLUMNS)),
    rows=st.lists(st.lists(st.text(max_size=12), min_size=15, max_size=15), max_size=6),
)
def test_any_cells_at_all_never_crash(people, kind, rows):
    columns = COLUMNS[kind]
    data = csv_bytes((dict(zip(columns, row, strict=False)) for row in rows), columns)
    model = MODELS[kind]
    before = model.objects.count()
    try:
        result = import_file(kind, data, file_name="any.csv", partial=True)
    except FileProblem as problem:  # no data rows, say
        assert problem.message
        return
    written = result.counts.created
    assert model.objects.count() == before + written
    assert result.rejected + written + result.counts.updated + result.counts.unchanged == (
        result.rows
    )


@HYPOTHESIS
@given(st.binary(max_size=300))
def test_any_bytes_at_all_never_crash(db, data):
    try:
        result = import_file("offences", data, file_name="o.csv")
    except FileProblem as problem:
        assert problem.message
    else:
        assert not result.written or result.rejected == 0


def _stripped(text: str) -> str:
    return pl.Series([text]).str.strip_chars()[0]


names = (
    st.text(max_size=30).map(lambda t: t.replace("\x00", "")).filter(lambda t: _stripped(t) != "")
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=names, last=names, ref=names)
def test_any_real_text_is_stored_exactly_and_re_imports_unchanged(areas, first, last, ref):
    row = person(1, first_name=first, last_name=last, person_ref=ref[:100], pnc="")
    data = csv_bytes([row], PEOPLE_COLUMNS)
    result = import_file("people", data, file_name="p.csv")
    assert result.errors.height == 0, result.errors.rows()
    saved = Person.objects.get(source_ref=_stripped(ref[:100]))
    assert (saved.first_name, saved.last_name) == (_stripped(first), _stripped(last))
    assert import_file("people", data, file_name="p.csv").counts.unchanged == 1
