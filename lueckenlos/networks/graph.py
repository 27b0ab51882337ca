"""The network map: providers linked by shared membership and cooperation agreements.

Nodes are the Kommune's providers that have an active offer, belong to a network or are a
party to an agreement; an edge joins two providers that sit in the same network or signed
the same agreement, weighted by how many they share. The figures are those a coordinator
asks of such a map: who and what stands outside every network, which life phases and fields
no network covers, which providers bridge fields, how dense cooperation is per area.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.catalogue.models import Location, Organization, Service, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE
from lueckenlos.networks.models import CooperationAgreement, Network, NetworkMember


@dataclass(frozen=True)
class GraphFilter:
    """What the map shows: providers active in a life phase or field (by their offers or
    networks) and located in an area (a location inside it, or a network working there)."""

    term: TaxonomyTerm | None = None
    area: Area | None = None


@dataclass
class AreaDensity:
    area: Area
    organizations: int
    links: int

    @property
    def density(self) -> float | None:
        """Links present / links possible among the area's providers; None below two."""
        possible = self.organizations * (self.organizations - 1) / 2
        return self.links / possible if possible else None


@dataclass
class NetworkFigures:
    organizations: int
    links: int
    organizations_outside: list[Organization]
    offers_outside: int
    uncovered_terms: list[TaxonomyTerm]
    bridges: list[tuple[Organization, list[TaxonomyTerm]]]
    densities: list[AreaDensity] = field(default_factory=list)


@dataclass
class NetworkMap:
    graph: nx.Graph
    figures: NetworkFigures


def _term_ids(network_terms: dict, key) -> set:
    return network_terms.get(key, set())


def network_map(kommune: Kommune, chosen: GraphFilter | None = None) -> NetworkMap:
    chosen = chosen or GraphFilter()
    networks = list(Network.objects.for_kommune(kommune).filter(ended_on__isnull=True))
    agreements = list(CooperationAgreement.objects.for_kommune(kommune))
    network_terms: dict = defaultdict(set)
    for network_id, term_id in Network.terms.through.objects.filter(
        network__in=networks
    ).values_list("network_id", "taxonomyterm_id"):
        network_terms[network_id].add(term_id)
    agreement_terms: dict = defaultdict(set)
    for agreement_id, term_id in CooperationAgreement.terms.through.objects.filter(
        cooperationagreement__in=agreements
    ).values_list("cooperationagreement_id", "taxonomyterm_id"):
        agreement_terms[agreement_id].add(term_id)
    network_areas: dict = defaultdict(set)
    for network_id, path in Network.areas.through.objects.filter(network__in=networks).values_list(
        "network_id", "area__path"
    ):
        network_areas[network_id].add(path)

    def covers(terms: set, term: TaxonomyTerm | None) -> bool:
        # A network that names no life phase or field works across all of them.
        return term is None or not terms or term.pk in terms

    def works_in(network: Network, area: Area | None) -> bool:
        paths = network_areas.get(network.pk)
        if area is None or not paths:
            return True
        return any(path.startswith(area.path) or area.path.startswith(path) for path in paths)

    shown_networks = [
        n for n in networks if covers(network_terms[n.pk], chosen.term) and works_in(n, chosen.area)
    ]
    shown_agreements = [a for a in agreements if covers(agreement_terms[a.pk], chosen.term)]

    members: dict = defaultdict(list)  # network id -> organization ids
    for member in NetworkMember.objects.filter(network__in=networks, until__isnull=True):
        members[member.network_id].append(member.organization_id)
    parties: dict = defaultdict(list)
    for agreement_id, organization_id in CooperationAgreement.organizations.through.objects.filter(
        cooperationagreement__in=agreements
    ).values_list("cooperationagreement_id", "organization_id"):
        parties[agreement_id].append(organization_id)

    offers = Service.objects.for_kommune(kommune).active()
    offer_counts: dict = defaultdict(int)
    offer_terms: dict = defaultdict(set)
    for organization_id, term_id in offers.values_list("organization_id", "terms"):
        if term_id is not None:
            offer_terms[organization_id].add(term_id)
    for organization_id in offers.values_list("organization_id", flat=True):
        offer_counts[organization_id] += 1

    location_paths: dict = defaultdict(set)
    for organization_id, path in Location.objects.filter(
        organization__kommune=kommune, area__isnull=False
    ).values_list("organization_id", "area__path"):
        location_paths[organization_id].add(path)

    in_network = {org for n in networks for org in members[n.pk]}
    in_agreement = {org for a in agreements for org in parties[a.pk]}
    organizations = {
        o.pk: o
        for o in Organization.objects.for_kommune(kommune)
        if o.pk in in_network or o.pk in in_agreement or offer_counts.get(o.pk)
    }

    def shown(org_id) -> bool:
        if org_id not in organizations:
            return False
        if chosen.term is not None:
            in_term = chosen.term.pk in offer_terms[org_id] or any(
                org_id in members[n.pk] for n in shown_networks if network_terms[n.pk]
            )
            if not in_term:
                return False
        if chosen.area is not None:
            located = any(p.startswith(chosen.area.path) for p in location_paths[org_id])
            active_there = any(
                org_id in members[n.pk] and network_areas.get(n.pk) for n in shown_networks
            )
            if not (located or active_there):
                return False
        return True

    graph = nx.Graph()
    for org_id, organization in organizations.items():
        if shown(org_id):
            graph.add_node(
                str(org_id),
                label=organization.name,
                offers=offer_counts.get(org_id, 0),
                networks=0,
            )
    shared: dict = defaultdict(lambda: {"networks": [], "agreements": []})
    for network in shown_networks:
        ids = sorted(str(o) for o in members[network.pk] if graph.has_node(str(o)))
        for org in ids:
            graph.nodes[org]["networks"] += 1
        for a, b in combinations(ids, 2):
            shared[a, b]["networks"].append(network.name)
    for agreement in shown_agreements:
        ids = sorted(str(o) for o in parties[agreement.pk] if graph.has_node(str(o)))
        for a, b in combinations(ids, 2):
            shared[a, b]["agreements"].append(agreement.title)
    for (a, b), why in shared.items():
        graph.add_edge(
            a,
            b,
            weight=len(why["networks"]) + len(why["agreements"]),
            networks="; ".join(sorted(why["networks"])),
            agreements="; ".join(sorted(why["agreements"])),
        )

    figures = _figures(
        kommune,
        graph=graph,
        organizations=organizations,
        in_network=in_network,
        offers=offers,
        networks=networks,
        network_terms=network_terms,
        members=members,
        location_paths=location_paths,
    )
    return NetworkMap(graph=graph, figures=figures)


