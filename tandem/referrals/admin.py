"""Admin for the service directory (reference data the coordinator also keeps in Tandem).

Referrals are personal data and are deliberately not registered: they are read through the
referral pages, which apply the access rules and log each view. Services are never deleted
(referrals point at them): take one out of the directory by unticking Active.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tandem.casework.pathways import Pathway

from .models import PartnerService


class PartnerServiceAdminForm(forms.ModelForm):
    # The pathways are stored as a JSON list; tick them here rather than type JSON.
    pathways = forms.MultipleChoiceField(
        choices=Pathway.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerService
        fields = [
            "agency", "name", "pathways", "offer", "eligibility", "accepts_current_drug_use",
            "areas", "capacity", "contact", "how_referred", "referral_notes", "active",
        ]  # fmt: skip

    def clean_pathways(self) -> list[str]:
        chosen: list[Any] = self.cleaned_data["pathways"]
        return [p for p in Pathway.values if p in chosen]


@admin.register(PartnerService)
class PartnerServiceAdmin(SimpleHistoryAdmin):
    form = PartnerServiceAdminForm
    list_display = ["name", "agency", "how_referred", "capacity", "accepts_current_drug_use",
                    "active"]  # fmt: skip
    list_filter = ["active", "agency", "accepts_current_drug_use", "how_referred"]
    search_fields = ["name", "offer", "eligibility", "agency__name"]
    filter_horizontal = ["areas"]
    list_select_related = ["agency"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
