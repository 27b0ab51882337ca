"""A Kommune's page shows only its own offers and areas, never another tenant's."""

from __future__ import annotations

from django.urls import reverse

from lueckenlos.portal.tests.conftest import add_offers, add_population


def test_pankows_offers_never_appear_on_marzahns_pages(client, marzahn, pankow, page_size):
    add_offers(marzahn, 30, prefix="Marzahn")
    # Pankow's names sort between Marzahn's pages: a leak would land on either page.
    add_offers(pankow, 5, prefix="Marzahn 1x Pankow")
    url = reverse("portal:offers", args=[marzahn.kommune.slug])

    pages = [client.get(url, {"seite": n}) for n in (1, 2)]

    shown = [r.offer.name for response in pages for r in response.context["search"].results]
    assert len(shown) == 30
    assert all(not name.startswith("Marzahn 1x Pankow") for name in shown)
    for response in pages:
        assert "Pankow" not in response.content.decode()


def test_pankows_areas_and_figures_never_appear_on_marzahns_page(client, marzahn, pankow):
    add_population(marzahn)
    add_population(pankow)

    response = client.get(reverse("portal:kommune", args=[marzahn.kommune.slug]))

    areas = [row.area for table in response.context["page"].population.levels for row in table.rows]
    assert {area.kommune_id for area in areas} == {marzahn.kommune.pk}
    assert "Pankow" not in response.content.decode()


def test_pankows_page_counts_only_its_own_offers(client, marzahn, pankow, page_size):
    add_offers(marzahn, 4)
    add_offers(pankow, 2)

    response = client.get(reverse("portal:kommune", args=[pankow.kommune.slug]))

    assert response.context["page"].offer_count == 2
    assert response.context["page"].provider_count == 2
