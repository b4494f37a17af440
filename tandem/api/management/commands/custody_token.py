"""Issue, list and revoke custody systems' API tokens: `tandem custody_token create|list|revoke`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core.models import User

from ...models import ApiToken
from ...services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens for custody systems."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Issue a token; it is printed only once.")
        create.add_argument("--user", required=True, help="The custody-officer service account.")
        create.add_argument("--name", required=True, help="The system that will use it.")
        actions.add_parser("list", help="List tokens (their first characters only).")
        revoke = actions.add_parser("revoke", help="Revoke a token by its first characters.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError("No user with that username")
            try:
                record, token = api_token_create(actor=None, user=user, name=options["name"])
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(token)
            self.stderr.write(
                f"Token {record.prefix}… issued to {user.username} for {record.name}. "
                "Store it now: Tandem keeps only a hash and cannot show it again."
            )
        elif action == "list":
            for row in ApiToken.objects.select_related("user"):
                state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
                used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
                self.stdout.write(
                    f"{row.prefix}…  {row.user.username}  {row.name}  {state}  last used {used}"
                )
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if len(matches) != 1:
                raise CommandError("Give the first 12 characters of exactly one token")
            api_token_revoke(actor=None, token=matches[0])
            self.stdout.write(f"Revoked {matches[0].prefix}…")
