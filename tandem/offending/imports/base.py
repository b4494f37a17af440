"""What every kind of import shares: its columns, the batch context, and the common rules."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import polars as pl

from tandem.core.models import User

from ..models import ImportBatch
from . import lookups
from .progress import Progress
from .reading import ROW
from .validation import Check, repeat_check, text_check

SOURCE_SYSTEM_MAX = 50
SOURCE_REF_MAX = 100


@dataclass(frozen=True)
class Column:
    """A column a file of this kind may have; `required` means the header must have it."""

    name: str
    required: bool = False


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Context:
    """What one batch of files imported together shares, and what it has read so far."""

    today: dt.date
    actor: User | None = None
    default_source_system: str | None = None
    # People in people files of this batch (valid rows): source_system, source_ref, pnc_key.
    pending_people: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"source_system": pl.String, "source_ref": pl.String, "pnc_key": pl.String}
        )
    )
    _areas: pl.DataFrame | None = None
    _pncs: pl.DataFrame | None = None

    @property
    def areas(self) -> pl.DataFrame:
        if self._areas is None:
            self._areas = lookups.areas()
        return self._areas

    @property
    def pncs(self) -> pl.DataFrame:
        """PNC numbers in Tandem. Read fresh after a people file is written (see `forget`)."""
        if self._pncs is None:
            self._pncs = lookups.pnc_numbers()
        return self._pncs

    def pncs_for(self, frame: pl.DataFrame) -> pl.DataFrame:
        """PNC numbers in Tandem, or none if the file names nobody by PNC (saves a query)."""
        return self.pncs if frame["pnc"].is_not_null().any() else lookups.pnc_numbers_empty()

    def forget(self) -> None:
        """Drop lookups that writing may have changed."""
        self._pncs = None


class Spec(ABC):
    """One kind of import: its columns, how to check a frame of it, and how to write it."""

    kind: ImportBatch.Kind
    ref_column: str
    columns: tuple[Column, ...]
    # Columns of which the header must have at least one (person_ref or pnc).
    one_of: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def missing_columns(self, present: list[str], context: Context) -> list[str]:
        """Required columns the header lacks, each named once, in the documented order."""
        missing = [
            c.name
            for c in self.columns
            if c.required
            and c.name not in present
            and not (c.name == "source_system" and context.default_source_system)
        ]
        if self.one_of and not any(name in present for name in self.one_of):
            missing.append(" or ".join(self.one_of))
        return missing

    def conform(self, frame: pl.DataFrame, context: Context) -> pl.DataFrame:
        """Only the known columns (absent ones as blanks), with source_system filled in."""
        present = set(frame.columns)
        frame = frame.select(
            ROW,
            *[
                pl.col(name) if name in present else pl.lit(None, dtype=pl.String).alias(name)
                for name in self.names
            ],
        )
        system = pl.col("source_system")
        if context.default_source_system:
            system = system.fill_null(pl.lit(context.default_source_system))
        # Source systems are codes; capitals keep "Niche" and "NICHE" one system.
        return frame.with_columns(system.str.to_uppercase().alias("source_system"))

    def common_checks(self) -> list[Check]:
        """Source system and reference present, not too long, and not repeated in the file."""
        return [
            text_check("source_system", required=True, max_length=SOURCE_SYSTEM_MAX),
            text_check(self.ref_column, required=True, max_length=SOURCE_REF_MAX),
            repeat_check(
                self.ref_column,
                ["source_system", self.ref_column],
                "for this source_system in this file",
            ),
        ]

    @abstractmethod
    def prepare(self, frame: pl.DataFrame, context: Context) -> pl.DataFrame:
        """The frame with parsed and looked-up columns added, for the checks to read."""
        ...

    @abstractmethod
    def checks(self, context: Context) -> list[Check]:
        """The rules, in the order their errors are listed within a row."""
        ...

    @abstractmethod
    def write(
        self,
        valid: pl.DataFrame,
        present: list[str],
        context: Context,
        batch: ImportBatch,
        progress: Progress,
    ) -> Counts:
        """Upsert the valid rows; `present` names the file's columns (absent ones are kept)."""
        ...
