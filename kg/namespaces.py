"""The ontology's terms as closed rdflib namespaces: a misspelt term fails at import."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/policy-kg/ontology"
RESOURCE_BASE = "https://w3id.org/policy-kg/id/"


class KG(DefinedNamespace):
    """policy-kg ontology (ontology/kg.ttl)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    # classes
    Province: URIRef
    District: URIRef
    City: URIRef
    County: URIRef
    Zone: URIRef
    Plan: URIRef
    Metric: URIRef
    Enterprise: URIRef
    Agency: URIRef
    Article: URIRef
    Assertion: URIRef  # a reified fact that carries its evidence
    Evidence: URIRef  # a quoted sentence of an article, with offsets

    # object properties
    issues: URIRef
    targets: URIRef
    locatesIn: URIRef
    issuedBy: URIRef
    partOf: URIRef
    evidence: URIRef  # Assertion -> Evidence
    inArticle: URIRef  # Evidence -> Article
    mentionedIn: URIRef  # any entity -> Article
    qudtUnit: URIRef  # Metric -> QUDT unit

    # data properties
    indicator: URIRef
    value: URIRef
    unit: URIRef
    year: URIRef
    valueMax: URIRef
    period: URIRef
    bound: URIRef
    divisionCode: URIRef
    sourceFile: URIRef
    articleIndex: URIRef


KGR = Namespace(RESOURCE_BASE)  # minted resources: provinces, plans, metrics, facts ...
OA = Namespace("http://www.w3.org/ns/oa#")  # W3C Web Annotation: exact, start, end
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")

PREFIXES = {
    "skos": Namespace("http://www.w3.org/2004/02/skos/core#"),
    "kg": KG._NS,
    "kgr": KGR,
    "oa": OA,
    "qudt": QUDT,
    "unit": UNIT,
    "wd": WD,
    "schema": SCHEMA,
}
