"""Who may do what at the review queue, proposals and "Unsere Einrichtung fehlt".

Entries of the table EXPECTED in tests/test_permissions_every_url.py. Readers of a Kommune
(coordinators, steering members, administrators) see its queue and proposals; only
coordinators decide; provider editors see their own proposals; the public form is public.
The permission test posts JSON, which no form here reads: a POST that gets through the
checks shows the form again with its errors (200).
"""

from __future__ import annotations

from lueckenlos.review.models import Proposal
from lueckenlos.review.services import proposal_submit
from tests.permission_table import (
    MARZAHN_COORDINATORS,
    MARZAHN_READERS,
    PANKOW_READERS,
    Case,
    Objects,
    Rule,
    everyone,
    workspace,
)

MARZAHN_MEMBERS = MARZAHN_READERS | {"provider_a", "provider_b"}


def _proposal(o: Objects, *, pankow: bool = False) -> Proposal:
    """A pending change: of Kita A's active offer in Marzahn, or of Pankow's draft."""
    world = o.world
    service = world.draft_pankow if pankow else world.active_a
    return proposal_submit(
        kommune=service.kommune,
        organization=service.organization,
        service=service,
        data={"description": "Vorgeschlagen"},
        base_version=service.version,
        submitted_by=world.users["admin" if pankow else "provider_a"],
    )


def _base(slug: str) -> str:
    return f"/{slug}/arbeitsbereich/"


def reviews(o: Objects) -> list[Case]:
    url = _base(o.m) + "pruefungen/"
    return [
        Case("review queue", url, workspace(MARZAHN_READERS, 200)),
        Case("review queue, filtered", url + "?status=pending", workspace(MARZAHN_READERS, 200)),
        Case("Pankow's review queue", _base(o.p) + "pruefungen/", workspace(PANKOW_READERS, 200)),
        Case("review queue takes no POST", url, everyone(405), method="post"),
    ]


def review(o: Objects) -> list[Case]:
    marzahn = _proposal(o)
    pankow = _proposal(o, pankow=True)
    url = _base(o.m) + f"pruefungen/{marzahn.pk}/"
    return [
        Case("review page", url, workspace(MARZAHN_READERS, 200)),
        Case(
            "Pankow's proposal at Marzahn's address",
            _base(o.m) + f"pruefungen/{pankow.pk}/",
            workspace(MARZAHN_READERS, 200, not_found=MARZAHN_READERS),
        ),
        Case(
            "Pankow's review page",
            _base(o.p) + f"pruefungen/{pankow.pk}/",
            workspace(PANKOW_READERS, 200),
        ),
        Case(
            "decide (steering members read only)",
            url,
            workspace(MARZAHN_COORDINATORS, 200),
            method="post",
            data={"decision": "approve"},
        ),
        Case(
            "decide on Pankow's proposal at Marzahn's address",
            _base(o.m) + f"pruefungen/{pankow.pk}/",
            workspace(MARZAHN_READERS, 200, not_found=MARZAHN_READERS),
            method="post",
            data={"decision": "approve"},
        ),
        Case(
            "decide on Pankow's proposal",
            _base(o.p) + f"pruefungen/{pankow.pk}/",
            workspace(PANKOW_READERS, 200),
            method="post",
            data={"decision": "reject", "comment": "Nein"},
        ),
    ]


def my_proposals(o: Objects) -> list[Case]:
    _proposal(o)
    url = _base(o.m) + "meine-vorschlaege/"
    return [
        Case("my proposals", url, workspace(MARZAHN_MEMBERS, 200)),
        Case("my proposals takes no POST", url, everyone(405), method="post"),
    ]


def report_missing(o: Objects) -> list[Case]:
    url = f"/{o.m}/einrichtung-melden/"
    return [
        Case("Unsere Einrichtung fehlt", url, everyone(200)),
        Case("… of an unknown Kommune", "/nirgendwo/einrichtung-melden/", everyone(404)),
        # JSON is no form: shown again with its errors, nothing created.
        Case("report (not a form)", url, everyone(200), method="post", data={"x": "y"}),
    ]


def report_missing_thanks(o: Objects) -> list[Case]:
    url = f"/{o.m}/einrichtung-melden/danke/"
    return [
        Case("thanks for the report", url, everyone(200)),
        Case("thanks takes no POST", url, everyone(405), method="post"),
    ]


def rules() -> dict[str, Rule]:
    slug = "<slug:kommune_slug>/"
    return {
        slug + "arbeitsbereich/pruefungen/": reviews,
        slug + "arbeitsbereich/pruefungen/<int:proposal_id>/": review,
        slug + "arbeitsbereich/meine-vorschlaege/": my_proposals,
        slug + "einrichtung-melden/": report_missing,
        slug + "einrichtung-melden/danke/": report_missing_thanks,
    }
