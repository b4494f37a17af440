"""Parsing what someone typed into the search box into name, date of birth and identifier."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .names import identifier_key, name_key

MAX_QUERY_LENGTH = 200
_DATE_PATTERNS = [
    re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"),  # 14/03/2001
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),  # 2001-03-14
]


def parse_date(token: str) -> dt.date | None:
    """A date typed as day/month/year (or ISO); None if it is not one."""
    first = _DATE_PATTERNS[0].match(token)
    try:
        if first:
            day, month, year = (int(x) for x in first.groups())
            return dt.date(year, month, day)
        iso = _DATE_PATTERNS[1].match(token)
        if iso:
            year, month, day = (int(x) for x in iso.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


@dataclass
class ParsedQuery:
    text: str
    name_tokens: list[str] = field(default_factory=list)
    date_of_birth: dt.date | None = None
    identifier: str = ""
    bad_date: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.name_tokens or self.date_of_birth or self.identifier)


def parse_query(raw: str) -> ParsedQuery:
    """Split free text into name tokens, a date of birth and a possible identifier."""
    text = " ".join((raw or "")[:MAX_QUERY_LENGTH].split())
    parsed = ParsedQuery(text=text)
    if not text:
        return parsed
    words = []
    for token in text.split(" "):
        date = parse_date(token)
        if date is not None:
            parsed.date_of_birth = date
        elif re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", token):
            parsed.bad_date = True
        else:
            words.append(token)
    # Anything with a digit may be an identifier (PNC 2004/0123456A, local SC-000123).
    if any(ch.isdigit() for ch in text) and not (parsed.date_of_birth or parsed.bad_date):
        parsed.identifier = identifier_key(text)
    parsed.name_tokens = [k for k in (name_key(w) for w in words) if k and not k.isdigit()]
    return parsed
