"""The OpenAPI document and its two readers, served by this server under the site's policy."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("address", ["/api/docs/", "/api/redoc/"])
def test_the_docs_come_from_this_server_with_scripts_from_here_only(client, address):
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn." not in page and "googleapis" not in page
    assert "<script>" not in page  # no inline script: the policy would block it
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy


def test_the_document_names_the_portals_search_parameters(client):
    document = client.get("/api/schema/", {"format": "json"}).json()
    offers = document["paths"]["/api/v1/offers/"]["get"]
    names = {parameter["name"] for parameter in offers["parameters"]}
    assert {"q", "alter", "phase", "feld", "sprache", "kosten", "barrierefrei", "gebiet"} <= names
    assert {"tag", "jetzt", "lat", "lon", "umkreis", "sortierung", "page", "page_size"} <= names
    # Only this API: the HSDS API has a document of its own.
    assert all(path.startswith("/api/v1/") for path in document["paths"])
