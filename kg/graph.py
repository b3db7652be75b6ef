"""Facts → rdflib graph in the ontology's terms, with stable IRIs and provenance.

The model, for every fact ``s p o`` stated in an article:

* the direct triple ``s kg:p o`` (what queries use);
* an ``kg:Assertion`` node reifying it (``rdf:subject/predicate/object``) with one
  ``kg:evidence`` per sentence that states it;
* each ``kg:Evidence`` is a W3C Web Annotation quote and position selector
  (``oa:exact``, ``oa:start``, ``oa:end``) ``kg:inArticle`` the ``kg:Article``.

IRIs are minted from canonical identity only (division codes, canonical names),
so graphs built at different times or from different corpora merge cleanly.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator

from rdflib import OWL, RDF, RDFS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kg.namespaces import KG, KGR, OA, PREFIXES, SCHEMA, UNIT, WD
from kg.types import Article, ArticleFacts, Entity, Evidence, Kind, Metric, Statement

Triple = tuple[URIRef, URIRef, URIRef | Literal]

_LEVEL_CLASS = {"city": KG.City, "county": KG.County, "zone": KG.Zone}

# QUDT units for the measure words that have one; counts of things are unit:NUM.
QUDT_UNITS = {
    "元": UNIT["CCY_CNY"],
    "%": UNIT.PERCENT,
    "吨": UNIT.TONNE,
    "千瓦": UNIT.KiloW,
    "千瓦时": UNIT["KiloW-HR"],
    "平方米": UNIT.M2,
    "亩": UNIT["MU_CHINA"],
    "公里": UNIT.KiloM,
    "千米": UNIT.KiloM,
    "人": UNIT.NUM,
    "家": UNIT.NUM,
    "个": UNIT.NUM,
    "项": UNIT.NUM,
    "台": UNIT.NUM,
    "辆": UNIT.NUM,
    "座": UNIT.NUM,
    "条": UNIT.NUM,
    "套": UNIT.NUM,
    "款": UNIT.NUM,
    "件": UNIT.NUM,
    "名": UNIT.NUM,
    "所": UNIT.NUM,
    "户": UNIT.NUM,
    "种": UNIT.NUM,
    "批": UNIT.NUM,
}


def digest(*parts: object) -> str:
    """A short, stable hex digest of NFKC-normalised parts."""
    text = "\x1f".join(unicodedata.normalize("NFKC", str(p)) for p in parts)
    # ingest drops lone surrogates; a name made elsewhere may still hold one
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def entity_iri(entity: Entity) -> URIRef:
    """The entity's IRI: from its division code when known, else from its canonical key."""
    folder = entity.kind.value.lower()
    if entity.code:
        return KGR[f"{folder}/{entity.code}"]
    return KGR[f"{folder}/{digest(entity.kind, entity.key)}"]


def article_iri(article_id: str) -> URIRef:
    return KGR[f"article/{article_id}"]


def assertion_iri(statement: Statement) -> URIRef:
    s, o = statement.subject, statement.object
    return KGR[f"fact/{digest(entity_iri(s), statement.relation, entity_iri(o))}"]


def evidence_iri(evidence: Evidence) -> URIRef:
    return KGR[f"evidence/{digest(evidence.article_id, evidence.start, evidence.end)}"]


def metric_label(metric: Metric) -> str:
    """A label that reads well in a graph: 科技型企业 ≥ 8.6万家 (2027)."""
    from kg.numbers import format_quantity

    q = metric.quantity
    sign = {"min": "≥ ", "approx": "≈ "}.get(q.bound or "", "")
    annual = "每年 " if metric.period == "annual" else ""
    year = f" ({metric.year})" if metric.year else ""
    return f"{metric.indicator} {annual}{sign}{format_quantity(q)}{year}"


