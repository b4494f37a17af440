"""Reading CSV and XLSX files into a polars frame of strings, one row per data row.

Every cell is read as text (no type guessing: "007" stays "007"), stripped of surrounding
spaces, and blank cells become nulls. Column names are lower-cased and stripped. Each row
keeps its row number as a spreadsheet shows it (the header is row 1) in `_row`, so errors
point at the right row even after blank rows are dropped.
"""

from __future__ import annotations

import io
from pathlib import Path

import fastexcel
import polars as pl

ROW = "_row"
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, the binary format before 2007
_XLSX_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"


class ImportFileError(Exception):
    """The file as a whole cannot be imported. The message is safe to show: no cell values."""


def _sniff(head: bytes, file_name: str) -> str:
    name = file_name.lower()
    if head.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        return "xlsx"
    if head.startswith(OLD_EXCEL_MAGIC) or name.endswith(".xls"):
        raise ImportFileError(
            "The file is in the old Excel format (.xls). Save it as XLSX or CSV and try again."
        )
    return "csv"


def _read_csv(data: bytes) -> pl.DataFrame:
    try:
        # The header is read as a data row so that repeated names can be reported as they
        # are, rather than silently renamed by the reader.
        return pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            infer_schema=False,
            encoding="utf8",
            raise_if_empty=False,
        )
    except Exception as error:
        # Polars' messages can quote the offending line; show only what kind of problem it is.
        raise ImportFileError(
            "The file could not be read as CSV. Check that it is UTF-8 text, comma-separated, "
            "with a header row and no more cells on any row than in the header "
            f"({type(error).__name__})."
        ) from None


def _read_xlsx(data: bytes) -> pl.DataFrame:
    try:
        # fastexcel directly (the engine behind pl.read_excel), because pl.read_excel drops
        # blank rows and every row number after one would then be wrong.
        sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
    except Exception as error:
        raise ImportFileError(
            "The file could not be read as XLSX. Check that it is an Excel workbook with a "
            f"header row on the first sheet ({type(error).__name__})."
        ) from None
    # Date cells arrive as text like "2025-07-02 00:00:00"; the midnight says nothing.
    return frame.with_columns(pl.all().cast(pl.String).str.replace(_XLSX_MIDNIGHT, "$1"))


def normalise_name(name: str) -> str:
    """How a header cell names a column: lower case, no surrounding spaces or byte-order mark."""
    return name.replace("\ufeff", "").strip().lower()


def read_table(source: Path | bytes, file_name: str) -> pl.DataFrame:
    """Every data row of the file as strings, with `_row`; blank rows are dropped."""
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except FileNotFoundError:
            raise ImportFileError("There is no file at that path.") from None
        except IsADirectoryError:
            raise ImportFileError("That path is a folder, not a file.") from None
        except OSError as error:
            raise ImportFileError(f"The file could not be opened ({error.strerror}).") from None
    else:
        data = source
    if not data.strip():
        raise ImportFileError("The file is empty.")
    kind = _sniff(data[:8], file_name)
    raw = _read_xlsx(data) if kind == "xlsx" else _read_csv(data)
    if raw.height == 0:
        raise ImportFileError("The file is empty.")
    header = [normalise_name(str(v or "")) for v in raw.row(0)]
    if kind == "csv" and len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise ImportFileError(
            "The file seems to separate its columns with semicolons or tabs. Save it as "
            "comma-separated CSV (or XLSX) and try again."
        )
    # Spreadsheets leave unnamed columns where a stray cell was typed; they carry no field.
    keep = [i for i, name in enumerate(header) if name]
    if not keep:
        raise ImportFileError("The file has no header row.")
    repeated = sorted({header[i] for i in keep if header.count(header[i]) > 1})
    if repeated:
        raise ImportFileError(
            "These columns appear more than once in the header: " + ", ".join(repeated) + "."
        )
    frame = (
        raw.select([pl.col(raw.columns[i]).cast(pl.String).alias(header[i]) for i in keep])
        .with_row_index(ROW, offset=1)
        .slice(1)
        .with_columns(pl.exclude(ROW).str.strip_chars().replace("", None))
    )
    frame = frame.filter(~pl.all_horizontal(pl.exclude(ROW).is_null()))
    if frame.height == 0:
        raise ImportFileError("The file has a header row but no data rows.")
    return frame
