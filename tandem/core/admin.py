"""Django admin for reference data: partnership, areas, agencies, users and the protocol.

Personal data (people, the access log) is deliberately not registered here: every read of it
goes through the access layer and writes an access event.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Area, Partnership, ProtocolRule, User


def _sign_in_instead(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Admin pages use Tandem's own sign-in, with its second factor and lockout."""
    if request.user.is_authenticated:
        # Signed in but not an administrator: the admin would send them round in a loop.
        raise PermissionDenied
    return redirect(
        f"{reverse('core:sign_in')}?{urlencode({'next': request.GET.get('next', '/admin/')})}"
    )


admin.site.login = _sign_in_instead  # type: ignore[method-assign]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["name"]


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "partnership"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "statutory"]
    list_filter = ["kind", "statutory"]
    search_fields = ["name"]
    filter_horizontal = ["areas"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "agency", "role", "is_active"]
    list_filter = ["role", "agency", "is_active", "is_staff"]
    filter_horizontal = ["areas", "groups", "user_permissions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Tandem", {"fields": ("agency", "role", "areas", "job_title", "phone")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        ("Tandem", {"fields": ("first_name", "last_name", "email", "agency", "role", "areas")}),
    )


@admin.register(ProtocolRule)
class ProtocolRuleAdmin(SimpleHistoryAdmin):
    list_display = ["agency_kind", "role", "category", "level", "rationale"]
    list_editable = ["level"]
    list_filter = ["agency_kind", "role", "category", "level"]
    list_per_page = 200
