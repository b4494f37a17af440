"""`tandem import KIND FILE [KIND FILE ...]`: import people, offences or drug tests.

Exit status 0 when the rows were written (with --partial, the valid ones), 1 when rows
were rejected and nothing was written, 2 when a file cannot be imported at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.offending.imports import (
    KINDS,
    FileProblem,
    ImportResult,
    ImportSource,
    Progress,
    TextProgress,
    error_csv,
    import_files,
)

EXIT_REJECTED = 1
EXIT_UNUSABLE = 2


def default_errors_path(path: Path) -> Path:
    """offences.csv -> offences.errors.csv, next to the file."""
    return path.with_name(f"{path.stem}.errors.csv")


class Command(BaseCommand):
    help = (
        "Import people, offences or drug tests from CSV or XLSX files "
        "(see docs/data-import.md). Give one or more KIND FILE pairs; KIND is "
        f"{', '.join(KINDS)}. Files given together are one batch: offences and drug tests "
        "may name people from a people file in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("items", nargs="+", metavar="KIND FILE", help="kind, then file")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="write the valid rows and report the rejected ones (default: all or nothing)",
        )
        parser.add_argument(
            "--errors",
            metavar="PATH",
            help="where to write the error list (default: beside the file, offences.csv "
            "giving offences.errors.csv; only with one file)",
        )
        parser.add_argument(
            "--source-system",
            metavar="NAME",
            help="source system for rows that leave source_system blank or lack the column",
        )
        parser.add_argument(
            "--show", type=int, default=20, metavar="N", help="errors to print (default 20)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sources = self._sources(options["items"])
        if options["errors"] and len(sources) > 1:
            raise CommandError("--errors can only be used with one file.", returncode=EXIT_UNUSABLE)
        progress: Progress = (
            TextProgress(cast(TextIO, self.stderr._out)) if options["verbosity"] > 0 else Progress()
        )
        try:
            results = import_files(
                sources,
                partial=options["partial"],
                default_source_system=options["source_system"],
                progress=progress,
            )
        except FileProblem as problem:
            raise CommandError(
                f"{problem.file_name}: {problem.message}", returncode=EXIT_UNUSABLE
            ) from None
        for result in results:
            path = Path(options["errors"]) if options["errors"] else None
            self._report(result, path or default_errors_path(Path(result.file_name)), options)
        if any(r.rejected for r in results) and not options["partial"]:
            raise CommandError(
                "Nothing was written. Correct the errors and import again, or use --partial "
                "to write the valid rows.",
                returncode=EXIT_REJECTED,
            )

    def _sources(self, items: list[str]) -> list[ImportSource]:
        if len(items) % 2:
            raise CommandError(
                f"Give a kind and a file for each import, such as: offences offences.csv "
                f"(kinds: {', '.join(KINDS)}).",
                returncode=EXIT_UNUSABLE,
            )
        sources = []
        for kind, name in zip(items[::2], items[1::2], strict=True):
            if kind not in KINDS:
                raise CommandError(
                    f"Unknown kind '{kind}'; choose {', '.join(KINDS)}.", returncode=EXIT_UNUSABLE
                )
            path = Path(name)
            if not path.is_file():
                raise CommandError(
                    f"{name}: there is no file at that path.", returncode=EXIT_UNUSABLE
                )
            sources.append(ImportSource(kind, path, str(path)))
        return sources

    def _report(self, result: ImportResult, errors_path: Path, options: dict[str, Any]) -> None:
        counts = result.counts
        written = (
            f"{counts.created:,} created, {counts.updated:,} updated, "
            f"{counts.unchanged:,} unchanged"
        )
        line = f"{result.file_name} ({result.kind}, batch {result.batch.pk}): {result.rows:,} rows"
        if not result.rejected:
            self.stdout.write(f"{line}; {written}.")
        elif result.written:
            self.stdout.write(
                f"{line}; {result.rejected:,} rejected and not written; of the others, {written}."
            )
        else:
            self.stdout.write(f"{line}; {result.rejected:,} with errors, so none written.")
        if result.error_count:
            shown = result.errors.head(max(options["show"], 0))
            for row, column, reason in shown.iter_rows():
                self.stdout.write(f"  row {row}, {column}: {reason}")
            if result.error_count > shown.height:
                self.stdout.write(f"  … and {result.error_count - shown.height:,} more")
            errors_path.write_bytes(error_csv(result.errors))
            noun = "error" if result.error_count == 1 else "errors"
            self.stdout.write(f"{result.error_count:,} {noun} written to {errors_path}")
        elif errors_path.exists():
            # A clean import leaves no stale error list from an earlier try to mislead anyone.
            errors_path.write_bytes(error_csv(result.errors))
