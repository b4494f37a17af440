"""Render Django form fields and errors as GOV.UK Frontend components."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()


def _kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    return "input"


@register.inclusion_tag("includes/field.html")
def govuk_field(
    field: forms.BoundField, label_class: str = "govuk-label", width: str = ""
) -> dict[str, Any]:
    """One form field with its label, hint and error message, GOV.UK style."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "text")
    return {
        "field": field,
        "kind": _kind(field),
        "input_type": input_type,
        "label_class": label_class,
        "width": width,
        "autocomplete": widget.attrs.get("autocomplete", ""),
        "spellcheck": widget.attrs.get("spellcheck", ""),
        "inputmode": widget.attrs.get("inputmode", ""),
    }


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(*forms_: forms.Form) -> dict[str, Any]:
    """The error summary that opens a page whose form has errors."""
    errors = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            errors.append({"href": "", "message": message})
        for field in form:
            for message in field.errors:
                anchor = field.id_for_label or field.auto_id
                errors.append({"href": f"#{anchor}", "message": message})
    return {"errors": errors}


@register.filter
def withheld_reason(grants: Any, category: str) -> str:
    """Why a category of a person's record is not shown to this user."""
    withheld = grants.withheld.get(category)
    return withheld.reason if withheld else ""
