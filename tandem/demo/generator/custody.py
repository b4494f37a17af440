"""Remand, sentences, release and licence: who goes to custody, for how long, and the episodes.

Courts lock people up for serious offences and for repeat offending: the chance of remand
and of a custodial sentence rises with the offence's gravity and with the number of earlier
sanctions (the "progression" through the sentencing ladder that prolific offenders climb).
Sentences are served half in custody and half on licence (automatic release at the halfway
point); time on remand counts towards the custodial half. While in custody a person commits
no offences in the community, which is how custody shapes the careers the generator draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from tandem.people.models import EpisodeKind

from .detection import COMMUNITY_ORDER, DISCHARGE, FINE, SUSPENDED
from .window import Window

# Median full sentence in days at each gravity (1 to 10); repeat offenders get longer.
SENTENCE_MEDIAN_DAYS = np.array([0, 30, 60, 90, 150, 240, 365, 600, 1100, 1800, 5000])
COMMUNITY_ORDER_MONTHS = np.array([12, 18, 24])
EPISODE_SCHEMA = {
    "person": pl.Int64, "kind": pl.String, "start": pl.Int64, "end": pl.Int64,
    "establishment": pl.String, "sentence": pl.Int64, "licensed": pl.Boolean,
}  # fmt: skip
# Sentences of four years or more were, until 2005, the Parole Board's to release early.
PAROLE_FROM_DAYS = 4 * 365
# Licence conditions: the standard six, then extra ones for some.
STANDARD_CONDITIONS = (
    "Be of good behaviour and not behave in a way which undermines the purpose of the licence",
    "Not commit any offence",
    "Keep in touch with the supervising officer as instructed",
    "Receive visits from the supervising officer as instructed",
    "Reside permanently at an address approved by the supervising officer",
    "Undertake only work approved by the supervising officer",
)
EXTRA_CONDITIONS = (
    "Attend drug testing as instructed",
    "Comply with a curfew from 7pm to 7am, electronically monitored",
    "Not enter the exclusion zone shown on the attached map",
    "Attend all appointments with the drug treatment provider",
    "Not contact the victim directly or indirectly",
)
# Requirement mixes of community orders, most often supervision with something else.
REQUIREMENT_MIXES = (
    '["supervision"]',
    '["unpaid_work"]',
    '["supervision", "unpaid_work"]',
    '["supervision", "drug_rehabilitation"]',
    '["supervision", "drug_rehabilitation", "curfew"]',
    '["supervision", "alcohol_treatment"]',
    '["supervision", "programme"]',
    '["unpaid_work", "curfew"]',
)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def remand_chance(
    gravity: np.ndarray, priors: np.ndarray, on_bail: np.ndarray, youth: np.ndarray
) -> np.ndarray:
    """Chance a charged person is remanded in custody until their hearing."""
    return _logistic(-4.8 + 0.38 * gravity + 0.5 * np.log1p(priors) + 1.0 * on_bail - 1.0 * youth)


def custody_chance(
    gravity: np.ndarray, priors: np.ndarray, on_bail: np.ndarray, youth: np.ndarray
) -> np.ndarray:
    """Chance a conviction brings an immediate custodial sentence (less likely under 18)."""
    return _logistic(-4.4 + 0.45 * gravity + 0.6 * np.log1p(priors) + 1.0 * on_bail - 1.0 * youth)


def sentence_days(rng: np.random.Generator, gravity: np.ndarray, priors: np.ndarray) -> np.ndarray:
    """Full sentence length in days (half is served in custody)."""
    median = SENTENCE_MEDIAN_DAYS[gravity] * (1 + 0.03 * np.minimum(priors, 30))
    return np.maximum(median * np.exp(0.5 * rng.standard_normal(gravity.size)), 14).astype(np.int64)


def community_sentence(
    rng: np.random.Generator, gravity: np.ndarray, priors: np.ndarray
) -> np.ndarray:
    """A non-custodial disposal code for each conviction (see detection.DISPOSALS)."""
    roll = rng.random(gravity.size)
    serious = (gravity >= 4) | (priors >= 5)
    # Serious or repeat: suspended 30%, community order 35%, fine 30%, discharge 5%.
    # Otherwise: suspended 5%, community order 25%, fine 55%, discharge 15%.
    cuts = np.where(serious[:, None], [0.3, 0.65, 0.95], [0.05, 0.3, 0.85])
    choice = (roll[:, None] >= cuts).sum(axis=1)
    return np.array([SUSPENDED, COMMUNITY_ORDER, FINE, DISCHARGE])[choice]


@dataclass
class Spells:
    """Custody spells: remand from `start` to the hearing, then custody until `release`."""

    person: np.ndarray
    start: np.ndarray  # first day in custody (remand start, or the hearing if bailed)
    hearing: np.ndarray
    release: np.ndarray  # first day back in the community
    licence_end: np.ndarray  # sentence expiry: licence runs from release to here
    remanded: np.ndarray
    sentenced: np.ndarray
    recalled: np.ndarray  # recalled from licence: sentenced custody from the start


def _frame(
    person: np.ndarray,
    kind: str,
    start: np.ndarray,
    end: np.ndarray,
    establishment: str,
    sentence: np.ndarray | None = None,
    licensed: np.ndarray | None = None,
) -> pl.DataFrame:
    size = person.size
    return pl.DataFrame(
        {
            "person": person.astype(np.int64),
            "kind": np.full(size, str(kind), dtype=object),
            "start": start.astype(np.int64),
            "end": end.astype(np.int64),  # the first day after the episode
            "establishment": np.full(size, establishment, dtype=object),
            # Sentenced custody only: the full sentence in days, and whether a licence follows.
            "sentence": sentence.astype(np.int64) if sentence is not None else None,
            "licensed": licensed if licensed is not None else None,
        },
        schema=EPISODE_SCHEMA,
    )


def _pick(options: tuple[str, ...], roll: pl.Expr) -> pl.Expr:
    """One of the options, chosen by a roll of 0-99."""
    return pl.lit(pl.Series(options)).gather(roll % len(options))


def _details(episodes: pl.DataFrame, window: Window) -> pl.DataFrame:
    """Sentence lengths, release types, licence conditions, order requirements and outcomes.

    Drawn from a hash of person and start day, not from the random streams, so adding them
    changed nobody's career; the same city always gets the same details.
    """
    roll = ((pl.col("person") * 2654435761 + pl.col("start") * 97) % 1_000_003) % 100
    kind = pl.col("kind")
    sentence = pl.col("sentence")
    sentenced = kind == EpisodeKind.SENTENCED
    order = kind == EpisodeKind.COMMUNITY_ORDER
    licence = kind == EpisodeKind.LICENCE
    still_open = pl.col("end_date").is_null()
    # Sentences under four weeks in days; longer ones in whole months, as courts give them.
    months = (sentence / 30.4375).round().cast(pl.Int64)
    release = (
        pl.when(~pl.col("licensed"))
        .then(pl.lit("sentence_end"))
        .when((sentence >= PAROLE_FROM_DAYS) & (roll < 35))
        .then(pl.lit("parole"))
        .when((sentence >= 84) & (sentence < PAROLE_FROM_DAYS) & (roll < 20))
        .then(pl.lit("hdc"))
        .otherwise(pl.lit("automatic"))
    )
    conditions = pl.lit("\n".join(STANDARD_CONDITIONS))
    extra = _pick(EXTRA_CONDITIONS, roll)
    requirements = _pick(REQUIREMENT_MIXES, roll // 3)
    # Cut short by a new spell in custody: breach proceedings for some, revoked on the new
    # sentence for the rest.
    outcome = (
        pl.when(pl.col("cut") & (roll < 40))
        .then(pl.lit("breached"))
        .when(pl.col("cut"))
        .then(pl.lit("revoked"))
        .when(roll < 12)
        .then(pl.lit("breached"))
        .otherwise(pl.lit("completed"))
    )
    review = pl.lit(window.end + 1) + roll % 28
    return episodes.with_columns(
        sentence_months=pl.when(sentenced & (sentence >= 28)).then(months).otherwise(None),
        sentence_days=pl.when(sentenced & (sentence < 28)).then(sentence).otherwise(None),
        release_type=pl.when(sentenced).then(release).otherwise(pl.lit("")),
        licence_conditions=pl.when(licence & (roll < 60))
        .then(pl.concat_str([conditions, extra], separator="\n"))
        .when(licence)
        .then(conditions)
        .otherwise(pl.lit("")),
        requirements=pl.when(order).then(requirements).otherwise(pl.lit("[]")),
        outcome=pl.when(order & ~still_open).then(outcome).otherwise(pl.lit("")),
        # Open orders with drug rehabilitation are reviewed in court monthly; open licences
        # have a review booked in the coming weeks.
        next_review_date=pl.when(
            still_open & ((order & requirements.str.contains("drug")) | licence)
        )
        .then(review)
        .otherwise(None)
        .cast(pl.Int32)
        .cast(pl.Date),
    )


def episodes_frame(
    spells: Spells,
    orders: tuple[np.ndarray, np.ndarray, np.ndarray],
    window: Window,
    prison: str,
    court: str,
) -> pl.DataFrame:
    """Status episodes (remand, sentenced, licence, community order) as of the window's end.

    Days are day numbers; `end_date` is the last day of a closed episode and null for one
    still open on the as-of day, whose `expected_end_date` says when it should end.
    """
    s = spells
    remand = s.remanded & ~s.recalled & (s.start < s.hearing)
    # A recalled person is serving their sentence from the day of the recall.
    custody_from = np.where(s.recalled, s.start, s.hearing)
    custody = s.sentenced & (s.release > custody_from)
    licence = s.sentenced & (s.licence_end > s.release)
    person, start, end = orders
    frames = [
        _frame(s.person[remand], EpisodeKind.REMAND, s.start[remand], s.hearing[remand], prison),
        _frame(s.person[custody], EpisodeKind.SENTENCED, custody_from[custody],
               s.release[custody], prison, s.licence_end[custody] - custody_from[custody],
               licence[custody]),
        _frame(s.person[licence], EpisodeKind.LICENCE, s.release[licence],
               s.licence_end[licence], ""),
        _frame(person, EpisodeKind.COMMUNITY_ORDER, start, end, court),
    ]  # fmt: skip
    episodes = pl.concat(frames).filter(pl.col("start") <= window.end)
    custody_starts = pl.DataFrame(
        {"person": s.person.astype(np.int64), "next_custody": s.start.astype(np.int64)}
    ).sort("next_custody")
    # A new spell in custody ends any licence or order running at the time (recall, or the
    # order revoked on resentence); an order made while in custody is dropped.
    episodes = (
        episodes.sort("start")
        .join_asof(
            custody_starts,
            left_on="start",
            right_on="next_custody",
            by="person",
            strategy="forward",
            allow_exact_matches=False,
            check_sortedness=False,  # sorted by day overall, so within each person too
        )
        .with_columns(
            end=pl.when(
                pl.col("kind").is_in([EpisodeKind.LICENCE, EpisodeKind.COMMUNITY_ORDER])
                & pl.col("next_custody").is_not_null()
            )
            .then(pl.min_horizontal("end", "next_custody"))
            .otherwise(pl.col("end")),
            # Cut short by a new spell in custody: an order so ended was revoked.
            cut=pl.col("next_custody").is_not_null() & (pl.col("next_custody") < pl.col("end")),
        )
    )
    inside = (
        episodes.filter(pl.col("kind").is_in([EpisodeKind.REMAND, EpisodeKind.SENTENCED]))
        .select("person", inside_from="start", inside_to="end")
        .sort("inside_from")
    )
    orders_made_inside = (
        episodes.filter(pl.col("kind") == EpisodeKind.COMMUNITY_ORDER)
        .sort("start")
        .join_asof(
            inside, left_on="start", right_on="inside_from", by="person", check_sortedness=False
        )
        .filter(pl.col("inside_to") > pl.col("start"))
        .select("person", "start", "kind")
    )
    episodes = episodes.join(orders_made_inside, on=["person", "start", "kind"], how="anti")
    open_now = pl.col("end") > window.end
    episodes = episodes.filter(pl.col("end") > pl.col("start")).with_columns(
        end_date=pl.when(open_now).then(None).otherwise(pl.col("end") - 1),
        expected_end_date=pl.when(open_now).then(pl.col("end")).otherwise(None),
    )
    return (
        _details(episodes, window)
        .select(
            "person", "kind", "start", "end_date", "expected_end_date", "establishment",
            *DETAIL_COLUMNS,
        )
        .sort("person", "start", "kind")
    )  # fmt: skip


DETAIL_COLUMNS = (
    "sentence_months", "sentence_days", "release_type", "licence_conditions", "requirements",
    "outcome", "next_review_date",
)  # fmt: skip


def empty_spells() -> Spells:
    none = np.zeros(0, dtype=np.int64)
    no = none.astype(bool)
    return Spells(none, none, none, none, none, no, no, no)


def in_custody_on(spells: Spells, count: int, day: int) -> np.ndarray:
    """Whether each person is in custody (remand or sentence) on the day."""
    inside = (spells.start <= day) & (day < spells.release)
    found = np.zeros(count, dtype=bool)
    found[spells.person[inside]] = True
    return found
