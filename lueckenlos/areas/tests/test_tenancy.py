"""One installation, many Kommunen: a Kommune's objects never show up under another."""

import pytest

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import Location, Organization, Service
from lueckenlos.monitoring.models import Indicator


@pytest.fixture
def offers(marzahn, pankow, service_factory):
    return {
        "marzahn": service_factory(kommune=marzahn.kommune, name="Familienzentrum Marzahn"),
        "pankow": service_factory(kommune=pankow.kommune, name="Familienzentrum Pankow"),
    }


def test_offers_are_read_per_kommune(marzahn, pankow, offers):
    assert list(Service.objects.for_kommune(marzahn.kommune)) == [offers["marzahn"]]
    assert list(Service.objects.for_kommune(pankow.kommune)) == [offers["pankow"]]


def test_providers_and_locations_are_read_per_kommune(marzahn, pankow, offers, location_factory):
    location_factory(kommune=pankow.kommune)
    assert set(Organization.objects.for_kommune(marzahn.kommune)) == {
        offers["marzahn"].organization
    }
    assert not Location.objects.for_kommune(marzahn.kommune).exists()


def test_areas_are_read_per_kommune(marzahn, pankow):
    names = set(Area.objects.for_kommune(marzahn.kommune).values_list("name", flat=True))
    assert names == {
        "Marzahn-Hellersdorf Region",
        "Marzahn-Hellersdorf Nord",
        "Marzahn-Hellersdorf Süd",
    }


def test_a_county_sees_the_kommunen_it_contains_but_not_its_neighbours(marzahn, pankow, offers):
    berlin = Kommune.objects.create(name="Berlin", slug="berlin", kind=Kommune.Kind.STATE)
    marzahn.kommune.parent = berlin
    marzahn.kommune.save()

    contained = Service.objects.for_kommune(berlin, include_contained=True)

    assert list(contained) == [offers["marzahn"]]
    # Without asking for contained Kommunen, Berlin itself owns nothing.
    assert not Service.objects.for_kommune(berlin).exists()


def test_contained_kommunen_are_found_at_any_depth(db):
    state = Kommune.objects.create(name="Land", slug="land", kind=Kommune.Kind.STATE)
    county = Kommune.objects.create(
        name="Kreis", slug="kreis", kind=Kommune.Kind.COUNTY, parent=state
    )
    town = Kommune.objects.create(name="Stadt", slug="stadt", kind=Kommune.Kind.CITY, parent=county)
    Kommune.objects.create(name="Nachbar", slug="nachbar", kind=Kommune.Kind.COUNTY)

    assert set(state.descendant_ids()) == {state.pk, county.pk, town.pk}
    assert set(county.descendant_ids()) == {county.pk, town.pk}


def test_indicators_are_read_per_kommune(marzahn, pankow):
    Indicator.objects.create(kommune=marzahn.kommune, code="S4", name="Kinderarmut")
    assert not Indicator.objects.for_kommune(pankow.kommune).exists()
