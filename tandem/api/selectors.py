"""Reads for the custody-suite check: finding the person, and the little the check may say.

The check answers one question (is this person a PPO, and who do I call?) for people whose
records custody officers cannot open. So it reads only identity keys to find the person,
and only cohort membership, the lead offender manager and the coordinator's instruction to
answer: never status, offending, addresses or risk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core import signing
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects

from tandem.casework.models import AllocationRole
from tandem.cohort.models import Membership
from tandem.core.access import today
from tandem.core.models import Agency, AgencyKind, Area, User
from tandem.people.models import Alias, Identifier, IdentifierKind, Person
from tandem.people.names import identifier_key, name_key

from .models import CheckStatus, CustodyInstruction

# Someone who left the cohort this recently is still worth a call to the PPO team: their
# offender manager may still be working the exit, and a relapse is likeliest soon after.
RECENT_EXIT_DAYS = 90
# Enough for a busy custody desk to read through; more means the details need a second look.
CANDIDATE_LIMIT = 10
# A candidate reference works for the officer it was offered to, for this long.
CANDIDATE_REFERENCE_SECONDS = 30 * 60
_REFERENCE_SALT = "tandem.api.custody-candidate"


@dataclass(frozen=True)
class CheckQuery:
    """What the officer typed: a PNC number, or a name and date of birth (or both)."""

    pnc: str = ""
    first_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None

    @property
    def pnc_key(self) -> str:
        return identifier_key(self.pnc)

    @property
    def has_name(self) -> bool:
        return bool(name_key(self.first_name) and name_key(self.last_name) and self.date_of_birth)


@dataclass(frozen=True)
class Match:
    """One person found exactly, or candidates for the officer to choose from, or neither."""

    person: Person | None = None
    candidates: list[Person] = field(default_factory=list)


def person_match(query: CheckQuery) -> Match:
    """Find the person: exact PNC, else exact name and date of birth; else near matches.

    A near match is never returned as the person: spelling, a swapped name or a date of
    birth one slip away are offered as candidates, because guessing would tell an officer
    the wrong person is (or is not) a PPO.
    """
    if query.pnc_key:
        identifier = (
            Identifier.objects.filter(kind=IdentifierKind.PNC, value_key=query.pnc_key)
            .select_related("person")
            .first()
        )
        if identifier is not None:
            return Match(person=identifier.person)
    if not query.has_name:
        return Match()
    return _match_by_name(query)


def _first_keys(first_name: str) -> set[str]:
    """Keys for the first name as typed and for its first word ("Jordan Lee" is Jordan)."""
    words = first_name.split()
    return {k for k in (name_key(first_name), name_key(words[0]) if words else "") if k}


def _name_pairs(person: Person) -> list[tuple[str, str]]:
    """(first, last) name keys of the person and of every alias."""
    pairs = [(person.first_name_key, person.last_name_key)]
    pairs += [(a.first_name_key, a.last_name_key) for a in person.aliases.all()]
    return pairs


def _exact(firsts: set[str], last: str, pairs: list[tuple[str, str]]) -> bool:
    # Names in either order: custody records often swap forename and surname.
    return any(
        (first in firsts and surname == last) or (surname in firsts and first == last)
        for first, surname in pairs
        if first
    )


def _distance(a: str, b: str) -> int:
    """Edits between two keys (insert, delete, substitute, swap two neighbours)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _similar(a: str, b: str) -> bool:
    """Spelling variants: one slip in a short name, two in a longer one, or a short form."""
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True  # Jon and Jonathan, Smith and Smithson
    return _distance(a, b) <= (1 if max(len(a), len(b)) <= 5 else 2)


def _near(firsts: set[str], last: str, pairs: list[tuple[str, str]]) -> bool:
    for first, surname in pairs:
        if not first:
            if surname == last:  # an alias recorded as a surname only
                return True
            continue
        if any(_similar(f, first) for f in firsts) and _similar(last, surname):
            return True
        if any(_similar(f, surname) for f in firsts) and _similar(last, first):
            return True
        if surname == last and any(f[0] == first[0] for f in firsts):
            return True  # the same surname and initial
    return False


def dates_of_birth_near(born: dt.date) -> set[dt.date]:
    """Dates one slip away: day and month swapped, or one digit of dd/mm/yyyy different."""
    near: set[dt.date] = set()
    if born.day <= 12:
        with contextlib.suppress(ValueError):
            near.add(dt.date(born.year, born.day, born.month))
    typed = f"{born:%d%m%Y}"
    for position in range(len(typed)):
        for digit in "0123456789":
            changed = typed[:position] + digit + typed[position + 1 :]
            try:
                near.add(dt.date(int(changed[4:]), int(changed[2:4]), int(changed[:2])))
            except ValueError:
                continue
    near.discard(born)
    latest = today()
    return {d for d in near if d <= latest}


