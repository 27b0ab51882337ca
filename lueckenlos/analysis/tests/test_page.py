"""The gap analysis page on Teststadt (conftest.py): the figures the page shows are the
core's, the weights change the ranking, and only the Kommune's readers get in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.analysis.coverage import coverage
from lueckenlos.analysis.priority import PriorityWeights, priority

URL = "/teststadt/arbeitsbereich/luecken/"


@pytest.fixture
def reader(teststadt, client: Client, settings, english) -> Client:
    settings.REQUIRE_SECOND_FACTOR = False  # the second factor has tests of its own
    client.force_login(member("koordination", teststadt.kommune, Membership.Role.COORDINATOR))
    return client


def area_ranking(html: str) -> list[str]:
    """The area names of the priority table, in the order shown."""
    table = html.split('id="priority-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)</a></th>', table)


def test_it_shows_the_matrix_for_a_reader(teststadt, reader):
    response = reader.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="matrix-table"' in html
    # Both Kitas serve preschool × education: the Kommune's cell says 2 offers.
    assert coverage(teststadt.kommune).kommune.cell("preschool", "education").offers == 2
    assert "2 offers" in html
    # The formula and the method texts are on the page.
    assert "priority = 100 ×" in html
    assert "How this is computed" in html


def test_the_area_table_matches_the_core(teststadt, reader):
    response = reader.get(URL, {"level": teststadt.plr_level.pk, "distance": 500})
    html = response.content.decode()
    expected = priority(teststadt.kommune, level=teststadt.plr_level, distance_m=500)
    assert area_ranking(html) == [entry.area.name for entry in expected.areas]
    for entry in expected.areas:
        if entry.score is not None:
            assert f"{entry.score:.1f}".replace(".", ",") in html or f"{entry.score:.1f}" in html


def test_withheld_figures_show_a_dash_and_the_reason(teststadt, reader):
    # Primary school children of Cölln are withheld by the statistics office ("–").
    response = reader.get(
        URL, {"level": teststadt.plr_level.pk, "phase": "primary", "field": "education"}
    )
    table = response.content.decode().split('id="priority-table"', 1)[1].split("</table>")[0]
    row = table.split("Cölln", 1)[1].split("</tr>", 1)[0]
    assert "–" in row
    assert "no figure available" in row or "withheld" in row


def test_changing_the_weights_changes_the_ranking(teststadt, reader):
    level = teststadt.plr_level
    by_need = area_ranking(
        reader.get(
            URL, {"level": level.pk, "w_need": 1, "w_supply": 0, "w_reach": 0}
        ).content.decode()
    )
    by_reach = area_ranking(
        reader.get(
            URL, {"level": level.pk, "w_need": 0, "w_supply": 0, "w_reach": 1}
        ).content.decode()
    )
    expected_need = priority(teststadt.kommune, level=level, weights=PriorityWeights(1, 0, 0)).areas
    expected_reach = priority(
        teststadt.kommune, level=level, weights=PriorityWeights(0, 0, 1)
    ).areas
    assert by_need == [e.area.name for e in expected_need]
    assert by_reach == [e.area.name for e in expected_reach]
    # Need alone puts Anger (40 % child poverty) first; the ranking must differ.
    assert by_need[0] == "Anger"
    assert by_need != by_reach


def test_weights_all_zero_are_refused_and_the_defaults_shown(teststadt, reader):
    response = reader.get(URL, {"w_need": 0, "w_supply": 0, "w_reach": 0})
    assert response.status_code == 200
    assert "At least one weight must be above 0." in response.content.decode()


def test_a_cell_lists_its_offers_and_the_areas_where_it_is_empty(teststadt, reader):
    response = reader.get(
        URL + "zelle/",
        {"level": teststadt.plr_level.pk, "phase": "preschool", "field": "education"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kita Sonnenschein" in html and "Kita Regenbogen" in html
    assert "Kita Geschlossen" not in html  # inactive: counts nowhere
    empty = html.split("Empty", 1)[1].split("</p>", 1)[0]
    assert "Cölln" in empty and "Anger" not in empty


def test_an_unknown_cell_is_404(teststadt, reader):
    assert reader.get(URL + "zelle/", {"phase": "nope", "field": "education"}).status_code == 404


def test_the_page_has_three_charts_with_title_and_desc(teststadt, reader):
    html = reader.get(URL, {"level": teststadt.plr_level.pk}).content.decode()
    for key in ("chart-matrix", "chart-priority", "chart-map"):
        assert f'<title id="{key}-title">' in html
        assert f'<desc id="{key}-desc">' in html


def test_someone_without_a_role_gets_403(teststadt, client, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("fremd", "fremd@example.org"))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(teststadt, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")


def test_the_form_shows_the_defaults_in_use(teststadt, reader):
    html = reader.get(URL).content.decode()
    # 1 km is the default distance: the select must say so, or a submit would change it.
    assert '<option value="1000" selected>' in html
    assert 'name="w_need" value="1.0"' in html


def test_the_page_links_its_downloads_with_the_choices_made(teststadt, reader):
    page = reader.get(URL + "?distance=500").content.decode()
    for name in ("export.pdf", "export.xlsx", "export.csv"):
        assert f"luecken/{name}?distance=500" in page
