"""The REST API (the custody check) and the health endpoint."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tandem.core.models import Role

from . import services
from .selectors import CheckQuery
from .serializers import (
    CustodyCheckAnswerSerializer,
    CustodyCheckRequestSerializer,
    ErrorSerializer,
)


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up and serving. Touches no database."""
    return HttpResponse("ok", content_type="text/plain")


class IsCustodyOfficer(permissions.BasePermission):
    message = "The custody check is for custody officers and arrest referral workers only"

    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and user.is_active and user.role == Role.CUSTODY_OFFICER
        )


_PPO_EXAMPLE: dict[str, object] = {
    "status": "ppo",
    "summary": "A current PPO",
    "purpose": "arrest",
    "checked_at": "2026-11-27T14:05:09.123456+00:00",
    "person": {"name": "Jordan O'Neil-Smith", "date_of_birth": "2001-03-14"},
    "scheme": "Prolific and other Priority Offenders",
    "strand": "Catch and convict",
    "left_cohort_on": None,
    "contact": {
        "role": "Lead offender manager",
        "name": "Sam Patel",
        "job_title": "Police offender manager",
        "agency": "Synthetic City Police (demo)",
        "phone": "01632 960123",
        "email": "sam.patel@tandem-demo.invalid",
    },
    "instruction": "Inform the offender manager within 2 hours of arrest.",
    "candidates": [],
}


class CustodyCheckView(APIView):
    """Is this person a PPO, who manages them, and what should the custody suite do?"""

    permission_classes = [IsCustodyOfficer]

    @extend_schema(
        operation_id="custody_check",
        summary="Check whether a person in custody is a PPO",
        description=(
            "Send a PNC number, or a first name, last name and date of birth, with the "
            "purpose of the check. The answer says whether the person is a current PPO (or "
            "left the cohort in the last 90 days), their scheme and strand, who to call, and "
            "the PPO coordinator's instruction, and nothing else. Near matches come back as "
            "candidates (name and date of birth only): send a candidate's reference back as "
            "`candidate` to check that person. Every check is logged with who asked and why."
        ),
        request=CustodyCheckRequestSerializer,
        responses={
            200: CustodyCheckAnswerSerializer,
            400: OpenApiResponse(description="The request is incomplete or not valid"),
            401: OpenApiResponse(ErrorSerializer, description="No valid token or session"),
            403: OpenApiResponse(ErrorSerializer, description="Not a custody officer"),
        },
        examples=[
            OpenApiExample(
                "By PNC number",
                value={"pnc": "2004/0123456M", "purpose": "arrest"},
                request_only=True,
            ),
            OpenApiExample(
                "By name and date of birth",
                value={
                    "first_name": "Jordan",
                    "last_name": "O'Neil-Smith",
                    "date_of_birth": "2001-03-14",
                    "purpose": "arrest_referral",
                },
                request_only=True,
            ),
            OpenApiExample("A current PPO", value=_PPO_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = CustodyCheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            if data.get("candidate"):
                answer = services.custody_check_candidate(
                    actor=request.user,
                    purpose=data["purpose"],
                    reference=data["candidate"],
                    request=request._request,
                )
            else:
                answer = services.custody_check(
                    actor=request.user,
                    purpose=data["purpose"],
                    query=CheckQuery(
                        pnc=data.get("pnc", ""),
                        first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""),
                        date_of_birth=data.get("date_of_birth"),
                    ),
                    request=request._request,
                )
        except ValidationError as error:
            # The same shape as the serializer's errors: field -> messages.
            detail = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            )
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        return Response(answer.as_dict())
