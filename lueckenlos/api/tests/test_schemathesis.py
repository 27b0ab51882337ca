"""Schemathesis against the API's own OpenAPI document: no server error, no answer the
document does not describe, for anonymous readers and for a coordinator writing.

The document and the requests go through the WSGI application in this process, inside
the test's database transaction, so the generated requests meet the personas' data.
A bounded, derandomised number of examples per operation keeps the run short and the
same on every machine.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    # As Django's test client does: closing "old" connections at each request would close
    # the test's own, and with it its transaction and data.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def coordinator_token(world) -> str:
    return Token.objects.create(user=world.users["coordinator_marzahn"]).key


def real_records(world) -> dict[str, str]:
    """A record of each kind that exists, by the first segment of its address."""
    return {
        "offers": str(world.draft_a.pk),
        "organizations": str(world.kita_a.pk),
        "locations": str(world.location_a.pk),
        "areas": str(world.marzahn.areas.order_by("path").first().pk),
        "kommunen": world.marzahn.slug,
        "taxonomies": "life_phase",
    }


def towards_real_records(world):
    """Half of the examples address existing records and name the Kommune's provider and
    location in their bodies: random identifiers alone would only ever meet 404 and 400."""
    records = real_records(world)

    def adjust(case, use_real: bool):
        if not use_real:
            return case
        kind = case.path.split("/")[3]
        for name in case.path_parameters or {}:
            case.path_parameters[name] = records[kind]
        if isinstance(case.body, dict):
            if "kommune" in case.body:
                case.body["kommune"] = world.marzahn.slug
            if kind == "offers" and "organization" in case.body:
                case.body["organization"] = str(world.kita_a.pk)
            if "locations" in case.body:
                case.body["locations"] = [str(world.location_a.pk)]
        return case

    return adjust


def run_every_operation(schema, world, headers: dict[str, str] | None = None) -> None:
    """Every operation of the document with its bounded examples; all failures at once.

    (Schemathesis' own pytest integration does not run under pytest 9 yet, so the
    operations are walked here, each one a Hypothesis test of its own.)
    """
    failures = []
    adjust = towards_real_records(world)
    for result in schema.get_all_operations():
        operation = result.ok()

        @EXAMPLES
        @given(case=st.builds(adjust, operation.as_strategy(), st.booleans()))
        def conforms(case):
            # Uncompressed: the site gzips what a client accepts, and this client cannot unpack.
            case.call_and_validate(
                checks=CHECKS, headers={"Accept-Encoding": "identity", **(headers or {})}
            )

        try:
            conforms()
        # Each operation's failures are reported, not just the first operation's.
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_anonymous_requests_conform(api_schema, world):
    run_every_operation(api_schema, world)


def test_a_coordinators_requests_conform(api_schema, world, coordinator_token):
    run_every_operation(api_schema, world, {"Authorization": f"Token {coordinator_token}"})
