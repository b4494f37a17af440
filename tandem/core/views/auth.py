"""Sign in with a password, then a TOTP code (enrolled with a QR code on first sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from .. import second_factor
from ..forms import CodeForm, SignInForm
from ..middleware import SECOND_FACTOR_SKIPPED_KEY, second_factor_passed


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: username and password. Repeated failures lock the account (django-axes)."""
    if request.user.is_authenticated:
        if second_factor_passed(request):
            return HttpResponseRedirect(_next_url(request))
        return HttpResponseRedirect(_with_next("core:second_factor", request))
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None and user.is_active:
            login(request, user)
            return HttpResponseRedirect(_with_next("core:second_factor", request))
        # Same message whether the username exists or not.
        form.add_error(None, "The username or password is not correct")
    return render(
        request,
        "core/sign_in.html",
        {
            "form": form,
            "next": _next_url(request),
            "timed_out": request.GET.get("timed_out") == "1",
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT_SECONDS // 60,
            "title": "Sign in",
        },
    )


@require_http_methods(["GET", "POST"])
def second_factor_step(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app; first-time users enrol instead."""
    if not request.user.is_authenticated:
        return redirect("core:sign_in")
    if second_factor_passed(request):
        return HttpResponseRedirect(_next_url(request))
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return HttpResponseRedirect(_with_next("core:second_factor_setup", request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and "skip" not in request.POST and form.is_valid():
        ok, problem = second_factor.verify(device, form.cleaned_data["code"])
        if ok:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", problem)
    return render(
        request,
        "core/second_factor.html",
        {"form": form, "next": _next_url(request), "title": "Enter your security code"},
    )


@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan a QR code into an authenticator app and confirm with a code."""
    if not request.user.is_authenticated:
        return redirect("core:sign_in")
    if second_factor.confirmed_device(request.user) is not None:
        return HttpResponseRedirect(_with_next("core:second_factor", request))
    device = second_factor.enrolment_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ok, problem = second_factor.verify(device, form.cleaned_data["code"])
        if ok:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Your authenticator app is set up")
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", problem)
    return render(
        request,
        "core/second_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": second_factor.qr_code_svg(device),
            "secret": second_factor.secret_for_typing(device),
            "title": "Set up your authenticator app",
        },
    )


@require_POST
def skip_second_factor(request: HttpRequest) -> HttpResponse:
    """Demo mode only: continue without a second factor; the banner then says so."""
    if not settings.ALLOW_SKIP_SECOND_FACTOR or not request.user.is_authenticated:
        return redirect("core:sign_in")
    request.session[SECOND_FACTOR_SKIPPED_KEY] = True
    return HttpResponseRedirect(_next_url(request))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("core:sign_in")
