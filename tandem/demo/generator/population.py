"""The people of the synthetic city: offenders the police know, with their whole careers.

Police data holds people because they were caught at least once. The generator draws more
candidate offenders than it needs, simulates every career, and keeps (in draw order) the
first `count` with at least one recorded offence in the window, so every person has a
police record, while their undetected offending stays in the truth table.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from .careers import People, draw_people
from .custody import Spells
from .simulate import Careers, simulate
from .window import Window

# Candidates drawn per person needed; most low-rate candidates are never caught in the window.
OVERSAMPLE = (2.5, 4.0, 8.0, 20.0)


def _people_subset(people: People, keep: np.ndarray) -> People:
    arrays = {f.name: getattr(people, f.name)[keep] for f in fields(people) if f.name != "count"}
    return People(count=keep.size, **arrays)


def _careers_subset(careers: Careers, keep: np.ndarray, pool: int) -> Careers:
    """The careers of the kept people, renumbered 0 to len(keep) - 1."""
    number = np.full(pool, -1, dtype=np.int64)
    number[keep] = np.arange(keep.size)
    mine = number[careers.person] >= 0
    offence_arrays = {
        name: getattr(careers, name)[mine]
        for name in ("day", "type", "area", "outcome", "arrest", "sanction", "disposal", "drugs")
    }
    s = careers.spells
    in_spells = number[s.person] >= 0
    spells = Spells(
        **{f.name: getattr(s, f.name)[in_spells] for f in fields(s) if f.name != "person"},
        person=number[s.person[in_spells]],
    )
    o_person, o_start, o_end = careers.orders
    in_orders = number[o_person] >= 0
    return replace(
        careers,
        person=number[careers.person[mine]],
        spells=spells,
        orders=(number[o_person[in_orders]], o_start[in_orders], o_end[in_orders]),
        **offence_arrays,
    )


def draw_population(rng: np.random.Generator, count: int, window: Window) -> tuple[People, Careers]:
    """`count` people, each with at least one recorded offence, and everything they did."""
    for factor in OVERSAMPLE:
        pool = int(count * factor) + 20
        people = draw_people(rng, pool, window)
        careers = simulate(rng, people, window)
        known = np.bincount(careers.person[careers.recorded], minlength=pool) > 0
        keep = np.flatnonzero(known)[:count]
        if keep.size == count:
            break
    # The last factor is generous enough for any window of a year or more; were it not,
    # the city simply has fewer people than asked.
    return _people_subset(people, keep), _careers_subset(careers, keep, pool)
