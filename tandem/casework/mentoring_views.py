"""Mentoring for one person: the current pairing, its meetings, and pairing, logging, ending.

Offender managers and the coordinator pair a person with a mentor (an offender manager in
the area or a mentoring charity's worker) and end the pairing; the mentor or an offender
manager logs meetings. Mentoring is attitudes data under the sharing protocol.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tandem.core.forms import DATE_FORMATS
from tandem.core.models import User

from . import selectors, services
from .models import MENTORING_CATEGORY
from .views import _context, _copy_errors, _log, _open, _posted, _user


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text="For example, 27/11/2026",
        input_formats=DATE_FORMATS,
        error_messages={"required": f"Enter the {label.lower()}",
                        "invalid": "Enter the date as day/month/year, like 27/11/2026"},
    )  # fmt: skip


class MentorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name}, {obj.agency.name} ({obj.get_role_display().lower()})"


class PairForm(forms.Form):
    mentor = MentorChoice(
        queryset=User.objects.none(),
        label="Mentor",
        empty_label="Choose a mentor",
        error_messages={"required": "Choose a mentor", "invalid_choice": "Choose a mentor"},
    )
    start_date = _date("Start date")
    specialism = forms.CharField(
        label="The mentor's specialism (optional)",
        help_text="Left blank for a charity's volunteer, the charity's contact details are used",
        required=False,
        max_length=300,
        error_messages={"max_length": "Use 300 characters or fewer"},
    )

    def __init__(self, *args: Any, mentors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    date = _date("Date of the meeting")
    place = forms.CharField(
        label="Where",
        max_length=200,
        error_messages={"required": "Enter where the meeting was",
                        "max_length": "Use 200 characters or fewer"},
    )  # fmt: skip
    attended = forms.BooleanField(label="The person came", required=False)
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "Use 2,000 characters or fewer"},
    )


class EndForm(forms.Form):
    end_date = _date("End date")
    end_reason = forms.CharField(
        label="Why the pairing ended",
        max_length=500,
        error_messages={"required": "Enter why the pairing ended",
                        "max_length": "Use 500 characters or fewer"},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def mentoring(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's mentor and meetings as far as the reader may see, and what they may do."""
    person, grants = _open(request, person_id)
    actor = _user(request)
    reads = grants.can_read(MENTORING_CATEGORY)
    if request.method == "POST" and not reads:
        raise PermissionDenied
    view = selectors.mentoring_for(person) if reads else None
    current = view.current if view else None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    may_pair = reads and current is None and services.may_pair(actor, person)
    may_log = current is not None and services.may_log(actor, current)
    may_end = current is not None and services.may_end(actor, current)
    allowed = {"pair": may_pair, "meeting": may_log, "end": may_end}
    if request.method == "POST" and not allowed.get(action, False):
        raise PermissionDenied
    pair_form = (
        PairForm(_posted(request) if action == "pair" else None,
                 mentors=services.mentor_choices(person))
        if may_pair else None
    )  # fmt: skip
    meeting_form = (
        MeetingForm(_posted(request) if action == "meeting" else None, initial={"attended": True})
        if may_log
        else None
    )
    end_form = EndForm(_posted(request) if action == "end" else None) if may_end else None
    form: forms.Form | None = {"pair": pair_form, "meeting": meeting_form, "end": end_form}.get(
        action
    )
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "pair":
                services.mentoring_pair(actor=actor, person=person, **data)
                done = "Mentor paired"
            elif action == "meeting":
                assert current is not None
                services.mentoring_meeting_log(actor=actor, pairing=current, **data)
                done = "Meeting logged"
            else:
                assert current is not None
                services.mentoring_end(actor=actor, pairing=current, end_date=data["end_date"],
                                       reason=data["end_reason"])  # fmt: skip
                done = "Pairing ended"
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("casework:mentoring", person_id=person.pk)
    if request.method == "GET":
        if reads:
            _log(request, person, [MENTORING_CATEGORY], "mentoring")
        else:
            _log(request, person, [], "mentoring (withheld)")
    return render(
        request,
        "casework/mentoring.html",
        _context(person, grants, "Mentoring", form=form, view=view, reads=reads,
                 withheld=grants.withheld.get(MENTORING_CATEGORY), pair_form=pair_form,
                 meeting_form=meeting_form, end_form=end_form),
        status=400 if form is not None and form.errors else 200,
    )  # fmt: skip
