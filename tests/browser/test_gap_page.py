"""A coordinator opens the gap analysis of a small Kommune, changes the weights of the
priority and sees the ranking of the areas change; the page passes axe throughout."""

from __future__ import annotations

import pytest

from lueckenlos.analysis.priority import PriorityWeights, priority
from tests.browser.teststadt import coordinated_teststadt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Luecken-Analyse-2026"


@pytest.fixture
def town(settings):
    return coordinated_teststadt(settings, PASSWORD)


def ranking(page) -> list[str]:
    return page.locator("#priority-table tbody th[scope=row]").all_inner_texts()


def set_weights(page, need: str, supply: str, reach: str) -> None:
    page.locator("#id_w_need").fill(need)
    page.locator("#id_w_supply").fill(supply)
    page.locator("#id_w_reach").fill(reach)
    page.locator(".gaps-form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_coordinator_changes_the_weights_and_the_ranking_changes(
    town, page, live_server, assert_accessible
):
    page.goto("/konto/anmelden/")
    page.locator("#id_username").fill("koordination@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(f"/{town.kommune.slug}/arbeitsbereich/luecken/")
    page.locator("#id_level").select_option(str(town.plr_level.pk))
    page.locator(".gaps-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#matrix-table").is_visible()
    assert_accessible(page)

    set_weights(page, "1", "0", "0")
    by_need = ranking(page)
    set_weights(page, "0", "0", "1")
    by_reach = ranking(page)

    def expected(weights: PriorityWeights) -> list[str]:
        report = priority(town.kommune, level=town.plr_level, weights=weights)
        return [entry.area.name for entry in report.areas]

    # What the page shows is the core's ranking, and the weights change it.
    assert by_need == expected(PriorityWeights(1, 0, 0))
    assert by_reach == expected(PriorityWeights(0, 0, 1))
    assert by_need != by_reach
    # The formula on the page names the weights in use (0, 0 and 1).
    formula = page.locator(".gaps-formula").inner_text()
    assert "(0 × " in formula and "+ 0 × " in formula and "+ 1 × " in formula
    assert_accessible(page)
