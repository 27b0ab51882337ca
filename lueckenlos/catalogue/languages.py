"""Languages an offer can be delivered in, named through Django's own language table."""

from __future__ import annotations

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

# Sign language and languages Django does not list.
EXTRA_LANGUAGES = {
    "sgn": _("German Sign Language"),
    "ku": _("Kurdish"),
    "ti": _("Tigrinya"),
    "so": _("Somali"),
    "ps": _("Pashto"),
    "sq": _("Albanian"),
}


def is_known_language(code: str) -> bool:
    return code in EXTRA_LANGUAGES or code in LANG_INFO and "name" in LANG_INFO[code]


def language_name(code: str) -> str:
    """The language's name in the active interface language."""
    if code in EXTRA_LANGUAGES:
        return str(EXTRA_LANGUAGES[code])
    info = LANG_INFO.get(code)
    if not info or "name" not in info:
        return code
    return str(_(info["name"]))
