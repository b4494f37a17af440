"""Admin for the offence catalogue (reference data). Offences themselves arrive by import."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OffenceType


@admin.register(OffenceType)
class OffenceTypeAdmin(SimpleHistoryAdmin):
    list_display = [
        "code", "name", "home_office_code", "display_category", "ogrs3_group", "gravity",
        "recordable", "drug_related",
    ]  # fmt: skip
    list_filter = ["display_category", "ogrs3_group", "recordable", "drug_related"]
    search_fields = ["code", "name", "home_office_code"]
