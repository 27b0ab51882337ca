"""Versions against lost updates in the API: the If-Match header, the ETag, the 409 answer.

A client sends back the version it read (If-Match or the body's `version`); the catalogue's
write functions refuse the change with EditConflict if someone saved the record since.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

# "3", 3, W/"3" (a weak tag: the site's gzip weakens the tags it compresses), or *.
IF_MATCH_PATTERN = r'^(?:\*|(?:W/)?"?[1-9][0-9]{0,8}"?)$'
_IF_MATCH = re.compile(r'^(?:W/)?"?([1-9][0-9]{0,8})"?$')

IF_MATCH_PARAMETER = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "The version you read (the `version` field or the ETag of the record), quoted or "
        "not. If someone saved the record since, nothing changes and the answer is 409. "
        "Without it (and without `version` in the body) the write goes through."
    ),
    type={"type": "string", "pattern": IF_MATCH_PATTERN},
)
WRITE_NOTE = (
    "Send the version you read as If-Match or as `version` in the body: a record "
    "saved by someone else since is not overwritten, the answer is 409 with both "
    "versions. Without either, the write goes through. The answer's ETag is the new "
    "version."
)
REVIEW_NOTE = (
    " A provider editor's change of a published (active) offer is not applied at once: it "
    "goes to the coordinators' review queue, the answer is 202 with the proposal's number, "
    "and the published version stays until a coordinator approves it."
)
DELETE_NOTE = (
    "The record moves to the trash, from which the Kommune's coordinators restore it; "
    "its history stays. With If-Match, a record saved by someone else since is not "
    "deleted (409)."
)
CONFLICT_SCHEMA = {
    "type": "object",
    "description": (
        "The change was refused: someone saved the record after you read it. `stored` is "
        "the record as saved now, `attempted` what you sent."
    ),
    "properties": {
        "detail": {"type": "string"},
        "stored": {"type": "object", "additionalProperties": True},
        "attempted": {"type": "object", "additionalProperties": True},
    },
    "required": ["detail", "stored", "attempted"],
}


def etag(version: int) -> str:
    return f'"{version}"'


def _from_if_match(value: str) -> int | None:
    value = value.strip()
    if value == "*":  # any version will do: HTTP's "if the record exists"
        return None
    match = _IF_MATCH.match(value)
    if match is None:
        raise ValidationError(
            {
                "If-Match": [
                    _(
                        "The If-Match header “%(value)s” is no version: send the record's "
                        'version number, such as "3".'
                    )
                    % {"value": value[:40]}
                ]
            }
        )
    return int(match.group(1))


def expected_version(request: Request, body_version: int | None) -> int | None:
    """The version the client read, from If-Match or the body; None if it gave none.

    Both given must agree: a client that sends two different versions has lost track.
    """
    header = request.headers.get("If-Match")
    from_header = _from_if_match(header) if header is not None else None
    if from_header is not None and body_version is not None and from_header != body_version:
        raise ValidationError(
            {
                "version": [
                    _(
                        "The version %(body)d in the body and %(header)d in If-Match differ; "
                        "send the one you read."
                    )
                    % {"body": body_version, "header": from_header}
                ]
            }
        )
    return from_header if from_header is not None else body_version


def sent_data(request: Request) -> dict[str, Any]:
    """What the client sent, as JSON can show it (a form's repeated fields as lists)."""
    data = request.data
    if hasattr(data, "lists"):
        return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    return dict(data) if isinstance(data, dict) else {}
