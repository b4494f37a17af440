"""Forms for the casework pages. Services validate the rules; forms check shapes."""

from __future__ import annotations

from typing import Any

from django import forms

from tandem.core.forms import date_field as _date
from tandem.core.forms import text_field as _text
from tandem.core.models import Agency, User

from .models import ItemStatus, ManagementModel, NeedLevel, PrisonWorkKind, RoshLevel
from .pathways import Pathway


class VersionedForm(forms.Form):
    """A care plan form: it carries the plan version the editor started from."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("version") is None:
            # A page without the version cannot be checked against colleagues' changes.
            self.add_error(None, "This form is out of date: open the care plan again")
        return cleaned


# --- Assessment ---------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    assessed_on = _date("Date of the assessment")
    rosh = forms.ChoiceField(
        label="Risk of serious harm",
        choices=RoshLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk of serious harm"},
    )
    mappa = forms.BooleanField(label="A MAPPA case", required=False)
    mappa_level = forms.TypedChoiceField(
        label="MAPPA level",
        help_text="Only for a MAPPA case",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Not a MAPPA case"), (1, "Level 1"), (2, "Level 2"), (3, "Level 3")],
    )
    reassess_by = _date(
        "Reassess by",
        "Leave blank for six months after the assessment. For example, 27/05/2027",
        required=False,
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"max_length": "Use 5,000 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pathway in Pathway:
            key = pathway.value
            self.fields[f"need_{key}"] = forms.ChoiceField(
                label=f"{pathway.label}: level of need",
                choices=NeedLevel.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose the level of need for {pathway.label.lower()}"
                },
            )
            self.fields[f"reoffending_{key}"] = forms.BooleanField(
                label=f"{pathway.label} need is linked to reoffending", required=False
            )
            self.fields[f"harm_{key}"] = forms.BooleanField(
                label=f"{pathway.label} need is linked to risk of serious harm", required=False
            )

    def pathway_fields(
        self,
    ) -> list[tuple[str, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                pathway.label,
                self[f"need_{pathway.value}"],
                self[f"reoffending_{pathway.value}"],
                self[f"harm_{pathway.value}"],
            )
            for pathway in Pathway
        ]


# --- Care plan ----------------------------------------------------------------------------


class ObjectiveAddForm(VersionedForm):
    pathway = forms.ChoiceField(
        label="Pathway", error_messages={"required": "Choose a pathway", "invalid_choice":
                                         "Choose a pathway"},
    )  # fmt: skip
    description = _text(
        "What is the objective?", "Describe the objective", max_length=500,
        help_text="For example, a settled tenancy within three months of release",
    )  # fmt: skip

    def __init__(self, *args: Any, pathways: list[Pathway], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pathway"].choices = [(p.value, p.label) for p in pathways]  # type: ignore[attr-defined]


class StatusFields(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ItemStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status"},
    )
    dropped_reason = _text(
        "Why was it dropped?", "Say why it was dropped", max_length=500, required=False,
        help_text="Only when dropping it",
    )  # fmt: skip


class ObjectiveEditForm(VersionedForm, StatusFields):
    description = _text("What is the objective?", "Describe the objective", max_length=500)
    field_order = ["description", "status", "dropped_reason", "version"]


class ActionForm(VersionedForm):
    description = _text("What needs doing?", "Say what needs doing", max_length=500)
    agency = forms.ModelChoiceField(
        label="Agency responsible",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency responsible",
                        "invalid_choice": "Choose the agency responsible"},
    )  # fmt: skip
    lead_officer = forms.ModelChoiceField(
        label="Lead officer (optional)",
        help_text="Someone in the agency responsible; they are told",
        queryset=User.objects.none(),
        required=False,
        empty_label="Anyone in the agency",
        error_messages={"invalid_choice": "Choose someone in the agency responsible"},
    )  # fmt: skip
    target_date = _date("Target date")

    def __init__(self, *args: Any, agencies: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["lead_officer"].queryset = officers  # type: ignore[attr-defined]
        self.fields["lead_officer"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.display_name}, {user.agency.name}"
        )


class ActionEditForm(ActionForm, StatusFields):
    field_order = [
        "description", "agency", "lead_officer", "target_date", "status", "dropped_reason",
        "version",
    ]  # fmt: skip


class ReviewForm(VersionedForm):
    reviewed_on = _date("Date of the review")
    attendees = _text(
        "Who took part?", "Say who took part in the review", max_length=500,
        help_text="The person, agencies and workers at the review",
    )  # fmt: skip
    summary = forms.CharField(
        label="What did the review find and agree?",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Summarise what the review found and agreed",
                        "max_length": "Use 5,000 characters or fewer"},
    )  # fmt: skip
    next_review_on = _date(
        "Next review by", "Leave blank for six weeks after this review", required=False
    )


# --- Prison work --------------------------------------------------------------------------


class PrisonWorkForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of work",
        error_messages={"required": "Choose what kind of work it was",
                        "invalid_choice": "Choose what kind of work it was"},
    )  # fmt: skip
    title = _text(
        "Course, treatment, education or work", "Enter the name of the course, treatment, "
        "education or work", max_length=200, help_text="For example, Thinking Skills Programme",
    )  # fmt: skip
    provider = _text("Provider", "Enter who provided it", max_length=200)
    establishment = _text("Prison", "Enter the prison where it took place", max_length=200)
    start_date = _date("Start date")
    end_date = _date("End date (optional)", "Leave blank if it is still going on", required=False)
    outcome = forms.CharField(
        label="Outcome and notes (optional)",
        help_text="What was completed, and what should carry on after release",
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={"max_length": "Use 1,000 characters or fewer"},
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(PrisonWorkKind.choices)
        self.fields["kind"].choices = [("", "Choose a kind"), *((k, labels[k]) for k in kinds)]  # type: ignore[attr-defined]


# --- Management, co-workers and tasks -----------------------------------------------------


class ManagementModelForm(forms.Form):
    model = forms.ChoiceField(
        label="How is the person managed?",
        choices=ManagementModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the person is managed"},
    )


class _WorkerForm(forms.Form):
    worker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a worker",
        error_messages={"required": "Choose a worker", "invalid_choice": "Choose a worker"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Use 500 characters or fewer"},
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        field.queryset = workers  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.get_full_name()} ({u.agency})"  # type: ignore[attr-defined]


class ReallocateForm(_WorkerForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].label = "New lead offender manager"


class CoWorkerForm(_WorkerForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].label = "Co-worker"


class TaskCancelForm(forms.Form):
    reason = _text(
        "Why is the task cancelled?", "Say why the task is cancelled", max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
