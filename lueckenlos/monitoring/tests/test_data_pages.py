"""The indicator data pages of the workspace: upload → preview → commit, manual entry,
definitions, and the list of changes with their undo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.monitoring.models import (
    Indicator,
    IndicatorValue,
    PendingIndicatorImport,
    ValueBatch,
)
from lueckenlos.monitoring.services import (
    STANDARD_INDICATORS,
    State,
    UndoRefused,
    indicator_values_save,
    value_batch_undo,
)

DAY = dt.date(2022, 12, 31)
BASE = "/marzahn-hellersdorf/arbeitsbereich/monitoring/"


@pytest.fixture
def setup(marzahn, settings, english):
    settings.REQUIRE_SECOND_FACTOR = False
    s4 = Indicator.objects.create(
        kommune=marzahn.kommune,
        code="S4",
        name="Kinderarmut",
        unit="%",
        area_level=marzahn.north.level,
    )
    quote = Indicator.objects.create(
        kommune=marzahn.kommune,
        code="BUT",
        name="Teilhabe",
        numerator_label="bewilligt",
        denominator_label="berechtigt",
        area_level=marzahn.north.level,
    )
    marzahn.s4, marzahn.quote = s4, quote
    return marzahn


@pytest.fixture
def coordinator(setup, client: Client) -> Client:
    client.force_login(member("koordination", setup.kommune, Membership.Role.COORDINATOR))
    return client


@pytest.fixture
def steering(setup) -> Client:
    client = Client()
    client.force_login(member("steuerung", setup.kommune, Membership.Role.STEERING_MEMBER))
    return client


def upload(client: Client, text: str, name: str = "werte.csv", **fields):
    data = {"file": SimpleUploadedFile(name, text.encode()), **fields}
    return client.post(BASE + "werte/import/", data)


def stored() -> dict[tuple[str, str, dt.date], tuple]:
    return {
        (v.indicator.code, v.area.code, v.reference_date): (v.value, v.missing_reason)
        for v in IndicatorValue.objects.select_related("indicator", "area")
    }


WIDE_FILE = "PLR;S4\nmar-N;23,4\nmar-S;x\n"


def test_upload_shows_a_preview_and_the_commit_stores_one_batch(coordinator):
    response = upload(coordinator, WIDE_FILE, reference_date=DAY.isoformat())
    pending = PendingIndicatorImport.objects.get()
    assert response.status_code == 302
    assert response.url == f"{BASE}werte/import/{pending.pk}/"
    # The preview says what would happen and writes nothing.
    preview = coordinator.get(response.url)
    html = preview.content.decode()
    assert "Values to create</th><td>2</td>" in html
    assert "Missing: withheld by the statistics office (marked “x”)</th><td>1</td>" in html
    assert "Import (all or nothing)" in html
    assert IndicatorValue.objects.count() == 0

    committed = coordinator.post(response.url)

    batch = ValueBatch.objects.get()
    assert committed.url == f"{BASE}werte/{batch.pk}/"
    assert (batch.kind, batch.source, batch.created, batch.missing) == ("import", "werte.csv", 2, 1)
    assert batch.created_by.username == "koordination"
    assert stored() == {
        ("S4", "mar-N", DAY): (23.4, ""),
        ("S4", "mar-S", DAY): (None, "withheld by the statistics office (marked “x”)"),
    }
    # The upload is gone once committed; the result page lists the values.
    assert not PendingIndicatorImport.objects.exists()
    result = coordinator.get(committed.url).content.decode()
    assert "2 values changed" in result and "23.4" in result


def test_row_errors_are_listed_and_the_commit_is_refused(coordinator):
    response = upload(coordinator, "PLR;S4\nmar-N;viel\nmar-X;3\n", reference_date=DAY.isoformat())
    html = coordinator.get(response.url).content.decode()
    assert "2 errors: nothing can be imported" in html
    assert "Row 2, column “S4”: value “viel” – neither a number" in html
    assert "Row 3, column “PLR”: value “mar-X” – Marzahn-Hellersdorf has no area" in html
    assert "Import (all or nothing)" not in html

    refused = coordinator.post(response.url)

    assert refused.status_code == 200
    assert "Nothing was imported" in refused.content.decode()
    assert not IndicatorValue.objects.exists() and not ValueBatch.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("werte.csv", "%PDF-1.4 not a table", "is a PDF document"),
        ("werte.csv", "", "The submitted file is empty"),
        ("werte.csv", "PLR;S4\n", "but no data rows"),
        ("werte.geojson", '{"type": "FeatureCollection", "features": []}', "is not a table"),
    ],
)
def test_what_is_not_a_table_is_refused(coordinator, name, content, says):
    response = upload(coordinator, content, name=name, reference_date=DAY.isoformat())
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not PendingIndicatorImport.objects.exists()


def test_a_file_that_is_too_large_is_refused(coordinator, settings):
    settings.LUECKENLOS_MAX_IMPORT_BYTES = 10
    response = upload(coordinator, WIDE_FILE, reference_date=DAY.isoformat())
    assert "is too large" in response.content.decode()


def test_options_that_do_not_fit_the_file_are_told_on_the_upload_page(coordinator):
    response = upload(coordinator, WIDE_FILE)  # a wide file without a reference date
    assert response.status_code == 200
    assert "needs “Reference date”" in response.content.decode()
    assert not PendingIndicatorImport.objects.exists()


def test_the_preview_is_the_uploaders_own(coordinator, setup):
    response = upload(coordinator, WIDE_FILE, reference_date=DAY.isoformat())
    other = Client()
    other.force_login(member("zweite", setup.kommune, Membership.Role.COORDINATOR))
    assert other.get(response.url).status_code == 404
    assert other.post(response.url).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_manual_entry_prefills_and_saves_all_rows(coordinator, setup):
    IndicatorValue.objects.create(
        indicator=setup.quote, area=setup.north, reference_date=DAY, value=10.0
    )
    url = f"{BASE}BUT/werte/"
    page = coordinator.get(url, {"existing": DAY.isoformat()}).content.decode()
    assert f'name="a{setup.north.pk}-value" value="10.0"' in page
    assert "Numerator" in page

    response = coordinator.post(
        url,
        {
            "new": DAY.isoformat(),
            f"a{setup.north.pk}-value": "",
            f"a{setup.north.pk}-numerator": "30",
            f"a{setup.north.pk}-denominator": "120",
            f"a{setup.south.pk}-missing_reason": "weniger als 3 Fälle",
        },
    )

    batch = ValueBatch.objects.get()
    assert response.url == f"{BASE}werte/{batch.pk}/"
    assert (batch.kind, batch.created, batch.updated) == ("manual", 1, 1)
    north = IndicatorValue.objects.get(area=setup.north)
    assert (north.value, north.numerator, north.denominator) == (25.0, 30.0, 120.0)
    south = IndicatorValue.objects.get(area=setup.south)
    assert (south.value, south.missing_reason) == (None, "weniger als 3 Fälle")


def test_saving_unchanged_values_makes_no_batch(coordinator, setup):
    IndicatorValue.objects.create(
        indicator=setup.s4, area=setup.north, reference_date=DAY, value=38.77756
    )
    url = f"{BASE}S4/werte/"
    page = coordinator.get(url, {"existing": DAY.isoformat()}, HTTP_ACCEPT_LANGUAGE="de")
    assert 'value="38.77756"' in page.content.decode()
    # The prefilled number comes back as it was shown, also with a German decimal comma.
    for shown in ("38.77756", "38,77756"):
        response = coordinator.post(
            url, {"new": DAY.isoformat(), f"a{setup.north.pk}-value": shown}, follow=True
        )
        assert "No value was changed" in response.content.decode()
    assert not ValueBatch.objects.exists()


def test_manual_entry_saves_nothing_when_a_row_is_wrong(coordinator, setup):
    response = coordinator.post(
        f"{BASE}BUT/werte/",
        {
            "new": DAY.isoformat(),
            f"a{setup.north.pk}-value": "12,5",
            f"a{setup.south.pk}-numerator": "3",
            f"a{setup.south.pk}-value": "zwölf",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "One row has errors: nothing was saved." in html
    assert "“zwölf” is not a number" in html
    assert not IndicatorValue.objects.exists() and not ValueBatch.objects.exists()


def test_manual_entry_refuses_a_value_beside_a_reason(coordinator, setup):
    response = coordinator.post(
        f"{BASE}S4/werte/",
        {
            "new": DAY.isoformat(),
            f"a{setup.north.pk}-value": "12",
            f"a{setup.north.pk}-missing_reason": "geheim",
        },
    )
    assert "Give a value or the reason it is missing, not both." in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_manual_entry_asks_for_the_area_level_first(coordinator, setup):
    Indicator.objects.filter(pk=setup.s4.pk).update(area_level=None)
    html = coordinator.get(f"{BASE}S4/werte/").content.decode()
    assert "has no area level yet" in html


def test_an_indicator_is_defined_and_edited(coordinator, setup):
    response = coordinator.post(
        BASE + "neu/",
        {
            "code": "HZE",
            "name": "Hilfen zur Erziehung",
            "numerator_label": "Hilfen",
            "denominator_label": "unter 21-Jährige",
            "scale": "10000",
            "unit": "je 10.000",
            "area_level": setup.north.level.pk,
            "direction": "lower",
            "target_value": "80",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    hze = Indicator.objects.get(code="HZE")
    assert (hze.kommune, hze.scale, hze.higher_is_better, hze.is_public, hze.target_value) == (
        setup.kommune,
        10000,
        False,
        True,
        80,
    )
    page = coordinator.get(BASE + "HZE/bearbeiten/").content.decode()
    assert 'value="lower" id="id_direction_1" checked' in page or "checked" in page

    coordinator.post(
        BASE + "HZE/bearbeiten/",
        {"code": "HZE", "name": "HzE", "scale": "10000", "direction": "neutral"},
    )

    hze.refresh_from_db()
    assert (hze.name, hze.higher_is_better, hze.is_public, hze.area_level) == (
        "HzE",
        None,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("werte", "a word of the workspace"),
        ("S4", "has an indicator with this code"),
        ("a/b", "Use letters"),
    ],
)
def test_codes_that_would_clash_are_refused(coordinator, code, says):
    response = coordinator.post(
        BASE + "neu/", {"code": code, "name": "X", "scale": "100", "direction": "neutral"}
    )
    assert response.status_code == 200
    assert says in response.content.decode()


def test_an_area_level_of_another_kommune_is_refused(coordinator, pankow):
    response = coordinator.post(
        BASE + "neu/",
        {
            "code": "X",
            "name": "X",
            "scale": "100",
            "direction": "neutral",
            "area_level": pankow.north.level.pk,
        },
    )
    assert response.status_code == 200
    assert not Indicator.objects.filter(code="X").exists()


def test_the_standard_indicators_are_added(coordinator, setup):
    response = coordinator.post(BASE + "neu/standard/")
    assert response.status_code == 302
    codes = set(Indicator.objects.filter(kommune=setup.kommune).values_list("code", flat=True))
    assert codes == {"S4", "BUT"} | {d.code for d in STANDARD_INDICATORS}
    again = coordinator.post(BASE + "neu/standard/", follow=True)
    assert "has all standard indicators already" in again.content.decode()


def test_the_overview_lists_indicators_and_changes(coordinator, steering, setup):
    indicator_values_save(indicator=setup.s4, reference_date=DAY, rows={setup.north: State(5.0)})
    html = coordinator.get(BASE + "werte/").content.decode()
    assert "Kinderarmut" in html and "Manual entry: S4 on 2022-12-31" in html
    assert "Upload values" in html and ">Undo<" in html
    # The steering group reads the list but is offered no writing.
    read_only = steering.get(BASE + "werte/").content.decode()
    assert "Manual entry: S4" in read_only
    assert "Upload values" not in read_only and ">Undo<" not in read_only


# --- undo -------------------------------------------------------------------------------------


def test_undo_puts_back_what_a_batch_replaced(coordinator, setup):
    IndicatorValue.objects.create(
        indicator=setup.s4, area=setup.north, reference_date=DAY, value=1.0
    )
    batch = indicator_values_save(
        indicator=setup.s4,
        reference_date=DAY,
        rows={setup.north: State(2.0), setup.south: State(None, "geheim")},
    )
    confirm = coordinator.get(f"{BASE}werte/{batch.pk}/rueckgaengig/")
    assert "Undo the change" in confirm.content.decode()

    response = coordinator.post(f"{BASE}werte/{batch.pk}/rueckgaengig/")

    undo = ValueBatch.objects.get(kind="undo")
    assert response.url == f"{BASE}werte/{undo.pk}/"
    assert stored() == {("S4", "mar-N", DAY): (1.0, "")}
    batch.refresh_from_db()
    assert batch.undone_by == undo
    assert (undo.updated, undo.removed) == (1, 1)
    # Undoing the undo brings the batch's values back.
    value_batch_undo(batch=undo)
    assert stored() == {("S4", "mar-N", DAY): (2.0, ""), ("S4", "mar-S", DAY): (None, "geheim")}


def test_undo_is_refused_when_a_later_batch_changed_the_same_values(coordinator, setup):
    first = indicator_values_save(
        indicator=setup.s4, reference_date=DAY, rows={setup.north: State(2.0)}
    )
    later = indicator_values_save(
        indicator=setup.s4, reference_date=DAY, rows={setup.north: State(3.0)}
    )

    # The confirmation page tells already, and the undo is refused.
    confirm = coordinator.get(f"{BASE}werte/{first.pk}/rueckgaengig/").content.decode()
    assert f"changed again later (change {later.pk})" in confirm
    assert "Undo the change</button>" not in confirm
    response = coordinator.post(f"{BASE}werte/{first.pk}/rueckgaengig/", follow=True)

    assert f"changed again later (change {later.pk})" in response.content.decode()
    assert stored() == {("S4", "mar-N", DAY): (3.0, "")}
    # Once the later one is undone, the first can be.
    value_batch_undo(batch=later)
    value_batch_undo(batch=first)
    assert stored() == {}


def test_undo_is_refused_twice_and_after_a_change_in_the_back_office(setup):
    batch = indicator_values_save(
        indicator=setup.s4, reference_date=DAY, rows={setup.north: State(2.0)}
    )
    IndicatorValue.objects.filter(area=setup.north).update(value=7.0)
    with pytest.raises(UndoRefused, match="changed since in another way"):
        value_batch_undo(batch=batch)
    IndicatorValue.objects.filter(area=setup.north).update(value=2.0)
    value_batch_undo(batch=batch)
    with pytest.raises(UndoRefused, match="undone already"):
        value_batch_undo(batch=batch)


def test_a_batch_of_another_kommune_is_not_found(coordinator, pankow):
    other = Indicator.objects.create(kommune=pankow.kommune, code="S4", name="Kinderarmut")
    batch = indicator_values_save(
        indicator=other, reference_date=DAY, rows={pankow.north: State(1.0)}
    )
    assert coordinator.get(f"{BASE}werte/{batch.pk}/").status_code == 404
    assert coordinator.post(f"{BASE}werte/{batch.pk}/rueckgaengig/").status_code == 404
    assert IndicatorValue.objects.filter(indicator=other).exists()


def test_the_back_office_shows_batches_read_only(setup, admin_client):
    batch = indicator_values_save(
        indicator=setup.s4, reference_date=DAY, rows={setup.north: State(2.0)}
    )
    assert admin_client.get("/admin/monitoring/valuebatch/").status_code == 200
    page = admin_client.get(f"/admin/monitoring/valuebatch/{batch.pk}/change/")
    assert page.status_code == 200
    assert "Manual entry: S4" in page.content.decode()
    assert admin_client.post(f"/admin/monitoring/valuebatch/{batch.pk}/delete/").status_code == 403
