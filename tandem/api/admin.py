"""Django admin: administrators see and revoke custody systems' API tokens.

Tokens are issued with `tandem custody_token create`, which prints the token once; the admin
never holds or shows a token, only its first characters.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ApiToken
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    fields = (
        "prefix", "name", "user", "created_at", "created_by", "last_used_at", "revoked_at",
        "revoked_by",
    )  # fmt: skip
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued from the command line, so the token is shown exactly once

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoked tokens stay on record

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        messages.success(request, f"Revoked {queryset.count()} token(s)")
