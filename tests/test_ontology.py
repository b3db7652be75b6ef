"""Tests for ontology/kg.ttl and shapes.ttl: they parse, cover the vocabulary, hold no data."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.namespaces import KG, OA, ONTOLOGY_IRI, QUDT, SCHEMA
from kg.validate import load_ontology, load_shapes

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
ELI = "http://data.europa.eu/eli/ontology#"

TERMS = sorted(KG.__annotations__)
CLASSES = ["Province", "District", "City", "County", "Zone", "Plan", "Metric", "Enterprise"]
CLASSES += ["Agency", "Article", "Assertion", "Evidence"]
OBJECT_PROPERTIES = ["issues", "targets", "locatesIn", "issuedBy", "partOf", "evidence"]
OBJECT_PROPERTIES += ["inArticle", "mentionedIn", "qudtUnit"]
DATA_PROPERTIES = ["indicator", "value", "unit", "year", "valueMax", "period", "bound"]
DATA_PROPERTIES += ["divisionCode", "sourceFile", "articleIndex"]
# Local names the evaluation counts as districts (../eval/score.py, DISTRICT_NAMES).
DISTRICT_NAMES = {"District", "City", "County", "Prefecture", "Zone", "DevelopmentZone"}
DISTRICT_NAMES |= {"Park", "NewArea", "Place", "Location"}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def _local(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    return set(graph.transitive_objects(cls, RDFS.subClassOf))


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_parses_with_rdflib_and_pyoxigraph(name):
    path = ONTOLOGY_DIR / name
    graph = Graph().parse(path, format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(graph) > 100
    assert len(store) == len(graph)


def test_ontology_is_found_through_the_package(ontology):
    from_file = Graph().parse(ONTOLOGY_DIR / "kg.ttl", format="turtle")
    assert len(ontology) == len(from_file)
    assert len(load_shapes()) == len(Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle"))


def test_ontology_loaders_return_fresh_graphs():
    first = load_ontology()
    first.remove((None, None, None))
    assert len(load_ontology()) > 0


def test_ontology_header(ontology):
    iri = URIRef(ONTOLOGY_IRI)
    assert (iri, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(iri, OWL.versionInfo) is not None
    assert (iri, DCTERMS.license, URIRef("https://www.apache.org/licenses/LICENSE-2.0")) in ontology
    for predicate in (DCTERMS.title, DCTERMS.description):
        languages = {o.language for o in ontology.objects(iri, predicate)}
        assert {"en", "zh"} <= languages, predicate


def test_ontology_lists_every_term_in_the_namespace_module():
    assert set(TERMS) == set(CLASSES) | set(OBJECT_PROPERTIES) | set(DATA_PROPERTIES)


@pytest.mark.parametrize("name", TERMS)
def test_ontology_declares_term_with_labels_and_definitions(ontology, name):
    term = KG[name]
    kind = (
        OWL.Class
        if name in CLASSES
        else OWL.ObjectProperty
        if name in OBJECT_PROPERTIES
        else OWL.DatatypeProperty
    )
    assert (term, RDF.type, kind) in ontology
    assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in ontology
    for predicate in (RDFS.label, SKOS.definition):
        by_language = {o.language: str(o) for o in ontology.objects(term, predicate)}
        assert set(by_language) == {"en", "zh"}, (name, predicate)
        assert all(text.strip() for text in by_language.values())


def test_ontology_defines_no_term_outside_the_namespace_module(ontology):
    ns = str(KG._NS)
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    assert {_local(s) for s in defined} == set(TERMS)


@pytest.mark.parametrize(
    ("prop", "domain", "range_"),
    [
        ("issues", KG.Province, KG.Plan),
        ("targets", KG.Plan, KG.Metric),
        ("locatesIn", KG.Enterprise, KG.District),
        ("issuedBy", KG.Plan, KG.Agency),
        ("evidence", KG.Assertion, KG.Evidence),
        ("inArticle", KG.Evidence, KG.Article),
        ("qudtUnit", KG.Metric, QUDT.Unit),
        ("indicator", KG.Metric, RDF.langString),
        ("value", KG.Metric, XSD.decimal),
        ("unit", KG.Metric, XSD.string),
        ("year", KG.Metric, XSD.gYear),
        ("valueMax", KG.Metric, XSD.decimal),
        ("sourceFile", KG.Article, XSD.string),
        ("articleIndex", KG.Article, XSD.integer),
    ],
)
def test_ontology_domain_and_range(ontology, prop, domain, range_):
    assert set(ontology.objects(KG[prop], RDFS.domain)) == {domain}
    assert set(ontology.objects(KG[prop], RDFS.range)) == {range_}


@pytest.mark.parametrize(
    ("prop", "domain", "range_"),
    [
        ("partOf", [KG.District], [KG.Province, KG.District]),
        ("divisionCode", [KG.Province, KG.District], None),
        ("mentionedIn", [KG.Province, KG.District, KG.Plan, KG.Metric, KG.Enterprise], None),
    ],
)
def test_ontology_union_domain_and_range(ontology, prop, domain, range_):
    def members(node):
        union = ontology.value(node, OWL.unionOf)
        return set(ontology.items(union)) if union is not None else {node}

    assert set(domain) <= members(ontology.value(KG[prop], RDFS.domain))
    if range_:
        assert members(ontology.value(KG[prop], RDFS.range)) == set(range_)


@pytest.mark.parametrize(
    ("prop", "values"),
    [("period", ["annual"]), ("bound", ["min", "approx"])],
)
def test_ontology_enumerated_data_ranges(ontology, prop, values):
    datatype = ontology.value(KG[prop], RDFS.range)
    assert [str(v) for v in ontology.items(ontology.value(datatype, OWL.oneOf))] == values


@pytest.mark.parametrize(
    ("term", "relation", "target"),
    [
        (KG.City, RDFS.subClassOf, KG.District),
        (KG.County, RDFS.subClassOf, KG.District),
        (KG.Zone, RDFS.subClassOf, KG.District),
        (KG.Province, RDFS.subClassOf, SCHEMA.AdministrativeArea),
        (KG.District, RDFS.subClassOf, SCHEMA.AdministrativeArea),
        (KG.Province, RDFS.seeAlso, URIRef("http://www.wikidata.org/entity/Q1615742")),
        (KG.Plan, RDFS.subClassOf, URIRef(ELI + "LegalResource")),
        (KG.Plan, RDFS.subClassOf, SCHEMA.Legislation),
        (KG.Metric, RDFS.subClassOf, SCHEMA.QuantitativeValue),
        (KG.Enterprise, RDFS.subClassOf, SCHEMA.Organization),
        (KG.Enterprise, RDFS.subClassOf, URIRef(ORG + "FormalOrganization")),
        (KG.Agency, RDFS.subClassOf, SCHEMA.GovernmentOrganization),
        (KG.Agency, RDFS.subClassOf, URIRef(ORG + "Organization")),
        (KG.Article, RDFS.subClassOf, URIRef(PROV + "Entity")),
        (KG.Assertion, RDFS.subClassOf, RDF.Statement),
        (KG.Evidence, RDFS.subClassOf, OA.TextQuoteSelector),
        (KG.Evidence, RDFS.subClassOf, OA.TextPositionSelector),
        (KG.Evidence, RDFS.subClassOf, URIRef(PROV + "Entity")),
        (KG.locatesIn, RDFS.subPropertyOf, SCHEMA.location),
        (KG.partOf, RDFS.subPropertyOf, SCHEMA.containedInPlace),
        (KG.issuedBy, RDFS.subPropertyOf, URIRef(ELI + "passed_by")),
        (KG.evidence, RDFS.subPropertyOf, URIRef(PROV + "wasDerivedFrom")),
        (KG.inArticle, RDFS.subPropertyOf, URIRef(PROV + "wasQuotedFrom")),
        (KG.mentionedIn, OWL.inverseOf, SCHEMA.mentions),
        (KG.qudtUnit, RDFS.subPropertyOf, QUDT.unit),
        (KG.value, RDFS.subPropertyOf, SCHEMA.value),
        (KG.valueMax, RDFS.subPropertyOf, SCHEMA.maxValue),
        (KG.unit, RDFS.subPropertyOf, SCHEMA.unitText),
    ],
)
def test_ontology_aligns_with_established_vocabularies(ontology, term, relation, target):
    assert (term, relation, target) in ontology


def test_ontology_issues_is_the_inverse_of_legislation_jurisdiction(ontology):
    inverses = [
        ontology.value(p, OWL.inverseOf) for p in ontology.objects(KG.issues, RDFS.subPropertyOf)
    ]
    assert SCHEMA.legislationJurisdiction in inverses


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_holds_no_individuals_of_the_entity_classes(name):
    graph = Graph().parse(ONTOLOGY_DIR / name, format="turtle")
    typed = {(s, o) for s, o in graph.subject_objects(RDF.type) if str(o).startswith(str(KG._NS))}
    assert typed == set()


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_relation_names_are_used_only_by_the_kg_terms(name):
    graph = Graph().parse(ONTOLOGY_DIR / name, format="turtle")
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and _local(term) in {"issues", "targets", "locatesIn"}:
                assert term in (KG.issues, KG.targets, KG.locatesIn), term
    # and no data triple uses them as a predicate: the evaluation would count it
    assert not any(_local(p) in {"issues", "targets", "locatesIn"} for p in graph.predicates())


@pytest.mark.parametrize("cls", ["Province", "Plan", "Enterprise", "Agency", "Metric", "Article"])
def test_ontology_keeps_non_districts_out_of_district_names(ontology, cls):
    names = {_local(c) for c in _superclasses(ontology, KG[cls])}
    assert not names & DISTRICT_NAMES


def test_ontology_entity_classes_are_pairwise_disjoint(ontology):
    (node,) = ontology.subjects(RDF.type, OWL.AllDisjointClasses)
    members = set(ontology.items(ontology.value(node, OWL.members)))
    assert {KG.Province, KG.District, KG.Plan, KG.Metric, KG.Enterprise, KG.Agency} <= members
