"""Notices: one per recipient, shown newest first, counted in the navigation until read."""

from __future__ import annotations

from django.urls import reverse

from tandem.core.models import Notice
from tandem.core.notices import notice_send, unread_count

from ..personas import signed_in_client


def test_one_notice_per_distinct_active_recipient(cast):
    cast.viewer.is_active = False
    cast.viewer.save()
    sent = notice_send(
        recipients=[cast.om, cast.om, None, cast.viewer, cast.other_om],
        subject="You are the lead offender manager",
        link="/people/1/",
    )
    assert sorted(n.recipient.username for n in sent) == ["om", "other_om"]
    assert unread_count(cast.om) == 1


def test_the_page_lists_them_and_marks_them_read(cast):
    notice_send(recipients=[cast.om], subject="Transfer to answer", body="Area B proposes it")
    client = signed_in_client(cast.om)
    home = client.get(reverse("core:home"))
    labels = [item["label"] for item in home.context["nav_items"]]
    assert "Notices (1 new)" in labels
    page = client.get(reverse("core:notices")).content.decode()
    assert "Transfer to answer" in page and "Area B proposes it" in page
    assert client.post(reverse("core:notices_read")).status_code == 302
    assert not Notice.objects.filter(read_at__isnull=True).exists()
    # Each person sees only their own.
    other = signed_in_client(cast.other_om).get(reverse("core:notices")).content.decode()
    assert "Transfer to answer" not in other
