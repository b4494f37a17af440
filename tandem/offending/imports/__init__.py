"""Bulk import of people, offences and drug tests from partner extracts (CSV or XLSX).

The file formats are in docs/data-import.md. The command (`tandem import`) and the web
page both call `import_files`; nothing else writes imported rows.

    reading.py     file -> polars frame of strings, with row numbers
    validation.py  vectorised rules -> (row, column, reason) errors
    lookups.py     reference frames from the database (areas, offence types, people, PNCs)
    persons.py     PNC numbers; which person a row names
    people.py, offences.py, drug_tests.py   one spec per kind: columns, rules, writing
    writing.py     staging table, one upsert statement, bulk history rows
    pipeline.py    the batch: read and validate every file, then write or refuse
    progress.py    the progress bar
"""

from .pipeline import (
    KINDS,
    FileProblem,
    ImportResult,
    ImportSource,
    error_csv,
    import_file,
    import_files,
)
from .progress import Progress, TextProgress
from .reading import ImportFileError

__all__ = [
    "KINDS",
    "FileProblem",
    "ImportFileError",
    "ImportResult",
    "ImportSource",
    "Progress",
    "TextProgress",
    "error_csv",
    "import_file",
    "import_files",
]
