"""Contacts and case notes for one person: the list the reader may see, and a form to add.

A note is read if its category is granted; a sensitive note's text only by the author's
agency and the coordinator (others see that it exists). Notes are changed by their author
within 24 hours, then corrected by a new note; never deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.core.categories import Category
from tandem.core.forms import DATE_FORMATS

from . import selectors, services
from .models import ContactType
from .views import _context, _copy_errors, _log, _open, _posted, _user


class ContactNoteForm(forms.Form):
    contact_type = forms.ChoiceField(
        label="Type of contact",
        choices=[("", "Choose a type"), *ContactType.choices],
        error_messages={"required": "Choose the type of contact",
                        "invalid_choice": "Choose the type of contact"},
    )  # fmt: skip
    contact_date = forms.DateField(
        label="Date of the contact",
        help_text="For example, 27/11/2026",
        input_formats=DATE_FORMATS,
        error_messages={"required": "Enter the date of the contact",
                        "invalid": "Enter the date as day/month/year, like 27/11/2026"},
    )  # fmt: skip
    category = forms.ChoiceField(
        label="Kind of data the note holds",
        help_text="Decides who may read it under the sharing protocol",
        error_messages={"required": "Choose the kind of data the note holds",
                        "invalid_choice": "Choose the kind of data the note holds"},
    )  # fmt: skip
    text = forms.CharField(
        label="Note",
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the note",
            "max_length": "Use 5,000 characters or fewer",
        },
    )
    sensitive = forms.BooleanField(
        label="Sensitive: only my agency and the coordinator may read the text",
        required=False,
    )
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: list[str], editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = dict(Category.choices)
        self.fields["category"].choices = [(c, labels[c]) for c in categories]  # type: ignore[attr-defined]
        self.fields["category"].initial = (
            Category.CASE_NOTES if Category.CASE_NOTES in categories else None
        )
        if editing:
            del self.fields["category"]
            del self.fields["corrects"]


def _url(person_id: int) -> str:
    return reverse("casework:notes", args=[person_id])


@login_required
@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's contacts and case notes, newest first, filterable by category; add one."""
    person, grants = _open(request, person_id)
    actor = _user(request)
    writable = [c.value for c in Category if grants.can_write(c.value)]
    if request.method == "POST" and not writable:
        raise PermissionDenied
    editing = None
    edit_id = request.POST.get("note") if request.method == "POST" else request.GET.get("edit")
    if edit_id:
        editing = selectors.contact_note_in(person, grants, edit_id)
        if editing is None or editing.author_id != actor.pk:
            if request.method == "POST":
                raise PermissionDenied
            editing = None
    form = None
    if writable:
        initial: dict[str, Any] = {}
        if editing is not None and request.method == "GET":
            initial = {"contact_type": editing.contact_type, "sensitive": editing.sensitive,
                       "contact_date": editing.contact_date.strftime("%d/%m/%Y"),
                       "text": editing.text}  # fmt: skip
        elif request.GET.get("corrects", "").isdigit():
            initial = {"corrects": request.GET["corrects"]}
        form = ContactNoteForm(
            _posted(request), initial=initial, categories=writable, editing=editing is not None
        )
    if request.method == "POST" and form is not None and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if editing is not None:
                services.contact_note_update(actor=actor, note=editing, **data)
            else:
                corrects = None
                if data.pop("corrects", None) is not None:
                    corrects = selectors.contact_note_in(
                        person, grants, form.cleaned_data["corrects"]
                    )
                    if corrects is None:
                        raise ValidationError("The note being corrected was not found")
                services.contact_note_add(actor=actor, person=person, corrects=corrects, **data)
        except ValidationError as error:
            _copy_errors(form, error)
        else:
            messages.success(request, "Note changed" if editing is not None else "Note added")
            return redirect(_url(person.pk))
    category = request.GET.get("category", "")
    if category not in grants.readable:
        category = ""
    rows = selectors.contact_notes_for(person, grants, actor, category=category)
    if request.method == "GET":
        read = [category] if category else grants.readable
        _log(
            request, person, [c for c in read if c != Category.IDENTITY], "contacts and case notes"
        )
    return render(
        request,
        "casework/notes.html",
        _context(person, grants, "Contacts and case notes", form=form, rows=rows,
                 editing=editing, category=category,
                 categories=[(c, Category(c).label) for c in grants.readable],
                 reads_notes=grants.can_read(Category.CASE_NOTES),
                 withheld_notes=grants.withheld.get(Category.CASE_NOTES)),
        status=400 if form is not None and form.errors else 200,
    )  # fmt: skip