def _match_by_name(query: CheckQuery) -> Match:
    assert query.date_of_birth is not None
    firsts = _first_keys(query.first_name)
    last = name_key(query.last_name)
    # Everyone born that day is a handful of people even at a million records, so the
    # name comparison (aliases too) happens here rather than in SQL.
    same_day = list(Person.objects.filter(date_of_birth=query.date_of_birth).order_by("pk"))
    primary = [p for p in same_day if _exact(firsts, last, [(p.first_name_key, p.last_name_key)])]
    if len(primary) == 1:
        return Match(person=primary[0])  # the usual case: no need to read the aliases
    prefetch_related_objects(same_day, "aliases")
    exact = [p for p in same_day if _exact(firsts, last, _name_pairs(p))]
    if len(exact) == 1:
        return Match(person=exact[0])
    near = [p for p in same_day if p not in exact and _near(firsts, last, _name_pairs(p))]
    names = Q(last_name_key=last, first_name_key__in=firsts) | Q(
        first_name_key=last, last_name_key__in=firsts
    )
    aliases = Alias.objects.filter(person=OuterRef("pk")).filter(names)
    other_days = list(
        Person.objects.filter(date_of_birth__in=dates_of_birth_near(query.date_of_birth))
        .filter(names | Q(Exists(aliases)))
        .order_by("date_of_birth", "pk")[:CANDIDATE_LIMIT]
    )
    # Several exact matches (the same name and birthday) are candidates too: never a guess.
    return Match(candidates=[*exact, *near, *other_days][:CANDIDATE_LIMIT])


def candidate_reference(actor: User, person: Person) -> str:
    """An opaque, signed reference to a candidate, good for this officer for half an hour."""
    return signing.dumps({"p": person.pk, "u": actor.pk}, salt=_REFERENCE_SALT, compress=True)


