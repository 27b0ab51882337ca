"""The portal of one Kommune: its start page with entry points and areas, and the list of its
offers (the search page without a search), paged."""

from __future__ import annotations

import re

from django.urls import reverse

from lueckenlos.catalogue.models import Service
from lueckenlos.portal.tests.conftest import add_offers, add_population
from tests.factories import ServiceFactory


def kommune_url(persona) -> str:
    return reverse("portal:kommune", args=[persona.kommune.slug])


def offers_url(persona) -> str:
    return reverse("portal:offers", args=[persona.kommune.slug])


def offer_names(response) -> list[str]:
    return [result.offer.name for result in response.context["search"].results]


def test_it_lists_the_active_offers_and_not_drafts_or_inactive_ones(client, marzahn, page_size):
    add_offers(marzahn, 2)
    ServiceFactory(kommune=marzahn.kommune, name="Entwurf", status=Service.Status.DRAFT)
    ServiceFactory(kommune=marzahn.kommune, name="Eingestellt", status=Service.Status.INACTIVE)

    response = client.get(offers_url(marzahn))

    assert response.status_code == 200
    assert offer_names(response) == ["Angebot 00", "Angebot 01"]
    html = response.content.decode()
    assert "Entwurf" not in html
    assert "Eingestellt" not in html


def test_an_offer_shows_provider_life_phase_address_and_planungsraum(client, marzahn, page_size):
    (offer,) = add_offers(marzahn, 1, is_example=True)

    html = client.get(offers_url(marzahn)).content.decode()

    item = html[html.index("Angebot 00") : html.index("</li>", html.index("Angebot 00"))]
    assert offer.organization.name in item
    assert "3 bis 6 Jahre" in item  # the life phase term's name
    assert "Teststraße 0, 12345 Berlin" in item
    assert "(Marzahn-Hellersdorf Nord)" in item
    assert '<span class="badge"' in item and "Example</span>" in item


def test_an_offer_that_is_no_example_carries_no_badge(client, marzahn, page_size):
    add_offers(marzahn, 1, is_example=False)

    html = client.get(offers_url(marzahn)).content.decode()

    assert 'class="badge"' not in html


def test_thirty_offers_make_two_pages_of_twenty_five_and_five(client, marzahn, page_size):
    add_offers(marzahn, 30)

    first = client.get(offers_url(marzahn))
    second = client.get(offers_url(marzahn), {"seite": 2})

    assert offer_names(first) == [f"Angebot {n:02d}" for n in range(25)]
    assert offer_names(second) == [f"Angebot {n:02d}" for n in range(25, 30)]
    first_html, second_html = first.content.decode(), second.content.decode()
    assert "Page 1 of 2" in first_html
    assert 'href="?seite=2#results" rel="next"' in first_html
    assert "Page 2 of 2" in second_html
    assert 'href="?#results" rel="prev"' in second_html
    assert 'rel="next"' not in second_html
    # The list numbering goes on from the first page.
    assert '<ol class="result-list" start="26">' in second_html


def test_page_is_accepted_as_well_as_seite(client, marzahn, page_size):
    add_offers(marzahn, 30)

    response = client.get(offers_url(marzahn), {"page": 2})

    assert offer_names(response) == [f"Angebot {n:02d}" for n in range(25, 30)]


def test_a_garbled_or_too_large_page_number_gives_a_page_not_an_error(client, marzahn, page_size):
    add_offers(marzahn, 30)

    garbled = client.get(offers_url(marzahn), {"seite": "zwei"})
    too_large = client.get(offers_url(marzahn), {"seite": 99})

    assert garbled.status_code == too_large.status_code == 200
    assert garbled.context["search"].params.page == 1
    assert too_large.context["search"].params.page == 2


def test_no_pagination_with_a_single_page(client, marzahn, page_size):
    add_offers(marzahn, 3)

    html = client.get(offers_url(marzahn)).content.decode()

    assert 'class="pagination"' not in html


