"""`lueckenlos demo` loads once, reuses what it loaded, and reloads only when asked."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.demo.errors import DemoAlreadyLoaded, DemoInProduction
from lueckenlos.demo.loader import delete_demo, load_demo
from lueckenlos.monitoring.models import IndicatorValue


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "kommunen": Kommune.objects.count(),
        "areas": Area.objects.count(),
        "organizations": Organization.objects.count(),
        "services": Service.objects.count(),
        "locations": Location.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
    }


@pytest.mark.django_db
def test_it_loads_and_reports_what_it_loaded(small_data):
    output = demo("--data-dir", str(small_data))
    assert "Kommunen: Berlin and 1 Bezirke (Friedrichshain-Kreuzberg)" in output
    assert "36 Planungsräume" in output
    assert "Time:" in output
    assert Kommune.objects.get(slug="friedrichshain-kreuzberg").parent.slug == "berlin"


@pytest.mark.django_db
def test_a_second_run_reuses_the_data(small_data):
    demo("--data-dir", str(small_data))
    before = counts()
    output = demo("--data-dir", str(small_data))
    assert "Demo data already loaded; reusing it." in output
    # Nothing was duplicated.
    assert counts() == before


@pytest.mark.django_db
def test_the_loader_refuses_to_load_twice(small_data):
    load_demo(data_dir=small_data)
    with pytest.raises(DemoAlreadyLoaded):
        load_demo(data_dir=small_data)
    assert Kommune.objects.filter(slug="berlin").count() == 1


@pytest.mark.django_db
def test_reload_replaces_the_data(small_data):
    demo("--data-dir", str(small_data))
    before = counts()
    old_berlin = Kommune.objects.get(slug="berlin").pk
    output = demo("--data-dir", str(small_data), "--reload")
    assert "Reloading" in output
    assert counts() == before
    assert Kommune.objects.get(slug="berlin").pk != old_berlin


@pytest.mark.django_db
def test_delete_leaves_other_kommunen_alone(small_data, marzahn):
    # `marzahn` is the shared fixture Kommune with its own areas, outside Berlin.
    load_demo(data_dir=small_data)
    assert delete_demo() == 2
    assert list(Kommune.objects.values_list("slug", flat=True)) == ["marzahn-hellersdorf"]
    assert Area.objects.filter(kommune=marzahn.kommune).count() == 3
    assert Service.objects.count() == 0


@pytest.mark.django_db
def test_only_some_bezirke_can_be_chosen(small_data):
    output = demo("--data-dir", str(small_data), "--only-bezirke", "friedrichshain-kreuzberg")
    assert "1 Bezirke" in output
    assert Kommune.objects.filter(kind=Kommune.Kind.DISTRICT).count() == 1


@pytest.mark.django_db
def test_a_kommune_with_a_bezirk_slug_stops_the_load(small_data, kommune_factory):
    kommune_factory(name="Xhain", slug="friedrichshain-kreuzberg")
    with pytest.raises(CommandError) as caught:
        demo("--data-dir", str(small_data))
    assert "friedrichshain-kreuzberg" in str(caught.value)
    assert not Kommune.objects.filter(slug="berlin").exists()


@pytest.mark.django_db
def test_an_unknown_bezirk_is_an_error_about_the_argument(small_data):
    with pytest.raises(CommandError) as caught:
        demo("--data-dir", str(small_data), "--only-bezirke", "02,mite")
    message = str(caught.value)
    # The data is fine, the argument is not: say so and list what can be chosen.
    assert message.startswith("--only-bezirke: no Bezirk 'mite'.")
    assert "02 (friedrichshain-kreuzberg)" in message
    assert "cannot be loaded" not in message
    assert not Kommune.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_run_in_production(small_data, settings):
    load_demo(data_dir=small_data)
    before = counts()
    berlin = Kommune.objects.get(slug="berlin").pk
    settings.PRODUCTION = True
    for args in ([], ["--reload"]):
        with pytest.raises(CommandError) as caught:
            demo("--data-dir", str(small_data), *args)
        assert "LUECKENLOS_ENV=production" in str(caught.value)
    # --reload would have deleted the Kommune "berlin": in production a real tenant.
    assert counts() == before
    assert Kommune.objects.get(slug="berlin").pk == berlin


@pytest.mark.django_db
def test_the_loader_refuses_in_production_too(small_data, settings):
    # The benchmark and any other caller go through these functions, not the command.
    settings.PRODUCTION = True
    with pytest.raises(DemoInProduction):
        load_demo(data_dir=small_data)
    with pytest.raises(DemoInProduction):
        delete_demo()
    assert not Kommune.objects.exists()
