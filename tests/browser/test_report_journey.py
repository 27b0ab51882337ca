"""A coordinator writes the introduction of the prevention report, chooses its sections
and downloads the PDF; the form passes axe, and the choices are there when she comes back."""

from __future__ import annotations

import pytest

from lueckenlos.reports.models import ReportDraft
from tests.browser.teststadt import coordinated_teststadt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Praeventions-Bericht-2026"
INTRODUCTION = "Liebe Mitglieder der Steuerungsgruppe,\n\ndieser Bericht zeigt das Jahr."


@pytest.fixture
def town(settings):
    return coordinated_teststadt(settings, PASSWORD)


def test_a_coordinator_writes_the_introduction_and_downloads_the_pdf(
    town, page, live_server, assert_accessible, tmp_path
):
    page.goto("/konto/anmelden/")
    page.locator("#id_username").fill("koordination@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    url = f"/{town.kommune.slug}/arbeitsbereich/bericht/"
    page.goto(url)
    assert_accessible(page)
    year = page.locator("#id_year").input_value()

    page.locator("#id_introduction").fill(INTRODUCTION)
    # Leave the gap analysis out; the inventory and the indicators stay chosen.
    page.locator("input[name=sections][value=gaps]").uncheck()
    page.locator("input[name=format][value=pdf]").check()
    with page.expect_download() as download_info:
        page.locator(".report-form button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename == f"praeventionsbericht-teststadt-{year}.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    draft = ReportDraft.objects.get(kommune=town.kommune, year=int(year))
    assert draft.sections == ["inventory", "indicators"]

    # Coming back: the introduction and the choices are still there.
    page.goto(url + f"?jahr={year}")
    assert page.locator("#id_introduction").input_value() == INTRODUCTION
    assert not page.locator("input[name=sections][value=gaps]").is_checked()
    assert page.locator("input[name=sections][value=indicators]").is_checked()

    # A form error (no section) is shown on the page, which stays accessible.
    for box in page.locator("input[name=sections]").all():
        box.uncheck()
    page.locator(".report-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.locator("#id_sections-errors").is_visible()
    assert_accessible(page)
