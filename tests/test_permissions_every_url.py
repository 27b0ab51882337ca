"""Every URL pattern of the project, asked by every role: each answers as the table says.

The table EXPECTED maps each route (as Django's resolver spells it) to the requests made to
it and the outcome each role must get. A new URL without an entry fails
test_every_url_pattern_has_an_expected_outcome: whoever adds a page decides who may see it.
The admin is covered by one rule (staff only) and sampled by its index and one changelist
and change form per model family. API lists are also read for their contents: no role sees
a draft of another Kommune or of another provider.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lueckenlos.accounts.tests.personas import build_world
from lueckenlos.freshness.tokens import make_token
from tests import (
    permission_rules_analysis,
    permission_rules_monitoring,
    permission_rules_monitoring_data,
    permission_rules_reports,
    permission_rules_review,
    permission_rules_workspace,
)
from tests.permission_table import (
    ADMIN_LOGIN,
    DRAFT_READERS,
    LOGIN,
    MARZAHN_COORDINATORS,
    MARZAHN_READERS,
    PANKOW_READERS,
    ROLES,
    SIGNED_IN,
    Case,
    Objects,
    Outcome,
    Redirect,
    Rule,
    api_write,
    build_objects,
    everyone,
    only,
    signed_in,
)


def account_rules() -> dict[str, Rule]:
    return {
        "konto/": lambda o: [
            Case("account home", "/konto/", signed_in(200, anonymous=Redirect(LOGIN)))
        ],
        "konto/anmelden/": lambda o: [
            # Signed in already: straight on to the account page.
            Case("sign-in page", LOGIN, signed_in(Redirect("/konto/"), anonymous=200))
        ],
        "konto/abmelden/": lambda o: [Case("sign out by GET", "/konto/abmelden/", everyone(405))],
        "konto/zweiter-faktor/": lambda o: [
            # REQUIRE_SECOND_FACTOR is off here: nobody needs a code, so all go on.
            Case(
                "second factor",
                "/konto/zweiter-faktor/",
                signed_in(Redirect("/konto/"), anonymous=Redirect(LOGIN)),
            )
        ],
        "konto/passwort/": lambda o: [
            Case("change password", "/konto/passwort/", signed_in(200, anonymous=Redirect(LOGIN)))
        ],
        "konto/passwort/geaendert/": lambda o: [
            Case(
                "password changed",
                "/konto/passwort/geaendert/",
                signed_in(200, anonymous=Redirect(LOGIN)),
            )
        ],
        "konto/passwort-vergessen/": lambda o: [
            Case("forgotten password", "/konto/passwort-vergessen/", everyone(200))
        ],
        "konto/passwort-vergessen/gesendet/": lambda o: [
            Case("reset mail sent", "/konto/passwort-vergessen/gesendet/", everyone(200))
        ],
        "konto/passwort-neu/<uidb64>/<token>/": lambda o: [
            # The link itself is the credential: valid, it leads on to the form.
            Case(
                "valid reset link",
                f"/konto/passwort-neu/{o.reset_uid}/{o.reset_token}/",
                everyone(Redirect(f"/konto/passwort-neu/{o.reset_uid}/set-password/")),
            ),
            Case(
                "invalid reset link",
                f"/konto/passwort-neu/{o.reset_uid}/abc-def/",
                everyone(200),
            ),
        ],
        "konto/passwort-neu/fertig/": lambda o: [
            Case("password set", "/konto/passwort-neu/fertig/", everyone(200))
        ],
        "konto/einladung/<str:token>/": lambda o: [
            Case("open invitation", f"/konto/einladung/{o.invitation_token}/", everyone(200)),
            Case("unknown invitation", "/konto/einladung/no-such-token/", everyone(410)),
        ],
    }


def hsds_rules() -> dict[str, Rule]:
    """The HSDS API is public data only: the same for every role, drafts never."""
    base = "api/hsds/<slug:kommune_slug>/"

    def public(suffix: str, url: Callable[[Objects], str], hidden: Callable[[Objects], list]):
        def rule(o: Objects) -> list[Case]:
            cases = [Case(f"HSDS {suffix or 'root'}", url(o), everyone(200))]
            cases += [Case(f"HSDS {suffix}: {what}", u, everyone(404)) for what, u in hidden(o)]
            return cases

        return base + suffix, rule

    h = "/api/hsds/"
    rules = dict(
        [
            public("", lambda o: f"{h}{o.m}/", lambda o: [("unknown Kommune", f"{h}nirgendwo/")]),
            public("openapi.json", lambda o: f"{h}{o.m}/openapi.json", lambda o: []),
            public(
                "services",
                lambda o: f"{h}{o.m}/services",
                lambda o: [("unknown Kommune", f"{h}nirgendwo/services")],
            ),
            public(
                "services/<str:id>",
                lambda o: f"{h}{o.m}/services/{o.world.active_a.pk}",
                lambda o: [
                    ("Kita A's draft", f"{h}{o.m}/services/{o.world.draft_a.pk}"),
                    ("Pankow's offer under Marzahn", f"{h}{o.m}/services/{o.active_pankow.pk}"),
                    ("Pankow's draft", f"{h}{o.p}/services/{o.world.draft_pankow.pk}"),
                ],
            ),
            public("organizations", lambda o: f"{h}{o.m}/organizations", lambda o: []),
            public(
                "organizations/<str:id>",
                lambda o: f"{h}{o.m}/organizations/{o.world.kita_a.pk}",
                lambda o: [
                    ("provider with drafts only", f"{h}{o.m}/organizations/{o.world.verein_b.pk}"),
                    (
                        "Pankow's provider under Marzahn",
                        f"{h}{o.m}/organizations/{o.world.pankow_org.pk}",
                    ),
                ],
            ),
            public(
                "service_at_locations", lambda o: f"{h}{o.m}/service_at_locations", lambda o: []
            ),
            public(
                "service_at_locations/<str:id>",
                lambda o: f"{h}{o.m}/service_at_locations/{o.sal_a.pk}",
                lambda o: [("unknown id", f"{h}{o.m}/service_at_locations/not-a-uuid")],
            ),
            public("taxonomies", lambda o: f"{h}{o.m}/taxonomies", lambda o: []),
            public(
                "taxonomies/<str:id>",
                lambda o: f"{h}{o.m}/taxonomies/{o.hsds_taxonomy_id}",
                lambda o: [],
            ),
            public("taxonomy_terms", lambda o: f"{h}{o.m}/taxonomy_terms", lambda o: []),
            public(
                "taxonomy_terms/<str:id>",
                lambda o: f"{h}{o.m}/taxonomy_terms/{o.hsds_term_id}",
                lambda o: [],
            ),
        ]
    )
    # Read-only: a write is the wrong method for everyone.
    services_rule = rules[base + "services"]
    rules[base + "services"] = lambda o: [
        *services_rule(o),
        Case("HSDS POST", f"{h}{o.m}/services", everyone(405), method="post", data={}),
    ]
    return rules


API = "api/v1/^"
FORMAT = r"\.(?P<format>[a-z0-9]+)/?$"


def with_json_suffix(cases: list[Case]) -> list[Case]:
    """The GET cases again, at the address spelt with the format suffix (offers.json)."""
    suffixed = []
    for case in cases:
        if case.method == "get":
            path, _, query = case.url.partition("?")
            url = path.rstrip("/") + ".json" + (f"?{query}" if query else "")
            suffixed.append(Case(f"{case.what} (.json)", url, case.expect))
    return suffixed


def api_rules() -> dict[str, Rule]:
    v1 = "/api/v1/"
    rules: dict[str, Rule] = {}

    def add(resource: str, detail_group: str, list_cases: Rule, detail_cases: Rule) -> None:
        """Both spellings of each route (with a trailing slash, and with .json) get the same
        cases, the second with the suffix."""
        list_route, detail_route = f"{API}{resource}/$", f"{API}{resource}/{detail_group}/$"
        rules[list_route] = list_cases
        rules[detail_route] = detail_cases
        rules[f"{API}{resource}{FORMAT}"] = lambda o: with_json_suffix(list_cases(o))
        rules[f"{API}{resource}/{detail_group}{FORMAT}"] = lambda o: with_json_suffix(
            detail_cases(o)
        )

    slug_group = "(?P<slug>[-a-zA-Z0-9_]+)"
    code_group = "(?P<code>[-a-zA-Z0-9_]+)"
    pk_group = "(?P<pk>[^/.]+)"
    add(
        "kommunen",
        slug_group,
        lambda o: [
            Case("Kommunen", f"{v1}kommunen/", everyone(200)),
            Case("Kommunen are read-only", f"{v1}kommunen/", everyone(405), "post", {}),
        ],
        lambda o: [Case("Marzahn", f"{v1}kommunen/{o.m}/", everyone(200))],
    )
    add(
        "areas",
        pk_group,
        lambda o: [Case("areas", f"{v1}areas/?kommune={o.m}", everyone(200))],
        lambda o: [
            Case(
                "Marzahn's region", f"{v1}areas/{o.world.marzahn.areas.first().pk}/", everyone(200)
            )
        ],
    )
    add(
        "taxonomies",
        code_group,
        lambda o: [Case("taxonomies", f"{v1}taxonomies/", everyone(200))],
        lambda o: [Case("life phases", f"{v1}taxonomies/{o.taxonomy_code}/", everyone(200))],
    )

    w = lambda o: o.world  # noqa: E731 - short for the many lookups below
    add(
        "organizations",
        pk_group,
        lambda o: [
            Case("providers", f"{v1}organizations/", everyone(200)),
            Case(
                "create a provider in Marzahn",
                f"{v1}organizations/",
                api_write(MARZAHN_COORDINATORS, 201),
                "post",
                {"kommune": o.m, "name": "Neuer Träger"},
            ),
        ],
        lambda o: [
            Case(
                "Kita A (has an active offer)",
                f"{v1}organizations/{w(o).kita_a.pk}/",
                everyone(200),
            ),
            Case(
                "Verein B (drafts only)",
                f"{v1}organizations/{w(o).verein_b.pk}/",
                only(MARZAHN_READERS | {"provider_b"}, 200, 404),
            ),
            Case(
                "Pankow's provider (has an active offer)",
                f"{v1}organizations/{w(o).pankow_org.pk}/",
                everyone(200),
            ),
            Case(
                "PATCH Kita A",
                f"{v1}organizations/{w(o).kita_a.pk}/",
                api_write(MARZAHN_COORDINATORS, 200),
                "patch",
                {"name": "Kita A (neu)"},
            ),
            Case(
                "PATCH Pankow's provider",
                f"{v1}organizations/{w(o).pankow_org.pk}/",
                api_write(PANKOW_READERS, 200),
                "patch",
                {"name": "Pankower Träger (neu)"},
            ),
        ],
    )
    add(
        "locations",
        pk_group,
        lambda o: [Case("locations", f"{v1}locations/", everyone(200))],
        lambda o: [
            Case(
                "Haus A (of an active offer)", f"{v1}locations/{w(o).location_a.pk}/", everyone(200)
            ),
            Case(
                "Haus B (of no active offer)",
                f"{v1}locations/{w(o).location_b.pk}/",
                only(MARZAHN_READERS | {"provider_b"}, 200, 404),
            ),
            Case(
                "PATCH Haus A",
                f"{v1}locations/{w(o).location_a.pk}/",
                api_write(MARZAHN_COORDINATORS | {"provider_a"}, 200),
                "patch",
                {"name": "Haus A (neu)"},
            ),
            Case(
                "PATCH Haus B",
                f"{v1}locations/{w(o).location_b.pk}/",
                api_write(
                    MARZAHN_COORDINATORS | {"provider_b"},
                    200,
                    hidden_from={"provider_a", "coordinator_pankow"},
                ),
                "patch",
                {"name": "Haus B (neu)"},
            ),
            Case(
                "DELETE Haus B",
                f"{v1}locations/{w(o).location_b.pk}/",
                api_write(
                    MARZAHN_COORDINATORS | {"provider_b"},
                    204,
                    hidden_from={"provider_a", "coordinator_pankow"},
                ),
                "delete",
            ),
        ],
    )

    def offer_detail(o: Objects) -> list[Case]:
        readable = DRAFT_READERS
        world = w(o)
        return [
            Case("active offer", f"{v1}offers/{world.active_a.pk}/", everyone(200)),
            Case(
                "Kita A's draft",
                f"{v1}offers/{world.draft_a.pk}/",
                only(readable["draft_a"], 200, 404),
            ),
            Case(
                "Verein B's draft",
                f"{v1}offers/{world.draft_b.pk}/",
                only(readable["draft_b"], 200, 404),
            ),
            Case(
                "Pankow's draft",
                f"{v1}offers/{world.draft_pankow.pk}/",
                only(readable["draft_pankow"], 200, 404),
            ),
            Case(
                "PATCH Kita A's active offer",
                f"{v1}offers/{world.active_a.pk}/",
                # The provider's change of a published offer waits for review: 202.
                {**api_write(MARZAHN_COORDINATORS, 200), "provider_a": 202},
                "patch",
                {"name": "Krabbelgruppe (neu)"},
            ),
            Case(
                "DELETE Kita A's active offer",
                f"{v1}offers/{world.active_a.pk}/",
                # A published offer is withdrawn by coordinators, not by its provider.
                api_write(MARZAHN_COORDINATORS, 204),
                "delete",
            ),
            Case(
                "PATCH Kita A's draft",
                f"{v1}offers/{world.draft_a.pk}/",
                api_write(
                    MARZAHN_COORDINATORS | {"provider_a"},
                    200,
                    hidden_from=SIGNED_IN - readable["draft_a"],
                ),
                "patch",
                {"name": "Elterncafé (neu)"},
            ),
            Case(
                "publish Kita A's draft",
                f"{v1}offers/{world.draft_a.pk}/",
                # Provider editors change their offers but do not publish them.
                api_write(MARZAHN_COORDINATORS, 200, hidden_from=SIGNED_IN - readable["draft_a"]),
                "patch",
                {"status": "active"},
            ),
            Case(
                "PATCH Pankow's draft",
                f"{v1}offers/{world.draft_pankow.pk}/",
                api_write(PANKOW_READERS, 200, hidden_from=SIGNED_IN - readable["draft_pankow"]),
                "patch",
                {"name": "Pankow (neu)"},
            ),
            # Across providers and Kommunen: an offer moves only where its editor may write.
            Case(
                "give Kita A's offer to Pankow's provider",
                f"{v1}offers/{world.active_a.pk}/",
                # Coordinators of Marzahn may not give it away (403); the administrator may
                # write anywhere, but the provider's Kommune must be the offer's (400).
                api_write({"admin"}, 400),
                "patch",
                {"organization": str(world.pankow_org.pk)},
            ),
            Case(
                "move Kita A's offer to Pankow",
                f"{v1}offers/{world.active_a.pk}/",
                api_write(MARZAHN_COORDINATORS | {"provider_a"}, 400),
                "patch",
                {"kommune": o.p},
            ),
            Case(
                "give Kita A's offer to Verein B",
                f"{v1}offers/{world.active_a.pk}/",
                api_write(MARZAHN_COORDINATORS, 200),
                "patch",
                {"organization": str(world.verein_b.pk)},
            ),
            Case(
                "DELETE Verein B's draft",
                f"{v1}offers/{world.draft_b.pk}/",
                api_write(
                    MARZAHN_COORDINATORS | {"provider_b"},
                    204,
                    hidden_from=SIGNED_IN - readable["draft_b"],
                ),
                "delete",
            ),
        ]

    add(
        "offers",
        pk_group,
        lambda o: [
            Case("offers", f"{v1}offers/", everyone(200)),
            Case(
                "create an offer of Kita A",
                f"{v1}offers/",
                api_write(MARZAHN_COORDINATORS | {"provider_a"}, 201),
                "post",
                {
                    "kommune": o.m,
                    "organization": str(w(o).kita_a.pk),
                    "name": "Neu",
                    "status": "draft",
                },
            ),
            # The provider's Kommune is the offer's: a writer of one cannot place it in another.
            Case(
                "create an offer of Kita A in Pankow",
                f"{v1}offers/",
                api_write(MARZAHN_COORDINATORS | {"provider_a"}, 400),
                "post",
                {"kommune": o.p, "organization": str(w(o).kita_a.pk), "name": "Neu"},
            ),
            Case(
                "create an offer of Pankow's provider in Marzahn",
                f"{v1}offers/",
                api_write(PANKOW_READERS, 400),
                "post",
                {"kommune": o.m, "organization": str(w(o).pankow_org.pk), "name": "Neu"},
            ),
        ],
        offer_detail,
    )
    rules["api/schema/"] = lambda o: [Case("OpenAPI", "/api/schema/", everyone(200))]
    rules["api/docs/"] = lambda o: [Case("Swagger UI", "/api/docs/", everyone(200))]
    rules["api/redoc/"] = lambda o: [Case("Redoc", "/api/redoc/", everyone(200))]
    return rules


def public_rules() -> dict[str, Rule]:
    """The portal and the reminder's confirm link: public, the same for every role."""

    def offer_pages(suffix: str) -> Rule:
        return lambda o: [
            Case(
                f"active offer {suffix}",
                f"/{o.m}/angebote/{o.world.active_a.pk}/{suffix}",
                everyone(200),
            ),
            Case(
                f"draft {suffix}", f"/{o.m}/angebote/{o.world.draft_a.pk}/{suffix}", everyone(404)
            ),
            Case(
                f"Pankow's offer under Marzahn {suffix}",
                f"/{o.m}/angebote/{o.active_pankow.pk}/{suffix}",
                everyone(404),
            ),
        ]

    def kommune_page(suffix: str) -> Rule:
        return lambda o: [
            Case(f"Marzahn {suffix}", f"/{o.m}/{suffix}", everyone(200)),
            Case(f"English Marzahn {suffix}", f"/en/{o.m}/{suffix}", everyone(200)),
            Case(f"unknown Kommune {suffix}", f"/nirgendwo/{suffix}", everyone(404)),
        ]

    def confirm(o: Objects) -> list[Case]:
        world = o.world
        url = f"/{o.m}/angebote/{{pk}}/bestaetigen/{{token}}/"
        return [
            Case(
                "confirm link",
                url.format(pk=world.active_a.pk, token=make_token(world.active_a.pk)),
                everyone(200),
            ),
            Case(
                "forged confirm link",
                url.format(pk=world.active_a.pk, token="forged"),
                everyone(403),
            ),
            Case(
                "confirm link of a draft",
                url.format(pk=world.draft_a.pk, token=make_token(world.draft_a.pk)),
                everyone(404),
            ),
            Case(
                "confirm link of another offer",
                url.format(pk=world.active_a.pk, token=make_token(o.active_pankow.pk)),
                everyone(403),
            ),
            Case(
                "confirm",
                url.format(pk=world.active_a.pk, token=make_token(world.active_a.pk)),
                everyone(200),
                "post",
                {},
            ),
            Case(
                "confirm by PUT",
                url.format(pk=world.active_a.pk, token=make_token(world.active_a.pk)),
                everyone(405),
                "put",
                {},
            ),
        ]

    return {
        "<slug:kommune_slug>/angebote/<uuid:offer_id>/bestaetigen/<str:token>/": confirm,
        "": lambda o: [
            Case("start", "/", everyone(200)),
            Case("English start", "/en/", everyone(200)),
        ],
        "barrierefreiheit/": lambda o: [Case("accessibility", "/barrierefreiheit/", everyone(200))],
        "leichte-sprache/": lambda o: [Case("easy read", "/leichte-sprache/", everyone(200))],
        "datenquellen/": lambda o: [Case("data sources", "/datenquellen/", everyone(200))],
        "<slug:slug>/": kommune_page(""),
        "<slug:slug>/impressum/": kommune_page("impressum/"),
        "<slug:slug>/datenschutz/": kommune_page("datenschutz/"),
        "<slug:slug>/gebiete.geojson": kommune_page("gebiete.geojson"),
        "<slug:slug>/angebote/": kommune_page("angebote/"),
        "<slug:slug>/angebote/karte.geojson": kommune_page("angebote/karte.geojson"),
        "<slug:slug>/angebote/<uuid:offer_id>/": offer_pages(""),
        "<slug:slug>/angebote/<uuid:offer_id>/drucken/": offer_pages("drucken/"),
        "<slug:slug>/angebote/<uuid:offer_id>/termine.ics": offer_pages("termine.ics"),
    }


