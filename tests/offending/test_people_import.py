"""Importing people: name keys, PNC numbers, addresses, area of residence, and history."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.access import people_for, today
from tandem.offending.imports import import_file
from tandem.offending.imports.validation import identifier_key as identifier_key_expr
from tandem.offending.imports.validation import name_key as name_key_expr
from tandem.people.models import Address, Identifier, Person
from tandem.people.names import identifier_key, name_key
from tandem.people.search import parse_query
from tandem.people.selectors import search_people

from ..factories import make_person
from .files import PEOPLE_COLUMNS, csv_bytes, person, pnc, table_checksum

TRICKY_NAMES = [
    "O'Neil", "Smith-Jones", "Zoë", "Ångström", "José María", "Łukasz", "Ægir", "straße",
    "ﬁona", "D’Arcy", "  van der  Berg ", "Nguyễn", "Ömer-Faruk", "Siân", "李", "", "X Æ A-12",
    "MacDonald", "Mc Donald", "O\u0301Brien",
]  # fmt: skip


def _vectorised(values: list[str], expr) -> list[str]:
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expr("v"))["v"].to_list()


def test_name_keys_agree_with_the_people_app():
    assert _vectorised(TRICKY_NAMES, name_key_expr) == [name_key(n) for n in TRICKY_NAMES]
    ids = ["2004/0123456A", " sc-000123 ", "Ωmega 7"]
    assert _vectorised(ids, identifier_key_expr) == [identifier_key(v) for v in ids]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=20))
def test_name_keys_agree_on_any_text(values):
    values = [v.replace("\x00", "") for v in values]
    assert _vectorised(values, name_key_expr) == [name_key(v) for v in values]


def _import(rows, columns=PEOPLE_COLUMNS, **options):
    return import_file("people", csv_bytes(rows, columns), file_name="people.csv", **options)


def _errors(result):
    return [tuple(r) for r in result.errors.iter_rows()]


@pytest.fixture
def imported(areas):
    result = _import([person(1, first_name="Zoë", last_name="O'Neil-Smith"), person(2)])
    assert result.errors.height == 0
    return Person.objects.get(source_ref="P000001")


def test_a_person_arrives_with_keys_pnc_address_and_area(imported, areas):
    p = imported
    assert (p.first_name, p.last_name, p.first_name_key, p.last_name_key) == (
        "Zoë",
        "O'Neil-Smith",
        "zoe",
        "oneilsmith",
    )
    assert (p.source_system, p.synthetic, p.residence_area) == ("NICHE", False, areas[0])
    assert p.date_of_birth == dt.date(2001, 3, 14)
    identifier = p.identifiers.get()
    assert (identifier.kind, identifier.value) == ("pnc", pnc(2004, 100001))
    assert identifier.value_key == identifier_key(identifier.value)
    address = p.addresses.get()
    assert (address.kind, address.line1, address.town, address.postcode) == (
        "home",
        "1 Example Road",
        "Synthetic City",
        "SC1 1AA",
    )
    assert (address.area, address.start_date, address.end_date) == (
        areas[0],
        dt.date(2025, 6, 1),
        None,
    )


def test_history_shows_the_import_as_the_system(imported):
    rows = list(imported.history.all())
    assert [(r.history_type, r.history_user_id) for r in rows] == [("+", None)]
    assert rows[0].residence_area_id == imported.residence_area_id
    assert Identifier.history.filter(person_id=imported.pk, history_type="+").count() == 1
    assert Address.history.filter(person_id=imported.pk, history_type="+").count() == 1


def test_the_areas_offender_manager_can_find_the_person(cast):
    _import([person(1, first_name="Mercy", last_name="Ólafsdóttir", area_code="B")])
    found = search_people(cast.other_om, parse_query("mercy olafsdottir"))  # area B
    assert [p.source_ref for p in found.people] == ["P000001"]
    assert people_for(cast.other_om).filter(source_ref="P000001").exists()
    assert not people_for(cast.om).filter(source_ref="P000001").exists()  # area A only
    by_pnc = search_people(cast.other_om, parse_query(pnc(2004, 100001).lower()))
    assert [p.source_ref for p in by_pnc.people] == ["P000001"]


def test_importing_the_same_file_again_changes_nothing(imported):
    rows = [person(1, first_name="Zoë", last_name="O'Neil-Smith"), person(2)]
    tables = [
        "people_person",
        "people_identifier",
        "people_address",
        "people_historicalperson",
        "people_historicalidentifier",
        "people_historicaladdress",
    ]
    before = {t: table_checksum(t) for t in tables}
    result = _import(rows)
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (0, 0, 2)
    assert {t: table_checksum(t) for t in tables} == before


def test_a_changed_name_updates_the_person_and_their_history(imported):
    result = _import([person(1, first_name="Zoe", last_name="Smith"), person(2)])
    assert (result.counts.created, result.counts.updated, result.counts.unchanged) == (0, 1, 1)
    imported.refresh_from_db()
    assert (imported.first_name, imported.last_name_key) == ("Zoe", "smith")
    assert [r.history_type for r in imported.history.order_by("history_id")] == ["+", "~"]


def test_a_move_ends_the_old_address_and_moves_the_area(imported, areas):
    moved = person(
        1,
        first_name="Zoë",
        last_name="O'Neil-Smith",
        address_line1="9 New Street",
        area_code="B",
        address_from="2025-10-01",
    )
    result = _import([moved, person(2)])
    assert result.counts.updated == 1
    old, new = imported.addresses.order_by("start_date")
    assert (old.line1, old.end_date) == ("1 Example Road", dt.date(2025, 9, 30))
    assert (new.line1, new.start_date, new.end_date, new.area) == (
        "9 New Street",
        dt.date(2025, 10, 1),
        None,
        areas[1],
    )
    imported.refresh_from_db()
    assert imported.residence_area == areas[1]
    assert imported.history.filter(history_type="~").get().residence_area_id == areas[1].pk


def test_an_address_without_a_date_starts_on_the_import_day(areas):
    _import([person(1, address_from="")])
    address = Address.objects.get()
    assert address.start_date == today()
    again = _import([person(1, address_from="")])
    assert again.counts.unchanged == 1


def test_a_new_pnc_corrects_the_old_one(imported):
    result = _import([person(1, first_name="Zoë", last_name="O'Neil-Smith", pnc=pnc(1999, 42))])
    assert result.counts.updated == 1
    assert imported.identifiers.get().value == "1999/0000042" + pnc(1999, 42)[-1]
    assert Identifier.history.filter(person_id=imported.pk, history_type="~").exists()


def test_a_short_pnc_is_stored_in_its_long_form(areas):
    short = [f"04/100001{pnc(2004, 100001)[-1]}", f" 85/12{pnc(1985, 12)[-1].lower()} "]
    result = _import([person(1, pnc=short[0]), person(2, pnc=short[1])])
    assert result.errors.height == 0
    values = set(Identifier.objects.values_list("value", flat=True))
    assert values == {pnc(2004, 100001), pnc(1985, 12)}


def test_a_pnc_held_by_someone_else_is_refused(areas):
    someone = make_person(area=areas[0])
    Identifier.objects.create(
        person=someone,
        kind="pnc",
        value=pnc(2004, 100001),
        value_key=identifier_key(pnc(2004, 100001)),
    )
    errors = _errors(_import([person(1)]))
    assert errors == [(2, "pnc", "pnc already belongs to another person's record in Tandem")]


def test_a_pnc_twice_in_a_file_is_refused_on_both_rows(areas):
    errors = _errors(_import([person(1), person(2, pnc=pnc(2004, 100001))]))
    assert [(r, c) for r, c, _ in errors] == [(2, "pnc"), (3, "pnc")]


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"first_name": ""}, "first_name", "first_name is blank, but it is required"),
        ({"last_name": "x" * 101}, "last_name", "100 characters or fewer"),
        ({"date_of_birth": "14/13/2001"}, "date_of_birth", "must be a real date"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "today or in the past"),
        ({"sex": "unknown"}, "sex", "sex must be one of: male, female, other, m, f"),
        ({"ethnicity": "martian"}, "ethnicity", "ethnicity must be one of"),
        ({"pnc": "12345"}, "pnc", "must be a PNC number"),
        ({"area_code": "Z"}, "area_code", "not a Tandem area code"),
        ({"area_code": ""}, "area_code", "required when an address is given"),
        ({"town": ""}, "town", "required when an address is given"),
        ({"address_line1": ""}, "address_line1", "required when an address is given"),
        ({"address_from": "2999-01-01"}, "address_from", "today or in the past"),
        ({"postcode": "SC1 1AA EXTRA"}, "postcode", "10 characters or fewer"),
        ({"person_ref": ""}, "person_ref", "person_ref is blank"),
    ],
)
def test_each_people_rule(areas, change, column, reason):
    errors = _errors(_import([person(1, **change)]))
    assert [(r, c) for r, c, _ in errors] == [(2, column)], errors
    assert reason in errors[0][2]
    assert not Person.objects.exists()


def test_no_address_at_all_is_fine(areas):
    blank = dict.fromkeys(["address_line1", "town", "postcode", "area_code", "address_from"], "")
    result = _import([person(1, sex="F", ethnicity="", **blank)])
    assert result.errors.height == 0
    saved = Person.objects.get()
    assert (saved.sex, saved.ethnicity, saved.residence_area) == ("female", "not_stated", None)
    assert not saved.addresses.exists()


def test_a_synthetic_person_imported_for_real_is_marked_real(areas):
    _import([person(1)])
    Person.objects.update(synthetic=True)
    assert _import([person(1)]).counts.updated == 1
    assert not Person.objects.get().synthetic


def test_records_made_by_hand_are_not_matched_by_reference(areas):
    make_person(area=areas[0], first_name="Hand", last_name="Made")  # no source reference
    result = _import([person(1)])
    assert result.counts.created == 1
    assert Person.objects.count() == 2
