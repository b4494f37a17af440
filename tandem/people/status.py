"""Current status through the justice system, derived from dated episodes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .models import EpisodeKind, StatusEpisode

# When episodes overlap, the most restrictive one is the person's status.
PRECEDENCE = [
    EpisodeKind.REMAND,
    EpisodeKind.SENTENCED,
    EpisodeKind.LICENCE,
    EpisodeKind.COMMUNITY_ORDER,
]
AT_LIBERTY = "At liberty"


@dataclass(frozen=True)
class CurrentStatus:
    label: str
    episode: StatusEpisode | None
    also: tuple[StatusEpisode, ...] = ()

    @property
    def in_custody(self) -> bool:
        return self.episode is not None and self.episode.kind in {
            EpisodeKind.REMAND,
            EpisodeKind.SENTENCED,
        }


def current_status(episodes: Iterable[StatusEpisode], on: dt.date) -> CurrentStatus:
    """The status on a day: the most restrictive open episode, or at liberty if none."""
    open_now = [e for e in episodes if e.is_open_on(on)]
    if not open_now:
        return CurrentStatus(AT_LIBERTY, None)
    open_now.sort(key=lambda e: (PRECEDENCE.index(EpisodeKind(e.kind)), -e.start_date.toordinal()))
    main, *rest = open_now
    return CurrentStatus(main.get_kind_display(), main, tuple(rest))
