"""The drug-tests file: Drug Intervention Programme tests, their results and what followed."""

from __future__ import annotations

import polars as pl

from ..models import DrugTest, ImportBatch, TestResult
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
    text_check,
    typed,
    when_all,
)
from .writing import Upsert, column_types, staged

SETTINGS = {s.value: s.value for s in DrugTest.Setting}
RESULTS = {
    r.value: r.value for r in (TestResult.POSITIVE, TestResult.NEGATIVE, TestResult.NOT_TESTED)
}
SUBSTANCES = ("opiates", "cocaine", "other")
YES_NO = {"yes": "yes", "no": "no"}
OTHER_SUBSTANCE_MAX = 100


def _flag(column: str) -> pl.Expr:
    return pl.col(typed(column, "value")) == "yes"


class DrugTestsSpec(Spec):
    kind = ImportBatch.Kind.DRUG_TESTS
    ref_column = "test_ref"
    one_of = ("person_ref", "pnc")
    columns = (
        Column("source_system", required=True),
        Column("test_ref", required=True),
        Column("person_ref"),
        Column("pnc"),
        Column("test_date", required=True),
        Column("setting", required=True),
        Column("opiates", required=True),
        Column("cocaine", required=True),
        Column("other", required=True),
        Column("other_substance"),
        Column("assessment_required"),
        Column("assessment_followed"),
    )

    def prepare(self, frame: pl.DataFrame, context: Context) -> pl.DataFrame:
        frame = frame.with_columns(
            parse_date("test_date"),
            choice_value("setting", SETTINGS),
            *[choice_value(s, RESULTS) for s in SUBSTANCES],
            choice_value("assessment_required", YES_NO),
            choice_value("assessment_followed", YES_NO),
            *pnc_columns(),
        ).with_columns(pnc_key_column())
        systems = frame["source_system"].drop_nulls().unique().to_list()
        by_ref, by_pnc = person_lookups(
            lookups.people(systems), context.pncs_for(frame), context.pending_people
        )
        frame = resolve_person(frame, by_ref, by_pnc)
        return frame

    def checks(self, context: Context) -> list[Check]:
        results = [pl.col(typed(s, "value")) for s in SUBSTANCES]
        none_tested = pl.all_horizontal([r == TestResult.NOT_TESTED.value for r in results])
        return [
            *self.common_checks(),
            *person_checks(),
            pnc_check(),
            date_check("test_date", required=True, today=context.today),
            choice_check("setting", SETTINGS, required=True),
            *[choice_check(s, RESULTS, required=True) for s in SUBSTANCES],
            Check(
                "opiates, cocaine, other",
                when_all(
                    [(none_tested, "At least one of opiates, cocaine and other must be tested")]
                ),
            ),
            text_check("other_substance", required=False, max_length=OTHER_SUBSTANCE_MAX),
            choice_check("assessment_required", YES_NO, required=False),
            choice_check("assessment_followed", YES_NO, required=False),
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
        followed = pl.col(typed("assessment_followed", "value"))
        stage = valid.select(
            "source_system",
            pl.col("test_ref").alias("source_ref"),
            PERSON_ID,
            pl.col(typed("test_date", "date")).alias("test_date"),
            *[pl.col(typed(c, "value")).alias(c) for c in ("setting", *SUBSTANCES)],
            pl.col("other_substance").fill_null(""),
            _flag("assessment_required").fill_null(False).alias("assessment_required"),
            pl.when(followed.is_not_null()).then(followed == "yes").alias("assessment_followed"),
        )
        optional = ("other_substance", "assessment_required", "assessment_followed")
        compared = [PERSON_ID, "test_date", "setting", *SUBSTANCES] + [
            c for c in optional if c in present
        ]
        progress.phase("writing", stage.height)
        with staged(stage, column_types(DrugTest), on_chunk=progress.advance):
            progress.note("merging into drug tests")
            created, updated = Upsert(
                model=DrugTest,
                columns=stage.columns,
                compared=compared,
                constants={"import_batch_id": batch.pk},
                also_update=["import_batch_id"],
            ).run()
        return Counts(created=created, updated=updated, unchanged=stage.height - created - updated)
