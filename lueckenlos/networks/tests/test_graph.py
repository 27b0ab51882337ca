"""The network map: who is linked to whom, and the figures a coordinator asks of it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import networkx as nx
import pytest

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.networks import graph
from lueckenlos.networks.models import CooperationAgreement, Network, NetworkKind, NetworkMember
from tests.factories import (
    AreaFactory,
    KommuneFactory,
    LocationFactory,
    OrganizationFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def term(ref: str) -> TaxonomyTerm:
    taxonomy, code = ref.split(":")
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code)


def network(kommune, name, members, terms=(), areas=()):
    created = Network.objects.create(kommune=kommune, kind=NetworkKind.WORKING_GROUP, name=name)
    created.terms.set([term(t) for t in terms])
    created.areas.set(areas)
    for organization in members:
        NetworkMember.objects.create(network=created, organization=organization)
    return created


@pytest.fixture
def town():
    kommune = KommuneFactory(slug="netzstadt")
    north = AreaFactory(kommune=kommune, code="N", name="Nord")
    south = AreaFactory(kommune=kommune, code="S", name="Süd")
    orgs = {name: OrganizationFactory(kommune=kommune, name=name) for name in "ABCDE"}
    for name, area in (("A", north), ("B", north), ("C", south), ("D", south), ("E", south)):
        LocationFactory(kommune=kommune, organization=orgs[name], area=area)
    ServiceFactory(kommune=kommune, organization=orgs["A"], terms=["life_phase:infant"])
    ServiceFactory(kommune=kommune, organization=orgs["E"], terms=["life_phase:primary"])
    ServiceFactory(kommune=kommune, organization=orgs["E"])
    health = network(
        kommune, "AG Gesundheit", [orgs["A"], orgs["B"], orgs["C"]], ["field_of_action:health"]
    )
    education = network(
        kommune, "AG Bildung", [orgs["C"], orgs["D"]], ["field_of_action:education"]
    )
    agreement = CooperationAgreement.objects.create(kommune=kommune, title="Kooperation B–D")
    agreement.organizations.set([orgs["B"], orgs["D"]])
    return kommune, orgs, {"north": north, "south": south}, (health, education)


def node(orgs, name):
    return str(orgs[name].pk)


def test_providers_sharing_a_network_or_an_agreement_are_linked(town):
    kommune, orgs, _, _ = town
    result = graph.network_map(kommune)
    g = result.graph
    assert g.has_edge(node(orgs, "A"), node(orgs, "B"))
    assert g[node(orgs, "A")][node(orgs, "B")]["networks"] == "AG Gesundheit"
    assert g[node(orgs, "B")][node(orgs, "D")]["agreements"] == "Kooperation B–D"
    assert not g.has_edge(node(orgs, "A"), node(orgs, "D"))
    # E has offers but no network: on the map, without links.
    assert g.degree(node(orgs, "E")) == 0
    assert result.figures.organizations == 5
    assert result.figures.links == 3 + 1 + 1  # A-B, A-C, B-C; C-D; B-D


def test_the_figures_name_who_and_what_stands_outside(town):
    kommune, orgs, _, _ = town
    figures = graph.network_map(kommune).figures
    assert [o.name for o in figures.organizations_outside] == ["E"]
    assert figures.offers_outside == 2
    uncovered = {f"{t.taxonomy.code}:{t.code}" for t in figures.uncovered_terms}
    assert "field_of_action:health" not in uncovered
    assert "field_of_action:education" not in uncovered
    assert "life_phase:infant" in uncovered  # no network names a life phase
    assert "field_of_action:child_protection" in uncovered


def test_a_provider_in_networks_of_two_fields_bridges_them(town):
    kommune, orgs, _, _ = town
    bridges = graph.network_map(kommune).figures.bridges
    assert [(o.name, [t.code for t in fields]) for o, fields in bridges] == [
        ("C", ["health", "education"])
    ]


def test_density_per_area_counts_links_among_the_areas_providers(town):
    kommune, orgs, areas, _ = town
    densities = {d.area.name: d for d in graph.network_map(kommune).figures.densities}
    assert (densities["Nord"].organizations, densities["Nord"].links) == (2, 1)
    assert densities["Nord"].density == 1.0
    # Süd: C, D, E with one link (C-D) of three possible.
    assert (densities["Süd"].organizations, densities["Süd"].links) == (3, 1)
    assert densities["Süd"].density == pytest.approx(1 / 3)


def test_filtering_by_field_keeps_the_networks_of_that_field(town):
    kommune, orgs, _, _ = town
    g = graph.network_map(kommune, graph.GraphFilter(term=term("field_of_action:education"))).graph
    assert set(g.nodes) == {node(orgs, "C"), node(orgs, "D")}
    assert g.has_edge(node(orgs, "C"), node(orgs, "D"))


def test_filtering_by_area_keeps_the_providers_located_there(town):
    kommune, orgs, areas, _ = town
    g = graph.network_map(kommune, graph.GraphFilter(area=areas["north"])).graph
    assert set(g.nodes) == {node(orgs, "A"), node(orgs, "B")}


def test_exports_carry_the_same_graph(town):
    kommune, orgs, _, _ = town
    g = graph.network_map(kommune).graph
    back = nx.read_graphml(io.BytesIO(graph.graphml(g)))
    assert set(back.nodes) == set(g.nodes) and back.number_of_edges() == g.number_of_edges()
    back = nx.read_gexf(io.BytesIO(graph.gexf(g)))
    assert back.number_of_edges() == g.number_of_edges()
    with zipfile.ZipFile(io.BytesIO(graph.csv_zip(g))) as archive:
        edges = archive.read("edges.csv").decode("utf-8-sig").splitlines()
        nodes = archive.read("nodes.csv").decode("utf-8-sig").splitlines()
    assert edges[0] == "source,target,weight,networks,agreements"
    assert len(edges) == 1 + g.number_of_edges()
    assert len(nodes) == 1 + g.number_of_nodes()


def test_an_ended_network_links_no_one(town):
    kommune, orgs, _, (health, _) = town
    health.ended_on = dt.date(2025, 1, 1)
    health.save()
    g = graph.network_map(kommune).graph
    assert not g.has_edge(node(orgs, "A"), node(orgs, "B"))
