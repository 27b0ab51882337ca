"""The OpenAPI document's error responses, which drf-spectacular does not add by itself.

Every operation may answer 400 (a query parameter or body that cannot be used), 401 (a
wrong token, or none where one is needed) and 404; writing ones also 403 (a role that
does not allow it), and changes and deletions of catalogue records 409 (a stale If-Match
or `version`: someone saved the record since).
Schemathesis checks the API against exactly these.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from lueckenlos.api.versions import CONFLICT_SCHEMA, IF_MATCH_PARAMETER

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
    def _checks_versions(self) -> bool:
        return getattr(self.view, "versioned", False) and self.method in ("PUT", "PATCH", "DELETE")

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        if self._checks_versions():
            parameters = [*parameters, IF_MATCH_PARAMETER]
        return parameters

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
        if self._checks_versions():
            responses["409"] = {
                "description": "Someone saved the record after you read it; nothing changed.",
                "content": {"application/json": {"schema": CONFLICT_SCHEMA}},
            }
        return responses


def only_own_api(endpoints: list[tuple], **kwargs) -> list[tuple]:
    """The document covers /api/v1/ alone; the HSDS API has its own (schema/openapi.json)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
