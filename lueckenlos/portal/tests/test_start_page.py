"""The start page lists the Kommunen, the contained ones nested under their parent."""

from __future__ import annotations

from django.urls import reverse


def test_it_lists_top_level_kommunen_with_the_contained_ones_nested(client, berlin):
    response = client.get(reverse("portal:start"))

    assert response.status_code == 200
    tree = response.context["tree"]
    assert [node.kommune.slug for node in tree] == ["berlin"]
    assert [child.kommune.slug for child in tree[0].children] == [
        "marzahn-hellersdorf",
        "pankow",
    ]
    html = response.content.decode()
    # Each Kommune links to its page, and the Bezirke sit in a list inside Berlin's item.
    assert 'href="/berlin/"' in html
    berlin_item = html[html.index('href="/berlin/"') : html.rindex("</li>")]
    assert 'href="/marzahn-hellersdorf/"' in berlin_item
    assert 'href="/pankow/"' in berlin_item
    assert berlin_item.count('<ul class="kommune-tree"') == 1


def test_it_says_so_when_there_is_no_kommune(client, db):
    response = client.get(reverse("portal:start"))

    assert response.status_code == 200
    assert "No Kommune has been set up yet." in response.content.decode()
