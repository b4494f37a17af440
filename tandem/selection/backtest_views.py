"""The backtest page: would these criteria, used a while ago, have picked the right people?

The page shows aggregates only (shares of offences per area and for the partnership, and a
curve over everyone who offended), never a person, so viewing it writes no access event.
It is a GET form so that a result can be bookmarked and shared between coordinators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from tandem.core.models import Role
from tandem.core.permissions import role_required

from . import chart
from .backtest import AreaResult, BacktestResult, Share, backtest_compare
from .backtest_forms import BacktestForm
from .criteria import Criteria
from .models import CriteriaVersion

FORM_FIELDS = ("criteria_version", "as_of", "horizon_months", "compare_with")
TITLE = "Backtest selection"


@role_required(Role.COORDINATOR)
def backtest(request: HttpRequest) -> HttpResponse:
    """The form; with its values in the query string, the backtest's results too."""
    if not any(name in request.GET for name in FORM_FIELDS):
        form = BacktestForm(initial=BacktestForm.defaults())
        return render(request, "selection/backtest.html", {"title": TITLE, "form": form})
    form = BacktestForm(request.GET)
    context: dict[str, object] = {"title": TITLE, "form": form}
    if not form.is_valid():
        context["has_errors"] = True
        return render(request, "selection/backtest.html", context, status=400)
    version: CriteriaVersion = form.cleaned_data["criteria_version"]
    other: CriteriaVersion | None = form.cleaned_data["compare_with"]
    result, compared = backtest_compare(
        criteria=Criteria.from_dict(version.config),
        other=Criteria.from_dict(other.config) if other else None,
        as_of=form.cleaned_data["as_of"],
        horizon_months=form.cleaned_data["horizon_months"],
    )
    context.update(
        version=version,
        other=other,
        result=result,
        compared=compared,
        recorded_offences=f"{result.offences_after:,}",
        true_offences=f"{result.true_offences_after or 0:,}",
        rows=_rows(result, compared),
        verdict=_verdict(result, compared, version, other),
        top=_top_rows(result),
        chart=_chart(result, compared, version, other),
    )
    return render(request, "selection/backtest.html", context)


def percent(share: float) -> str:
    return f"{share:.1%}"


def points(difference: float) -> str:
    """A difference in percentage points, signed, with a true minus sign."""
    value = f"{abs(difference) * 100:.1f}"
    if value == "0.0":
        return "0.0"
    return ("+" if difference > 0 else "\u2212") + value


@dataclass
class Row:
    """One area's (or the partnership's) figures, formatted for the results tables."""

    label: str
    places: str
    selected: str
    hindsight: str
    rule: str
    rule_people: int
    other_selected: str = ""
    difference: str = ""
    selected_true: str = ""
    hindsight_true: str = ""
    other_selected_true: str = ""
    difference_true: str = ""
    is_total: bool = False


def _rows(result: BacktestResult, compared: BacktestResult | None) -> list[Row]:
    others = {a.area_id: a for a in compared.areas} if compared else {}
    pairs: list[tuple[AreaResult, AreaResult | None]] = [
        (area, others.get(area.area_id)) for area in result.areas
    ]
    pairs.append((result.overall, compared.overall if compared else None))
    rows = []
    for area, other in pairs:
        places = str(area.capacity)
        if other is not None and other.capacity != area.capacity:
            # Capacity follows recorded offences in the look-back window, which may differ.
            places = f"{area.capacity} and {other.capacity}"
        row = Row(
            label=area.label,
            places=places,
            selected=percent(area.selected.share),
            hindsight=percent(area.hindsight.share),
            rule=percent(area.rule.share),
            rule_people=area.rule.people,
            is_total=area is result.overall,
        )
        if other is not None:
            row.other_selected = percent(other.selected.share)
            row.difference = points(area.selected.share - other.selected.share)
        if area.selected_true and area.hindsight_true:
            row.selected_true = percent(area.selected_true.share)
            row.hindsight_true = percent(area.hindsight_true.share)
            if other is not None and other.selected_true:
                row.other_selected_true = percent(other.selected_true.share)
                row.difference_true = points(area.selected_true.share - other.selected_true.share)
        rows.append(row)
    return rows


