"""The signed-in user's notices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..notices import notices_for, notices_mark_read


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """Newest first; unread ones marked as such until the user marks them read."""
    rows = list(notices_for(request.user)[:100])  # type: ignore[arg-type]
    return render(request, "core/notices.html", {"title": "Notices", "notices": rows})


@login_required
@require_POST
def notices_read(request: HttpRequest) -> HttpResponse:
    notices_mark_read(user=request.user)  # type: ignore[arg-type]
    return redirect("core:notices")
