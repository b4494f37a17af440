"""The custody check's request and answer, as the API takes and gives them.

Serializers only validate and describe; the check itself is in services and selectors.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .models import CheckPurpose, CheckStatus

NAME_MAX_LENGTH = 100


class CustodyCheckRequestSerializer(serializers.Serializer):
    """A PNC number, or a first name, last name and date of birth; or a chosen candidate."""

    purpose = serializers.ChoiceField(
        choices=CheckPurpose.choices,
        help_text="Why you are checking. Every check is logged with who asked and why.",
        error_messages={
            "required": "Say why you are checking",
            "invalid_choice": "Choose a purpose from the list",
        },
    )
    pnc = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="PNC number, long or short form; spaces, slashes and case do not matter.",
    )
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=NAME_MAX_LENGTH)
    date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        input_formats=["iso-8601"],
        help_text="As YYYY-MM-DD.",
    )
    candidate = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="The reference of a candidate from an earlier answer, to check that person.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("candidate"):
            return attrs
        names = [attrs.get("first_name", "").strip(), attrs.get("last_name", "").strip()]
        born = attrs.get("date_of_birth")
        if attrs.get("pnc", "").strip():
            if any(names) or born:
                # Checked by PNC, the names are only used if the PNC number finds nobody:
                # then they must be complete.
                self._require_names(names, born)
            return attrs
        if not (any(names) or born):
            raise serializers.ValidationError(
                "Send a PNC number, or a first name, last name and date of birth"
            )
        self._require_names(names, born)
        return attrs

    @staticmethod
    def _require_names(names: list[str], born: object) -> None:
        errors = {}
        if not names[0]:
            errors["first_name"] = "Send the first name with the last name and date of birth"
        if not names[1]:
            errors["last_name"] = "Send the last name with the first name and date of birth"
        if not born:
            errors["date_of_birth"] = "Send the date of birth with the name"
        if errors:
            raise serializers.ValidationError(errors)


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The name Tandem holds, to confirm the person.")
    date_of_birth = serializers.DateField()


class ContactSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="Lead offender manager, or PPO coordination team.")
    name = serializers.CharField()
    job_title = serializers.CharField(allow_blank=True)
    agency = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class CandidateSerializer(serializers.Serializer):
    reference = serializers.CharField(
        help_text="Send back as `candidate` to check this person; works for 30 minutes."
    )
    name = serializers.CharField()
    date_of_birth = serializers.DateField()


class CustodyCheckAnswerSerializer(serializers.Serializer):
    """Every answer has every key; what does not apply is null (or an empty list)."""

    status = serializers.ChoiceField(choices=CheckStatus.choices)
    summary = serializers.CharField(help_text="The answer in a sentence, for a screen.")
    purpose = serializers.ChoiceField(choices=CheckPurpose.choices)
    checked_at = serializers.DateTimeField()
    person = PersonSerializer(allow_null=True, help_text="For ppo and former_ppo only.")
    scheme = serializers.CharField(allow_null=True)
    strand = serializers.CharField(allow_null=True)
    left_cohort_on = serializers.DateField(allow_null=True, help_text="For former_ppo only.")
    contact = ContactSerializer(allow_null=True, help_text="Who to call, for ppo and former_ppo.")
    instruction = serializers.CharField(
        allow_null=True, help_text="What the PPO coordinator asks custody suites to do."
    )
    candidates = CandidateSerializer(many=True, help_text="For candidates only: near matches.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
