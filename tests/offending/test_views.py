"""The web import page: who may use it, uploads good and bad, the error list and downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.offending.imports import import_file
from tandem.offending.models import ImportBatch, Offence
from tandem.people.models import Person

from ..personas import signed_in_client
from .files import OFFENCE_COLUMNS, PEOPLE_COLUMNS, csv_bytes, offence, offences_file, person

PERSONAS = ["om", "other_om", "viewer", "coordinator", "partner", "other_partner",
            "custody", "analyst", "auditor", "admin"]  # fmt: skip


def _upload(client, data: bytes, name="offences.csv", kind="offences", partial=False):
    payload = {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if partial:
        payload["partial"] = "on"
    return client.post(reverse("offending:import"), payload, follow=True)


@pytest.fixture
def coordinator(cast):
    return signed_in_client(cast.coordinator)


@pytest.fixture
def batch(cast):
    data = offences_file([offence(1, person_ref="NOBODY")])
    return import_file("offences", data, file_name="o.csv").batch


def test_only_coordinators_may_import(cast, batch):
    urls = [
        reverse("offending:import"),
        reverse("offending:batch", args=[batch.pk]),
        reverse("offending:batch_errors", args=[batch.pk]),
    ]
    for persona in PERSONAS:
        client = signed_in_client(cast.personas()[persona])
        for url in urls:
            expected = 200 if persona == "coordinator" else 403
            assert client.get(url).status_code == expected, (persona, url)
        post = _upload(client, offences_file([offence(1)]))
        assert post.status_code == (200 if persona == "coordinator" else 403), persona


def test_anonymous_visitors_are_sent_to_sign_in(cast, batch):
    client = Client()
    for url in [reverse("offending:import"), reverse("offending:batch", args=[batch.pk])]:
        response = client.get(url, follow=True)
        assert response.request["PATH_INFO"] == reverse("core:sign_in")
    response = client.post(reverse("offending:import"), {})
    assert response.status_code == 302
    assert not ImportBatch.objects.exclude(pk=batch.pk).exists()


def test_the_page_has_a_labelled_form_and_a_link_from_home(coordinator):
    html = coordinator.get(reverse("offending:import")).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label class="govuk-label govuk-label--s" for="id_file">Upload a file</label>' in html
    assert 'type="file"' in html and 'class="govuk-file-upload"' in html
    assert "Write the valid rows and reject the others" in html
    assert 'type="radio"' in html and "Drug tests" in html
    home = coordinator.get(reverse("core:home")).content.decode()
    assert ">Import data<" in home  # among the coordinator's tools


def test_others_do_not_see_the_link(cast):
    html = signed_in_client(cast.om).get(reverse("core:home")).content.decode()
    assert ">Import data<" not in html


def test_a_bad_file_shows_every_error_and_writes_nothing(cast, coordinator):
    rows = [offence(i, person_ref="P000001") for i in range(1, 11)]
    rows[2]["offence_date"] = "31/02/2025"
    rows[6]["outcome"] = "guilty"
    _people(cast)
    response = _upload(coordinator, offences_file(rows))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert "offence_date must be a real date" in html
    assert "outcome must be one of" in html
    assert html.count('<tr class="govuk-table__row">') == 3  # header and two errors
    assert not Offence.objects.exists()
    batch = ImportBatch.objects.get(kind="offences")
    assert (batch.actor, batch.rejected, batch.created) == (cast.coordinator, 2, 0)


def _people(cast):
    import_file("people", csv_bytes([person(1)], PEOPLE_COLUMNS), file_name="p.csv")


def test_a_good_file_is_imported_with_the_coordinator_in_the_history(cast, coordinator):
    response = _upload(coordinator, csv_bytes([person(1)], PEOPLE_COLUMNS), kind="people")
    assert "Import complete" in response.content.decode()
    imported = Person.objects.get(source_ref="P000001")
    assert imported.history.get().history_user == cast.coordinator


def test_partial_upload_writes_the_valid_rows(cast, coordinator):
    _people(cast)
    rows = [offence(1), offence(2, outcome="guilty")]
    html = _upload(coordinator, offences_file(rows), partial=True).content.decode()
    assert "Valid rows imported" in html
    assert Offence.objects.count() == 1


def test_whole_file_problems_are_form_errors(coordinator):
    response = _upload(coordinator, b"source_system\nNICHE\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "missing required columns" in html
    assert "<title>Error: Import data" in html
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"kind": "offences"}, "Select a CSV or XLSX file"),
        ({"file": SimpleUploadedFile("o.csv", b"a\n1\n")}, "Select what the file holds"),
        (
            {"kind": "offences", "file": SimpleUploadedFile("o.pdf", b"%PDF")},
            "must be a CSV or XLSX file",
        ),
        (
            {"kind": "offences", "file": SimpleUploadedFile("o.csv", b"")},
            "The selected file is empty",
        ),
    ],
)
def test_form_errors(coordinator, payload, message):
    response = coordinator.post(reverse("offending:import"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_size_limit_has_a_clear_message(coordinator, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = offences_file([offence(i) for i in range(20000)])
    assert len(big) > 1024 * 1024
    response = _upload(coordinator, big)
    assert response.status_code == 400
    assert "The selected file must be smaller than 1 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_page_lists_500_errors_and_the_download_has_them_all(cast, coordinator):
    rows = [offence(i, person_ref="NOBODY") for i in range(600)]
    batch = import_file("offences", offences_file(rows), file_name="o.csv").batch
    html = coordinator.get(reverse("offending:batch", args=[batch.pk])).content.decode()
    assert "The first 500 of 600 errors are shown." in html
    assert html.count("matches no person") == 500
    download = coordinator.get(reverse("offending:batch_errors", args=[batch.pk]))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    lines = download.content.decode().splitlines()
    assert lines[0] == "row,column,reason" and len(lines) == 601
    assert lines[1].startswith("2,person_ref,")


def test_unknown_batches_are_404(coordinator):
    assert coordinator.get(reverse("offending:batch", args=[999999])).status_code == 404


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_page_queries_do_not_grow_with_batches(cast, coordinator):
    import_file("offences", offences_file([offence(1, person_ref="X")]), file_name="o.csv")
    few = _queries(coordinator, reverse("offending:import"))
    for i in range(30):
        import_file("offences", offences_file([offence(i, person_ref="X")]), file_name=f"{i}.csv")
    assert _queries(coordinator, reverse("offending:import")) == few
    assert few <= 10
    batch = ImportBatch.objects.get(file_name="0.csv")
    assert _queries(coordinator, reverse("offending:batch", args=[batch.pk])) <= 10


def test_batch_list_does_not_load_error_files(cast, coordinator):
    import_file("offences", offences_file([offence(1, person_ref="X")]), file_name="o.csv")
    with CaptureQueriesContext(connection) as captured:
        coordinator.get(reverse("offending:import"))
    listing = [q["sql"] for q in captured.captured_queries if "offending_importbatch" in q["sql"]]
    assert listing and all("error_file" not in sql for sql in listing)


def test_xlsx_upload(cast, coordinator):
    import openpyxl

    _people(cast)
    workbook = openpyxl.Workbook()
    workbook.active.append(OFFENCE_COLUMNS)
    workbook.active.append(list(offence(1).values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    html = _upload(coordinator, buffer.getvalue(), name="o.xlsx").content.decode()
    assert "Import complete" in html
    assert Offence.objects.count() == 1


def test_done_when_three_bad_rows_among_ten_thousand(cast, coordinator):
    """Issue 3's check, as a coordinator would do it: see the three, fix them, import twice."""
    _people(cast)
    rows = [offence(i) for i in range(10_000)]
    bad = {
        101: ("offence_date", "31/02/2025"),
        5002: ("outcome", "guilty"),
        9999: ("area_code", "Q"),
    }
    fixed = {index: rows[index][column] for index, (column, _) in bad.items()}
    for index, (column, value) in bad.items():
        rows[index][column] = value
    html = _upload(coordinator, offences_file(rows)).content.decode()
    assert "Nothing was imported" in html
    assert "3 of 10000 rows have errors" in html
    for index, (column, _) in bad.items():
        assert f'numeric">{index + 2}</td>' in html and f">{column}</td>" in html
    assert html.count('<tr class="govuk-table__row">') == 4
    assert not Offence.objects.exists()
    for index, (column, _) in bad.items():
        rows[index][column] = fixed[index]
    assert "Import complete" in _upload(coordinator, offences_file(rows)).content.decode()
    assert Offence.objects.count() == 10_000
    html = _upload(coordinator, offences_file(rows)).content.decode()
    batch = ImportBatch.objects.first()
    assert batch is not None and (batch.created, batch.updated, batch.unchanged) == (0, 0, 10_000)
    assert 'Rows already up to date</dt><dd class="govuk-summary-list__value">10000' in html
