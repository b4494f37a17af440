"""Signing in: password, TOTP enrolment and verification, lockout, idle timeout, demo skip."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.middleware import LAST_SEEN_KEY

from ..personas import signed_in_client

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("core:sign_in"), {"username": username, "password": password})


def test_wrong_password_gives_one_message_whatever_the_username(cast, client):
    known = _sign_in(client, "om", "wrong password here").content.decode()
    unknown = _sign_in(client, "nobody-by-that-name", "wrong password here").content.decode()
    for html in (known, unknown):
        assert "There is a problem" in html
        assert "The username or password is not correct" in html


def test_empty_form_says_what_is_missing(cast, client):
    html = client.post(reverse("core:sign_in"), {}).content.decode()
    assert "Enter your username" in html
    assert "Enter your password" in html


def test_first_sign_in_enrols_with_a_qr_code_then_verifies(cast, client):
    response = _sign_in(client, "om")
    assert response.status_code == 302
    # No confirmed device yet: the second step sends the user to set one up.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:second_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "QR code" in page
    device = TOTPDevice.objects.get(user=cast.om, confirmed=False)
    # Pages stay closed until the code is confirmed.
    assert client.get(reverse("core:home")).status_code == 302
    wrong = client.post(reverse("core:second_factor_setup"), {"code": "000000"})
    assert "The code is not correct" in wrong.content.decode() or _code(device) == "000000"
    device.refresh_from_db()
    # django-otp throttles after a failure; let it pass for this test.
    device.throttling_failure_timestamp = None
    device.throttling_failure_count = 0
    device.save()
    response = client.post(reverse("core:second_factor_setup"), {"code": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200


def test_returning_user_enters_a_code(cast, client):
    device = TOTPDevice.objects.create(user=cast.om, name="app", confirmed=True)
    _sign_in(client, "om")
    page = client.get(reverse("core:second_factor"))
    assert "Enter your security code" in page.content.decode()
    bad = client.post(reverse("core:second_factor"), {"code": "12ab"})
    assert "Enter the code as 6 digits" in bad.content.decode()
    response = client.post(
        reverse("core:second_factor"), {"code": _code(device), "next": "/people/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/people/"


def test_next_cannot_send_the_user_to_another_site(cast, client):
    device = TOTPDevice.objects.create(user=cast.om, name="app", confirmed=True)
    _sign_in(client, "om")
    response = client.post(
        reverse("core:second_factor"), {"code": _code(device), "next": "https://example.com/"}
    )
    assert response["Location"] == reverse("core:home")


def test_repeated_failures_lock_the_account(cast, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "om", "wrong password here")
    locked = _sign_in(client, "om")  # even the right password is refused now
    assert locked.status_code == 429
    assert "This account is locked for now" in locked.content.decode()
    assert "Traceback" not in locked.content.decode()
    # Another account is not affected.
    assert _sign_in(Client(), "viewer").status_code == 302


def test_idle_session_ends(cast, settings):
    client = signed_in_client(cast.om)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get(reverse("people:search"))
    assert response.status_code == 302
    assert "timed_out=1" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after" in page
    assert client.get(reverse("core:home")).status_code == 302


def test_activity_keeps_the_session_alive(cast, settings):
    client = signed_in_client(cast.om)
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT_SECONDS + 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200


def test_skip_is_refused_outside_demo_mode(cast, client):
    _sign_in(client, "om")
    page = client.get(reverse("core:second_factor_setup")).content.decode()
    assert "Skip the second factor" not in page
    client.post(reverse("core:skip_second_factor"))
    assert client.get(reverse("core:home")).status_code == 302


@override_settings(ALLOW_SKIP_SECOND_FACTOR=True, DEMO_MODE=True)
def test_demo_mode_may_skip_and_says_so(cast, client):
    _sign_in(client, "om")
    page = client.get(reverse("core:second_factor_setup")).content.decode()
    assert "Skip the second factor (demo only)" in page
    response = client.post(reverse("core:skip_second_factor"), {"next": "/"})
    assert response.status_code == 302
    home = client.get(reverse("core:home")).content.decode()
    assert "You skipped the second factor, which only demo mode allows" in home


def test_sign_out_ends_the_session(cast):
    client = signed_in_client(cast.om)
    response = client.post(reverse("core:sign_out"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_sign_out_needs_post(cast):
    client = signed_in_client(cast.om)
    assert client.get(reverse("core:sign_out")).status_code == 405


@pytest.mark.parametrize("path", ["/admin/", "/admin/core/user/"])
def test_admin_uses_tandem_sign_in(client, db, path):
    response = client.get(path, follow=True)
    assert re.search(r"Sign in to Tandem", response.content.decode())


def test_admin_is_for_administrators_only(cast):
    assert signed_in_client(cast.admin).get("/admin/").status_code == 200
    response = signed_in_client(cast.om).get("/admin/", follow=True)
    assert response.status_code == 403
    assert "You cannot use this page" in response.content.decode()
