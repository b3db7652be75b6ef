"""Facts → RDF: stable IRIs, the ontology's terms, provenance, every export format."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS

from kg.export import FORMATS, serialize
from kg.graph import build_dataset, build_graph, entity_iri
from kg.namespaces import KG, OA
from kg.types import (
    Article,
    ArticleFacts,
    Entity,
    Evidence,
    Kind,
    Mentioned,
    Metric,
    Quantity,
    Relation,
    Statement,
)

HUBEI = Entity(
    Kind.PROVINCE, "420000", "湖北省", code="420000", level="province", wikidata="Q46862"
)
FUJIAN = Entity(Kind.PROVINCE, "350000", "福建省", code="350000", level="province")
NINGDE = Entity(Kind.DISTRICT, "350900", "宁德市", code="350900", level="city", part_of=FUJIAN)
PLAN = Entity(Kind.PLAN, "湖北省制造业行动方案", "湖北省制造业行动方案")
FIRM = Entity(Kind.ENTERPRISE, "远航集团", "远航集团")
METRIC = Entity(
    Kind.METRIC,
    "m1",
    "科技型企业",
    metric=Metric("科技型企业", Quantity(Decimal(86000), "家", bound="min"), year=2027),
)


def facts(article_id: str, source: str) -> ArticleFacts:
    article = Article(
        article_id, source, "湖北新闻", "湖北新闻\n湖北省印发《湖北省制造业行动方案》。", 0
    )
    evidence = Evidence(article_id, "湖北省印发《湖北省制造业行动方案》。", 5, 23)
    return ArticleFacts(
        article,
        [Mentioned(HUBEI, evidence)],
        [
            Statement(HUBEI, Relation.ISSUES, PLAN, evidence),
            Statement(PLAN, Relation.TARGETS, METRIC, evidence),
            Statement(FIRM, Relation.LOCATES_IN, NINGDE, evidence),
        ],
    )


def test_graph_same_entity_same_iri_in_any_corpus():
    first = build_graph([facts("a1", "one.txt")])
    second = build_graph([facts("b2", "elsewhere/two.md")])
    shared = {s for s in first.subjects() if "/article/" not in s and "/evidence/" not in s}
    assert shared & set(second.subjects()) == shared
    assert str(entity_iri(HUBEI)).endswith("/province/420000")


def test_graph_metric_values_are_typed():
    graph = build_graph([facts("a1", "one.txt")])
    node = entity_iri(METRIC)
    assert graph.value(node, KG.value) == Literal("86000.0", datatype=XSD.decimal)
    assert graph.value(node, KG.value).toPython() == Decimal(86000)
    assert graph.value(node, KG.year) == Literal("2027", datatype=XSD.gYear)
    assert graph.value(node, KG.bound) == Literal("min")
    assert str(graph.value(node, RDFS.label)) == "科技型企业 ≥ 8.6万家 (2027)"


def test_graph_fact_carries_its_evidence():
    graph = build_graph([facts("a1", "one.txt")])
    (fact,) = graph.subjects(RDF.predicate, KG.issues)
    evidence = graph.value(fact, KG.evidence)
    assert str(graph.value(evidence, OA.exact)).startswith("湖北省印发")
    assert graph.value(evidence, OA.start).toPython() == 5
    assert graph.value(graph.value(evidence, KG.inArticle), KG.sourceFile) == Literal("one.txt")


def test_graph_container_place_not_claimed_as_named():
    """福建省 only contains 宁德市: it has its name, but no rdfs:label claiming it was named."""
    graph = build_graph([facts("a1", "one.txt")])
    fujian = entity_iri(FUJIAN)
    assert (entity_iri(NINGDE), KG.partOf, fujian) in graph
    assert graph.value(fujian, SKOS.prefLabel) == Literal("福建省", lang="zh")
    assert graph.value(fujian, RDFS.label) is None
    assert graph.value(entity_iri(HUBEI), RDFS.label) == Literal("湖北省", lang="zh")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_graph_every_format_round_trips_in_rdflib_and_oxigraph(fmt):
    corpus = [facts("a1", "one.txt"), facts("b2", "two.txt")]
    graph = build_graph(corpus)
    named = FORMATS[fmt][2]
    data = serialize(build_dataset(corpus) if named else graph, fmt)
    assert data == serialize(build_dataset(corpus) if named else graph, fmt)  # deterministic
    rdflib_name = FORMATS[fmt][1]
    if named:
        from rdflib import Dataset

        parsed = Dataset()
        parsed.parse(data=data.decode(), format=rdflib_name)
        merged = Graph()
        for quad in parsed.quads():
            merged.add(quad[:3])
    else:
        merged = Graph().parse(data=data.decode(), format=rdflib_name)
    assert isomorphic(merged, graph)
    mime = {
        "turtle": "text/turtle",
        "nt": "application/n-triples",
        "jsonld": "application/ld+json",
        "trig": "application/trig",
        "nquads": "application/n-quads",
    }[fmt]
    store = pyoxigraph.Store()
    store.load(data, format=pyoxigraph.RdfFormat.from_media_type(mime))
    triples = {(q.subject, q.predicate, q.object) for q in store}
    assert len(triples) == len(graph)


def test_graph_seeds_build_conforms_to_shapes(seeds_build):
    from kg.validate import validate_file

    report = validate_file(seeds_build / "kg.ttl")
    assert report.conforms, report.format()
