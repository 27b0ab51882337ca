"""Changes to accounts: invitations by one-time link, and the memberships they create.

The back office (InvitationAdmin) and the coordinator workspace call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lueckenlos.accounts.models import Invitation, Membership
from lueckenlos.accounts.permissions import can_coordinate
from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Organization


class InvitationInvalid(Exception):
    """The link is unknown, used or expired; the message says which, for the person."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(invitation: Invitation) -> str:
    """Give the invitation a fresh secret and validity; return the secret for the link."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + dt.timedelta(days=settings.INVITATION_VALID_DAYS)
    return token


def invitation_link(*, token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("accounts:invitation", args=[token])


def _send(invitation: Invitation, token: str, base_url: str) -> None:
    # In the installation's language: the invited person's own is not known yet.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "role": invitation.get_role_display(),
            "organizations": list(invitation.organizations.order_by("name")),
            "link": invitation_link(token=token, base_url=base_url),
            "valid_days": settings.INVITATION_VALID_DAYS,
            "invited_by": invitation.invited_by,
        }
        subject = _("Invitation to lueckenlos: %(role)s in %(kommune)s") % {
            "role": context["role"],
            "kommune": invitation.kommune.name,
        }
        body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *,
    kommune: Kommune,
    email: str,
    role: str,
    organizations: Iterable[Organization] = (),
    invited_by: AbstractBaseUser,
    base_url: str,
) -> Invitation:
    """Invite `email` to `role` in `kommune` and send the one-time link by e-mail.

    Only a coordinator of the Kommune (or an administrator) invites. Providers are given
    to provider editors only, and only the Kommune's own. `base_url` is where this
    installation is reached (https://example.org), for the link.
    """
    if not can_coordinate(invited_by, kommune):
        raise PermissionDenied(
            _("Only a coordinator of %(kommune)s may invite to it.") % {"kommune": kommune.name}
        )
    organizations = list(organizations)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role: %(role)s.") % {"role": role}})
    Membership(kommune=kommune, role=role).clean_organizations(organizations)
    if role == Membership.Role.PROVIDER_EDITOR and not organizations:
        raise ValidationError(
            {"organizations": _("A provider editor needs at least one provider.")}
        )
    invitation = Invitation(
        email=get_user_model().objects.normalize_email(email.strip()).lower(),
        kommune=kommune,
        role=role,
        invited_by=invited_by,
    )
    token = _new_token(invitation)
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    invitation.organizations.set(organizations)
    _send(invitation, token, base_url)
    return invitation


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, acting_user: AbstractBaseUser, base_url: str
) -> None:
    """Send an open invitation again with a new link; the old link stops working."""
    if not can_coordinate(acting_user, invitation.kommune):
        raise PermissionDenied(
            _("Only a coordinator of %(kommune)s may invite to it.")
            % {"kommune": invitation.kommune.name}
        )
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("The invitation of %(email)s was accepted already.") % {"email": invitation.email}
        )
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    _send(invitation, token, base_url)


def invitation_for_token(token: str) -> Invitation:
    """The open invitation of this link, or InvitationInvalid saying why not."""
    invitation = (
        Invitation.objects.select_related("kommune").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        raise InvitationInvalid(
            _("This invitation link is not valid. Check that it was copied whole.")
        )
    if invitation.accepted_at is not None:
        raise InvitationInvalid(
            _("This invitation has been used already. Sign in with your e-mail address.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            _("This invitation expired on %(date)s. Ask your coordinator for a new one.")
            % {"date": timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y")}
        )
    return invitation


def existing_account(invitation: Invitation) -> AbstractBaseUser | None:
    """The account that already has the invited address, if any."""
    return get_user_model().objects.filter(email__iexact=invitation.email).first()


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    user: AbstractBaseUser | None = None,
) -> Membership:
    """Accept the invitation of `token`: its membership for `user` (who already has an
    account with the invited address and is signed in), or for a new account with the
    given name and password. The link works once."""
    # Locked, so that two clicks at once cannot both accept it.
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid(
            _("This invitation has been used already. Sign in with your e-mail address.")
        )
    existing = existing_account(invitation)
    if user is None:
        if existing is not None:
            raise InvitationInvalid(
                _("An account with %(email)s exists already: sign in, then open the link again.")
                % {"email": invitation.email}
            )
        if not password:
            raise ValidationError({"password": _("Choose a password.")})
        user = get_user_model().objects.create_user(
            username=invitation.email,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    elif existing is None or existing.pk != user.pk:
        raise InvitationInvalid(
            _("This invitation is for %(email)s: sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, kommune=invitation.kommune, role=invitation.role
    )
    membership.organizations.add(*invitation.organizations.all())
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[membership],
            action_flag=ADDITION,
            change_message=[{"added": {}}],
            single_object=True,
        )
    return membership
