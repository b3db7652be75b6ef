"""Tests for kg.validate: graphs built from hand-made facts, valid and broken."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import InputError
from kg.graph import article_iri, build_dataset, build_graph, entity_iri, evidence_iri
from kg.namespaces import KG, KGR, OA
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
from kg.validate import (
    ValidationReport,
    Violation,
    load_shapes,
    read_graph,
    validate_file,
    validate_graph,
)

TEXT = (
    "湖北省印发《湖北省制造业高质量发展实施方案》。"
    "方案提出，到2027年全省科技型企业达到8.6万家以上。"
    "程力集团在襄阳市东津新区投资105亿元建设新基地。"
)
SENTENCES = [s + "。" for s in TEXT.split("。") if s]
ARTICLE = Article(id="a1b2c3", source="hubei.md", title="湖北制造业方案", text=TEXT)

HUBEI = Entity(
    Kind.PROVINCE, "420000", "湖北省", code="420000", level="province", wikidata="Q46862"
)
PLAN = Entity(Kind.PLAN, "湖北省制造业高质量发展实施方案", "湖北省制造业高质量发展实施方案")
METRIC = Metric("科技型企业", Quantity(Decimal("86000"), "家", bound="min"), year=2027)
XIANGYANG = Entity(Kind.DISTRICT, "420600", "襄阳市", code="420600", level="city", part_of=HUBEI)
DONGJIN = Entity(Kind.DISTRICT, "东津新区", "东津新区", level="zone", part_of=XIANGYANG)
CHENGLI = Entity(Kind.ENTERPRISE, "程力集团", "程力集团")


def evidence(index: int, start: int | None = None, end: int | None = None) -> Evidence:
    sentence = SENTENCES[index]
    offset = TEXT.index(sentence)
    return Evidence(
        ARTICLE.id,
        sentence,
        offset if start is None else start,
        offset + len(sentence) if end is None else end,
    )


def metric_entity(metric: Metric = METRIC) -> Entity:
    return Entity(Kind.METRIC, "科技型企业|86000|家|2027", "科技型企业", metric=metric)


def facts(
    metric: Metric = METRIC,
    target: bool = True,
    located: Evidence | None = None,
) -> ArticleFacts:
    """The article's facts: an issued plan, its target and a located enterprise."""
    statements = [
        Statement(HUBEI, Relation.ISSUES, PLAN, evidence(0)),
        Statement(CHENGLI, Relation.LOCATES_IN, DONGJIN, located or evidence(2)),
    ]
    mentions = [Mentioned(HUBEI, evidence(0)), Mentioned(XIANGYANG, evidence(2))]
    if target:
        statements.append(Statement(PLAN, Relation.TARGETS, metric_entity(metric), evidence(1)))
    else:
        mentions.append(Mentioned(metric_entity(metric), evidence(1)))
    return ArticleFacts(ARTICLE, mentions=mentions, statements=statements)


@pytest.fixture(scope="module")
def valid_graph() -> Graph:
    return build_graph([facts()])


def copy_of(graph: Graph) -> Graph:
    out = Graph()
    for triple in graph:
        out.add(triple)
    return out


def the_metric(graph: Graph) -> URIRef:
    (node,) = graph.subjects(RDF.type, KG.Metric)
    return node


def drop(s: URIRef, p: URIRef) -> Callable[[Graph], None]:
    def change(graph: Graph) -> None:
        graph.remove((s, p, None))

    return change


def without_metric_value(graph: Graph) -> None:
    graph.remove((the_metric(graph), KG.value, None))


def with_second_unit(graph: Graph) -> None:
    graph.add((the_metric(graph), KG.unit, Literal("个")))


def with_value_max_below_value(graph: Graph) -> None:
    graph.add((the_metric(graph), KG.valueMax, Literal(Decimal("100"))))


def with_bound(graph: Graph) -> None:
    graph.set((the_metric(graph), KG.bound, Literal("max")))


def with_year_as_integer(graph: Graph) -> None:
    graph.set((the_metric(graph), KG.year, Literal(2027)))


def with_english_plan_label(graph: Graph) -> None:
    plan = entity_iri(PLAN)
    graph.remove((plan, RDFS.label, None))
    graph.add((plan, RDFS.label, Literal("Hubei manufacturing plan", lang="en")))


def with_short_division_code(graph: Graph) -> None:
    graph.set((entity_iri(HUBEI), KG.divisionCode, Literal("4200")))


def locates_in_a_province(graph: Graph) -> None:
    graph.add((entity_iri(CHENGLI), KG.locatesIn, entity_iri(HUBEI)))


def plan_issues_a_plan(graph: Graph) -> None:
    graph.add((entity_iri(PLAN), KG.issues, entity_iri(PLAN)))


def without_direct_fact(graph: Graph) -> None:
    graph.remove((entity_iri(CHENGLI), KG.locatesIn, None))


def without_evidence(graph: Graph) -> None:
    graph.remove((next(graph.subjects(RDF.type, KG.Assertion)), KG.evidence, None))


