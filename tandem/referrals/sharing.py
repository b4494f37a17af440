"""What a referral shares with the receiving agency, and the preview the sender sees.

The receiving agency is entitled, under the protocol, to what its partner workers may read;
health and substance-misuse data also need the person's consent (as the access layer
requires of every agency outside the justice agencies). Within that, the sender shares the
categories the person agreed to on this referral. Identity goes with every referral: a
service cannot take on someone it cannot identify.

The shared details are frozen into the referral when it is sent. Until the receiving agency
accepts, its workers read this snapshot, never the live record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from tandem.casework.models import Assessment, Objective
from tandem.casework.pathways import PATHWAY_CATEGORY, Pathway
from tandem.core.access import JUSTICE_AGENCY_KINDS
from tandem.core.categories import CONSENT_CATEGORIES, Category, Level
from tandem.core.models import Agency, ProtocolRule, Role
from tandem.offending.models import DrugTest, TestResult
from tandem.people.models import Address, Person
from tandem.people.selectors import statuses_for

# Categories a referral can share beyond identity, in the order the preview lists them.
SHAREABLE = [c for c in Category if c not in {Category.IDENTITY, Category.CASE_NOTES}]
PATHWAY_OF_CATEGORY = {category: pathway for pathway, category in PATHWAY_CATEGORY.items()}


def entitled_categories(agency: Agency) -> list[str]:
    """Categories the protocol lets this agency's partner workers read (identity included)."""
    readable = set(
        ProtocolRule.objects.filter(
            agency_kind=agency.kind, role=Role.PARTNER_WORKER, level__in=[Level.READ, Level.WRITE]
        ).values_list("category", flat=True)
    )
    if agency.kind in JUSTICE_AGENCY_KINDS:
        # Justice agencies receive referrals too (a police-led mentoring scheme, say): their
        # offender managers' row is the one that applies.
        readable |= set(
            ProtocolRule.objects.filter(
                agency_kind=agency.kind,
                role=Role.OFFENDER_MANAGER,
                level__in=[Level.READ, Level.WRITE],
            ).values_list("category", flat=True)
        )
    return [c.value for c in Category if c.value in readable]


def needs_consent(agency: Agency, category: str) -> bool:
    return agency.kind not in JUSTICE_AGENCY_KINDS and category in CONSENT_CATEGORIES


def categories_to_share(agency: Agency, consented: list[str]) -> list[str]:
    """Identity, then each entitled category the person consented to share on this referral."""
    entitled = entitled_categories(agency)
    shared = [Category.IDENTITY.value] if Category.IDENTITY.value in entitled else []
    return shared + [c.value for c in SHAREABLE if c.value in entitled and c.value in consented]


@dataclass(frozen=True)
class SharedSection:
    category: str
    label: str
    lines: list[str]


def _date(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "not known"


def _identity(person: Person) -> list[str]:
    return [
        f"Name: {person.first_name} {person.last_name}",
        f"Date of birth: {_date(person.date_of_birth)}",
        f"Tandem number: {person.pk}",
        f"Area: {person.residence_area.name if person.residence_area else 'not recorded'}",
    ]


def _need_line(assessment: Assessment | None, pathway: str) -> list[str]:
    if assessment is None:
        return ["Assessed need: no assessment recorded"]
    need = next((n for n in assessment.needs.all() if n.pathway == pathway), None)
    if need is None:
        return [f"Assessed need: not recorded at the assessment of {_date(assessment.assessed_on)}"]
    flags = [
        text
        for flag, text in (
            (need.linked_to_reoffending, "linked to reoffending"),
            (need.linked_to_harm, "linked to harm"),
        )
        if flag
    ]
    extra = f" ({', '.join(flags)})" if flags else ""
    return [
        f"Assessed need: {need.get_level_display().lower()}{extra}, "
        f"assessed {_date(assessment.assessed_on)}"
    ]


def _objectives(person: Person, pathway: str) -> list[str]:
    return [
        f"Care plan objective: {o.description} ({o.get_status_display().lower()})"
        for o in Objective.objects.filter(plan__person=person, pathway=pathway).exclude(
            status="dropped"
        )
    ]


def _accommodation(person: Person, on: dt.date) -> list[str]:
    address = (
        Address.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("-start_date")
        .first()
    )
    if address is None:
        return ["Current address: none recorded (no fixed abode)"]
    parts = [address.line1, address.line2, address.town, address.postcode]
    return [
        f"Current address ({address.get_kind_display().lower()}): "
        + ", ".join(p for p in parts if p)
    ]


def _substance_misuse(person: Person) -> list[str]:
    test = DrugTest.objects.filter(person=person).order_by("-test_date").first()
    if test is None:
        return ["Drug tests: none recorded"]
    positives = [
        name
        for name, result in (
            ("opiates", test.opiates),
            ("cocaine or crack", test.cocaine),
            (test.other_substance or "other", test.other),
        )
        if result == TestResult.POSITIVE
    ]
    found = ", ".join(positives) if positives else "negative"
    return [f"Latest drug test: {_date(test.test_date)}, {found}"]


def _offending(person: Person, on: dt.date) -> list[str]:
    status = statuses_for([person.pk], on)[person.pk]
    lines = [f"Current status: {status.label}"]
    if status.next_key_date is not None:
        key = status.next_key_date
        lines.append(f"Next key date: {key.label}, {_date(key.date)}")
    return lines


def _risk(assessment: Assessment | None) -> list[str]:
    if assessment is None:
        return ["Risk of serious harm: no assessment recorded"]
    lines = [f"Risk of serious harm: {assessment.get_rosh_display().lower()}"]
    if assessment.mappa:
        lines.append(f"MAPPA: level {assessment.mappa_level}")
    return lines


def shared_sections(person: Person, categories: list[str], on: dt.date) -> list[SharedSection]:
    """The details each shared category carries, as the receiving agency will read them."""
    assessment = (
        Assessment.objects.filter(person=person, assessed_on__lte=on)
        .prefetch_related("needs")
        .order_by("-assessed_on", "-id")
        .first()
    )
    sections = []
    for category in categories:
        lines: list[str]
        if category == Category.IDENTITY:
            lines = _identity(person)
        elif category == Category.OFFENDING:
            lines = _offending(person, on)
        elif category == Category.RISK:
            lines = _risk(assessment)
        elif category == Category.INTELLIGENCE:
            # Intelligence stays with the police: a referral says only that some is held.
            lines = ["Police intelligence is held; ask the offender manager if it matters here."]
        else:
            lines = []
            if category == Category.ACCOMMODATION:
                lines += _accommodation(person, on)
            if category == Category.SUBSTANCE_MISUSE:
                lines += _substance_misuse(person)
            pathway = PATHWAY_OF_CATEGORY.get(category)
            if pathway:
                lines += _need_line(assessment, pathway) + _objectives(person, pathway)
        sections.append(SharedSection(category, Category(category).label, lines))
    return sections


def snapshot(person: Person, categories: list[str], on: dt.date) -> dict[str, Any]:
    """The shared details as stored on the referral when it is sent."""
    return {
        "on": on.isoformat(),
        "sections": [
            {"category": s.category, "label": s.label, "lines": s.lines}
            for s in shared_sections(person, categories, on)
        ],
    }


def sections_from(shared: dict[str, Any]) -> list[SharedSection]:
    return [
        SharedSection(s["category"], s["label"], list(s["lines"]))
        for s in shared.get("sections", [])
    ]


def pathway_label(value: str) -> str:
    return Pathway(value).label if value in Pathway.values else value
