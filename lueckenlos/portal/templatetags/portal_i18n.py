"""The language switch: the same page in every interface language, by address."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in the language itself, so a reader finds their own
    url: str
    bidi: bool
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """Links to this page (with its query) in each interface language."""
    request: HttpRequest | None = context.get("request")
    path = request.get_full_path() if request is not None else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                url=translate_url(path, code),
                bidi=info["bidi"],
                current=code == current,
            )
        )
    return links