def without_article(graph: Graph) -> None:
    graph.remove((article_iri(ARTICLE.id), None, None))


def with_unknown_predicate(graph: Graph) -> None:
    fact = next(graph.subjects(RDF.predicate, KG.issues))
    graph.set((fact, RDF.predicate, RDFS.seeAlso))


BROKEN_GRAPHS = [
    # (what is wrong, how the valid graph is changed, the path reported, words of the message)
    ("metric without value", without_metric_value, "kg:value", "exactly one kg:value"),
    ("metric with two units", with_second_unit, "kg:unit", "exactly one kg:unit"),
    ("valueMax below value", with_value_max_below_value, "kg:value", "kg:valueMax"),
    ("unknown bound", with_bound, "kg:bound", '"min" or "approx"'),
    ("year as an integer", with_year_as_integer, "kg:year", "xsd:gYear"),
    ("plan without label", drop(entity_iri(PLAN), RDFS.label), "rdfs:label", "(@zh)"),
    ("plan with English label only", with_english_plan_label, "rdfs:label", "(@zh)"),
    ("province code of 4 digits", with_short_division_code, "kg:divisionCode", "six digits"),
    ("enterprise in a province", locates_in_a_province, "kg:locatesIn", "kg:District"),
    ("plan issuing a plan", plan_issues_a_plan, None, "only a kg:Province"),
    ("fact not asserted", without_direct_fact, None, "direct triple"),
    ("assertion without evidence", without_evidence, "kg:evidence", "kg:evidence"),
    ("assertion of another predicate", with_unknown_predicate, "rdf:predicate", "kg:issues"),
    ("evidence without article", without_article, "kg:inArticle", "kg:Article"),
]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [case[1:] for case in BROKEN_GRAPHS],
    ids=[case[0] for case in BROKEN_GRAPHS],
)
def test_validate_catches_broken_graph(valid_graph, change, path, words):
    graph = copy_of(valid_graph)
    change(graph)
    report = validate_graph(graph)
    assert not report.conforms
    assert any(v.path == path and words in v.message for v in report.violations), report.format()
    assert all(v.severity == "Violation" for v in report.violations if v.path == path)


BROKEN_FACTS = [
    # (what is wrong, the facts, the path reported, words of the message)
    (
        "year 20277",
        facts(metric=Metric("科技型企业", Quantity(Decimal("86000"), "家"), year=20277)),
        "kg:year",
        "1949 to 2100",
    ),
    ("metric targeted by no plan", facts(target=False), "^kg:targets", "kg:Plan"),
    (
        "evidence start after end",
        facts(located=evidence(2, start=80, end=60)),
        "oa:start",
        "oa:end",
    ),
    ("negative offset", facts(located=evidence(2, start=-1)), "oa:start", "non-negative"),
    (
        "unknown period",
        facts(metric=Metric("科技型企业", Quantity(Decimal("400"), "家"), period="weekly")),
        "kg:period",
        '"annual"',
    ),
]


@pytest.mark.parametrize(
    ("article_facts", "path", "words"),
    [case[1:] for case in BROKEN_FACTS],
    ids=[case[0] for case in BROKEN_FACTS],
)
def test_validate_catches_broken_facts(article_facts, path, words):
    report = validate_graph(build_graph([article_facts]))
    assert not report.conforms
    assert any(v.path == path and words in v.message for v in report.violations), report.format()


def test_validate_accepts_a_valid_graph(valid_graph):
    report = validate_graph(valid_graph)
    assert report.conforms, report.format()
    assert report.violations == []
    assert report.format() == "conforms: 0 violations, 0 warnings, 0 infos"


@pytest.mark.parametrize(
    "metric",
    [
        Metric("专精特新企业", Quantity(Decimal("8"), "个", value_max=Decimal("10")), year=2025),
        Metric("企业", Quantity(Decimal("400"), "家", bound="min"), period="annual"),
        Metric("产值", Quantity(Decimal("1.1E12"), "元", bound="approx"), year=1949),
        Metric("增长", Quantity(Decimal("15"), "%", bound="min"), year=2100),
    ],
)
def test_validate_accepts_every_kind_of_metric(metric):
    report = validate_graph(build_graph([facts(metric=metric)]))
    assert report.conforms, report.format()


def test_validate_counts_district_subclasses(valid_graph):
    graph = copy_of(valid_graph)
    graph.remove((entity_iri(DONGJIN), RDF.type, KG.District))
    graph.remove((entity_iri(XIANGYANG), RDF.type, KG.District))
    assert (entity_iri(DONGJIN), RDF.type, KG.Zone) in graph
    report = validate_graph(graph)
    assert report.conforms, report.format()


def test_validate_checks_subclass_instances_too(valid_graph):
    graph = copy_of(valid_graph)
    graph.remove((entity_iri(DONGJIN), RDF.type, KG.District))
    graph.remove((entity_iri(DONGJIN), SKOS.prefLabel, None))
    report = validate_graph(graph)
    assert [(v.focus, v.path) for v in report.violations] == [
        (str(entity_iri(DONGJIN)), "skos:prefLabel")
    ]


