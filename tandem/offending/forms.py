"""The web import form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .models import ImportBatch

# Uploads larger than this are refused; bigger extracts go through `tandem import`. Django
# spools uploads over 2.5 MB to a temporary file that it deletes after the request.
DEFAULT_MAX_UPLOAD_MB = 20


def max_upload_mb() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the file holds"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV or XLSX file with a header row, in the columns the data import "
        "guide lists",
        error_messages={
            "required": "Select a CSV or XLSX file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV or XLSX file",
        },
    )
    partial = forms.BooleanField(
        label="Write the valid rows and reject the others",
        help_text="Without this, nothing is written if any row has an error.",
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = max_upload_mb()
        if (upload.size or 0) > limit * 1024 * 1024:
            raise forms.ValidationError(f"The selected file must be smaller than {limit} MB")
        if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or XLSX file")
        return upload
