"""The offences file: one row per recorded offence and what became of it."""

from __future__ import annotations

import polars as pl

from tandem.core.models import Area
from tandem.people.models import Person

from ..models import SANCTION_OUTCOMES, Disposal, ImportBatch, Offence, OffenceType, Outcome
from . import lookups
from .base import Column, Context, Counts, Spec
from .persons import (
    PERSON_ID,
    fill_new_person_ids,
    person_checks,
    person_lookups,
    pnc_check,
    pnc_columns,
    pnc_key_column,
    resolve_person,
)
from .progress import Progress
from .validation import (
    Check,
    choice_check,
    choice_value,
    date_check,
    parse_date,
    typed,
    when_all,
)
from .writing import Upsert, column_types, lock_referenced, staged

OUTCOMES = {o.value: o.value for o in Outcome}
DISPOSALS = {d.value: d.value for d in Disposal}
SANCTIONS = sorted(o.value for o in SANCTION_OUTCOMES)
_SANCTION_NAMES = [o.value for o in Outcome if o in SANCTION_OUTCOMES]
SANCTION_LIST = ", ".join(_SANCTION_NAMES[:-1]) + " or " + _SANCTION_NAMES[-1]


def area_join(frame: pl.DataFrame, areas: pl.DataFrame, column: str = "area_code") -> pl.DataFrame:
    """Adds `area_id` for the area code (matched without regard to case), null if unknown."""
    return frame.join(
        areas,
        left_on=pl.col(column).str.to_lowercase(),
        right_on="code",
        how="left",
        maintain_order="left",
    ).drop("code", strict=False)


def area_check(column: str = "area_code", *, required: bool = False) -> Check:
    rules = []
    if required:
        rules.append((pl.col(column).is_null(), f"{column} is blank, but it is required"))
    rules.append(
        (
            pl.col(column).is_not_null() & pl.col("area_id").is_null(),
            f"{column} is not a Tandem area code (see Administration, Areas)",
        )
    )
    return Check(column, when_all(rules))


class OffencesSpec(Spec):
    kind = ImportBatch.Kind.OFFENCES
    ref_column = "offence_ref"
    one_of = ("person_ref", "pnc")
    columns = (
        Column("source_system", required=True),
        Column("offence_ref", required=True),
        Column("person_ref"),
        Column("pnc"),
        Column("offence_code", required=True),
        Column("offence_date", required=True),
        Column("area_code"),
        Column("outcome", required=True),
        Column("sanction_date"),
        Column("disposal"),
    )

    def prepare(self, frame: pl.DataFrame, context: Context) -> pl.DataFrame:
        frame = frame.with_columns(
            parse_date("offence_date"),
            parse_date("sanction_date"),
            choice_value("outcome", OUTCOMES),
            choice_value("disposal", DISPOSALS),
            *pnc_columns(),
        ).with_columns(pnc_key_column())
        frame = self._offence_types(frame)
        frame = area_join(frame, context.areas)
        systems = frame["source_system"].drop_nulls().unique().to_list()
        by_ref, by_pnc = person_lookups(
            lookups.people(systems), context.pncs_for(frame), context.pending_people
        )
        frame = resolve_person(frame, by_ref, by_pnc)
        return frame

    def _offence_types(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Adds offence_type_id from the Tandem code, or else the Home Office code."""
        codes, home_office = lookups.offence_types()
        key = typed("offence_code", "key")
        return (
            frame.with_columns(pl.col("offence_code").str.to_lowercase().alias(key))
            .join(codes, left_on=key, right_on="code", how="left", maintain_order="left")
            .join(
                home_office.with_columns(pl.lit(True).alias("ho_known")),
                left_on=key,
                right_on="code",
                how="left",
                maintain_order="left",
            )
            .with_columns(pl.coalesce("offence_type_id", "ho_type_id").alias("offence_type_id"))
        )

    def checks(self, context: Context) -> list[Check]:
        code, type_id = pl.col("offence_code"), pl.col("offence_type_id")
        outcome = pl.col(typed("outcome", "value"))
        offence_date = pl.col(typed("offence_date", "date"))
        sanction_date = pl.col(typed("sanction_date", "date"))
        return [
            *self.common_checks(),
            *person_checks(),
            pnc_check(),
            Check(
                "offence_code",
                when_all(
                    [
                        (code.is_null(), "offence_code is blank, but it is required"),
                        (
                            type_id.is_null() & pl.col("ho_known").fill_null(False),
                            "offence_code is a Home Office code shared by several offence "
                            "types; use the Tandem offence code",
                        ),
                        (
                            type_id.is_null(),
                            "offence_code is not a Tandem offence code or a Home Office code "
                            "in the catalogue (see Administration, Offence types)",
                        ),
                    ]
                ),
            ),
            date_check("offence_date", required=True, today=context.today),
            area_check(),
            choice_check("outcome", OUTCOMES, required=True),
            date_check(
                "sanction_date",
                required=False,
                today=context.today,
                extra=[
                    (
                        sanction_date < offence_date,
                        "sanction_date must be on or after offence_date",
                    )
                ],
            ),
            Check(
                "sanction_date",
                when_all(
                    [
                        (
                            pl.col("sanction_date").is_null() & outcome.is_in(SANCTIONS),
                            f"sanction_date is required when the outcome is {SANCTION_LIST}",
                        )
                    ]
                ),
            ),
            choice_check("disposal", DISPOSALS, required=False),
        ]

    def write(
        self,
        valid: pl.DataFrame,
        present: list[str],
        context: Context,
        batch: ImportBatch,
        progress: Progress,
    ) -> Counts:
        if context.pending_people.height:
            systems = valid["source_system"].unique().to_list()
            valid = fill_new_person_ids(valid, context.pending_people, lookups.people(systems))
        stage = valid.select(
            "source_system",
            pl.col("offence_ref").alias("source_ref"),
            PERSON_ID,
            "offence_type_id",
            pl.col(typed("offence_date", "date")).alias("offence_date"),
            "area_id",
            pl.col(typed("outcome", "value")).alias("outcome"),
            pl.col(typed("sanction_date", "date")).alias("sanction_date"),
            pl.col(typed("disposal", "value")).fill_null("").alias("disposal"),
        )
        optional = {
            "area_code": "area_id",
            "sanction_date": "sanction_date",
            "disposal": "disposal",
        }
        compared = [PERSON_ID, "offence_type_id", "offence_date", "outcome"] + [
            column for name, column in optional.items() if name in present
        ]
        progress.phase("writing", stage.height)
        with staged(stage, column_types(Offence), on_chunk=progress.advance):
            # Offence's keys are not database constraints (see the model): check them here.
            progress.note("checking people, offence types and areas")
            for column, model in (
                (PERSON_ID, Person),
                ("offence_type_id", OffenceType),
                ("area_id", Area),
            ):
                lock_referenced(stage[column], model)
            progress.note("merging into offences")
            created, updated = Upsert(
                model=Offence,
                columns=stage.columns,
                compared=compared,
                constants={"import_batch_id": batch.pk},
                also_update=["import_batch_id"],
            ).run()
        return Counts(created=created, updated=updated, unchanged=stage.height - created - updated)
