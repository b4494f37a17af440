import polars as pl
import pytest

from tandem.core.bulk import insert_frame
from tandem.core.models import Area, Partnership


@pytest.mark.django_db
def test_insert_frame_round_trip():
    p = Partnership.objects.create(name="P")
    frame = pl.DataFrame(
        {
            "partnership_id": [p.pk, p.pk, p.pk],
            "code": ["X1", "X2", 'Q"3'],
            "name": ["", "a,b", "line\nbreak \\N"],
        }
    )
    assert insert_frame(Area, frame) == 3
    got = {a.code: a.name for a in Area.objects.all()}
    assert got == {"X1": "", "X2": "a,b", 'Q"3': "line\nbreak \\N"}