def test_validate_accepts_labels_in_more_languages(valid_graph):
    graph = copy_of(valid_graph)
    graph.add((entity_iri(PLAN), RDFS.label, Literal("Hubei manufacturing plan", lang="en")))
    assert validate_graph(graph).conforms


def test_validate_warns_about_a_province_without_wikidata(valid_graph):
    graph = copy_of(valid_graph)
    graph.remove((entity_iri(HUBEI), None, URIRef("http://www.wikidata.org/entity/Q46862")))
    report = validate_graph(graph)
    assert report.conforms
    assert [(v.severity, v.path, v.focus_label) for v in report.violations] == [
        ("Warning", "owl:sameAs", "湖北省")
    ]


def test_validate_leaves_the_graph_unchanged(valid_graph):
    graph = copy_of(valid_graph)
    graph.add((entity_iri(PLAN), KG.issues, entity_iri(PLAN)))
    before = set(graph)
    validate_graph(graph)
    assert set(graph) == before


def test_validate_does_not_change_the_shapes():
    before = len(load_shapes())
    validate_graph(build_graph([facts(target=False)]))
    assert len(load_shapes()) == before


def test_validate_accepts_a_graph_merged_with_the_ontology(valid_graph):
    from kg.validate import load_ontology

    graph = copy_of(valid_graph) + load_ontology()
    assert validate_graph(graph).conforms


def test_validate_reports_labels_and_prefixed_paths(valid_graph):
    graph = copy_of(valid_graph)
    without_metric_value(graph)
    report = validate_graph(graph)
    (violation,) = report.violations
    assert violation == Violation(
        focus=str(the_metric(graph)),
        focus_label="科技型企业 ≥ 8.6万家 (2027)",
        path="kg:value",
        message="a Metric needs exactly one kg:value, an xsd:decimal",
        severity="Violation",
    )


def test_validate_report_format_is_sorted_and_summarised(valid_graph):
    graph = copy_of(valid_graph)
    with_second_unit(graph)
    graph.remove((entity_iri(HUBEI), None, URIRef("http://www.wikidata.org/entity/Q46862")))
    graph.add((KGR["evidence/x"], RDF.type, KG.Evidence))
    report = validate_graph(graph)
    text = report.format()
    lines = text.splitlines()
    assert lines[-1] == "does not conform: 5 violations, 1 warning, 0 infos"
    assert lines[-2].startswith("Warning: 湖北省 <https://w3id.org/policy-kg/id/province/420000>")
    assert "  kg:unit  a Metric needs exactly one kg:unit" in text
    assert "  oa:exact  an Evidence needs exactly one oa:exact" in text
    shuffled = ValidationReport(report.conforms, list(reversed(report.violations)))
    assert shuffled.format() == text


def test_validate_report_counts_severities():
    report = ValidationReport(
        False,
        [
            Violation("urn:a", None, None, "m", "Violation"),
            Violation("urn:b", "乙", "kg:unit", "m", "Info"),
        ],
    )
    assert (report.count("Violation"), report.count("Warning"), report.count("Info")) == (1, 0, 1)
    assert report.format().splitlines() == [
        "Violation: <urn:a>  -  m",
        "Info: 乙 <urn:b>  kg:unit  m",
        "does not conform: 1 violation, 0 warnings, 1 info",
    ]


def test_validate_evidence_offsets_index_the_article_text():
    # the hand-made facts are realistic: their offsets find their sentences
    for index in range(len(SENTENCES)):
        ev = evidence(index)
        assert TEXT[ev.start : ev.end] == ev.sentence
        assert evidence_iri(ev) != evidence_iri(evidence(index, start=ev.start + 1))


def test_validate_reports_evidence_by_its_iri(valid_graph):
    graph = copy_of(valid_graph)
    ev = evidence(1)
    graph.remove((evidence_iri(ev), OA.exact, None))
    (violation,) = validate_graph(graph).violations
    assert (violation.focus, violation.focus_label, violation.path) == (
        str(evidence_iri(ev)),
        None,
        "oa:exact",
    )


# rdflib's own TriG serializer calls deprecated Dataset methods
@pytest.mark.filterwarnings("ignore:Dataset.* is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("name", "fmt"), [("kg.ttl", "turtle"), ("kg.nt", "nt"), ("kg.trig", "trig")]
)
def test_validate_file_reads_every_export_format(tmp_path, name, fmt):
    path = tmp_path / name
    built = build_dataset([facts()]) if fmt == "trig" else build_graph([facts()])
    built.serialize(path, format=fmt, encoding="utf-8")
    assert len(read_graph(path)) == len(build_graph([facts()]))
    assert validate_file(path).conforms


def test_validate_file_reports_an_unreadable_file(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.ttl"):
        validate_file(path)
    with pytest.raises(InputError, match=r"missing\.ttl"):
        validate_file(tmp_path / "missing.ttl")
