"""The example rows in docs/data-import.md import cleanly, in the order the page gives them."""

from __future__ import annotations

import re
from pathlib import Path

from tandem.offending.imports import import_file
from tandem.offending.models import DrugTest, Offence

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-import.md"


def _examples() -> dict[str, bytes]:
    """Each section's indented CSV block, keyed by the section's kind."""
    examples = {}
    for section in re.split(r"^## ", DOC.read_text(), flags=re.MULTILINE)[1:]:
        kind = section.split("\n", 1)[0].strip()
        lines = [
            line[4:] for line in section.splitlines() if line.startswith("    ") and "," in line
        ]
        if lines:
            examples[kind] = ("\n".join(lines) + "\n").encode()
    return examples


def test_the_documented_examples_import(areas):
    examples = _examples()
    assert list(examples) == ["people", "offences", "drug-tests"]
    for kind, data in examples.items():
        result = import_file(kind, data, file_name=f"{kind}.csv")
        assert result.errors.rows() == [], kind
    assert Offence.objects.count() == 2
    assert DrugTest.objects.get().person.last_name == "O'Neil"