def entity_triples(entity: Entity, mentioned: bool = True) -> Iterator[Triple]:
    """Type, label, code and containment of one entity.

    Places carry their official name as skos:prefLabel. rdfs:label, the name shown
    for what an article names, is left out for a place that only contains another
    (a district's province the article never names), so that the graph does not
    claim the article named it."""
    node = entity_iri(entity)
    yield node, RDF.type, KG[entity.kind.value]
    if entity.kind is Kind.DISTRICT and entity.level in _LEVEL_CLASS:
        yield node, RDF.type, _LEVEL_CLASS[entity.level]
    if entity.kind in (Kind.PROVINCE, Kind.DISTRICT):
        yield node, SKOS.prefLabel, Literal(entity.label, lang="zh")
    if entity.kind is Kind.METRIC and entity.metric is not None:
        yield node, RDFS.label, Literal(metric_label(entity.metric), lang="zh")
        yield from metric_triples(node, entity.metric)
    elif mentioned:
        yield node, RDFS.label, Literal(entity.label, lang="zh")
    if entity.code:
        yield node, KG.divisionCode, Literal(entity.code)
    if entity.wikidata:
        yield node, OWL.sameAs, WD[entity.wikidata]
    if entity.part_of is not None:
        yield node, KG.partOf, entity_iri(entity.part_of)
        yield from entity_triples(entity.part_of, mentioned=False)


def decimal_literal(value) -> Literal:
    """An xsd:decimal in its canonical form (86000.0), so that it survives every round trip."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0")
    text = text + "0" if text.endswith(".") else text if "." in text else text + ".0"
    return Literal(text, datatype=XSD.decimal)


def metric_triples(node: URIRef, metric: Metric) -> Iterator[Triple]:
    q = metric.quantity
    yield node, KG.indicator, Literal(metric.indicator, lang="zh")
    yield node, KG.value, decimal_literal(q.value)
    yield node, KG.unit, Literal(q.unit)
    if q.unit in QUDT_UNITS:
        yield node, KG.qudtUnit, QUDT_UNITS[q.unit]
    if metric.year is not None:
        yield node, KG.year, Literal(f"{metric.year:04d}", datatype=XSD.gYear)
    if q.value_max is not None:
        yield node, KG.valueMax, decimal_literal(q.value_max)
    if metric.period:
        yield node, KG.period, Literal(metric.period)
    if q.bound:
        yield node, KG.bound, Literal(q.bound)


def article_triples(article: Article) -> Iterator[Triple]:
    node = article_iri(article.id)
    yield node, RDF.type, KG.Article
    yield node, RDFS.label, Literal(article.title or article.source, lang="zh")
    yield node, KG.sourceFile, Literal(article.source)
    yield node, KG.articleIndex, Literal(article.index)
    if article.url:
        yield node, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)
    if article.date:
        yield node, DCTERMS.date, Literal(article.date, datatype=XSD.date)
    if article.publisher:
        yield node, DCTERMS.publisher, Literal(article.publisher, lang="zh")


def evidence_triples(evidence: Evidence) -> Iterator[Triple]:
    node = evidence_iri(evidence)
    yield node, RDF.type, KG.Evidence
    yield node, OA.exact, Literal(evidence.sentence, lang="zh")
    yield node, OA.start, Literal(evidence.start)
    yield node, OA.end, Literal(evidence.end)
    yield node, KG.inArticle, article_iri(evidence.article_id)


def statement_triples(statement: Statement) -> Iterator[Triple]:
    """The direct triple, its reification and its evidence."""
    s, o = entity_iri(statement.subject), entity_iri(statement.object)
    p = KG[statement.relation.value]
    yield from entity_triples(statement.subject)
    yield from entity_triples(statement.object)
    yield s, p, o
    fact = assertion_iri(statement)
    yield fact, RDF.type, KG.Assertion
    yield fact, RDF.subject, s
    yield fact, RDF.predicate, p
    yield fact, RDF.object, o
    yield fact, KG.evidence, evidence_iri(statement.evidence)
    yield from evidence_triples(statement.evidence)


def facts_triples(facts: ArticleFacts) -> Iterator[Triple]:
    """Every triple one article contributes."""
    article = facts.article
    yield from article_triples(article)
    for mentioned in facts.mentions:
        yield from entity_triples(mentioned.entity)
        yield entity_iri(mentioned.entity), KG.mentionedIn, article_iri(article.id)
    for statement in facts.statements:
        yield from statement_triples(statement)


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def build_graph(corpus: Iterable[ArticleFacts]) -> Graph:
    """Merge the facts of many articles into one graph (the Turtle view)."""
    graph = new_graph()
    for facts in corpus:
        for triple in facts_triples(facts):
            graph.add(triple)
    return graph


def build_dataset(corpus: Iterable[ArticleFacts]) -> Dataset:
    """One named graph per article (its facts and evidence), for TriG and N-Quads."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    for facts in corpus:
        named = dataset.graph(article_iri(facts.article.id))
        for triple in facts_triples(facts):
            named.add(triple)
    return dataset