def candidate_person(actor: User, reference: str) -> Person | None:
    """The candidate a reference names, if it was offered to this officer and is fresh."""
    try:
        value = signing.loads(reference, salt=_REFERENCE_SALT, max_age=CANDIDATE_REFERENCE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("u") != actor.pk:
        return None
    person_id = value.get("p")
    if not isinstance(person_id, int):
        return None
    return Person.objects.filter(pk=person_id).first()


@dataclass(frozen=True)
class Contact:
    """Who to call: the lead offender manager, or the PPO coordination team if none."""

    role: str
    name: str
    job_title: str
    agency: str
    phone: str
    email: str


@dataclass(frozen=True)
class Candidate:
    reference: str
    name: str
    date_of_birth: dt.date


@dataclass(frozen=True)
class CheckAnswer:
    """Everything the check discloses; the API and the page show exactly this."""

    status: str
    summary: str
    purpose: str
    checked_at: dt.datetime
    name: str = ""
    date_of_birth: dt.date | None = None
    scheme: str = ""
    strand: str = ""
    left_cohort_on: dt.date | None = None
    contact: Contact | None = None
    instruction: str = ""
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def is_ppo(self) -> bool:
        return self.status == CheckStatus.PPO

    def as_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready values (dates as ISO 8601), one shape for every status."""
        identified = self.status in {CheckStatus.PPO, CheckStatus.FORMER_PPO}
        return {
            "status": self.status,
            "summary": self.summary,
            "purpose": self.purpose,
            "checked_at": self.checked_at.isoformat(),
            "person": {
                "name": self.name,
                "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            }
            if identified
            else None,
            "scheme": self.scheme or None,
            "strand": self.strand or None,
            "left_cohort_on": self.left_cohort_on.isoformat() if self.left_cohort_on else None,
            "contact": asdict(self.contact) if self.contact else None,
            "instruction": self.instruction or None,
            "candidates": [
                {
                    "reference": c.reference,
                    "name": c.name,
                    "date_of_birth": c.date_of_birth.isoformat(),
                }
                for c in self.candidates
            ],
        }


# One query for everything the answer needs besides the person: their recent spells in the
# cohort, each with its scheme, its area's own and the partnership-wide instruction, and the
# person's open lead allocation with the worker and agency. The check runs under load at a
# custody desk, and three or four ORM queries cost several times this one (docs/performance.md).
# Every join is to at most one row: one open lead per person, one instruction per area and
# one default per partnership (all enforced by unique constraints). Portable SQL: the demo
# runs on SQLite.
_FACTS_SQL = """
SELECT m.id, m.person_id, m.area_id, m.scheme_id, m.strand, m.start_date, m.end_date,
       s.name AS scheme_name, a.partnership_id AS partnership_id,
       w.first_name AS lead_first_name, w.last_name AS lead_last_name,
       w.username AS lead_username, w.job_title AS lead_job_title, w.phone AS lead_phone,
       w.email AS lead_email, ag.name AS lead_agency, ag.contact AS lead_agency_contact,
       ai.text AS area_instruction, di.text AS default_instruction
FROM cohort_membership m
JOIN cohort_scheme s ON s.id = m.scheme_id
JOIN core_area a ON a.id = m.area_id
LEFT JOIN casework_allocation l
  ON l.person_id = m.person_id AND l.role = %s AND l.end_date IS NULL
LEFT JOIN core_user w ON w.id = l.worker_id
LEFT JOIN core_agency ag ON ag.id = l.agency_id
LEFT JOIN api_custodyinstruction ai ON ai.area_id = m.area_id
LEFT JOIN api_custodyinstruction di
  ON di.partnership_id = a.partnership_id AND di.area_id IS NULL
WHERE m.person_id = %s AND m.start_date <= %s AND (m.end_date IS NULL OR m.end_date >= %s)
"""


def _cohort_facts(person: Person, on: dt.date) -> Membership | None:
    """The person's current membership, else the one they left within RECENT_EXIT_DAYS,
    carrying the scheme name, the instructions and the lead as attributes."""
    recent = on - dt.timedelta(days=RECENT_EXIT_DAYS)
    spells = list(Membership.objects.raw(_FACTS_SQL, [AllocationRole.LEAD, person.pk, on, recent]))
    current = [m for m in spells if m.is_current_on(on)]
    if current:
        return current[0]
    return max(spells, key=lambda m: (m.end_date, m.pk), default=None)


def _contact(facts: Any, *, current: bool) -> Contact | None:
    if current and facts.lead_username:
        return Contact(
            role="Lead offender manager",
            name=f"{facts.lead_first_name} {facts.lead_last_name}".strip() or facts.lead_username,
            job_title=facts.lead_job_title,
            agency=facts.lead_agency,
            # A worker without a direct line is reached through their agency's desk.
            phone=facts.lead_phone or facts.lead_agency_contact,
            email=facts.lead_email,
        )
    # No lead (or no longer a member): the partnership's PPO coordination team takes the call.
    team = (
        Agency.objects.filter(partnership_id=facts.partnership_id, kind=AgencyKind.PARTNERSHIP)
        .order_by("name")
        .first()
    )
    if team is None:
        return None
    return Contact(
        role="PPO coordination team",
        name=team.name,
        job_title="",
        agency=team.name,
        phone=team.contact,
        email="",
    )


def answer_for(
    person: Person, *, purpose: str, checked_at: dt.datetime, on: dt.date | None = None
) -> CheckAnswer:
    """The check's answer for one person: PPO or recent leaver with who to call, or not."""
    day = on or today()
    facts = _cohort_facts(person, day)
    if facts is None:
        return CheckAnswer(
            status=CheckStatus.NOT_PPO, summary="Not a PPO", purpose=purpose, checked_at=checked_at
        )
    current = facts.is_current_on(day)
    status = CheckStatus.PPO if current else CheckStatus.FORMER_PPO
    summary = "A current PPO"
    if not current:
        assert facts.end_date is not None
        summary = f"Not a current PPO: left the cohort on {facts.end_date:%-d %B %Y}"
    extra: Any = facts  # the columns the query adds
    return CheckAnswer(
        status=status,
        summary=summary,
        purpose=purpose,
        checked_at=checked_at,
        name=person.full_name,
        date_of_birth=person.date_of_birth,
        scheme=extra.scheme_name,
        strand=facts.get_strand_display(),
        left_cohort_on=None if current else facts.end_date,
        contact=_contact(extra, current=current),
        instruction=extra.area_instruction or extra.default_instruction or "",
    )


def no_match_answer(query: CheckQuery, *, purpose: str, checked_at: dt.datetime) -> CheckAnswer:
    what = "this PNC number" if query.pnc_key and not query.has_name else "these details"
    return CheckAnswer(
        status=CheckStatus.NO_MATCH,
        summary=f"No match: Tandem holds no one with {what}",
        purpose=purpose,
        checked_at=checked_at,
    )


def candidates_answer(
    actor: User, people: list[Person], *, purpose: str, checked_at: dt.datetime
) -> CheckAnswer:
    return CheckAnswer(
        status=CheckStatus.CANDIDATES,
        summary=(
            f"No exact match. {len(people)} possible "
            f"{'match' if len(people) == 1 else 'matches'}: check one, or check the details"
        ),
        purpose=purpose,
        checked_at=checked_at,
        candidates=[
            Candidate(candidate_reference(actor, p), p.full_name, p.date_of_birth) for p in people
        ],
    )


@dataclass(frozen=True)
class InstructionRow:
    """One line of the coordinator's instructions page."""

    area: Area | None
    instruction: CustodyInstruction | None


def instruction_rows(coordinator: User) -> list[InstructionRow]:
    """The partnership-wide instruction, then each of the coordinator's areas'."""
    assert coordinator.agency is not None
    partnership_id = coordinator.agency.partnership_id
    areas = list(coordinator.areas.filter(partnership_id=partnership_id).order_by("name"))
    rows = {
        row.area_id: row
        for row in CustodyInstruction.objects.filter(partnership_id=partnership_id).select_related(
            "updated_by"
        )
    }
    return [
        InstructionRow(None, rows.get(None)),
        *(InstructionRow(area, rows.get(area.pk)) for area in areas),
    ]


def instruction_with_history(
    partnership: Any, area: Area | None
) -> tuple[CustodyInstruction | None, list[Any]]:
    """The current instruction for the area (or the default) and every earlier version."""
    current = CustodyInstruction.objects.filter(partnership=partnership, area=area).first()
    history = list(
        CustodyInstruction.history.filter(partnership=partnership, area=area)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:50]
    )
    return current, history
