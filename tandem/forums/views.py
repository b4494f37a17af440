"""Forum pages: the list, a meeting with its agenda, decisions, views and actions, minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core.access import person_for, today
from tandem.core.audit import access_record
from tandem.core.categories import Category
from tandem.core.models import AccessAction, Agency, Role, User
from tandem.core.permissions import role_required

from . import services
from .exit import exit_criteria, readiness_for
from .forms import (
    ActionForm,
    ActionStatusForm,
    DecisionForm,
    ExitCriteriaForm,
    GenerateForm,
    ItemForm,
    MoveForm,
    ScheduleForm,
    ViewForm,
)
from .minutes import minutes_pdf
from .models import (
    Action,
    AgencyView,
    AgendaItem,
    ForumSchedule,
    Meeting,
    ReoffendingAfterExit,
)
from .selectors import (
    FORUM_ROLES,
    MeetingRecord,
    agenda_members,
    meeting_for,
    meeting_record,
    meetings_for,
    open_actions_for,
    readable_categories,
    upcoming_and_recent,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _copy_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        for text in error.messages:
            form.add_error(None, text)
        return
    for field, texts in error.message_dict.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _is_coordinator_of(user: User, meeting: Meeting) -> bool:
    return user.role == Role.COORDINATOR and user.areas.filter(pk=meeting.area_id).exists()


def _log_people(request: HttpRequest, record: MeetingRecord, action: str, detail: str) -> None:
    access_record(
        actor=_user(request),
        action=action,  # type: ignore[arg-type]
        categories=[Category.IDENTITY] + ([Category.OFFENDING] if record.sees_offending else []),
        detail=f"{detail} {record.meeting.pk}",
        result_count=record.people,
        request=request,
    )


@role_required(*FORUM_ROLES)
def forums_home(request: HttpRequest) -> HttpResponse:
    """The user's forums: next meetings, recent ones, and their agency's open actions."""
    user = _user(request)
    upcoming, recent = upcoming_and_recent(user)
    areas = list(user.areas.order_by("code")) if user.role == Role.COORDINATOR else []
    schedules = {s.area_id: s for s in ForumSchedule.objects.filter(area__in=areas)}
    reoffended = list(
        ReoffendingAfterExit.objects.filter(membership__area__in=areas)
        .select_related("membership__person", "membership__area")
        .order_by("-flagged_at")[:50]
    )
    if reoffended:
        access_record(
            actor=user,
            action=AccessAction.VIEW_LIST,
            categories=[Category.IDENTITY, Category.OFFENDING],
            detail="offending after exit",
            result_count=len(reoffended),
            request=request,
        )
    return render(
        request,
        "forums/home.html",
        {
            "title": "Forums",
            "upcoming": upcoming,
            "recent": recent,
            "actions": list(open_actions_for(user)[:50]),
            "areas": [(area, schedules.get(area.pk)) for area in areas],
            "reoffended": reoffended,
        },
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, area_id: int) -> HttpResponse:
    """Set when an area's forum meets, and generate meetings ahead."""
    user = _user(request)
    area = user.areas.filter(pk=area_id).first()
    if area is None:
        raise Http404
    current = ForumSchedule.objects.filter(area=area).first()
    initial = (
        {
            "weekday": current.weekday,
            "time": current.time.strftime("%H:%M"),
            "place": current.place,
            "interval_days": current.interval_days,
        }
        if current
        else {"interval_days": 14}
    )
    schedule_form = ScheduleForm(initial=initial)
    generate_form = GenerateForm(initial={"from_date": today().strftime("%d/%m/%Y"), "count": 6})
    if request.method == "POST":
        generating = "generate" in request.POST
        form: Form = GenerateForm(request.POST) if generating else ScheduleForm(request.POST)
        if form.is_valid():
            try:
                if generating:
                    made = services.meetings_generate(actor=user, area=area, **form.cleaned_data)
                    messages.success(request, f"{len(made)} meetings added for {area.name}")
                else:
                    services.schedule_set(actor=user, area=area, **form.cleaned_data)
                    messages.success(request, f"{area.name}'s forum schedule saved")
            except ValidationError as error:
                _copy_errors(form, error)
            else:
                return redirect("forums:schedule", area_id=area.pk)
        if generating:
            generate_form = form  # type: ignore[assignment]
        else:
            schedule_form = form  # type: ignore[assignment]
    return render(
        request,
        "forums/schedule.html",
        {
            "title": f"{area.name} forum schedule",
            "area": area,
            "current": current,
            "schedule_form": schedule_form,
            "generate_form": generate_form,
            "upcoming": Meeting.objects.filter(area=area, starts_at__date__gte=today()).order_by(
                "starts_at"
            )[:12],
        },
        status=400 if schedule_form.errors or generate_form.errors else 200,
    )