def _verdict(
    result: BacktestResult,
    compared: BacktestResult | None,
    version: CriteriaVersion,
    other: CriteriaVersion | None,
) -> str:
    """Which version's cohort went on to commit more of the partnership's offences."""
    if compared is None or other is None:
        return ""
    difference = result.overall.selected.share - compared.overall.selected.share
    if points(difference) == "0.0":
        return "The two cohorts committed the same share, to one decimal place."
    better = version if difference > 0 else other
    return (
        f"The cohort {better} selected committed {abs(difference) * 100:.1f} percentage points "
        "more of the recorded offences."
    )


def _top_rows(result: BacktestResult) -> list[tuple[str, str, str]]:
    """The curve as a table: the most prolific 1%, 5%... and their share of offences."""
    if result.concentration is None:
        return []
    true_top = dict(result.true_concentration.top) if result.true_concentration else {}
    return [
        (f"{fraction:.0%}", percent(share), percent(true_top[fraction]) if true_top else "")
        for fraction, share in result.concentration.top
    ]


def _cohort_mark(
    share: Share, offenders: int, label: str, shape: Literal["circle", "square"]
) -> chart.Mark:
    # The cohort's size as a share of everyone who offended; it can include people who
    # did not offend in the follow-up, so on a quiet area it could exceed them all.
    return chart.Mark(label=label, x=min(1.0, share.people / offenders), y=share.share, shape=shape)


def _chart(
    result: BacktestResult,
    compared: BacktestResult | None,
    version: CriteriaVersion,
    other: CriteriaVersion | None,
) -> SafeString | None:
    recorded = result.concentration
    if recorded is None:
        return None
    lines = [chart.Line("Recorded offences", recorded.curve)]
    if result.true_concentration is not None:
        lines.append(chart.Line("True offences", result.true_concentration.curve, dashed=True))
    marks = [
        _cohort_mark(
            result.overall.selected,
            recorded.offenders,
            f"Cohort of version {version.number}",
            "circle",
        )
    ]
    if compared is not None and other is not None:
        marks.append(
            _cohort_mark(
                compared.overall.selected, recorded.offenders, _short(other, version), "square"
            )
        )
    return chart.concentration_svg(
        lines=lines,
        marks=marks,
        title="How concentrated offending was in the follow-up",
        desc=_describe(result, compared, version, other),
    )


def _short(other: CriteriaVersion, version: CriteriaVersion) -> str:
    if other.criteria_set_id == version.criteria_set_id:
        return f"Cohort of version {other.number}"
    return f"Cohort of {other.criteria_set.name}, v{other.number}"


def _describe(
    result: BacktestResult,
    compared: BacktestResult | None,
    version: CriteriaVersion,
    other: CriteriaVersion | None,
) -> str:
    """The chart in words, for people who cannot see it."""
    recorded = result.concentration
    assert recorded is not None
    tops = recorded.top
    words = [
        f"{recorded.offenders:,} people committed the {recorded.offences:,} recorded offences "
        f"of the follow-up. The most prolific {tops[0][0]:.0%} of them committed "
        f"{tops[0][1]:.1%} of the offences; "
        + ", ".join(f"the top {f:.0%}, {s:.1%}" for f, s in tops[1:])
        + ".",
    ]
    for outcome, criteria, shape in ((result, version, "circle"), (compared, other, "square")):
        if outcome is None or criteria is None:
            continue
        cohort = outcome.overall
        words.append(
            f"The {cohort.selected.people:,} people {criteria} selected, "
            f"{cohort.selected.people / recorded.offenders:.1%} as many as offended, "
            f"committed {cohort.selected.share:.1%} (marked with a {shape}); the same number "
            f"chosen with hindsight committed {cohort.hindsight.share:.1%}."
        )
    if result.true_concentration is not None:
        true_tops = dict(result.true_concentration.top)
        words.append(
            "The dashed line is true offending, undetected offences included: the most "
            f"prolific 10% committed {true_tops[0.10]:.1%} of all offences."
        )
    words.append("The dotted diagonal is what everyone offending equally would look like.")
    return " ".join(words)
