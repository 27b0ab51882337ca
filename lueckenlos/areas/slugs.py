"""Top-level address words that no Kommune may take as its slug.

The portal gives every Kommune a top-level address (/pankow/), so a Kommune named like a
feature (/admin/, later /api/ and /konto/) would be unreachable or would hide the feature.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RESERVED_SLUGS = frozenset(
    {
        # In use.
        "admin",
        "static",
        "barrierefreiheit",
        "datenquellen",
        "leichte-sprache",
        # Interface languages in the address (settings.LANGUAGES).
        "de",
        "en",
        "tr",
        "ar",
        "uk",
        "ru",
        # Planned or customary.
        "media",
        "api",
        "konto",
        "impressum",
        "datenschutz",
    }
)


def validate_kommune_slug(slug: str) -> None:
    """Refuse a Kommune slug that clashes with a top-level address."""
    if slug.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for an address of the application; choose another.")
            % {"slug": slug},
            code="reserved",
        )
