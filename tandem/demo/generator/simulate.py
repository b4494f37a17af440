"""Criminal careers as a point process: each person's offences, detection, court and custody.

Every person offends as a Poisson process whose rate follows their age (the age-crime curve)
and their drug use. The process is simulated by thinning (Lewis & Shedler 1979): candidate
times are drawn at the person's highest rate in the current year of the window and kept
with probability rate-now / highest-rate. All people advance together, one candidate each
per round, so a round is a handful of numpy operations over everyone still active, and the
number of rounds is about the largest number of offences any one person commits.

Custody feeds back into offending. Each person carries at most one pending custody spell
(remand from arrest, or a sentence from a hearing). A candidate time that falls on or after
the spell's start means the person is inside: the spell is recorded and their clock jumps
to release, so nobody offends in the community while in custody. Offences committed on bail
before a pending hearing are dealt with at that same hearing (as courts do), which keeps a
single pending spell per person enough. Arrested on licence, a person may be recalled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .careers import (
    AREA_CODES,
    AREA_WEIGHTS,
    DAYS_A_YEAR,
    People,
    home_area,
    rate_bounds,
    rate_on,
    year_edges,
)
from .custody import (
    COMMUNITY_ORDER_MONTHS,
    Spells,
    community_sentence,
    custody_chance,
    remand_chance,
    sentence_days,
)
from .detection import (
    ACQUITTED,
    CAUTION,
    CAUTIONED,
    CHARGED,
    COMMUNITY_ORDER,
    CONVICTED,
    CONVICTION_SHARE,
    CUSTODY,
    IS_OUT_OF_COURT_SANCTION,
    IS_SANCTION,
    NFA,
    NFA_SHARE,
    NOT_RECORDED,
    arrest_lag,
    court_delay,
    detected,
    out_of_court,
)
from .offencemix import GRAVITY, draw_types
from .window import NEVER, Window

AWAY_SHARE = 0.28  # offences committed outside the home area
RECALL_SHARE = 0.25  # arrested on licence: recalled to prison
MIN_SUPERVISION_DAYS = 365
# Offences away from home drift to the city centre (shops, night-time economy).
_CENTRAL = AREA_CODES.index("I")
_AWAY_WEIGHTS = AREA_WEIGHTS * np.where(np.arange(AREA_WEIGHTS.size) == _CENTRAL, 3.0, 1.0)
AWAY_WEIGHTS = _AWAY_WEIGHTS / _AWAY_WEIGHTS.sum()


@dataclass
class Careers:
    """Every true offence (arrays in the order drawn), custody spells and community orders."""

    person: np.ndarray
    day: np.ndarray
    type: np.ndarray  # index into offencemix.CODES
    area: np.ndarray  # index into careers.AREA_CODES
    outcome: np.ndarray  # index into detection.OUTCOMES; NOT_RECORDED if never detected
    arrest: np.ndarray  # day of arrest (recorded offences)
    sanction: np.ndarray  # sanction day, NEVER if none
    disposal: np.ndarray  # index into detection.DISPOSALS
    drugs: np.ndarray  # the offender was using heroin or crack at the time
    spells: Spells
    orders: tuple[np.ndarray, np.ndarray, np.ndarray]  # community orders: person, start, end

    @property
    def recorded(self) -> np.ndarray:
        return self.outcome != NOT_RECORDED


@dataclass
class _Chain:
    """Each person's pending custody spell, if any (start NEVER when none)."""

    start: np.ndarray
    hearing: np.ndarray
    served: np.ndarray  # days to serve in custody, counted from start
    full: np.ndarray  # the whole sentence, counted from start
    remanded: np.ndarray
    sentenced: np.ndarray
    recalled: np.ndarray  # recalled to prison from licence: in custody from arrest

    @classmethod
    def empty(cls, n: int) -> _Chain:
        never = np.full(n, NEVER, dtype=np.int64)
        zero = np.zeros(n, dtype=np.int64)
        no = np.zeros(n, dtype=bool)
        return cls(never, never.copy(), zero, zero.copy(), no, no.copy(), no.copy())

    def release(self, who: np.ndarray) -> np.ndarray:
        """First day back in the community: the hearing, or when the custodial half is served."""
        served_out = np.maximum(self.hearing[who], self.start[who] + self.served[who])
        return np.where(self.sentenced[who], served_out, self.hearing[who])

    def clear(self, who: np.ndarray) -> None:
        self.start[who] = NEVER
        self.hearing[who] = NEVER
        self.served[who] = 0
        self.full[who] = 0
        self.remanded[who] = False
        self.sentenced[who] = False
        self.recalled[who] = False


@dataclass
class _Collected:
    offences: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    spells: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    orders: list[tuple[np.ndarray, ...]] = field(default_factory=list)


