"""Addresses of the search page: the same search on another page, or with a filter less."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def with_page(query: QueryDict, number: int) -> str:
    """The query string of the same search on page `number`."""
    copy = query.copy()
    copy.pop("page", None)
    if number > 1:
        copy["seite"] = str(number)
    else:
        copy.pop("seite", None)
    encoded = copy.urlencode()
    return f"?{encoded}" if encoded else "?"
