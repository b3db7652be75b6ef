"""networkx and table views of a graph: what is most connected, which targets are set.

The views keep the entities (provinces, districts, plans, metrics, enterprises,
agencies) and the relations between them; articles, evidence and reified
assertions are provenance, not part of the picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.namespaces import KG
from kg.types import Kind

if TYPE_CHECKING:
    import networkx as nx

# rdf:type → entity class (its local name, as kg.types.Kind); subclasses of
# District count as District.
_KIND_OF_CLASS = {
    KG.Province: Kind.PROVINCE,
    KG.District: Kind.DISTRICT,
    KG.City: Kind.DISTRICT,
    KG.County: Kind.DISTRICT,
    KG.Zone: Kind.DISTRICT,
    KG.Plan: Kind.PLAN,
    KG.Metric: Kind.METRIC,
    KG.Enterprise: Kind.ENTERPRISE,
    KG.Agency: Kind.AGENCY,
}
RELATIONS = (KG.issues, KG.targets, KG.locatesIn, KG.issuedBy, KG.partOf)

TARGET_COLUMNS = ("province", "plan", "indicator", "value", "unit", "year")


def _label(graph: Graph, node: Node) -> str:
    """The Chinese (or untagged) rdfs:label, the smallest if several; for a place no
    article names, its skos:prefLabel; else the IRI."""
    for prop in (RDFS.label, SKOS.prefLabel):
        labels = sorted(
            str(o)
            for o in graph.objects(node, prop)
            if isinstance(o, Literal) and (o.language is None or o.language.startswith("zh"))
        )
        if labels:
            return labels[0]
    return str(node)


def entity_kinds(graph: Graph) -> dict[URIRef, Kind]:
    """Every entity node of ``graph`` and its class."""
    kinds: dict[URIRef, Kind] = {}
    for cls, kind in _KIND_OF_CLASS.items():
        for node in graph.subjects(RDF.type, cls):
            if isinstance(node, URIRef):
                kinds.setdefault(node, kind)
    return kinds


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities as nodes (IRI → ``label``, ``kind``), relations as edges keyed by name.

    ``kind`` is the class's local name (``Province``, ``District``, ``Plan`` ...);
    each edge carries ``relation`` (``issues``, ``targets``, ``locatesIn``,
    ``issuedBy``, ``partOf``), which is also its key.
    """
    import networkx as nx

    kinds = entity_kinds(graph)
    nodes = [
        (str(node), {"label": _label(graph, node), "kind": str(kind)})
        for node, kind in sorted(kinds.items())
    ]
    edges = []
    for predicate in RELATIONS:
        name = predicate.removeprefix(str(KG))
        for s, o in graph.subject_objects(predicate):
            if s in kinds and o in kinds:
                edges.append((str(s), str(o), name, {"relation": name}))
    view = nx.MultiDiGraph()
    view.add_nodes_from(nodes)
    view.add_edges_from(sorted(edges, key=lambda e: e[:3]))
    return view


def most_connected(
    graph: Graph | nx.MultiDiGraph, kind: str | None = None, n: int = 10
) -> list[tuple[str, str, int]]:
    """The ``n`` entities (of class ``kind``, or any) with most relations: (label, class, degree).

    Ties are broken by label. ``graph`` is an rdflib graph or a ``to_networkx`` view.
    """
    import networkx as nx

    if kind is not None and kind not in {k.value for k in Kind}:
        known = ", ".join(k.value for k in Kind)
        raise ValueError(f"unknown entity class {kind!r}: expected one of {known}")
    view = graph if isinstance(graph, nx.MultiDiGraph) else to_networkx(graph)
    rows = [
        (data["label"], data["kind"], view.degree(node))
        for node, data in view.nodes(data=True)
        if kind is None or data["kind"] == kind
    ]
    rows.sort(key=lambda row: (-row[2], row[0], row[1]))
    return rows[:n]


def targets_table(graph: Graph) -> list[dict[str, Any]]:
    """One row per plan target and issuing province: ``TARGET_COLUMNS``, ready for pandas.

    ``province`` is None for a plan no province issues; ``year`` is None for a
    yearly rate; ``value`` is a float in base units (``unit`` 家, 元, % ...).
    """
    rows = []
    for plan, metric in graph.subject_objects(KG.targets):
        provinces = sorted(_label(graph, p) for p in graph.subjects(KG.issues, plan))
        value = graph.value(metric, KG.value)
        year = graph.value(metric, KG.year)
        indicator = graph.value(metric, KG.indicator)
        for province in provinces or [None]:
            rows.append(
                {
                    "province": province,
                    "plan": _label(graph, plan),
                    "indicator": str(indicator) if indicator is not None else None,
                    "value": float(value.toPython()) if isinstance(value, Literal) else None,
                    "unit": str(graph.value(metric, KG.unit) or "") or None,
                    "year": int(str(year)[:4]) if year is not None else None,
                }
            )
    rows.sort(
        key=lambda r: [(r[c] is None, r[c]) for c in ("province", "plan", "year", "indicator")]
    )
    return rows
