"""A coordinator uploads indicator values: a file with a bad row shows the row's error and
cannot be imported; the corrected file is previewed and committed. Upload and preview pages
pass axe."""

from __future__ import annotations

import datetime as dt

import pytest

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.monitoring.models import Indicator, IndicatorValue, ValueBatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kennzahlen-Import-2026"


@pytest.fixture
def kommune(marzahn, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    Indicator.objects.create(
        kommune=marzahn.kommune,
        code="S4",
        name="Kinderarmut",
        unit="%",
        area_level=marzahn.north.level,
    )
    user = member("koordination", marzahn.kommune, Membership.Role.COORDINATOR)
    user.set_password(PASSWORD)
    user.save()
    return marzahn


def upload(page, path, text: str, tmp_path) -> None:
    file = tmp_path / "kinderarmut.csv"
    file.write_text(text, encoding="utf-8")
    page.goto(path)
    page.locator("#id_file").set_input_files(str(file))
    page.locator("#id_reference_date").fill("2022-12-31")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_coordinator_corrects_a_bad_row_and_imports(
    kommune, page, live_server, assert_accessible, tmp_path
):
    page.goto("/konto/anmelden/")
    page.locator("#id_username").fill("koordination@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    upload_path = f"/{kommune.kommune.slug}/arbeitsbereich/monitoring/werte/import/"
    page.goto(upload_path)
    assert_accessible(page)

    upload(page, upload_path, "Planungsraum;S4\nmar-N;23,4\nmar-S;viel\n", tmp_path)

    # The preview names the bad row (row 3 of the file, column S4, its value) and offers
    # no import.
    (problem,) = page.locator(".records-error-summary li").all_inner_texts()
    assert "3" in problem and "S4" in problem and "viel" in problem
    assert page.locator("main form[method=post]").count() == 0
    assert_accessible(page)
    assert not IndicatorValue.objects.exists()

    upload(page, upload_path, "Planungsraum;S4\nmar-N;23,4\nmar-S;x\n", tmp_path)

    assert page.locator(".records-error-summary").count() == 0
    # Two values to create, one of them missing with its reason, no row errors.
    cells = page.locator("table.catalogue-counts td").all_inner_texts()
    assert cells == ["2", "0", "0", "1", "0"]
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    batch = ValueBatch.objects.get()
    assert page.url.endswith(f"/monitoring/werte/{batch.pk}/")
    assert batch.created == 2 and batch.missing == 1
    north = IndicatorValue.objects.get(area=kommune.north, reference_date=dt.date(2022, 12, 31))
    assert north.value == 23.4
    assert_accessible(page)


@pytest.mark.parametrize("language", ["", "/ar"])
@pytest.mark.parametrize("width", [1280, 375])
def test_every_indicator_data_page_is_accessible(
    kommune, page, live_server, assert_accessible, language, width
):
    from lueckenlos.monitoring.services import State, indicator_values_save

    indicator = Indicator.objects.get(code="S4")
    batch = indicator_values_save(
        indicator=indicator,
        reference_date=dt.date(2022, 12, 31),
        rows={kommune.north: State(23.4), kommune.south: State(None, "weniger als 3 Fälle")},
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/konto/anmelden/")
    page.locator("#id_username").fill("koordination@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    base = f"{language}/{kommune.kommune.slug}/arbeitsbereich/monitoring/"
    for path in (
        "werte/",
        f"werte/{batch.pk}/",
        f"werte/{batch.pk}/rueckgaengig/",
        "neu/",
        "S4/bearbeiten/",
        "S4/werte/",
        "S4/werte/?existing=2022-12-31",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert_accessible(page)
        if width == 375:
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{path} is {overflow} px wide"
