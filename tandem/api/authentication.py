"""Token authentication for custody systems: `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .services import api_token_use

KEYWORD = "Bearer"


class CustodyTokenAuthentication(authentication.BaseAuthentication):
    """A token issued to a custody system; the request acts as its custody-officer user."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may still authenticate the request
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as: Authorization: Bearer <token>"
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid") from None
        token = api_token_use(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token is not valid or has been revoked")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes unauthenticated requests 401 (with this challenge) rather than 403.
        return KEYWORD
