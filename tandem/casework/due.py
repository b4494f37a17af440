"""When an assessment is due, and why: the rules as pure functions of the record.

An assessment is required within CASEWORK_ASSESSMENT_DUE_DAYS (28) of adoption into the
cohort and of the start of a sentence of CASEWORK_LONG_SENTENCE_MONTHS (12) or more, and
again by each assessment's reassessment date while either still applies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from tandem.cohort.models import Membership
from tandem.people.models import EpisodeKind, StatusEpisode

from .dates import add_months
from .models import Assessment

NOT_REQUIRED = "not_required"
UP_TO_DATE = "up_to_date"
DUE = "due"
OVERDUE = "overdue"


def sentence_is_long(episode: StatusEpisode) -> bool:
    """Whether a sentenced custody episode is a sentence of 12 months or more.

    The one place that reads a sentence's length: the length the court gave where the
    episode records it (sentence_months and sentence_days), otherwise the expected release
    less the start, which undercounts sentences served in part on licence.
    """
    if episode.kind != EpisodeKind.SENTENCED:
        return False
    threshold = add_months(episode.start_date, settings.CASEWORK_LONG_SENTENCE_MONTHS)
    months = getattr(episode, "sentence_months", None)
    days = getattr(episode, "sentence_days", None)
    if months or days:
        end = add_months(episode.start_date, months or 0) + dt.timedelta(days=days or 0)
        return end >= threshold
    return episode.expected_end_date is not None and episode.expected_end_date >= threshold


@dataclass(frozen=True)
class Trigger:
    """Something that requires an assessment, from a date."""

    since: dt.date
    reason: str
    # Read from the person's sentences (offending data), which not every reader may see.
    from_offending: bool = False


# Said instead of a reason drawn from offending data, to readers who may not read it.
OFFENDING_REASON_WITHHELD = "Another reason comes from offending data, which is withheld"


def _adopted_on(membership: Membership, spells: dict[int, Membership]) -> dt.date:
    """The start of a cohort spell, following moves between schemes and areas back to the
    first adoption (a move is not a new adoption)."""
    start, seen = membership.start_date, {membership.pk}
    earlier = spells.get(membership.moved_from_id) if membership.moved_from_id else None
    while earlier is not None and earlier.pk not in seen:
        seen.add(earlier.pk)
        start = earlier.start_date
        earlier = spells.get(earlier.moved_from_id) if earlier.moved_from_id else None
    return start


def triggers_on(
    on: dt.date, memberships: Iterable[Membership], episodes: Iterable[StatusEpisode]
) -> list[Trigger]:
    """What requires an assessment of the person on the day: adoption, a long sentence."""
    spells = {m.pk: m for m in memberships}
    found: list[Trigger] = []
    current = next((m for m in spells.values() if m.is_current_on(on)), None)
    if current is not None:
        since = _adopted_on(current, spells)
        found.append(Trigger(since, f"Adopted into the cohort on {since:%-d %B %Y}"))
    episodes = list(episodes)
    licences = [e for e in episodes if e.kind == EpisodeKind.LICENCE and e.is_open_on(on)]
    long_sentences = sorted(
        (e for e in episodes if e.start_date <= on and sentence_is_long(e)),
        key=lambda e: e.start_date,
    )
    # The latest long sentence applies while it is served, in custody or on licence after it.
    if long_sentences:
        sentence = long_sentences[-1]
        if sentence.is_open_on(on) or any(
            lic.start_date >= sentence.start_date for lic in licences
        ):
            found.append(
                Trigger(
                    sentence.start_date,
                    f"Sentenced on {sentence.start_date:%-d %B %Y} to "
                    f"{settings.CASEWORK_LONG_SENTENCE_MONTHS} months or more",
                    from_offending=True,
                )
            )
    return found


@dataclass(frozen=True)
class AssessmentDue:
    """Whether an assessment is due on a day, by when, and why."""

    state: str
    due_by: dt.date | None
    reasons: tuple[str, ...]
    latest: Assessment | None
    # Those of `reasons` read from offending data.
    offending_reasons: tuple[str, ...] = ()

    def for_reader(self, reads_offending: bool) -> AssessmentDue:
        """The same answer with the reasons the reader may see: one drawn from a sentence
        is replaced by a note that it is withheld."""
        if reads_offending or not self.offending_reasons:
            return self
        shown = tuple(r for r in self.reasons if r not in self.offending_reasons)
        return dataclasses.replace(
            self, reasons=(*shown, OFFENDING_REASON_WITHHELD), offending_reasons=()
        )

    @property
    def label(self) -> str:
        if self.state == NOT_REQUIRED:
            return "Not required"
        if self.state == UP_TO_DATE:
            return f"Up to date: reassess by {self.due_by:%-d %B %Y}"
        if self.state == DUE:
            return f"Due by {self.due_by:%-d %B %Y}"
        return f"Overdue: was due by {self.due_by:%-d %B %Y}"

    @property
    def overdue(self) -> bool:
        return self.state == OVERDUE


def assessment_due(
    on: dt.date,
    *,
    memberships: Sequence[Membership],
    episodes: Sequence[StatusEpisode],
    latest: Assessment | None,
) -> AssessmentDue:
    """The assessment status on a day from the person's cohort spells, status episodes and
    latest assessment. An assessment on or after a trigger's date meets it; one is "due"
    from the trigger (or within the due period of the reassessment date) and "overdue" the
    day after its due date."""
    window = dt.timedelta(days=settings.CASEWORK_ASSESSMENT_DUE_DAYS)
    triggers = triggers_on(on, memberships, episodes)
    if not triggers:
        return AssessmentDue(NOT_REQUIRED, None, (), latest)
    unmet = [t for t in triggers if latest is None or latest.assessed_on < t.since]
    if unmet:
        due_by = min(t.since for t in unmet) + window
        reasons = tuple(t.reason for t in unmet)
        offending = tuple(t.reason for t in unmet if t.from_offending)
        state = OVERDUE if on > due_by else DUE
        return AssessmentDue(state, due_by, reasons, latest, offending)
    assert latest is not None
    due_by = latest.reassess_by
    reasons = (f"Last assessed on {latest.assessed_on:%-d %B %Y}",)
    if on > due_by:
        state = OVERDUE
    elif due_by - on <= window:
        state = DUE
    else:
        state = UP_TO_DATE
    return AssessmentDue(state, due_by, reasons, latest)
