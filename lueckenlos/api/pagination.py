"""Paging of every list of the API: ?page=N&page_size=M (at most MAX_PAGE_SIZE)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class ApiPagination(PageNumberPagination):
    """Pages with a count, links to their neighbours, and the search's messages.

    `messages` names what a search left out ("Some values of the filter … are unknown"),
    as the portal shows it; empty for plain lists.
    """

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    messages: list[str]

    def paginate_queryset(self, queryset, request, view=None):
        self.messages = list(getattr(queryset, "messages", []))
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "messages": self.messages,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["required"] = ["count", "next", "previous", "messages", "results"]
        paged["properties"]["messages"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "What the search left out of the request, for people to read.",
        }
        return paged