def test_it_shows_each_area_level_with_the_latest_population(client, marzahn):
    add_population(marzahn)

    response = client.get(kommune_url(marzahn))

    levels = response.context["page"].population.levels
    assert [table.level.name for table in levels] == ["Bezirksregion", "Planungsraum"]
    assert [row.area.name for row in levels[1].rows] == [
        "Marzahn-Hellersdorf Nord",
        "Marzahn-Hellersdorf Süd",
    ]
    html = response.content.decode()
    north_row = re.search(
        r"<tr>\s*<th scope=\"row\">Marzahn-Hellersdorf Nord</th>.*?</tr>", html, re.S
    )
    assert north_row is not None
    cells = re.findall(r'<td class="number">([^<]*)</td>', north_row.group(0))
    assert cells == ["12,000", "1,200"]  # total first, then under 6
    assert "Marzahn-Hellersdorf Region" in north_row.group(0)  # the "part of" column
    # The figure of 2020 is history; the tables show 31 December 2023.
    assert "777" not in html
    assert "inhabitants on 12/31/2023" in html


def test_a_withheld_figure_shows_as_a_dash_with_an_explanation_not_as_zero(client, marzahn):
    add_population(marzahn)

    html = client.get(kommune_url(marzahn)).content.decode()

    south_row = re.search(
        r"<tr>\s*<th scope=\"row\">Marzahn-Hellersdorf Süd</th>.*?</tr>", html, re.S
    )
    assert south_row is not None
    row = south_row.group(0)
    assert '<td class="number suppressed">–<span class="visually-hidden"> (not published)' in row
    assert '<td class="number">0</td>' not in row
    assert "It does not mean zero." in html
    assert "Reasons given: fewer than 3" in html


def test_an_area_without_any_figure_says_no_data(client, marzahn):
    bands = add_population(marzahn)
    marzahn.north.population.filter(age_band=bands["under_6"]).delete()

    html = client.get(kommune_url(marzahn)).content.decode()

    north_row = re.search(
        r"<tr>\s*<th scope=\"row\">Marzahn-Hellersdorf Nord</th>.*?</tr>", html, re.S
    )
    assert '<td class="number no-data">no data</td>' in north_row.group(0)


def test_a_parent_kommune_lists_its_contained_kommunen_with_their_offer_counts(
    client, berlin, marzahn, pankow, page_size
):
    add_offers(marzahn, 3)
    add_offers(pankow, 1)

    response = client.get(reverse("portal:kommune", args=["berlin"]))

    contained = response.context["page"].contained
    assert [(k.slug, k.offer_count) for k in contained] == [
        ("marzahn-hellersdorf", 3),
        ("pankow", 1),
    ]
    # Berlin's portal finds the offers of its Bezirke.
    assert response.context["page"].offer_count == 4
    offers = client.get(reverse("portal:offers", args=["berlin"]))
    assert len(offer_names(offers)) == 4


def test_a_contained_kommune_links_back_to_its_parent(client, berlin, marzahn):
    html = client.get(kommune_url(marzahn)).content.decode()

    assert '<a href="/berlin/">Berlin</a>' in html


def test_an_unknown_slug_is_not_found(client, marzahn):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404


def test_the_query_count_does_not_grow_with_offers_or_areas(
    client, marzahn, page_size, django_assert_max_num_queries
):
    add_offers(marzahn, 30)
    add_population(marzahn)

    # The start page: Kommune, contained Kommunen, the search's counts and terms, providers,
    # areas and population; the list: the search (with the index generation its kept counts
    # depend on), its offers and their parts, the facets.
    with django_assert_max_num_queries(21):
        response = client.get(kommune_url(marzahn))
    assert response.context["page"].offer_count == 30
    with django_assert_max_num_queries(21):
        response = client.get(offers_url(marzahn))
    assert len(response.context["search"].results) == 25


def test_a_level_without_any_figures_lists_its_areas_without_empty_columns(client, marzahn):
    add_population(marzahn)
    marzahn.region.population.all().delete()

    response = client.get(kommune_url(marzahn))

    region_table = response.context["page"].population.levels[0]
    assert region_table.level.name == "Bezirksregion"
    assert not region_table.has_figures
    html = response.content.decode()
    region_row = re.search(
        r"<tr>\s*<th scope=\"row\">Marzahn-Hellersdorf Region</th>.*?</tr>", html, re.S
    )
    assert "<td" not in region_row.group(0)
    assert "no population figures published for this level" in html
