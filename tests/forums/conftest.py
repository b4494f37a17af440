"""A forum in area A with the cast's agencies invited, held today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tandem.core.models import Agency
from tandem.forums import services
from tandem.forums.models import Meeting


@pytest.fixture
def meeting(cast) -> Meeting:
    for agency in Agency.objects.all():
        agency.areas.add(cast.area_a, cast.area_b)
    starts = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(area=cast.area_a, starts_at=starts, place="Room 1")
    services.invite_agencies(meeting)
    return meeting


@pytest.fixture
def later_meeting(cast, meeting) -> Meeting:
    starts = meeting.starts_at + dt.timedelta(days=14)
    later = Meeting.objects.create(area=cast.area_a, starts_at=starts, place="Room 1")
    services.invite_agencies(later)
    return later
