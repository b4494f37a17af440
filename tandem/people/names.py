"""Name and identifier normalisation for forgiving search."""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")


def name_key(value: str) -> str:
    """Lower-case letters and digits only: "O'Neil-Smith" and "oneil smith" give one key."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_LETTER_OR_DIGIT.sub("", ascii_only.lower())


def identifier_key(value: str) -> str:
    """Upper-case letters and digits only: PNC "2004/0123456A" matches "20040123456a"."""
    return name_key(value).upper()
