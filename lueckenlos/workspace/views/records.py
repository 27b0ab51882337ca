"""What the records pages (history, trash, personal data, update rounds, invitations) share.

The pages themselves are in views/history.py, trash.py, person_data.py, update_rounds.py
and invitations.py.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lueckenlos.freshness.services import CONFIRMATION_USERNAME


def user_label(user: Any) -> str:
    """A user as the pages name them: full name, else e-mail address, else user name.

    The account that stands for a provider's confirmation link is named as that.
    """
    if user is None:
        return ""
    if user.get_username() == CONFIRMATION_USERNAME:
        return _("confirmation link")
    return user.get_full_name() or user.email or user.get_username()
