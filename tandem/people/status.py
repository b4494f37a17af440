"""Current status through the justice system, derived from dated episodes, and the next
key date (expected release, licence or order end, or the next review)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .models import CUSTODY_KINDS, EpisodeKind, Monitoring, StatusEpisode

# When episodes overlap, the most restrictive one is the person's status.
PRECEDENCE = [
    EpisodeKind.REMAND,
    EpisodeKind.SENTENCED,
    EpisodeKind.LICENCE,
    EpisodeKind.COMMUNITY_ORDER,
]
AT_LIBERTY = "At liberty"

# What the expected end of each kind of episode means, for the "next key date".
END_LABELS = {
    EpisodeKind.REMAND: "Expected release",
    EpisodeKind.SENTENCED: "Expected release",
    EpisodeKind.LICENCE: "Licence ends",
    EpisodeKind.COMMUNITY_ORDER: "Order ends",
}


@dataclass(frozen=True)
class KeyDate:
    date: dt.date
    label: str


@dataclass(frozen=True)
class CurrentStatus:
    label: str
    episode: StatusEpisode | None
    also: tuple[StatusEpisode, ...] = ()
    # At liberty only: the monitoring level current on the day, if one is recorded.
    monitoring: Monitoring | None = None
    next_key_date: KeyDate | None = None

    @property
    def in_custody(self) -> bool:
        return self.episode is not None and self.episode.kind in CUSTODY_KINDS

    @property
    def at_liberty(self) -> bool:
        return self.episode is None


def _key_dates(episodes: Iterable[StatusEpisode], on: dt.date) -> list[KeyDate]:
    dates = []
    for e in episodes:
        if e.expected_end_date is not None and e.expected_end_date >= on:
            dates.append(KeyDate(e.expected_end_date, END_LABELS[EpisodeKind(e.kind)]))
        if e.next_review_date is not None and e.next_review_date >= on:
            dates.append(KeyDate(e.next_review_date, f"{e.get_kind_display()}: next review"))
    return dates


def current_status(
    episodes: Iterable[StatusEpisode],
    on: dt.date,
    monitoring: Iterable[Monitoring] = (),
) -> CurrentStatus:
    """The status on a day: the most restrictive open episode, or at liberty if none.

    The next key date is the earliest date still to come among the open episodes' expected
    ends and reviews (or, at liberty, the monitoring review).
    """
    open_now = [e for e in episodes if e.is_open_on(on)]
    if not open_now:
        level = max(
            (m for m in monitoring if m.is_current_on(on)),
            key=lambda m: (m.start_date, m.pk or 0),
            default=None,
        )
        key = None
        if level is not None and level.review_date is not None and level.review_date >= on:
            key = KeyDate(level.review_date, "Monitoring review")
        return CurrentStatus(AT_LIBERTY, None, monitoring=level, next_key_date=key)
    open_now.sort(key=lambda e: (PRECEDENCE.index(EpisodeKind(e.kind)), -e.start_date.toordinal()))
    main, *rest = open_now
    dates = _key_dates(open_now, on)
    key = min(dates, key=lambda k: k.date) if dates else None
    return CurrentStatus(main.get_kind_display(), main, tuple(rest), next_key_date=key)
