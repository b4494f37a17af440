"""Synthetic reference numbers in the formats real systems use, so validation and search are
exercised the way live data would exercise them."""

from __future__ import annotations

import re

# The Police National Computer check character: (two-digit year followed by the serial padded
# to seven digits) modulo 23 indexes this alphabet, which leaves out I, O and S.
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_PATTERN = re.compile(r"^(\d{4})/(\d{7})([A-Z])$")
NOMIS_PATTERN = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")


def pnc_check_letter(year: int, serial: int) -> str:
    """The check character of the PNC number for this year of issue and serial."""
    return PNC_CHECK_LETTERS[int(f"{year % 100:02d}{serial:07d}") % len(PNC_CHECK_LETTERS)]


def pnc_format(year: int, serial: int) -> str:
    """A PNC number in the long form, such as 2004/0123456M."""
    return f"{year:04d}/{serial:07d}{pnc_check_letter(year, serial)}"


def pnc_is_valid(value: str) -> bool:
    """Whether a long-form PNC number is well formed and its check character is right."""
    match = PNC_PATTERN.match(value)
    if match is None:
        return False
    year, serial, letter = match.groups()
    return pnc_check_letter(int(year), int(serial)) == letter
