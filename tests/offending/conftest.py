"""Fixtures for import tests: two areas and, where wanted, people imported from NICHE."""

from __future__ import annotations

from typing import cast

import pytest

from tandem.core.models import Area
from tandem.offending.imports import import_file

from ..factories import AreaFactory
from .files import people_file


@pytest.fixture
def areas(db) -> tuple[Area, Area]:
    # factory_boy's factories are typed as themselves; they return the model.
    first = cast(Area, AreaFactory(code="A", name="Area A"))
    second = cast(Area, AreaFactory(code="B", name="Area B"))
    return first, second


@pytest.fixture
def people(areas) -> int:
    """Five people, P000001 to P000005, living in area A."""
    result = import_file("people", people_file(5), file_name="people.csv")
    assert result.rejected == 0
    return 5
