"""Selection criteria: eligibility, Recency-Frequency-Gravity bands, optional terms, weights.

No national points scheme exists for PPO selection (police forces each use their own RFG
matrix), so Tandem ships a documented default that each partnership edits and versions.
The old persistent-offender rule (Narrowing the Justice Gap, 2002) ships beside it so areas
can compare.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# A band is (threshold, points). Recency: the last offence within `threshold` days scores
# `points` (the first band that fits, bands in increasing days). Frequency and gravity: a
# value at or above `threshold` scores `points` (the highest band reached).
Band = tuple[int, float]


@dataclass(frozen=True)
class Criteria:
    """One version of a partnership's selection criteria, as plain data."""

    min_age: int = 18
    lookback_months: int = 12
    min_recordable_offences: int = 1
    # Exclusions
    exclude_in_custody_beyond_days: int | None = 180
    exclude_moved_away: bool = True
    # RFG
    recency_bands: list[Band] = field(
        default_factory=lambda: [(30, 10.0), (90, 7.0), (180, 4.0), (365, 1.0)]
    )
    frequency_bands: list[Band] = field(
        default_factory=lambda: [(1, 1.0), (3, 3.0), (6, 6.0), (10, 8.0), (15, 10.0)]
    )
    gravity_bands: list[Band] = field(
        default_factory=lambda: [(3, 1.0), (10, 3.0), (20, 6.0), (35, 8.0), (50, 10.0)]
    )
    recency_weight: float = 1.0
    frequency_weight: float = 2.0
    gravity_weight: float = 1.5
    # Optional terms
    ogrs3_weight: float = 10.0  # points for a 2-year probability of 1.0
    intelligence_weight: float = 1.0
    drug_offence_points: float = 1.0  # per drug-related offence in the window
    positive_test_points: float = 2.0  # per positive drug test in the window
    # Candidates at or above this total are "above threshold".
    threshold: float = 30.0
    # The persistent-offender rule counts offences only.
    frequency_only: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Criteria:
        """Build from stored JSON, validating every value; raise ValueError with the field."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"Unknown criteria fields: {', '.join(sorted(unknown))}")
        values = dict(data)
        for name in ("recency_bands", "frequency_bands", "gravity_bands"):
            if name in values:
                values[name] = [(int(t), float(p)) for t, p in values[name]]
        criteria = cls(**values)
        criteria.validate()
        return criteria

    def validate(self) -> None:
        """Raise ValueError naming the first field that makes no sense."""
        if not 10 <= self.min_age <= 100:
            raise ValueError("min_age: must be between 10 and 100")
        if not 1 <= self.lookback_months <= 120:
            raise ValueError("lookback_months: must be between 1 and 120")
        if self.min_recordable_offences < 0:
            raise ValueError("min_recordable_offences: cannot be negative")
        for name in ("recency_bands", "frequency_bands", "gravity_bands"):
            bands = getattr(self, name)
            thresholds = [t for t, _ in bands]
            if thresholds != sorted(set(thresholds)):
                raise ValueError(f"{name}: thresholds must rise, with no repeats")
            if any(t < 0 or p < 0 for t, p in bands):
                raise ValueError(f"{name}: thresholds and points cannot be negative")
        for name in (
            "recency_weight", "frequency_weight", "gravity_weight", "ogrs3_weight",
            "intelligence_weight", "drug_offence_points", "positive_test_points",
        ):  # fmt: skip
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: cannot be negative")


DEFAULT_PPO = Criteria()
# The criteria set the partnership ships and selects its PPO cohort by (a data migration
# creates it; coordinators add versions).
PPO_CRITERIA_NAME = "PPO criteria"

PERSISTENT_OFFENDER_RULE = Criteria(
    min_age=18,
    lookback_months=12,
    min_recordable_offences=6,
    exclude_in_custody_beyond_days=None,
    exclude_moved_away=True,
    frequency_only=True,
    ogrs3_weight=0.0,
    intelligence_weight=0.0,
    drug_offence_points=0.0,
    positive_test_points=0.0,
    threshold=6.0,
)
