from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from adaptest.web.accounts.services import TokenRefused, api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (only the token, so scripts can capture it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        if not user.is_active:
            raise CommandError(f"user {options['username']!r} is inactive: their tokens would be refused")
        try:
            _, plaintext = api_token_create(user=user, name=options["name"], now=timezone.now())
        except TokenRefused as invalid:
            raise CommandError(str(invalid)) from None
        self.stdout.write(plaintext)
