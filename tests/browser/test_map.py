"""Journey: a visitor searches near a point and reads the map beside the list: areas, offers
(clustered where dense) and the centre, on a plain background, with no request to any other
server; background tiles only after two clicks; "use my location" fills the search.

The search page is the real one (portal:offers); offers are placed by coordinates in
Marzahn-Hellersdorf's two Planungsräume (13.55–13.57°E, 52.50–52.52°N).
"""

from __future__ import annotations

import base64
import copy
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from lueckenlos.catalogue.models import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from tests.factories import LocationFactory, ServiceAtLocationFactory, ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAP_SETTINGS = "lueckenlos.portal.context_processors.map_settings"
TILE_URL = "http://tiles.invalid/{z}/{x}/{y}.png"
TILE_ORIGIN = "http://tiles.invalid"
# A 1×1 PNG, what the fake tile server answers.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# The search's centre, between the offers.
NEAR = "?lat=52.51&lon=13.56"


@pytest.fixture
def map_page_settings(settings):
    """The map's context processor, whether or not settings.py names it yet; no tiles."""
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if MAP_SETTINGS not in processors:
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["OPTIONS"]["context_processors"].append(MAP_SETTINGS)
        settings.TEMPLATES = templates
    settings.TILE_URL = ""
    settings.TILE_ATTRIBUTION = ""
    return settings


