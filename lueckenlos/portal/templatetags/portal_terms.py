"""Names of vocabulary terms in the interface language.

Term names are German data (lueckenlos.catalogue.vocabularies); the catalogues carry their
translations under the context "taxonomy term", so a term a Kommune added itself simply
shows its German name.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, pgettext

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.catalogue.models.translations import SOURCE_LANGUAGE

register = template.Library()


def _name(term: TaxonomyTerm | str) -> str:
    return term.name if isinstance(term, TaxonomyTerm) else str(term)


@register.filter
def term_label(term: TaxonomyTerm | str) -> str:
    """{{ term|term_label }}: the term's name in the interface language."""
    name = _name(term)
    return pgettext("taxonomy term", name) if name else ""


@register.filter
def term_span(term: TaxonomyTerm | str) -> SafeString:
    """{{ term|term_span }}: the label as HTML, marked as German where no translation exists,
    so that a screen reader pronounces it in German and an Arabic page keeps it left to right.
    """
    name = _name(term)
    label = term_label(name)
    if label == name and (get_language() or SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
        return format_html('<span lang="de" dir="ltr">{}</span>', name)
    return format_html("{}", label)