class _Simulation:
    def __init__(self, rng: np.random.Generator, people: People, window: Window) -> None:
        self.rng = rng
        self.people = people
        self.window = window
        self.chain = _Chain.empty(people.count)
        self.priors = people.prior_sanctions.astype(np.int64).copy()
        self.licence_until = np.zeros(people.count, dtype=np.int64)
        self.found = _Collected()

    def run(self) -> Careers:
        rng, people, window, chain = self.rng, self.people, self.window, self.chain
        edges = year_edges(window)
        bound = rate_bounds(people, edges)  # candidates are drawn at each year's top rate
        clock = np.full(people.count, float(window.start))
        year = np.zeros(people.count, dtype=np.int64)
        active = np.arange(people.count)
        while active.size:
            rate = bound[active, year[active]]
            year_end = edges[year[active] + 1]
            with np.errstate(divide="ignore"):
                t = clock[active] + rng.standard_exponential(active.size) / rate
            # No candidate before the year ends: move to the next year's rate.
            candidate = t < year_end
            t = np.minimum(t, year_end)
            starts = chain.start[active]
            inside = (t >= starts) & (starts <= window.end)
            if inside.any():
                # The pending spell begins first: serve it, and carry on from release.
                t[inside] = self._close(active[inside])
                candidate &= ~inside
            clock[active] = t
            # A candidate stays in its year; a year's end moves on one; a release may skip years.
            year[active] += ~candidate
            if inside.any():
                year[active[inside]] = np.searchsorted(edges, t[inside], side="right") - 1
            keep = candidate & (t < window.end + 1)
            who, t, rate = active[keep], t[keep], rate[keep]
            day = t.astype(np.int64)
            accepted = rng.random(who.size) * rate < rate_on(people, who, day)
            if accepted.any():
                self._offend(who[accepted], day[accepted])
            active = active[clock[active] < window.end + 1]
        self._close(np.flatnonzero(chain.start <= window.end))
        return self._careers()

    def _close(self, who: np.ndarray) -> np.ndarray:
        """Record these people's pending spells as served; return their release days."""
        chain = self.chain
        release = chain.release(who)
        # Licence runs to the end of the sentence, and (as under the Offender Rehabilitation
        # Act 2014) everyone released is supervised for at least a year.
        expiry = np.maximum(chain.start[who] + chain.full[who], release + MIN_SUPERVISION_DAYS)
        licence_end = np.where(chain.sentenced[who], expiry, release)
        self.found.spells.append(
            (who, chain.start[who], chain.hearing[who], release, licence_end,
             chain.remanded[who], chain.sentenced[who], chain.recalled[who])
        )  # fmt: skip
        self.licence_until[who] = np.where(
            chain.sentenced[who], licence_end, self.licence_until[who]
        )
        chain.clear(who)
        return release

    def _offend(self, who: np.ndarray, day: np.ndarray) -> None:
        """One true offence by each of these (distinct) people on these days."""
        rng, people, end = self.rng, self.people, self.window.end
        k = who.size
        age = (day - people.birth[who]) / DAYS_A_YEAR
        drugs = day >= people.drug_onset[who]
        types = draw_types(rng, age, drugs, people.rank[who], people.male[who])
        away = rng.random(k) < AWAY_SHARE
        area = home_area(people, who, day)
        area[away] = rng.choice(AWAY_WEIGHTS.size, size=int(away.sum()), p=AWAY_WEIGHTS)
        arrest = day + arrest_lag(rng, k)
        # An arrest after the as-of day has not happened yet: the offence is not yet known.
        recorded = detected(rng, types, people.catch[who]) & (arrest <= end)
        outcome = np.full(k, NOT_RECORDED)
        sanction = np.full(k, NEVER)
        disposal = np.zeros(k, dtype=np.int64)
        r = np.flatnonzero(recorded)
        if r.size:
            arrest[r], outcome[r], sanction[r], disposal[r] = self._police(
                who[r], day[r], types[r], age[r], arrest[r]
            )
        self.found.offences.append(
            (who, day, types, area, outcome, arrest, sanction, disposal, drugs)
        )

    def _police(
        self,
        who: np.ndarray,
        day: np.ndarray,
        types: np.ndarray,
        age: np.ndarray,
        arrest: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What happens to recorded offences: arrest, outcome, sanction day and disposal."""
        rng, chain, end = self.rng, self.chain, self.window.end
        k = who.size
        pending = chain.start[who] < NEVER  # on bail, or on remand, awaiting a hearing
        # Arrested for a new offence while on licence: often recalled to prison at once.
        recalled = ~pending & (day < self.licence_until[who]) & (rng.random(k) < RECALL_SHARE)
        arrest = np.where(pending, np.minimum(arrest, chain.hearing[who]), arrest)
        gravity = GRAVITY[types]
        youth = age < 18
        priors = self.priors[who]

        route = out_of_court(rng, types, gravity, youth, priors)
        nfa = rng.random(k) < NFA_SHARE
        court = ~nfa & (route == CHARGED)
        remanded = court & (rng.random(k) < remand_chance(gravity, priors, pending, youth))
        hearing = np.where(
            pending, chain.hearing[who], arrest + court_delay(rng, gravity, remanded)
        )
        heard = court & (hearing <= end)
        convicted = heard & (rng.random(k) < CONVICTION_SHARE)
        custody = convicted & (rng.random(k) < custody_chance(gravity, priors, pending, youth))
        full = sentence_days(rng, gravity, priors)

        outcome = np.where(nfa, NFA, route)
        outcome = np.where(heard, np.where(convicted, CONVICTED, ACQUITTED), outcome)
        sanction = np.where(
            IS_OUT_OF_COURT_SANCTION[outcome], np.minimum(arrest + rng.integers(0, 21, k), end),
            NEVER,
        )  # fmt: skip
        sanction = np.where(convicted, hearing, sanction)
        disposal = np.where(outcome == CAUTIONED, CAUTION, 0)
        disposal = np.where(
            convicted,
            np.where(custody, CUSTODY, community_sentence(rng, gravity, priors)),
            disposal,
        )
        self.priors[who] += IS_SANCTION[outcome]
        order = disposal == COMMUNITY_ORDER
        months = rng.choice(COMMUNITY_ORDER_MONTHS, size=int(order.sum()))
        self.found.orders.append(
            (who[order], hearing[order], hearing[order] + (months * 30.44).astype(np.int64))
        )

        # Remand, recall or a custodial sentence starts (or extends) the pending spell.
        starts = np.where(remanded | recalled, arrest, np.where(custody, hearing, NEVER))
        touch = starts < NEVER
        if touch.any():
            # A recall keeps them inside for a fixed 28 days or to the end of their licence.
            licence_left = self.licence_until[who] - arrest
            recall_days = np.where(rng.random(k) < 0.6, 28, licence_left)
            served = np.where(custody, full // 2, 0)
            served = np.where(recalled, np.maximum(served, recall_days), served)
            term = np.where(custody, full, 0)
            term = np.where(recalled, np.maximum(term, licence_left), term)
            t = touch
            self._extend(
                who[t], starts[t], np.where(court, hearing, arrest)[t], served[t], term[t],
                remanded[t], (custody | recalled)[t], recalled[t],
            )  # fmt: skip
        return arrest, outcome, sanction, disposal

    def _extend(
        self,
        who: np.ndarray,
        starts: np.ndarray,
        hearing: np.ndarray,
        served: np.ndarray,
        full: np.ndarray,
        remanded: np.ndarray,
        sentenced: np.ndarray,
        recalled: np.ndarray,
    ) -> None:
        """Open a pending spell, or join one (same hearing; sentences run together)."""
        chain = self.chain
        new = chain.start[who] == NEVER
        chain.hearing[who] = np.where(new, hearing, chain.hearing[who])
        chain.start[who] = np.minimum(chain.start[who], starts)
        # Terms are counted from the spell's start, so time on remand counts towards them;
        # sentences passed together run concurrently (the longest decides).
        chain.served[who] = np.maximum(chain.served[who], served)
        chain.full[who] = np.maximum(chain.full[who], full)
        chain.remanded[who] |= remanded
        chain.sentenced[who] |= sentenced
        chain.recalled[who] |= recalled

    def _careers(self) -> Careers:
        def joined(parts: list[tuple[np.ndarray, ...]], width: int) -> list[np.ndarray]:
            if not parts:
                return [np.zeros(0, dtype=np.int64) for _ in range(width)]
            return [np.concatenate([p[i] for p in parts]) for i in range(width)]

        person, day, types, area, outcome, arrest, sanction, disposal, drugs = joined(
            self.found.offences, 9
        )
        spells = Spells(*joined(self.found.spells, 8))
        spells.remanded = spells.remanded.astype(bool)
        spells.sentenced = spells.sentenced.astype(bool)
        spells.recalled = spells.recalled.astype(bool)
        o_person, o_start, o_end = joined(self.found.orders, 3)
        return Careers(
            person=person,
            day=day,
            type=types,
            area=area,
            outcome=outcome,
            arrest=arrest,
            sanction=sanction,
            disposal=disposal,
            drugs=drugs.astype(bool),
            spells=spells,
            orders=(o_person, o_start, o_end),
        )


def simulate(rng: np.random.Generator, people: People, window: Window) -> Careers:
    """Every true offence of every person over the window, with custody and orders."""
    return _Simulation(rng, people, window).run()
