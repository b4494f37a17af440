"""The forum agenda's "not engaging" item: members missing appointments, with an
enforcement flag waiting, or closed as disengaged by a service lately."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tandem.appointments.models import Appointment, Attendance
from tandem.casework.pathways import Pathway
from tandem.forums import services
from tandem.forums.models import AgendaItem, ItemKind
from tandem.referrals.models import PartnerService
from tandem.referrals.services import referral_create, referral_step

from ..cohort.test_membership import adopt


def _missed(cast, days_ago: int) -> None:
    starts = timezone.now() - dt.timedelta(days=days_ago)
    appointment = Appointment.objects.create(
        person=cast.person, agency=cast.om.agency, worker=cast.om, kind="supervision",
        place="Office", area=cast.area_a, starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1), enforceable=True,
    )  # fmt: skip
    Attendance.objects.create(
        appointment=appointment, outcome="failed_to_attend", recorded_by=cast.om,
        recorded_agency=cast.om.agency, recorded_at=starts + dt.timedelta(hours=2),
    )  # fmt: skip


def _items(cast, meeting) -> list[AgendaItem]:
    services.agenda_build(actor=cast.coordinator, meeting=meeting)
    return list(AgendaItem.objects.filter(meeting=meeting, kind=ItemKind.NOT_ENGAGING))


def test_two_missed_appointments_put_a_member_on_the_agenda(cast, meeting):
    adopt(cast, start_date=timezone.localdate() - dt.timedelta(days=100))
    _missed(cast, 20)
    assert _items(cast, meeting) == []  # one miss is not a pattern
    _missed(cast, 6)
    (item,) = _items(cast, meeting)
    assert item.person == cast.person and item.detail["missed"] == 2
    assert _items(cast, meeting) == [item]  # building again adds nothing


def test_a_service_closing_the_work_as_disengaged_puts_a_member_on_the_agenda(cast, meeting):
    adopt(cast, start_date=timezone.localdate() - dt.timedelta(days=100))
    service = PartnerService.objects.create(
        agency=cast.other_partner.agency, name="Housing options", contact="0100",
        pathways=[Pathway.ACCOMMODATION], offer="Tenancies",
    )  # fmt: skip
    service.areas.set([cast.area_a])
    referral = referral_create(actor=cast.om, person=cast.person, service=service,
                               pathway=Pathway.ACCOMMODATION, reason="Homeless")  # fmt: skip
    referral = referral_step(actor=cast.om, referral=referral, step="send")
    referral = referral_step(actor=cast.other_partner, referral=referral, step="accept")
    referral_step(actor=cast.other_partner, referral=referral, step="disengage",
                  reason="Missed three viewings")  # fmt: skip
    (item,) = _items(cast, meeting)
    assert item.detail["disengaged_from"] == ["Housing options"]
