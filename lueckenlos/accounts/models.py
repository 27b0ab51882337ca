"""Who may do what where: a user's roles in Kommunen (memberships).

Kept small on purpose: issue 5 builds logins, invitations and the workspace on it. The
platform administrator is Django's superuser and needs no membership.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Organization


class Membership(models.Model):
    """One role of a user in one Kommune (and the Kommunen it contains)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        PROVIDER_EDITOR = "provider_editor", _("provider editor")
        STEERING_MEMBER = "steering_member", _("steering group member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("providers"),
        blank=True,
        related_name="editor_memberships",
        help_text=_("The providers whose offers and locations a provider editor may edit."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["kommune", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kommune", "role"],
                name="unique_membership",
                violation_error_message=_("This user already has this role in this Kommune."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.kommune}"

    def clean_organizations(self, organizations: list[Organization]) -> None:
        """Refuse providers of other Kommunen, and providers on any role but provider editor.

        Called with the chosen providers (a many-to-many field is set after saving).
        """
        if organizations and self.role != self.Role.PROVIDER_EDITOR:
            raise ValidationError(
                {"organizations": _("Only a provider editor is given providers.")}
            )
        allowed = set(self.kommune.descendant_ids()) if self.kommune_id else set()
        foreign = [org.name for org in organizations if org.kommune_id not in allowed]
        if foreign:
            raise ValidationError(
                {
                    "organizations": _("Not providers of %(kommune)s: %(names)s.")
                    % {"kommune": self.kommune, "names": ", ".join(foreign)}
                }
            )


class Invitation(models.Model):
    """A one-time link that lets a person create their account with one role in a Kommune.

    Only a hash of the link's secret is stored: whoever reads the database cannot use it.
    """

    email = models.EmailField(_("e-mail address"))
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("providers"),
        blank=True,
        related_name="invitations",
        help_text=_("For a provider editor: the providers whose offers they may edit."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()} – {self.kommune}"
