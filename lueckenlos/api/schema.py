"""The OpenAPI document's error responses, which drf-spectacular does not add by itself.

Every operation may answer 400 (a query parameter or body that cannot be used), 401 (a
wrong token, or none where one is needed) and 404; writing ones also 403 (a role that
does not allow it).
Schemathesis checks the API against exactly these.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        '{"detail": message} or, for invalid input, {field: [messages]}; '
        "non_field_errors holds what concerns no single field."
    ),
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid query parameters or request body; messages by field.",
    "401": "No token or a wrong one.",
    "403": "Your role does not allow this.",
    "404": "No such record visible to you, or no such page.",
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        # A wrong token is refused on reading too; roles matter only for writing.
        codes = ["400", "401", "404"]
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes.append("403")
        for code in codes:
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            )
        return responses


def only_own_api(endpoints: list[tuple], **kwargs) -> list[tuple]:
    """The document covers /api/v1/ alone; the HSDS API has its own (schema/openapi.json)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
