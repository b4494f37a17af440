"""The release handover pack as a page and as a PDF, for the agencies or for the person.

The page prints cleanly (a print stylesheet hides the links); the PDF is the same body in a
standalone document, for people without accounts. Both are built from the reader's view
under the protocol, and both are logged: the page as a view, the PDF as an export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core.access import grants_for, person_for
from tandem.core.audit import access_record
from tandem.core.models import AccessAction, User
from tandem.core.permissions import role_required

from .handover import HANDOVER_ROLES, HandoverPack, handover_pack, handover_pdf


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _pack(request: HttpRequest, person_id: int) -> tuple[HandoverPack, bool]:
    """The pack for this reader (404 out of scope), and whether it is the person's copy."""
    person = person_for(_user(request), person_id)
    pack = handover_pack(person, grants_for(_user(request), person))
    return pack, request.GET.get("for") == "person"


def _log(request: HttpRequest, pack: HandoverPack, for_person: bool, action: AccessAction) -> None:
    copy = "the person's copy" if for_person else "the agencies' copy"
    kind = "PDF" if action == AccessAction.EXPORT else "page"
    access_record(
        actor=_user(request),
        action=action,
        person=pack.person,
        categories=pack.person_categories if for_person else pack.categories,
        detail=f"release handover pack {kind}, {copy}",
        request=request,
    )


def _context(pack: HandoverPack, for_person: bool) -> dict[str, Any]:
    title = "Your plan for release" if for_person else "Release handover pack"
    return {
        "title": title,
        "pack": pack,
        "person": pack.person,
        "for_person": for_person,
        "generated": dt.datetime.now().astimezone(),
    }


@role_required(*HANDOVER_ROLES)
@require_GET
def handover(request: HttpRequest, person_id: int) -> HttpResponse:
    """The pack as a printable page; ?for=person gives the person's plain-language copy."""
    pack, for_person = _pack(request, person_id)
    _log(request, pack, for_person, AccessAction.VIEW_PERSON)
    return render(request, "casework/handover.html", _context(pack, for_person))


@role_required(*HANDOVER_ROLES)
@require_GET
def handover_download(request: HttpRequest, person_id: int) -> HttpResponse:
    """The same pack as a PDF to hand over; the download is logged as an export."""
    pack, for_person = _pack(request, person_id)
    _log(request, pack, for_person, AccessAction.EXPORT)
    pdf = handover_pdf(_context(pack, for_person), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    # The Tandem number, never the name: file names end up in download folders and logs.
    suffix = "-for-the-person" if for_person else ""
    name = f"handover-{pack.person.pk}{suffix}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
