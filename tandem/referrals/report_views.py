"""The coordinator's referral reports: referrals sent and received per agency and pathway
(with a CSV export, logged), and the drug treatment panel, for the cohort and per area.

The panel's figures are aggregates (analysts see them too); the names behind each number
are the coordinator's, shown on request, only for people they may open, and logged.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.casework.pathways import Pathway
from tandem.cohort.selectors import members_on
from tandem.core.access import people_for, protocol_levels, today
from tandem.core.audit import access_record
from tandem.core.categories import Category, Level
from tandem.core.models import AccessAction, Agency, Area, Role, User
from tandem.core.permissions import role_required
from tandem.people.models import Person

from .directory_forms import AreaFilterForm, FlowsForm
from .selectors import FlowRow, may_see_flows, referral_flows
from .treatment import Funnel, TreatmentPanel, treatment_panel

FLOW_COLUMNS = ("sent", "received", "accepted", "declined", "started", "completed", "open_")
# Outcomes shown as a share of the referrals the agency received.
OF_RECEIVED = ("accepted", "declined", "started", "completed", "open_")
CSV_HEADER = [
    "agency", "pathway", "sent", "received", "accepted", "declined", "started", "completed",
    "open",
]  # fmt: skip


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that spreadsheet software will not run as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


# Referrals sent and received


@dataclass(frozen=True)
class FlowCell:
    value: int
    share: str  # of the referrals received; "" where a share means nothing


@dataclass(frozen=True)
class FlowLine:
    agency: Agency
    pathway: str
    cells: list[FlowCell]


def _lines(rows: list[FlowRow]) -> list[FlowLine]:
    lines = []
    for row in rows:
        cells = [
            FlowCell(
                getattr(row, column),
                _percent(getattr(row, column), row.received) if column in OF_RECEIVED else "",
            )
            for column in FLOW_COLUMNS
        ]
        lines.append(FlowLine(row.agency, row.pathway_label, cells))
    return lines


def _totals(rows: list[FlowRow]) -> list[FlowCell]:
    sums = {column: sum(getattr(row, column) for row in rows) for column in FLOW_COLUMNS}
    return [
        FlowCell(sums[c], _percent(sums[c], sums["received"]) if c in OF_RECEIVED else "")
        for c in FLOW_COLUMNS
    ]


def _silent_agencies(rows: list[FlowRow]) -> list[Agency]:
    """Agencies with an active directory entry that received no referral in the period."""
    received = {row.agency.pk for row in rows if row.received}
    return list(
        Agency.objects.filter(services__active=True)
        .exclude(pk__in=received)
        .distinct()
        .order_by("name")
    )


@role_required(Role.COORDINATOR)
def flows(request: HttpRequest) -> HttpResponse:
    """Referrals sent between two dates, per agency and pathway, and what became of them."""
    user = _user(request)
    if not may_see_flows(user):
        raise PermissionDenied
    form = FlowsForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "referrals/report_flows.html",
            {"title": "Referrals sent and received", "has_errors": True, "form": form},
            status=400,
        )
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    rows = referral_flows(start, end)
    if request.GET.get("format") == "csv":
        return _flows_csv(request, rows, start, end)
    # Show the dates the report covers, typed or defaulted, in the boxes.
    form = FlowsForm({"date_from": f"{start:%d/%m/%Y}", "date_to": f"{end:%d/%m/%Y}"})
    return render(
        request,
        "referrals/report_flows.html",
        {
            "title": "Referrals sent and received",
            "form": form,
            "start": start,
            "end": end,
            "lines": _lines(rows),
            "totals": _totals(rows),
            "silent": _silent_agencies(rows),
            "csv_query": f"date_from={start:%Y-%m-%d}&date_to={end:%Y-%m-%d}&format=csv",
        },
    )


def _flows_csv(request: HttpRequest, rows: list[FlowRow], start: Any, end: Any) -> HttpResponse:
    access_record(
        actor=_user(request),
        action=AccessAction.EXPORT,
        detail=f"CSV referral flows from={start:%Y-%m-%d} to={end:%Y-%m-%d}",
        result_count=len(rows),
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tandem-referrals-{start:%Y%m%d}-{end:%Y%m%d}-{stamp}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in rows:
        cells = [row.agency.name, row.pathway_label, *(getattr(row, c) for c in FLOW_COLUMNS)]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return response


# The drug treatment panel

STAGE_LABELS = {
    "need": "Have a drug treatment need",
    "referred": "Referred for drug treatment",
    "started": "Started treatment",
    "completed": "Completed treatment",
    "not_referred": "Have a need but were not referred",
}


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    share: str  # of those with a need
    people: list[Person]  # filled only when the names are shown


@dataclass(frozen=True)
class AreaLine:
    area: Area
    members: int
    stages: list[Stage]


@dataclass(frozen=True)
class SplitLine:
    label: str
    with_need: list[Stage]
    without_need: list[Stage]


def _stages(funnel: Funnel, names: dict[int, Person] | None = None) -> list[Stage]:
    need = funnel.people["need"]
    sets = {**funnel.people, "not_referred": need - funnel.people["referred"]}
    order = ("need", "referred", "started", "completed", "not_referred")

    def people(ids: set[int]) -> list[Person]:
        if names is None:
            return []
        found = [names[pk] for pk in ids if pk in names]
        return sorted(found, key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk))

    return [
        Stage(key, STAGE_LABELS[key], len(sets[key]), _percent(len(sets[key]), len(need)),
              people(sets[key]))
        for key in order
    ]  # fmt: skip


def _by_area(panel: TreatmentPanel, areas: list[Area]) -> list[AreaLine]:
    """The drug funnel for each area, from the panel's people and one more query."""
    area_of = dict(
        members_on(panel.on, area_ids=[a.pk for a in areas]).values_list("person_id", "area_id")
    )
    members = Counter(area_of.values())
    lines = []
    for area in areas:
        funnel = Funnel()
        for stage, ids in panel.drugs.people.items():
            funnel.people[stage] = {pk for pk in ids if area_of.get(pk) == area.pk}
        lines.append(AreaLine(area, members[area.pk], _stages(funnel)))
    return lines


