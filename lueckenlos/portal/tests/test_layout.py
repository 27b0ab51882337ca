"""Every public page has the accessible frame: language, skip link, landmarks, footer links;
and the statements the footer links to are real pages."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.slugs import RESERVED_SLUGS


@pytest.fixture
def public_urls(marzahn) -> list[str]:
    return [
        reverse("portal:start"),
        reverse("portal:kommune", args=[marzahn.kommune.slug]),
        reverse("portal:accessibility"),
        reverse("portal:data_sources"),
        reverse("portal:easy_read"),
        reverse("portal:offers", args=[marzahn.kommune.slug]),
        reverse("portal:imprint", args=[marzahn.kommune.slug]),
        reverse("portal:privacy", args=[marzahn.kommune.slug]),
    ]


def test_every_public_page_has_language_skip_link_main_and_footer_links(client, public_urls):
    for url in public_urls:
        html = client.get(url).content.decode()

        assert '<html lang="en" dir="ltr">' in html, url
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert '<a class="skip-link" href="#main">Skip to main content</a>' in html, url
        assert '<main id="main"' in html, url
        assert 'href="/barrierefreiheit/?seite=' in html, url
        assert '">Accessibility statement</a>' in html, url
        assert 'href="/datenquellen/">Data sources and attribution</a>' in html, url
        assert "/static/portal/portal.css" in html, url


def test_the_page_language_follows_the_address_not_the_browser(client, marzahn, settings):
    plain = client.get("/", headers={"accept-language": "ar"}).content.decode()
    arabic = client.get("/ar/").content.decode()

    assert f'<html lang="{settings.LANGUAGE_CODE}" dir="ltr">' in plain
    assert '<html lang="ar" dir="rtl">' in arabic


def test_the_accessibility_statement_names_the_feedback_address(client, settings, db):
    settings.FEEDBACK_EMAIL = "barrieren@example.org"

    response = client.get(reverse("portal:accessibility"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Accessibility statement</h1>" in html
    assert '<a href="mailto:barrieren@example.org">barrieren@example.org</a>' in html
    # Honest about what it is: the demo's statement, not a municipality's.
    assert "demonstration installation" in html


def test_the_data_sources_page_lists_each_kommunes_attribution(client, marzahn, pankow):
    Kommune.objects.filter(pk=marzahn.kommune.pk).update(
        attribution="Amt für Statistik Berlin-Brandenburg, CC BY 3.0 DE"
    )

    html = client.get(reverse("portal:data_sources")).content.decode()

    assert "Amt für Statistik Berlin-Brandenburg, CC BY 3.0 DE" in html
    assert '<a href="/marzahn-hellersdorf/">Marzahn-Hellersdorf</a>' in html
    # Pankow has named no source, so it has no section.
    assert 'href="/pankow/"' not in html


def top_level_words() -> set[str]:
    """The first path segment of every route that is not a Kommune's page."""
    words = set()
    for pattern in get_resolver().url_patterns:
        stack: list[tuple[str, URLPattern | URLResolver]] = [("", pattern)]
        while stack:
            prefix, item = stack.pop()
            route = prefix + str(item.pattern)
            if isinstance(item, URLResolver):
                stack.extend((route, child) for child in item.url_patterns)
            elif route and not route.startswith("<"):
                words.add(route.split("/")[0])
    return words


def test_every_top_level_address_word_is_reserved():
    words = top_level_words()

    assert {"admin", "barrierefreiheit", "datenquellen"} <= words
    assert words <= RESERVED_SLUGS


def test_a_reserved_word_can_never_become_a_kommunes_address(admin_client, db):
    response = admin_client.post(
        reverse("admin:areas_kommune_add"),
        {"name": "Admin", "slug": "admin", "kind": Kommune.Kind.CITY},
    )

    assert response.status_code == 200
    assert "is reserved for an address of the application" in response.content.decode()
    assert not Kommune.objects.filter(slug="admin").exists()
