from .test_pages import *  # noqa
from .test_pages import LOG as L, listed as ls
from ..personas import signed_in_client as sic


def test_dbg(cast, logged):
    r = sic(cast.auditor).get(L)
    print("LISTED", [(e.pk, e.action) for e in ls(r)], r.context["page"].paginator.count)


def test_dbg2(cast, logged):
    r = sic(cast.auditor).get(L)
    print("LISTED", [(e.pk, e.action) for e in ls(r)], r.context["page"].paginator.count)
