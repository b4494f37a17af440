"""Transfer pages: proposals from and to the user's areas, each area's answer, and the
coordinator's decision on disputes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.casework.selectors import current_leads
from tandem.core.access import today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Role, User
from tandem.core.permissions import role_required

from . import transfers
from .forms import TransferLeadForm, TransferResolveForm, TransferRespondForm
from .selectors import TransferRow, reads_offending, transfer_detail, transfer_lists
from .transfers import RECEIVING, SENDING

TRANSFER_ROLES = (Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER)
SIDE_LABELS = {SENDING: "sending", RECEIVING: "receiving"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@role_required(*TRANSFER_ROLES)
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Open proposals for the user's areas, disputes for the coordinator, and transfers that
    still need a lead in the receiving area."""
    user = _user(request)
    lists = transfer_lists(user, today())
    access_record(
        actor=user,
        action=AccessAction.VIEW_LIST,
        categories=[Category.IDENTITY, *([Category.OFFENDING] if lists.show_reasons else [])],
        detail="transfers",
        result_count=lists.people_listed,
        request=request,
    )
    return render(
        request,
        "people/transfers.html",
        {"title": "Transfers between areas", "lists": lists, "acting": _acting(user)},
    )


def _acting(user: User) -> bool:
    return user.role in transfers.ACTING_ROLES


def _side_choices(row: TransferRow) -> list[tuple[str, str]]:
    p = row.proposal
    names = {SENDING: p.from_area.name, RECEIVING: p.to_area.name}
    return [(side, f"{names[side]} ({SIDE_LABELS[side]} area)") for side in row.sides]


def _forms(row: TransferRow, data: object = None, which: str = "") -> dict[str, forms.Form | None]:
    """The forms the reader may use on this proposal; `which` gets the posted data."""
    p = row.proposal
    leads = transfers.leads_in(p.to_area)
    respond = resolve = lead = None
    if row.sides:
        respond = TransferRespondForm(
            data if which == "respond" else None,
            sides=_side_choices(row),
            leads=leads if RECEIVING in row.sides else None,
        )
    if row.can_resolve and p.status == "disputed":
        resolve = TransferResolveForm(data if which == "resolve" else None, leads=leads)
    if row.awaiting_lead and row.proposal.to_area_id in row.acting_areas:
        lead = TransferLeadForm(data if which == "lead" else None, leads=leads)
    return {"respond_form": respond, "resolve_form": resolve, "lead_form": lead}


def _detail_page(
    request: HttpRequest, row: TransferRow, found: dict[str, forms.Form | None]
) -> HttpResponse:
    user = _user(request)
    show_reasons = reads_offending(user)
    access_record(
        actor=user,
        action=AccessAction.VIEW_PERSON,
        person=row.proposal.person,
        categories=[Category.IDENTITY, *([Category.OFFENDING] if show_reasons else [])],
        detail="transfer proposal",
        request=request,
    )
    errors = any(form is not None and form.errors for form in found.values())
    return render(
        request,
        "people/transfer.html",
        {
            "title": "Transfer between areas",
            "row": row,
            "proposal": row.proposal,
            "person": row.proposal.person,
            "show_reasons": show_reasons,
            "lead": current_leads([row.proposal.person_id]).get(row.proposal.person_id),
            "has_errors": errors,
            **found,
        },
        status=400 if errors else 200,
    )


@role_required(*TRANSFER_ROLES)
def transfer(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """One proposal: the reason, each area's answer, and the forms the reader may use."""
    row = transfer_detail(_user(request), proposal_id)
    return _detail_page(request, row, _forms(row))


def _service_errors(form: forms.Form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _handle(request: HttpRequest, proposal_id: int, which: str) -> HttpResponse:
    user = _user(request)
    row = transfer_detail(user, proposal_id)
    found = _forms(row, request.POST, which)
    form = found[f"{which}_form"]
    if form is None:
        # Nothing for this reader to do here (a viewer, the wrong area, or already done).
        if user.role == Role.VIEWER:
            raise PermissionDenied
        messages.info(request, "There is nothing for you to answer on this proposal now")
        return redirect("people:transfer", proposal_id=row.proposal.pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if which == "respond":
                transfers.transfer_respond(actor=user, proposal=row.proposal, **data)
            elif which == "resolve":
                transfers.transfer_resolve(actor=user, proposal=row.proposal, **data)
            else:
                transfers.transfer_lead_allocate(actor=user, proposal=row.proposal, **data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            row.proposal.refresh_from_db()
            messages.success(request, _done_message(which, row))
            return redirect("people:transfer", proposal_id=row.proposal.pk)
    return _detail_page(request, row, found)


def _done_message(which: str, row: TransferRow) -> str:
    p = row.proposal
    if which == "lead":
        return "New lead allocated"
    if p.new_membership_id:
        return f"Transferred to {p.to_area.name}"
    if p.status == "disputed":
        return "Disputed: the coordinator decides"
    if p.status == "resolved":
        return f"Decided: stays in {p.from_area.name}"
    return "Answer recorded: waiting for the other area"


@role_required(Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER)
@require_POST
def transfer_respond(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The sending or receiving area accepts or disputes."""
    return _handle(request, proposal_id, "respond")


@role_required(Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER)
@require_POST
def transfer_resolve(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The partnership coordinator decides a dispute."""
    return _handle(request, proposal_id, "resolve")


@role_required(Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.VIEWER)
@require_POST
def transfer_lead(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """The receiving area allocates the new lead after the transfer."""
    return _handle(request, proposal_id, "lead")