@pytest.fixture
def with_tiles(map_page_settings):
    """A tile server as an installation configures it, allowed by the page's CSP as well."""
    map_page_settings.TILE_URL = TILE_URL
    map_page_settings.TILE_ATTRIBUTION = "© Test tiles"
    policy = copy.deepcopy(map_page_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = [*policy["DIRECTIVES"]["img-src"], TILE_ORIGIN]
    map_page_settings.CONTENT_SECURITY_POLICY = policy
    return map_page_settings


def offer_at(persona, name: str, lon: float, lat: float):
    offer = ServiceFactory(kommune=persona.kommune, name=name, terms=["life_phase:preschool"])
    location = LocationFactory(
        kommune=persona.kommune, name=f"Ort {name}", longitude=lon, latitude=lat
    )
    ServiceAtLocationFactory(service=offer, location=location)
    return offer


@pytest.fixture
def offers_on_the_map(marzahn):
    # An earlier transactional test's flush took the vocabularies the migration seeded.
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    # Eight offers on a grid of about 27 m: one cluster at the scale of the district, apart
    # once zoomed in to the block.
    grid = [(13.5540 + (n % 3) * 0.0004, 52.5150 + (n // 3) * 0.00025) for n in range(8)]
    dense = [offer_at(marzahn, f"Familienzentrum {n}", *grid[n]) for n in range(8)]
    lone = offer_at(marzahn, "Hebammenpraxis am Rand", 13.5660, 52.5030)
    return {"dense": dense, "lone": lone, "persona": marzahn}


def open_search(page, persona, query: str = NEAR):
    """The search page with every request and every console message recorded."""
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.goto(f"/{persona.kommune.slug}/angebote/{query}")
    expect(page.locator("#map[data-map-loaded]")).to_have_count(1)
    return requests, console


def stored_keys(page) -> set[str]:
    """What the page keeps in the browser's storage, besides htmx's history entries (the
    search page's business, not the map's)."""
    keys = page.evaluate("() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]")
    return {key for key in keys if not key.startswith("htmx-")}


def hosts(urls: list[str]) -> set[str]:
    return {urlsplit(url).netloc for url in urls if urlsplit(url).scheme in ("http", "https")}


def test_the_map_shows_areas_offers_and_centre_without_asking_another_server(
    page, live_server, offers_on_the_map, map_page_settings, assert_accessible
):
    persona = offers_on_the_map["persona"]
    requests, console = open_search(page, persona)

    # Nothing left this server: no tiles, fonts, icons or scripts from elsewhere.
    assert hosts(requests) == {urlsplit(live_server.url).netloc}
    # And nothing was refused by the strict CSP (inline styles, eval) or broke.
    assert not [text for text in console if "Content Security Policy" in text or "error" in text]

    # The two Planungsräume as outlines, the dense offers as one cluster, the lone one as a
    # pin, and the centre of the search as its own marker.
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator("#map .marker-cluster")).to_have_count(1)
    expect(page.locator("#map .marker-cluster")).to_contain_text("8")
    lone = page.locator("#map img.leaflet-marker-icon[alt='Hebammenpraxis am Rand']")
    expect(lone).to_have_count(1)
    expect(page.locator("#map .map-centre-marker")).to_have_count(1)
    # No tile server configured: no consent to ask and no tile layer.
    expect(page.locator("[data-map-consent]")).to_have_count(0)
    expect(page.locator("#map .leaflet-tile")).to_have_count(0)

    # From the keyboard: the pin opens its popup, whose link takes the focus; Escape closes
    # it and gives the focus back to the pin.
    lone.focus()
    page.keyboard.press("Enter")
    link = page.locator("#map .leaflet-popup .map-popup a")
    expect(link).to_be_focused()
    expect(link).to_have_text("Hebammenpraxis am Rand")
    offer = offers_on_the_map["lone"]
    expect(link).to_have_attribute("href", re.compile(rf"/angebote/{offer.pk}/$"))
    expect(page.locator("#map .map-popup-distance")).to_contain_text(re.compile(r"\d+ k?m"))
    page.keyboard.press("Escape")
    expect(page.locator("#map .leaflet-popup")).to_have_count(0)
    expect(lone).to_be_focused()

    # Enter on the cluster zooms in until its offers come apart.
    page.locator("#map .marker-cluster").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map img.leaflet-marker-icon[alt^='Familienzentrum']")).to_have_count(8)

    assert_accessible(page)
    # The public pages keep nothing in the browser.
    assert page.context.cookies() == []
    assert stored_keys(page) == set()


def test_background_tiles_load_only_after_two_clicks(
    page, offers_on_the_map, with_tiles, assert_accessible
):
    tile_requests: list[str] = []
    page.route(
        f"{TILE_ORIGIN}/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
    )
    page.on(
        "request",
        lambda request: (
            tile_requests.append(request.url) if request.url.startswith(TILE_ORIGIN) else None
        ),
    )
    open_search(page, offers_on_the_map["persona"])
    ask = page.locator("[data-consent-ask]")
    notice = page.locator("[data-consent-notice]")

    # The map is drawn and useful, on a plain background, and nothing went to the tiles.
    expect(page.locator("#map .marker-cluster")).to_have_count(1)
    expect(ask).to_be_visible()
    expect(notice).to_be_hidden()
    assert tile_requests == []
    assert_accessible(page)

    # First click: the notice names the server and what it learns; still no request.
    ask.click()
    expect(notice).to_be_visible()
    expect(ask).to_be_hidden()
    expect(notice).to_contain_text("tiles.invalid")
    expect(page.locator("[data-consent-accept]")).to_be_focused()
    assert_accessible(page)
    # Cancel takes it back, and the focus returns to where it was.
    page.locator("[data-consent-cancel]").click()
    expect(notice).to_be_hidden()
    expect(ask).to_be_focused()
    page.wait_for_timeout(300)
    assert tile_requests == []

    # Both clicks: now the tiles come, with their attribution.
    ask.click()
    page.locator("[data-consent-accept]").click()
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_visible()
    assert tile_requests
    assert all(re.fullmatch(rf"{TILE_ORIGIN}/\d+/\d+/\d+\.png", url) for url in tile_requests)
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("© Test tiles")
    expect(page.locator("[data-map-consent]")).to_be_hidden()
    # The consent is not remembered anywhere.
    assert page.context.cookies() == []
    assert stored_keys(page) == set()


def test_use_my_location_searches_near_the_browsers_position(
    page, offers_on_the_map, map_page_settings
):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 52.512345678, "longitude": 13.561234567})
    open_search(page, offers_on_the_map["persona"], query="?nahe=Irgendwo")

    # The search form asks for the button with data-locate-label; the script adds it.
    page.evaluate(
        """() => {
            const form = document.querySelector("form.search-box");
            if (!form.hasAttribute("data-locate-label")) {
                form.setAttribute("data-locate-label", "Use my location");
                form.setAttribute("data-locate-clear", "nahe");
                document.dispatchEvent(new Event("htmx:afterSettle"));
            }
        }"""
    )
    button = page.locator("form.search-box .locate-button")
    expect(button).to_have_count(1)
    button.click()

    # Rounded to 4 decimals (about 10 m); the typed place gives way to the position.
    page.wait_for_url(re.compile(r"lat="))
    query = parse_qs(urlsplit(page.url).query)
    assert query["lat"] == ["52.5123"]
    assert query["lon"] == ["13.5612"]
    assert query.get("nahe", [""]) == [""]
    expect(page.locator("#map[data-map-loaded]")).to_have_count(1)
    expect(page.locator("#map .map-centre-marker")).to_have_count(1)