EXPECTED: dict[str, Rule] = {
    **account_rules(),
    **hsds_rules(),
    **api_rules(),
    **public_rules(),
    **permission_rules_workspace.rules(),
    **permission_rules_review.rules(),
    **permission_rules_analysis.rules(),
    **permission_rules_monitoring.rules(),
    **permission_rules_monitoring_data.rules(),
    **permission_rules_reports.rules(),
}


def admin_samples(o: Objects) -> list[Case]:
    """The admin is the staff's: the superuser gets in, everyone else is sent to its sign-in.
    Sampled by the index and one changelist and change form per model family."""
    world = o.world
    to_login = Redirect(ADMIN_LOGIN)
    staff_only = only({"admin"}, 200, to_login)
    urls = [
        reverse("admin:index"),
        reverse("admin:app_list", args=["catalogue"]),
        reverse("admin:catalogue_service_changelist"),
        reverse("admin:catalogue_service_change", args=[world.draft_a.pk]),
        reverse("admin:catalogue_service_history", args=[world.draft_a.pk]),
        reverse("admin:catalogue_organization_changelist"),
        reverse("admin:catalogue_organization_change", args=[world.verein_b.pk]),
        reverse("admin:catalogue_location_change", args=[world.location_b.pk]),
        reverse("admin:catalogue_taxonomy_changelist"),
        reverse("admin:areas_kommune_changelist"),
        reverse("admin:areas_kommune_change", args=[world.marzahn.pk]),
        reverse("admin:areas_area_changelist"),
        reverse("admin:accounts_membership_changelist"),
        reverse("admin:accounts_invitation_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:freshness_updateround_changelist"),
        reverse("admin:freshness_reminder_changelist"),
        reverse("admin:interop_importrun_changelist"),
        reverse("admin:interop_import_upload"),
        reverse("admin:monitoring_indicator_changelist"),
        reverse("admin:catalogue_service_export", args=[o.m, "csv"]),
    ]
    cases = [Case(f"admin {url}", url, staff_only) for url in urls]
    # Signed in as staff, the sign-in page sends on to the index.
    cases.append(Case("admin sign-in page", ADMIN_LOGIN, only({"admin"}, Redirect("/admin/"), 200)))
    return cases


