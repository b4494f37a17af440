"""Which area is responsible for a person, and why: explicit rules, applied in order.

1. In custody (an open remand or sentenced episode): the area of the intended release
   address; with none recorded, the area of the last residence.
2. No fixed abode: the area of the most recent recorded offence.
3. Otherwise: the area of the current residence.

When a rule has nothing to go on, the next one applies (a person in custody with no address
falls to their offending; someone with no current address to their last one, then their
offending), so an area is named whenever Tandem holds any address or offence. The study
found areas arguing over people who live in one area, offend in another and leave prison to
a third; the reason is shown beside the area so the argument starts from the same facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from tandem.core.models import Area

from .models import CUSTODY_KINDS, Address, Person, ResponsibilityRule, StatusEpisode

RESIDENTIAL_KINDS = (Address.Kind.HOME, Address.Kind.HOSTEL, Address.Kind.TEMPORARY)


@dataclass(frozen=True)
class Responsibility:
    area: Area | None
    rule: ResponsibilityRule
    reason: str

    @property
    def area_id(self) -> int | None:
        return self.area.pk if self.area is not None else None


def _latest(addresses: Iterable[Address]) -> Address | None:
    return max(addresses, key=lambda a: (a.start_date, a.pk or 0), default=None)


def decide(
    *,
    on: dt.date,
    no_fixed_abode: bool,
    episodes: Iterable[StatusEpisode],
    addresses: Iterable[Address],
    latest_offence_area: Area | None = None,
    latest_offence_date: dt.date | None = None,
) -> Responsibility:
    """The responsible area on a day, by the rules above, with the reason in words.

    Pure: give it the person's episodes, addresses (with their areas) and most recent
    offence; it reads nothing from the database.
    """
    addresses = list(addresses)
    in_custody = any(e.kind in CUSTODY_KINDS and e.is_open_on(on) for e in episodes)
    residential = [a for a in addresses if a.kind in RESIDENTIAL_KINDS and a.start_date <= on]
    last_residence = _latest(residential)

    def by_offence(prefix: str) -> Responsibility | None:
        if latest_offence_area is None:
            return None
        when = f" on {latest_offence_date:%-d %B %Y}" if latest_offence_date else ""
        return Responsibility(
            latest_offence_area,
            ResponsibilityRule.NO_FIXED_ABODE,
            f"{prefix}: the most recent recorded offence{when} was in {latest_offence_area.name}",
        )

    if in_custody:
        release = _latest(
            a
            for a in addresses
            if a.kind == Address.Kind.INTENDED_RELEASE and (a.end_date is None or a.end_date >= on)
        )
        if release is not None:
            return Responsibility(
                release.area,
                ResponsibilityRule.RELEASE_ADDRESS,
                f"In custody: the intended release address is in {release.area.name}",
            )
        if last_residence is not None:
            return Responsibility(
                last_residence.area,
                ResponsibilityRule.LAST_RESIDENCE,
                "In custody with no intended release address recorded: the last residence "
                f"was in {last_residence.area.name}",
            )
        found = by_offence("In custody with no address recorded")
        if found is not None:
            return found
    if no_fixed_abode:
        found = by_offence("No fixed abode")
        if found is not None:
            return found
    current = _latest(a for a in residential if a.is_current_on(on))
    if current is not None and not no_fixed_abode:
        return Responsibility(
            current.area, ResponsibilityRule.RESIDENCE, f"Lives in {current.area.name}"
        )
    if last_residence is not None:
        return Responsibility(
            last_residence.area,
            ResponsibilityRule.LAST_RESIDENCE,
            f"No current address recorded: the last residence was in {last_residence.area.name}",
        )
    found = by_offence("No address recorded")
    if found is not None:
        return found
    return Responsibility(
        None, ResponsibilityRule.NOT_KNOWN, "Not known: no address or offence is recorded"
    )


def responsibilities(person_ids: Iterable[int], on: dt.date) -> dict[int, Responsibility]:
    """Each person's responsible area and reason on a day, in four queries however many."""
    from tandem.offending.models import Offence

    ids = list(person_ids)
    latest = Offence.objects.filter(person=OuterRef("pk"), offence_date__lte=on).order_by(
        "-offence_date", "-id"
    )
    people = list(
        Person.objects.filter(pk__in=ids)
        .annotate(
            offence_area_id=Subquery(latest.values("area_id")[:1]),
            offence_date=Subquery(latest.values("offence_date")[:1]),
        )
        .values_list("pk", "no_fixed_abode", "offence_area_id", "offence_date")
    )
    episodes: dict[int, list[StatusEpisode]] = defaultdict(list)
    for episode in StatusEpisode.objects.filter(
        person_id__in=ids, kind__in=list(CUSTODY_KINDS), start_date__lte=on
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=on)):
        episodes[episode.person_id].append(episode)
    addresses: dict[int, list[Address]] = defaultdict(list)
    for address in Address.objects.filter(
        person_id__in=ids, kind__in=[*RESIDENTIAL_KINDS, Address.Kind.INTENDED_RELEASE]
    ).select_related("area"):
        addresses[address.person_id].append(address)
    areas = Area.objects.in_bulk({row[2] for row in people if row[2] is not None})
    return {
        pk: decide(
            on=on,
            no_fixed_abode=nfa,
            episodes=episodes[pk],
            addresses=addresses[pk],
            latest_offence_area=areas.get(area_id) if area_id is not None else None,
            latest_offence_date=offence_date,
        )
        for pk, nfa, area_id, offence_date in people
    }