@role_required(*FORUM_ROLES)
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A meeting: attendance, the agenda with decisions and views, actions."""
    user = _user(request)
    record = meeting_record(user, meeting_id)
    _log_people(request, record, AccessAction.VIEW_LIST, "forum")
    return render(
        request,
        "forums/meeting.html",
        {
            "title": f"{record.meeting.area.name} forum, {record.meeting.day:%-d %B %Y}",
            "record": record,
            "meeting": record.meeting,
            "manages": _is_coordinator_of(user, record.meeting),
            "gives_view": services.may_give_view(user, record.meeting),
            "today": today(),
        },
    )


def _managed_meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = meeting_for(_user(request), meeting_id)
    if not _is_coordinator_of(_user(request), meeting):
        raise PermissionDenied
    return meeting


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def meeting_move(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _managed_meeting(request, meeting_id)
    form = MoveForm(
        request.POST or None,
        initial={
            "day": meeting.day.strftime("%d/%m/%Y"),
            "place": meeting.place,
            "time": meeting.starts_at.astimezone().strftime("%H:%M"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_move(
                actor=_user(request),
                meeting=meeting,
                starts_at=form.starts_at,
                place=form.cleaned_data["place"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Meeting moved")
            return redirect("forums:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "forums/move.html",
        {"title": "Move the meeting", "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Who came: each invited agency, attended or sent apologies, and its representatives."""
    meeting = _managed_meeting(request, meeting_id)
    rows = list(meeting.attendance.select_related("agency"))
    errors: list[str] = []
    if request.method == "POST":
        posted: dict[int, tuple[bool, str]] = {}
        for row in rows:
            value = request.POST.get(f"attended-{row.agency_id}", "")
            if value not in ("yes", "no"):
                errors.append(f"Say whether {row.agency.name} attended")
                continue
            posted[row.agency_id] = (value == "yes", request.POST.get(f"reps-{row.agency_id}", ""))
        if not errors:
            try:
                services.attendance_record(actor=_user(request), meeting=meeting, rows=posted)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, "Attendance recorded")
                return redirect("forums:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "forums/attendance.html",
        {
            "title": "Attendance",
            "meeting": meeting,
            "rows": rows,
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
        },
        status=400 if errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_POST
def agenda_build(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _managed_meeting(request, meeting_id)
    try:
        added = services.agenda_build(actor=_user(request), meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{added} item{'s' if added != 1 else ''} added from the area's data"
            if added
            else "The agenda already has everything the area's data proposes",
        )
    return redirect("forums:meeting", meeting_id=meeting.pk)


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _managed_meeting(request, meeting_id)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = None
        if form.cleaned_data["person"]:
            try:
                person = person_for(_user(request), form.cleaned_data["person"])
            except Http404:
                form.add_error("person", "No one with that Tandem number lives in your areas")
        if not form.errors:
            try:
                services.item_add(
                    actor=_user(request),
                    meeting=meeting,
                    title=form.cleaned_data["title"],
                    person=person,
                )
            except ValidationError as error:
                _copy_errors(form, error)
            else:
                messages.success(request, "Item added to the agenda")
                return redirect("forums:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "forums/item_add.html",
        {"title": "Add an item", "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


def _item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(pk=item_id, meeting=meeting)
        .select_related("person", "meeting__area", "nomination", "membership__person")
        .first()
    )
    if item is None:
        raise Http404
    return item


@role_required(Role.COORDINATOR)
@require_POST
def item_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = _managed_meeting(request, meeting_id)
    item = _item(meeting, item_id)
    services.item_move(actor=_user(request), item=item, up=request.POST.get("direction") == "up")
    return redirect(f"{meeting_url(meeting)}#item-{item.pk}")


def meeting_url(meeting: Meeting) -> str:
    from django.urls import reverse

    return reverse("forums:meeting", args=[meeting.pk])


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """Record the forum's decision on an item, with its rationale."""
    meeting = _managed_meeting(request, meeting_id)
    item = _item(meeting, item_id)
    if hasattr(item, "decision"):
        messages.info(request, "This item already has a decision")
        return redirect(f"{meeting_url(meeting)}#item-{item.pk}")
    leads = (
        User.objects.filter(
            role=Role.OFFENDER_MANAGER,
            areas=meeting.area,
            is_active=True,
            agency__kind__in=["police", "probation", "prison"],
        )
        .select_related("agency")
        .order_by("last_name")
    )
    outcomes = services.OUTCOMES_FOR[item.kind]
    form = DecisionForm(request.POST or None, outcomes=outcomes, leads=leads)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(actor=_user(request), item=item, **form.cleaned_data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Decision recorded")
            return redirect(f"{meeting_url(meeting)}#item-{item.pk}")
    elif request.method == "POST":
        # List the decision's other problems now too, not one round at a time.
        for field, text in services.decision_problems(item, form.cleaned_data).items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, text)
    if item.person is not None and request.method == "GET":
        access_record(
            actor=_user(request),
            action=AccessAction.VIEW_PERSON,
            person=item.person,
            categories=[Category.IDENTITY, Category.OFFENDING],
            detail=f"forum item {item.pk}",
            request=request,
        )
    readiness = None
    membership = agenda_members([item]).get(item.person_id) if item.person_id else None
    if membership is not None:
        readiness = readiness_for(
            [membership], meeting.day, readable_categories(_user(request))
        ).get(membership.person_id)
    return render(
        request,
        "forums/decide.html",
        {
            "title": "Record the decision",
            "meeting": meeting,
            "item": item,
            "form": form,
            "readiness": readiness,
            # The decisions open to this item, so the page shows the fields each one needs.
            "outcomes": [str(outcome) for outcome in outcomes],
        },
        status=400 if form.errors else 200,
    )


@role_required(*FORUM_ROLES)
@require_http_methods(["GET", "POST"])
def agency_view(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    """The user's agency's view on an item, in its own words."""
    user = _user(request)
    meeting = meeting_for(user, meeting_id)
    if not services.may_give_view(user, meeting):
        raise PermissionDenied
    item = _item(meeting, item_id)
    existing = AgencyView.objects.filter(item=item, agency=user.agency).first()
    form = ViewForm(
        request.POST or None,
        initial={
            "text": existing.text if existing else "",
            "version": services.view_version(existing),
        },
    )
    theirs = None
    if item.person is not None and request.method == "GET":
        access_record(
            actor=user,
            action=AccessAction.VIEW_PERSON,
            person=item.person,
            categories=[Category.IDENTITY],
            detail=f"forum item {item.pk}, agency view",
            request=request,
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.view_save(
                actor=user,
                item=item,
                text=form.cleaned_data["text"],
                seen_version=form.cleaned_data["version"] or "",
            )
        except services.StaleViewError as stale:
            theirs = stale.current
            form.add_error(
                "text",
                f"{stale.current.author.display_name} saved your agency's view while you were "
                "writing. Nothing was saved: their words are shown below; change yours and save "
                "again.",
            )
            # Saving again from here means "I have seen theirs": start from their version.
            data = request.POST.copy()
            data["version"] = services.view_version(stale.current)
            form.data = data
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Your agency's view is saved")
            return redirect(f"{meeting_url(meeting)}#item-{item.pk}")
    return render(
        request,
        "forums/agency_view.html",
        {
            "title": "Your agency's view",
            "meeting": meeting,
            "item": item,
            "form": form,
            "theirs": theirs,
            "agency": user.agency,
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _managed_meeting(request, meeting_id)
    agencies = Agency.objects.filter(pk__in=meeting.attendance.values("agency_id")).order_by("name")
    owners = User.objects.filter(agency__in=agencies, is_active=True).select_related("agency")
    items = list(meeting.items.order_by("position"))
    form = ActionForm(request.POST or None, agencies=agencies, owners=owners, items=items)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        item_id = data.pop("item")
        data["item"] = next((i for i in items if i.pk == item_id), None)
        try:
            services.action_add(actor=_user(request), meeting=meeting, **data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Action added")
            return redirect(f"{meeting_url(meeting)}#actions")
    return render(
        request,
        "forums/action_add.html",
        {"title": "Add an action", "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*FORUM_ROLES)
@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    """The owning agency or the coordinator marks an action done or cancelled."""
    user = _user(request)
    action = (
        Action.objects.filter(pk=action_id, meeting__in=meetings_for(user))
        .select_related("meeting__area", "owner_agency", "owner", "item__person")
        .first()
    )
    if action is None:
        raise Http404
    if action.item is not None and action.item.person is not None and request.method == "GET":
        access_record(
            actor=user,
            action=AccessAction.VIEW_PERSON,
            person=action.item.person,
            categories=[Category.IDENTITY],
            detail=f"forum action {action.pk}",
            request=request,
        )
    form = ActionStatusForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(actor=user, action=action, **form.cleaned_data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Action updated")
            return redirect("forums:meeting", meeting_id=action.meeting_id)
    return render(
        request,
        "forums/action_update.html",
        {"title": "Update an action", "action": action, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*FORUM_ROLES)
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The minutes as a page: attendance, decisions, views and actions."""
    record = meeting_record(_user(request), meeting_id)
    _log_people(request, record, AccessAction.VIEW_LIST, "forum minutes")
    return render(request, "forums/minutes.html", _minutes_context(record))


@role_required(*FORUM_ROLES)
def minutes_download(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The same minutes as a PDF, for people without accounts; the download is logged."""
    record = meeting_record(_user(request), meeting_id)
    _log_people(request, record, AccessAction.EXPORT, "forum minutes PDF")
    pdf = minutes_pdf(_minutes_context(record), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"forum-{record.meeting.area.code}-{record.meeting.day:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _minutes_context(record: MeetingRecord) -> dict[str, Any]:
    meeting = record.meeting
    return {
        "title": f"Minutes: {meeting.area.name} forum, {meeting.day:%-d %B %Y}",
        "record": record,
        "meeting": meeting,
        "generated": dt.datetime.now().astimezone(),
        "today": today(),
    }


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def exit_criteria_edit(request: HttpRequest) -> HttpResponse:
    """The partnership's exit criteria, which every member's readiness panel checks."""
    current = exit_criteria()
    fields = ExitCriteriaForm.base_fields
    form = ExitCriteriaForm(
        request.POST or None, initial={name: getattr(current, name) for name in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.exit_criteria_set(actor=_user(request), **form.cleaned_data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Exit criteria saved")
            return redirect("forums:exit_criteria")
    return render(
        request,
        "forums/exit_criteria.html",
        {"title": "Exit criteria", "form": form},
        status=400 if form.errors else 200,
    )