def _pooled(panel: TreatmentPanel, side: str) -> tuple[int, int]:
    """Needs on the other pathways, and how many of them were referred, for one side."""
    need = referred = 0
    for split in panel.pathways:
        funnel: Funnel = getattr(split, side)
        need += funnel.count("need")
        referred += funnel.count("referred")
    return need, referred


def _may_see_names(user: User) -> bool:
    levels = protocol_levels(user)
    readable = {Level.READ, Level.WRITE}
    return (
        user.role == Role.COORDINATOR
        and levels.get(Category.IDENTITY) in readable
        and levels.get(Category.SUBSTANCE_MISUSE) in readable
    )


@role_required(Role.COORDINATOR, Role.ANALYST)
def treatment(request: HttpRequest) -> HttpResponse:
    """Does every PPO with a drug need get treatment, and do PPOs without one get as much
    help on the other pathways? For the user's areas, or one of them."""
    user = _user(request)
    # Coordinators answer for their areas; analysts for the whole partnership, in figures.
    scope = user.areas.all() if user.role == Role.COORDINATOR else Area.objects.all()
    areas = list(scope.order_by("code"))
    form = AreaFilterForm(
        request.GET or None,
        areas=scope.order_by("code"),
        all_label="All your areas" if user.role == Role.COORDINATOR else "All areas",
    )
    chosen: Area | None = None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["area"]
    if form.errors:
        return render(
            request,
            "referrals/report_treatment.html",
            {"title": "Drug treatment and equal access", "has_errors": True, "form": form},
            status=400,
        )
    covered = [chosen] if chosen else areas
    panel = treatment_panel(today(), [a.pk for a in covered])
    may_see_names = _may_see_names(user)
    show_names = may_see_names and request.GET.get("names") == "yes"
    names: dict[int, Person] | None = None
    outside = 0
    if show_names:
        wanted = set().union(*panel.drugs.people.values())
        open_to_user = set(people_for(user).filter(pk__in=wanted).values_list("pk", flat=True))
        names = {pk: p for pk, p in panel.names.items() if pk in open_to_user}
        outside = len(wanted - open_to_user)
        access_record(
            actor=user,
            action=AccessAction.VIEW_LIST,
            categories=[Category.IDENTITY, Category.SUBSTANCE_MISUSE],
            detail="drug treatment panel names "
            + (f"area={chosen.code}" if chosen else "all areas"),
            result_count=len(wanted & open_to_user),
            request=request,
        )
    with_need, with_referred = _pooled(panel, "with_drug_need")
    without_need, without_referred = _pooled(panel, "without_drug_need")
    query = request.GET.copy()
    query.pop("names", None)
    return render(
        request,
        "referrals/report_treatment.html",
        {
            "title": "Drug treatment and equal access",
            "form": form,
            "areas": areas,
            "chosen": chosen,
            "panel": panel,
            "stages": _stages(panel.drugs, names),
            "both_sources": panel.drug_need_from_assessment
            + panel.drug_need_from_tests
            - panel.drugs.count("need"),
            "by_area": _by_area(panel, areas) if chosen is None and len(areas) > 1 else [],
            "splits": [
                SplitLine(s.label, _stages(s.with_drug_need), _stages(s.without_drug_need))
                for s in panel.pathways
            ],
            "pooled": {
                "with_need": with_need,
                "with_referred": with_referred,
                "with_share": _percent(with_referred, with_need),
                "without_need": without_need,
                "without_referred": without_referred,
                "without_share": _percent(without_referred, without_need),
            },
            "may_see_names": may_see_names,
            "show_names": show_names,
            "outside": outside,
            "query": query.urlencode(),
            "pathway_count": len(Pathway.values) - 1,
        },
    )
