"""One pipeline for every kind of file: read, validate everything, then write or refuse.

Files imported together form a batch: people files are checked first, so that offences
and drug tests in the same batch may name people they bring. Unless `partial` is set, one
error anywhere means nothing is written from any file of the batch; the batch's
ImportBatch records (one per file) are kept either way, with their error lists.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import DatabaseError, transaction
from django.utils import timezone

from tandem.core.access import today
from tandem.core.models import User

from ..models import ImportBatch
from .base import Context, Counts, Spec
from .drug_tests import DrugTestsSpec
from .offences import OffencesSpec
from .people import PeopleSpec
from .progress import Progress
from .reading import ROW, ImportFileError, read_table
from .validation import find_errors

SPECS: dict[str, Spec] = {
    ImportBatch.Kind.PEOPLE.value: PeopleSpec(),
    ImportBatch.Kind.OFFENCES.value: OffencesSpec(),
    ImportBatch.Kind.DRUG_TESTS.value: DrugTestsSpec(),
}
KINDS = tuple(SPECS)


@dataclass(frozen=True)
class ImportSource:
    """A file to import: its kind, its path or bytes, and the name to record it under."""

    kind: str
    source: Path | bytes
    file_name: str


@dataclass
class ImportResult:
    """How one file went. `errors` has columns row, column and reason."""

    kind: str
    file_name: str
    rows: int
    rejected: int
    errors: pl.DataFrame
    written: bool
    counts: Counts
    batch: ImportBatch

    @property
    def error_count(self) -> int:
        return self.errors.height


@dataclass
class _Checked:
    source: ImportSource
    spec: Spec
    present: list[str]
    frame: pl.DataFrame
    valid: pl.DataFrame
    errors: pl.DataFrame


class FileProblem(ImportFileError):
    """A whole-file problem, naming the file it was found in."""

    def __init__(self, file_name: str, message: str) -> None:
        super().__init__(message)
        self.file_name = file_name
        self.message = message


def error_csv(errors: pl.DataFrame) -> bytes:
    """The error list as CSV: row, column, reason."""
    buffer = io.BytesIO()
    errors.select("row", "column", "reason").write_csv(buffer)
    return buffer.getvalue()


def _check(source: ImportSource, context: Context, progress: Progress) -> _Checked:
    spec = SPECS.get(source.kind)
    if spec is None:
        raise FileProblem(source.file_name, f"Unknown kind of file; choose {', '.join(KINDS)}.")
    progress.begin(Path(source.file_name).name)
    progress.phase("reading")
    try:
        frame = read_table(source.source, source.file_name)
    except ImportFileError as error:
        raise FileProblem(source.file_name, str(error)) from None
    progress.advance(frame.height)
    present = [c for c in frame.columns if c != ROW]
    missing = spec.missing_columns(present, context)
    if missing:
        raise FileProblem(
            source.file_name,
            "The file is missing required columns: " + ", ".join(missing) + ".",
        )
    checks = spec.checks(context)
    # One step for parsing and looking up, then one a rule.
    progress.phase("validating", len(checks) + 1, unit="steps")
    progress.note(f"{frame.height:,} rows")
    prepared = spec.prepare(spec.conform(frame, context), context)
    progress.advance()
    errors = find_errors(prepared, checks, progress)
    valid = prepared.filter(~pl.col(ROW).is_in(errors["row"].unique().implode()))
    if isinstance(spec, PeopleSpec):
        context.pending_people = pl.concat([context.pending_people, spec.pending(valid)])
    return _Checked(source, spec, present, prepared, valid, errors)


def import_files(
    sources: Sequence[ImportSource],
    *,
    actor: User | None = None,
    partial: bool = False,
    default_source_system: str | None = None,
    progress: Progress | None = None,
) -> list[ImportResult]:
    """Validate every file, then write them all (or, with `partial`, their valid rows).

    Raises FileProblem for a file that cannot be read or lacks required columns; nothing
    is written or recorded then.
    """
    progress = progress or Progress()
    context = Context(
        today=today(),
        actor=actor,
        default_source_system=(default_source_system or "").strip().upper() or None,
    )
    people_first = sorted(sources, key=lambda s: s.kind != ImportBatch.Kind.PEOPLE)
    checked = [_check(source, context, progress) for source in people_first]
    write = partial or not any(c.errors.height for c in checked)
    results = []
    try:
        with transaction.atomic():
            for item in checked:
                results.append(_record(item, context, actor, partial, write, progress))
    except DatabaseError as error:
        # Validation should leave the database nothing to refuse; if it does (someone deleted
        # a person the rows name while the import ran, say), say so without the database's
        # own message, which can quote values from the file.
        raise FileProblem(
            checked[-1].source.file_name,
            "The database refused the rows, so nothing was written "
            f"({type(error).__name__}). If records were being changed while the import ran, "
            "try again.",
        ) from None
    finally:
        progress.finish()
    return results


def _record(
    item: _Checked,
    context: Context,
    actor: User | None,
    partial: bool,
    write: bool,
    progress: Progress,
) -> ImportResult:
    rejected = item.frame.height - item.valid.height
    batch = ImportBatch.objects.create(
        kind=item.spec.kind,
        file_name=Path(item.source.file_name).name[-255:],
        actor=actor,
        rows=item.frame.height,
        rejected=rejected,
        partial=partial,
        errors=item.errors.height,
        error_file=gzip.compress(error_csv(item.errors)) if item.errors.height else None,
    )
    counts = Counts()
    if write and item.valid.height:
        progress.begin(Path(item.source.file_name).name)
        counts = item.spec.write(item.valid, item.present, context, batch, progress)
    batch.created, batch.updated, batch.unchanged = counts.created, counts.updated, counts.unchanged
    batch.finished_at = timezone.now()
    batch.save(update_fields=["created", "updated", "unchanged", "finished_at"])
    return ImportResult(
        kind=item.spec.kind,
        file_name=item.source.file_name,
        rows=item.frame.height,
        rejected=rejected,
        errors=item.errors,
        written=write,
        counts=counts,
        batch=batch,
    )


def import_file(
    kind: str,
    source: Path | bytes,
    *,
    file_name: str | None = None,
    actor: User | None = None,
    partial: bool = False,
    default_source_system: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one file; see import_files."""
    name = file_name or (source.name if isinstance(source, Path) else "upload")
    return import_files(
        [ImportSource(kind, source, name)],
        actor=actor,
        partial=partial,
        default_source_system=default_source_system,
        progress=progress,
    )[0]
