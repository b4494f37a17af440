"""Importing drug tests: results, settings, assessments, and the person named."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.offending.imports import import_file
from tandem.offending.models import DrugTest

from .files import DRUG_TEST_COLUMNS, csv_bytes, drug_test, table_checksum

pytestmark = pytest.mark.usefixtures("people")


def _import(rows, columns=DRUG_TEST_COLUMNS, **options):
    return import_file("drug-tests", csv_bytes(rows, columns), file_name="dip.csv", **options)


def _errors(result):
    return [tuple(r) for r in result.errors.iter_rows()]


def test_drug_tests_are_written_and_re_import_changes_nothing():
    rows = [
        drug_test(1),
        drug_test(
            2,
            setting="Custody",
            opiates="negative",
            cocaine="POSITIVE",
            assessment_required="no",
            assessment_followed="",
        ),
    ]
    result = _import(rows)
    assert result.errors.height == 0 and result.counts.created == 2
    first = DrugTest.objects.get(source_ref="T-2025-00001")
    assert (first.test_date, first.setting, first.opiates, first.other) == (
        dt.date(2025, 7, 2),
        "arrest",
        "positive",
        "not_tested",
    )
    assert (first.assessment_required, first.assessment_followed) == (True, True)
    second = DrugTest.objects.get(source_ref="T-2025-00002")
    assert (second.setting, second.cocaine) == ("custody", "positive")
    assert (second.assessment_required, second.assessment_followed) == (False, None)
    assert first.person.source_ref == "P000001" and first.positive
    before = table_checksum("offending_drugtest")
    again = _import(rows)
    assert (again.counts.unchanged, table_checksum("offending_drugtest")) == (2, before)


def test_optional_columns_default_when_absent():
    columns = [c for c in DRUG_TEST_COLUMNS if not c.startswith("assessment")]
    assert _import([drug_test(1)], columns=columns).errors.height == 0
    saved = DrugTest.objects.get()
    assert (saved.assessment_required, saved.assessment_followed, saved.other_substance) == (
        False,
        None,
        "",
    )


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"setting": "street"}, "setting", "setting must be one of: arrest, custody, licence"),
        ({"opiates": "maybe"}, "opiates", "must be one of: positive, negative, not_tested"),
        ({"cocaine": ""}, "cocaine", "cocaine is blank"),
        ({"test_date": "30/02/2025"}, "test_date", "must be a real date"),
        ({"assessment_required": "y"}, "assessment_required", "must be one of: yes, no"),
        ({"assessment_followed": "perhaps"}, "assessment_followed", "must be one of: yes, no"),
        ({"person_ref": "P404"}, "person_ref", "matches no person"),
        ({"test_ref": ""}, "test_ref", "test_ref is blank"),
        (
            {"opiates": "not_tested", "cocaine": "not_tested", "other": "not_tested"},
            "opiates, cocaine, other",
            "At least one of opiates, cocaine and other must be tested",
        ),
    ],
)
def test_each_drug_test_rule(change, column, reason):
    errors = _errors(_import([drug_test(1), drug_test(2, **change)]))
    assert [(r, c) for r, c, _ in errors] == [(3, column)], errors
    assert reason in errors[0][2]
    assert not DrugTest.objects.exists()


def test_other_substance_is_kept():
    columns = [*DRUG_TEST_COLUMNS, "other_substance"]
    rows = [drug_test(1, other="positive", other_substance="Spice")]
    assert _import(rows, columns=columns).errors.height == 0
    assert DrugTest.objects.get().other_substance == "Spice"
