"""Nominations: putting a candidate forward for the area's next forum.

A nomination copies the score as it stood, so the forum sees what the nominator saw even
after later runs or criteria changes. Forums (which decide nominations) come later; until a
forum decides, a nomination stays open and can be withdrawn with a reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.cohort.selectors import members_on
from tandem.core.access import today
from tandem.core.models import Area, User
from tandem.people.models import Person

from .models import Nomination, NominationSource, NominationStatus, Score


def score_snapshot(score: Score) -> dict[str, Any]:
    """What a nomination keeps of a score: enough to explain it without the run."""
    run = score.run
    return {
        "run": run.pk,
        "as_of": run.as_of.isoformat(),
        "criteria": str(run.criteria_version),
        "rank": score.rank,
        "total": score.total,
        "above_threshold": score.above_threshold,
        "components": score.components,
    }


def latest_score(person: Person) -> Score | None:
    """The person's score in the most recent run that scored them, if any."""
    return (
        Score.objects.filter(person=person)
        .select_related("run__criteria_version__criteria_set")
        .order_by("-run__as_of", "-run__started_at")
        .first()
    )


@transaction.atomic
def nomination_create(
    *,
    actor: User,
    person: Person,
    area: Area,
    source: str,
    reason: str = "",
    score: Score | None = None,
) -> Nomination:
    """Nominate a person for the area's next forum, from the list or on local intelligence."""
    errors: dict[str, str] = {}
    if not actor.areas.filter(pk=area.pk).exists():
        errors["area"] = "You can nominate only for your own areas"
    if source == NominationSource.LIST and score is None:
        errors["score"] = "Nominate from a scoring list, or on local intelligence with a reason"
    if source == NominationSource.INTELLIGENCE and not reason.strip():
        errors["reason"] = "Say what the local intelligence is, so the forum can weigh it"
    if source not in NominationSource.values:
        errors["source"] = "Choose where the nomination comes from"
    if members_on(today()).filter(person=person).exists():
        errors["person"] = "This person is already in the cohort"
    if errors:
        raise ValidationError(errors)
    snapshot_from = score if score is not None else latest_score(person)
    nomination = Nomination(
        person=person,
        area=area,
        source=source,
        reason=reason.strip(),
        score_snapshot=score_snapshot(snapshot_from) if snapshot_from is not None else None,
        nominated_by=actor,
    )
    nomination._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        # The partial unique index is the arbiter when two people nominate at once.
        raise ValidationError(
            {"person": "This person already has a nomination awaiting the forum"}
        ) from None
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor: User, nomination: Nomination, note: str) -> Nomination:
    """Withdraw an open nomination before the forum, with a reason."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.OPEN:
        raise ValidationError({"note": "Only a nomination awaiting the forum can be withdrawn"})
    if not note.strip():
        raise ValidationError({"note": "Say why the nomination is withdrawn"})
    nomination.status = NominationStatus.WITHDRAWN
    nomination.closed_at = timezone.now()
    nomination.closed_by = actor
    nomination.closed_note = note.strip()
    nomination._history_user = actor  # type: ignore[attr-defined]
    nomination.save()
    return nomination