def _figures(
    kommune: Kommune,
    *,
    graph: nx.Graph,
    organizations: dict,
    in_network: set,
    offers,
    networks: list[Network],
    network_terms: dict,
    members: dict,
    location_paths: dict,
) -> NetworkFigures:
    outside = sorted(
        (o for pk, o in organizations.items() if pk not in in_network), key=lambda o: o.name
    )
    offers_outside = offers.exclude(organization_id__in=in_network).count()

    vocabulary_terms = list(
        TaxonomyTerm.objects.filter(taxonomy__code__in=(LIFE_PHASE, FIELD_OF_ACTION))
        .select_related("taxonomy")
        .order_by("taxonomy__code", "position", "name")
    )
    covered = set().union(*network_terms.values()) if network_terms else set()
    uncovered = [t for t in vocabulary_terms if t.pk not in covered]

    fields = {t.pk: t for t in vocabulary_terms if t.taxonomy.code == FIELD_OF_ACTION}
    fields_of: dict = defaultdict(set)
    for network in networks:
        network_fields = {pk for pk in network_terms[network.pk] if pk in fields}
        for org in members[network.pk]:
            fields_of[org] |= network_fields
    betweenness = nx.betweenness_centrality(graph) if graph.number_of_nodes() > 2 else {}
    bridges = [
        (organizations[org], sorted((fields[pk] for pk in pks), key=lambda t: t.position))
        for org, pks in fields_of.items()
        if len(pks) >= 2 and org in organizations
    ]
    bridges.sort(key=lambda b: (-betweenness.get(str(b[0].pk), 0.0), -len(b[1]), b[0].name))

    return NetworkFigures(
        organizations=graph.number_of_nodes(),
        links=graph.number_of_edges(),
        organizations_outside=outside,
        offers_outside=offers_outside,
        uncovered_terms=uncovered,
        bridges=bridges,
        densities=_densities(kommune, graph, location_paths),
    )


def _densities(kommune: Kommune, graph: nx.Graph, location_paths: dict) -> list[AreaDensity]:
    """Per area of the Kommune's top level: its providers (by their locations) on the map and
    the links among them."""
    top = AreaLevel.objects.for_kommune(kommune).order_by("depth").first()
    if top is None:
        return []
    densities = []
    for area in Area.objects.filter(level=top).order_by("name"):
        inside = {
            str(org)
            for org, paths in location_paths.items()
            if any(p.startswith(area.path) for p in paths) and graph.has_node(str(org))
        }
        links = graph.subgraph(inside).number_of_edges()
        densities.append(AreaDensity(area=area, organizations=len(inside), links=links))
    return densities


def graphml(graph: nx.Graph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(graph, out, encoding="utf-8")
    return out.getvalue()


def gexf(graph: nx.Graph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(graph, out, encoding="utf-8")
    return out.getvalue()


def csv_zip(graph: nx.Graph) -> bytes:
    """Two tables in a zip: providers (nodes.csv) and their links (edges.csv)."""
    nodes = io.StringIO()
    writer = csv.writer(nodes)
    writer.writerow(["id", "label", "offers", "networks", "links"])
    for node, data in sorted(graph.nodes(data=True), key=lambda n: n[1]["label"]):
        writer.writerow([node, data["label"], data["offers"], data["networks"], graph.degree(node)])
    edges = io.StringIO()
    writer = csv.writer(edges)
    writer.writerow(["source", "target", "weight", "networks", "agreements"])
    for a, b, data in sorted(graph.edges(data=True)):
        writer.writerow([a, b, data["weight"], data["networks"], data["agreements"]])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", "\ufeff" + nodes.getvalue())
        archive.writestr("edges.csv", "\ufeff" + edges.getvalue())
    return out.getvalue()
