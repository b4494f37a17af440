"""The import journey in Chromium, with axe on every page (tests/browser_harness.py)."""

from __future__ import annotations

import pytest

from tandem.offending.imports import import_file
from tandem.offending.models import Offence

from .files import PEOPLE_COLUMNS, csv_bytes, offence, offences_file, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_uploads_a_bad_file_then_a_good_one(cast, journey, tmp_path):
    journey.sign_in(cast.coordinator)
    page = journey.page
    page.get_by_role("link", name="Import data").click()
    page.wait_for_load_state()
    journey.check("import-form")
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    journey.check("import-form-errors")
    assert page.get_by_text("There is a problem").is_visible()

    bad = tmp_path / "offences.csv"
    bad.write_bytes(offences_file([offence(1, person_ref="NOBODY", offence_date="31/02/2025")]))
    page.get_by_label("Offences").check()
    page.get_by_label("Upload a file").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    journey.check("import-rejected")
    assert page.get_by_text("Nothing was imported").is_visible()
    assert page.get_by_role("cell", name="offence_date", exact=True).is_visible()
    assert not Offence.objects.exists()

    import_file("people", csv_bytes([person(1)], PEOPLE_COLUMNS), file_name="people.csv")
    good = tmp_path / "good.csv"
    good.write_bytes(offences_file([offence(1), offence(2)]))
    journey.visit("/import/")
    page.get_by_label("Offences").check()
    page.get_by_label("Upload a file").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    journey.check("import-complete")
    assert page.get_by_text("Import complete").is_visible()
    assert Offence.objects.count() == 2
    journey.visit("/import/")