def is_admin_route(route: str) -> bool:
    return route.startswith("admin/")


# --- walking the resolver ------------------------------------------------------------


def every_route() -> list[str]:
    """Each URL pattern of the project as one string: its prefixes joined with its own."""
    routes: list[str] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                assert isinstance(pattern, URLPattern)
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return routes


def test_every_url_pattern_has_an_expected_outcome():
    routes = every_route()
    missing = [r for r in routes if r not in EXPECTED and not is_admin_route(r)]
    assert not missing, "new URL without an expected outcome: " + ", ".join(missing)
    # And the table names no address that is gone (a renamed route would go untested).
    stale = sorted(set(EXPECTED) - set(routes))
    assert not stale, "expected outcomes for URLs that no longer exist: " + ", ".join(stale)


# --- asking every URL as one role ------------------------------------------------------


@pytest.fixture
def objects(marzahn, pankow, settings) -> Objects:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has tests of its own
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_objects(build_world(marzahn.kommune, pankow.kommune))


def client_for(objects: Objects, role: str) -> Client:
    client = Client()
    user = objects.world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def outcome_matches(response, expected: Outcome) -> bool:
    if isinstance(expected, Redirect):
        return response.status_code in (301, 302) and response["Location"].startswith(expected.to)
    return response.status_code == expected


def describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def request(client: Client, case: Case):
    if case.method == "get":
        return client.get(case.url)
    send = getattr(client, case.method)
    return send(case.url, data=case.data or {}, content_type="application/json")


def all_cases(objects: Objects) -> list[Case]:
    cases = [case for rule in EXPECTED.values() for case in rule(objects)]
    cases += admin_samples(objects)
    # Reads first, then writes, deletions last: a write may change what a later read finds.
    order = {"get": 0, "post": 1, "put": 1, "patch": 1, "delete": 2}
    return sorted(cases, key=lambda case: order[case.method])


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_outcome_at_every_url(objects, role):
    client = client_for(objects, role)
    wrong = []
    for case in all_cases(objects):
        response = request(client, case)
        expected = case.expect[role]
        if not outcome_matches(response, expected):
            wrong.append(
                f"{case.method.upper()} {case.url} ({case.what}): "
                f"expected {expected}, got {describe(response)}"
            )
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# --- what lists show -----------------------------------------------------------------


def _ids_in(client: Client, url: str) -> set[str]:
    body = client.get(url).json()
    return {str(record["id"]) for record in body["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_no_draft_the_role_may_not_read(objects, role):
    world = objects.world
    client = client_for(objects, role)
    readable = DRAFT_READERS
    drafts = {
        "draft_a": world.draft_a,
        "draft_b": world.draft_b,
        "draft_pankow": world.draft_pankow,
    }
    active = {str(world.active_a.pk), str(objects.active_pankow.pk)}
    visible_drafts = {str(o.pk) for name, o in drafts.items() if role in readable[name]}
    in_marzahn = {str(world.active_a.pk), str(world.draft_a.pk), str(world.draft_b.pk)}
    known = active | {str(o.pk) for o in drafts.values()}
    m = objects.m
    for url, wanted in (
        ("/api/v1/offers/?page_size=100", active | visible_drafts),
        (f"/api/v1/offers/?page_size=100&kommune={m}", (active | visible_drafts) & in_marzahn),
        ("/api/v1/offers/?page_size=100&status=draft", visible_drafts),
        # The portal's search through the API finds active offers only, even for readers
        # of drafts.
        (f"/api/v1/offers/?page_size=100&kommune={m}&q=Krabbelgruppe", {str(world.active_a.pk)}),
        (f"/api/v1/offers/?page_size=100&kommune={m}&q=Elterncafé", set()),
        (f"/api/v1/offers/?page_size=100&kommune={m}&q=Hausaufgaben", set()),
    ):
        seen = _ids_in(client, url) & known
        assert seen == wanted, f"{role} at {url}"

    # Providers and locations with nothing public: only to those who read their drafts.
    organizations = _ids_in(client, "/api/v1/organizations/?page_size=100")
    assert (str(world.verein_b.pk) in organizations) == (role in readable["draft_b"])
    locations = _ids_in(client, "/api/v1/locations/?page_size=100")
    assert (str(world.location_b.pk) in locations) == (role in readable["draft_b"])

    # Public channels show no draft to anyone, whoever asks.
    draft_ids = [str(o.pk) for o in drafts.values()]
    for url in (
        f"/api/hsds/{objects.m}/services?per_page=100",
        f"/api/hsds/{objects.p}/services?per_page=100",
        f"/api/hsds/{objects.m}/organizations?per_page=100",
        f"/{objects.m}/angebote/",
        f"/{objects.m}/angebote/karte.geojson",
        f"/{objects.p}/angebote/",
    ):
        body = client.get(url).content.decode()
        for draft in drafts.values():
            assert draft.name not in body, f"{role} sees draft {draft.name!r} at {url}"
        assert not any(pk in body for pk in draft_ids), f"{role} sees a draft's id at {url}"
    # The public provider list names only providers with an active offer.
    body = client.get(f"/api/hsds/{objects.m}/organizations?per_page=100").content.decode()
    assert str(world.kita_a.pk) in body
    assert str(world.verein_b.pk) not in body
