"""TOTP second factor: enrolment and verification, on top of django-otp."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user: User) -> TOTPDevice:
    """The user's unconfirmed device, created on first use so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return str(image.to_string(encoding="unicode"))


def secret_for_typing(device: TOTPDevice) -> str:
    """The shared secret in base32, grouped in fours for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def verify(device: TOTPDevice, code: str) -> tuple[bool, str]:
    """Check a code with django-otp's throttling; returns (ok, message for the user)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return False, "Too many wrong codes. Wait a minute, then try the newest code"
    if device.verify_token(code):
        return True, ""
    return False, "The code is not correct. Enter the newest code from your authenticator app"
