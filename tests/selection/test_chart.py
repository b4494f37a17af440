"""The concentration curve: its points from offence counts, and the SVG drawn from them."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from tandem.selection import chart
from tandem.selection.backtest import concentration

SVG = "{http://www.w3.org/2000/svg}"


def counts(*ns: int) -> pl.DataFrame:
    return pl.DataFrame({"person_id": list(range(1, len(ns) + 1)), "n": list(ns)})


# The curve's points ------------------------------------------------------------------


def test_concentration_most_prolific_first():
    # Four people committed 6, 2, 1 and 1 of ten offences.
    curve = concentration(counts(1, 6, 1, 2))
    assert curve is not None
    assert (curve.offenders, curve.offences) == (4, 10)
    assert curve.curve == [(0.0, 0.0), (0.25, 0.6), (0.5, 0.8), (0.75, 0.9), (1.0, 1.0)]
    # The top 1%, 5%, 10% and 20% of four people round to one person; the top half to two.
    assert curve.top == [(0.01, 0.6), (0.05, 0.6), (0.10, 0.6), (0.20, 0.6), (0.50, 0.8)]


def test_concentration_is_capped_and_still_reaches_the_corner():
    curve = concentration(counts(*range(1, 5001)), points=400)
    assert curve is not None
    assert len(curve.curve) <= 401
    assert curve.curve[0] == (0.0, 0.0) and curve.curve[-1] == (1.0, 1.0)
    xs = [x for x, _ in curve.curve]
    assert xs == sorted(xs)


def test_no_offences_no_curve():
    assert concentration(counts()) is None


# Drawing ---------------------------------------------------------------------------------


def test_corners_of_the_plot():
    assert chart.to_svg(0, 0) == (chart.LEFT, chart.BOTTOM)
    assert chart.to_svg(1, 1) == (chart.RIGHT, chart.TOP)


def test_path_coordinates():
    middle_x = (chart.LEFT + chart.RIGHT) / 2
    middle_y = (chart.TOP + chart.BOTTOM) / 2
    assert chart.path([(0, 0), (0.5, 0.5), (1, 1)]) == (
        f"M{chart.LEFT:.1f} {chart.BOTTOM:.1f} L{middle_x:.1f} {middle_y:.1f} "
        f"L{chart.RIGHT:.1f} {chart.TOP:.1f}"
    )


def test_downsample_keeps_ends_and_spacing():
    points = [(i / 1000, (i / 1000) ** 0.5) for i in range(1001)]
    kept = chart.downsample(points, 300)
    assert len(kept) == 300
    assert kept[0] == points[0] and kept[-1] == points[-1]
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(kept)]
    assert max(gaps) - min(gaps) < 0.0011  # evenly spaced, to within one original step
    assert chart.downsample(points[:10], 300) == points[:10]
    with pytest.raises(ValueError, match="first and last"):
        chart.downsample(points, 1)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup this module drew, not outside input


def draw(**changes) -> str:
    options = {
        "lines": [
            chart.Line("Recorded offences", [(0, 0), (0.1, 0.4), (1, 1)]),
            chart.Line("True offences", [(0, 0), (0.1, 0.5), (1, 1)], dashed=True),
        ],
        "marks": [chart.Mark("Cohort of version 1", 0.5, 0.25)],
        "title": "How concentrated offending was",
        "desc": "The top 10% of offenders committed 40% of offences.",
    }
    options.update(changes)
    return str(chart.concentration_svg(**options))


def test_svg_is_an_image_with_a_title_and_description():
    root = parse(draw())
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "How concentrated offending was"
    assert desc is not None and desc.text == "The top 10% of offenders committed 40% of offences."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_text_is_escaped():
    root = parse(draw(title="Rule <6> & more", marks=[chart.Mark("A & B <script>", 0.1, 0.1)]))
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Rule <6> & more"
    assert "A & B <script>" in [t.text for t in root.iter(f"{SVG}text")]
    assert root.find(f".//{SVG}script") is None


def test_lines_differ_by_dashes_and_marks_by_shape():
    root = parse(
        draw(marks=[chart.Mark("One", 0.5, 0.25), chart.Mark("Two", 0.5, 0.3, shape="square")])
    )
    paths = root.findall(f"{SVG}path")
    solid = [p for p in paths if p.get("d", "").startswith("M72.0 356.0 L126.8 220.0")]
    dashed = [p for p in paths if p.get("d", "").startswith("M72.0 356.0 L126.8 186.0")]
    assert solid and solid[0].get("stroke-dasharray") is None
    assert dashed and dashed[0].get("stroke-dasharray")
    # The cohort: a circle at (50%, 25%), a square around (50%, 30%), and again in the key.
    circle = root.findall(f"{SVG}circle")[0]
    assert (circle.get("cx"), circle.get("cy")) == ("346.0", "271.0")
    assert len(root.findall(f"{SVG}rect")) == 2
    labels = [t.text or "" for t in root.iter(f"{SVG}text")]
    for label in ("Recorded offences", "True offences", "Everyone offending equally", "One", "Two"):
        assert label in labels
    assert [label for label in labels if label.endswith("%")] == [
        f"{tick}%" for tick in chart.TICKS for _axis in "xy"
    ]


def test_a_long_curve_is_drawn_with_a_few_hundred_points():
    line = chart.Line("Recorded offences", [(i / 5000, (i / 5000) ** 0.3) for i in range(5001)])
    root = parse(draw(lines=[line], marks=[]))
    drawn = max(root.findall(f"{SVG}path"), key=lambda p: len(p.get("d", "")))
    assert len(re.findall(r"[ML]", drawn.get("d", ""))) == chart.MAX_POINTS
