"""`lueckenlos api_token USER`: show (or make) the user's personal token for the REST API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the REST API token of a user, creating it if needed."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user's login name")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="replace the token by a new one (the old one stops working)",
        )

    @transaction.atomic
    def handle(self, *args, username: str, reset: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": username})
        if not user.is_active:
            raise CommandError(
                _("The user “%(username)s” is deactivated; a token would not work.")
                % {"username": username}
            )
        if reset:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
