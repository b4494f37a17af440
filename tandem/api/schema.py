"""OpenAPI description of the custody-system token, for drf-spectacular."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class CustodyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tandem.api.authentication.CustodyTokenAuthentication"
    name = "custodyToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A token an administrator issued to your custody system with "
                "`tandem custody_token create`. Send it as `Authorization: Bearer <token>`."
            ),
        }
