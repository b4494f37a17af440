"""Partner agencies' work with people (engagements) and people's consents to share data.

Partner workers see only the people their agency works with, so every demo partner worker
must have a caseload: agencies work mostly with the most prolific (the people a PPO scheme
would refer), drug services with drug users, and the second mentoring charity (serving
Black and minority ethnic prisoners) with people from minority ethnic groups. Each
engagement drawn here is then given the referral that opened it (referrals.py), so the
partners' access comes from referrals, as it does in the live service.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from tandem.core.categories import Category
from tandem.people.models import Ethnicity

from .careers import ETHNICITIES, People
from .identity import days
from .organisation import PARTNER_AGENCY_KEYS
from .window import Window

PARTNER_WEIGHTS = {
    "dip": 0.2, "drugs": 0.2, "housing": 0.15, "landlord": 0.1, "ete": 0.15,
    "mentoring1": 0.1, "mentoring2": 0.1,
}  # fmt: skip
PURPOSES = {
    "dip": "Drug testing on arrest, assessment and onward referral",
    "drugs": "Structured drug treatment",
    "housing": "Housing options and homelessness prevention",
    "landlord": "Tenancy and tenancy support",
    "ete": "Employment, training and education support",
    "mentoring1": "Mentoring",
    "mentoring2": "Mentoring and family support",
}
OPEN_SHARE = 0.65
CONSENT_SHARE = 0.5
MIN_OPEN_ENGAGEMENTS = 6  # each demo partner worker opens at least this many people
AGENCIES = list(PARTNER_AGENCY_KEYS)


def engagements_frame(
    rng: np.random.Generator, people: People, recorded: np.ndarray, window: Window
) -> pl.DataFrame:
    """Engagements (one or two agencies a person), open or ended, more for prolific people.

    `recorded` is each person's count of recorded offences.
    """
    n = people.count
    order = np.argsort(np.argsort(recorded, kind="stable"), kind="stable")
    percentile = (order + 0.5) / max(n, 1)
    engaged = rng.random(n) < 0.05 + 0.55 * percentile**3
    weights = np.tile([PARTNER_WEIGHTS[key] for key in AGENCIES], (n, 1))
    drug = people.drug_user
    weights[:, AGENCIES.index("dip")] *= np.where(drug, 3.0, 0.3)
    weights[:, AGENCIES.index("drugs")] *= np.where(drug, 3.0, 0.3)
    minority = ~np.isin(
        np.asarray(ETHNICITIES)[people.ethnicity], [Ethnicity.WHITE, Ethnicity.NOT_STATED]
    )
    weights[:, AGENCIES.index("mentoring2")] *= np.where(minority, 3.0, 1.0)
    # Two distinct agencies for some: order agencies by weighted random keys (Efraimidis and
    # Spirakis), take the first one or two.
    keys = rng.random(weights.shape) ** (1.0 / weights)
    ranked = np.argsort(-keys, axis=1)
    how_many = np.where(rng.random(n) < 0.3, 2, 1)
    person = np.concatenate([np.flatnonzero(engaged), np.flatnonzero(engaged & (how_many == 2))])
    slot = np.concatenate(
        [np.zeros(engaged.sum(), int), np.ones((engaged & (how_many == 2)).sum(), int)]
    )
    agency = ranked[person, slot]
    person, agency = _top_up(rng, person, agency, n)
    return _dated(rng, person, agency, window)


def _top_up(
    rng: np.random.Generator, person: np.ndarray, agency: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add engagements so every agency has its minimum caseload, however small the city."""
    extra_people, extra_agencies = [person], [agency]
    for index in range(len(AGENCIES)):
        have = np.unique(person[agency == index])
        wanted = min(MIN_OPEN_ENGAGEMENTS * 2, n) - have.size
        if wanted > 0:
            candidates = np.setdiff1d(np.arange(n), have)
            chosen = rng.choice(candidates, size=min(wanted, candidates.size), replace=False)
            extra_people.append(chosen)
            extra_agencies.append(np.full(chosen.size, index))
    return np.concatenate(extra_people), np.concatenate(extra_agencies)


def _dated(
    rng: np.random.Generator, person: np.ndarray, agency: np.ndarray, window: Window
) -> pl.DataFrame:
    size = person.size
    is_open = rng.random(size) < OPEN_SHARE
    # Every agency keeps at least MIN_OPEN_ENGAGEMENTS open, whatever the draw.
    for index in range(len(AGENCIES)):
        mine = np.flatnonzero(agency == index)
        short = MIN_OPEN_ENGAGEMENTS - is_open[mine].sum()
        if short > 0:
            is_open[mine[~is_open[mine]][:short]] = True
    end = np.where(is_open, window.end, window.end - rng.integers(30, 201, size))
    start = end - rng.integers(7, 401, size)
    agency_keys = np.asarray(AGENCIES)[agency]
    frame = pl.DataFrame(
        {
            "person": person.astype(np.int64),
            "agency": agency_keys,
            "start_date": days(start),
            "end_date": days(end),
            "purpose": [PURPOSES[key] for key in agency_keys.tolist()],
            "open": is_open,
        }
    ).with_columns(end_date=pl.when("open").then(None).otherwise("end_date"))
    return frame.unique(["person", "agency"], keep="first", maintain_order=True).sort(
        "person", "start_date"
    )


def consents_frame(
    rng: np.random.Generator, engagements: pl.DataFrame, window: Window
) -> pl.DataFrame:
    """Consents to share substance-misuse and health data, for about half of those engaged."""
    first = engagements.group_by("person", maintain_order=True).agg(
        start=pl.col("start_date").min(),
        drug_work=pl.col("agency").is_in(["dip", "drugs"]).any(),
    )
    n = first.height
    consenting = rng.random(n) < CONSENT_SHARE
    drug_work = first["drug_work"].to_numpy()
    substance = drug_work | (rng.random(n) < 0.6)
    health = ~substance | (rng.random(n) < 0.4)
    start = first["start"].cast(pl.Int64).to_numpy()
    given = np.minimum(start + rng.integers(0, 22, n), window.end)
    # A few withdraw their consent later.
    withdrawn = np.where(
        (rng.random(n) < 0.08) & (given < window.end),
        given + 1 + (rng.random(n) * (window.end - given)).astype(np.int64),
        -1,
    )
    rows = []
    for category, wanted in ((Category.SUBSTANCE_MISUSE, substance), (Category.HEALTH, health)):
        chosen = consenting & wanted
        scope = (
            f"Share {category.label.lower()} information with the partner agencies working "
            "with them on the PPO scheme."
        )
        rows.append(
            pl.DataFrame(
                {
                    "person": first["person"].to_numpy()[chosen].astype(np.int64),
                    "given_on": days(given[chosen]),
                    "withdrawn_on": days(np.maximum(withdrawn[chosen], 0)),
                    "withdrawn": withdrawn[chosen] >= 0,
                }
            ).with_columns(category=pl.lit(str(category)), scope=pl.lit(scope))
        )
    return (
        pl.concat(rows)
        .with_columns(withdrawn_on=pl.when("withdrawn").then("withdrawn_on").otherwise(None))
        .drop("withdrawn")
        .sort("person", "category")
    )
