"""kg.analytics: networkx and table views of small hand-made graphs."""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pytest
from rdflib import Graph

from kg.analytics import TARGET_COLUMNS, most_connected, targets_table, to_networkx
from kg.graph import build_graph, entity_iri
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

ARTICLE = Article(id="a1", source="test.txt", title="湖北", text="……")
EVIDENCE = Evidence(article_id="a1", sentence="……", start=0, end=2)

HUBEI = Entity(Kind.PROVINCE, "420000", "湖北省", code="420000", level="province")
CHONGQING = Entity(Kind.PROVINCE, "500000", "重庆市", code="500000", level="province")
XIANGYANG = Entity(Kind.DISTRICT, "420600", "襄阳市", code="420600", level="city", part_of=HUBEI)
PLAN_A = Entity(Kind.PLAN, "湖北行动方案", "湖北行动方案")
PLAN_B = Entity(Kind.PLAN, "湖北实施意见", "湖北实施意见")
PLAN_C = Entity(Kind.PLAN, "无省份的计划", "无省份的计划")
BYD = Entity(Kind.ENTERPRISE, "比亚迪", "比亚迪")
CHENGLI = Entity(Kind.ENTERPRISE, "程力集团", "程力集团")


def metric(indicator: str, value: str, unit: str, year: int | None) -> Entity:
    found = Metric(indicator, Quantity(Decimal(value), unit), year=year, period=None)
    return Entity(Kind.METRIC, f"{indicator}{value}{year}", indicator, metric=found)


def fact(subject: Entity, relation: Relation, obj: Entity) -> Statement:
    return Statement(subject, relation, obj, EVIDENCE)


@pytest.fixture(scope="module")
def graph() -> Graph:
    statements = [
        fact(HUBEI, Relation.ISSUES, PLAN_A),
        fact(HUBEI, Relation.ISSUES, PLAN_B),
        fact(PLAN_A, Relation.TARGETS, metric("专精特新企业", "5000", "家", 2027)),
        fact(PLAN_A, Relation.TARGETS, metric("产业规模", "1.1E12", "元", 2025)),
        fact(PLAN_C, Relation.TARGETS, metric("新增企业", "100", "家", None)),
        fact(BYD, Relation.LOCATES_IN, XIANGYANG),
        fact(CHENGLI, Relation.LOCATES_IN, XIANGYANG),
    ]
    facts = ArticleFacts(ARTICLE, [Mentioned(CHONGQING, EVIDENCE)], statements)
    return build_graph([facts])


def test_analytics_to_networkx_nodes_and_edges(graph):
    view = to_networkx(graph)
    assert isinstance(view, nx.MultiDiGraph)
    hubei = str(entity_iri(HUBEI))
    assert view.nodes[hubei] == {"label": "湖北省", "kind": "Province"}
    assert view.nodes[str(entity_iri(XIANGYANG))]["kind"] == "District"
    assert view.has_edge(hubei, str(entity_iri(PLAN_A)), key="issues")
    assert view.has_edge(str(entity_iri(XIANGYANG)), hubei, key="partOf")
    relations = {data["relation"] for _, _, data in view.edges(data=True)}
    assert relations == {"issues", "targets", "locatesIn", "partOf"}
    # provenance is not part of the picture
    assert {data["kind"] for _, data in view.nodes(data=True)} == {
        "Province",
        "District",
        "Plan",
        "Metric",
        "Enterprise",
    }


def test_analytics_to_networkx_keeps_unrelated_entities(graph):
    view = to_networkx(graph)
    assert view.degree(str(entity_iri(CHONGQING))) == 0


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("Province", [("湖北省", "Province", 3), ("重庆市", "Province", 0)]),
        (
            "Plan",
            [("湖北行动方案", "Plan", 3), ("无省份的计划", "Plan", 1), ("湖北实施意见", "Plan", 1)],
        ),
        ("District", [("襄阳市", "District", 3)]),
    ],
)
def test_analytics_most_connected_by_kind(graph, kind, expected):
    assert most_connected(graph, kind=kind) == expected


def test_analytics_most_connected_any_kind_and_n(graph):
    top = most_connected(to_networkx(graph), n=2)
    assert top == [("湖北省", "Province", 3), ("湖北行动方案", "Plan", 3)]  # ties by label


def test_analytics_most_connected_unknown_kind(graph):
    with pytest.raises(ValueError, match="unknown entity class 'Town'"):
        most_connected(graph, kind="Town")


def test_analytics_targets_table(graph):
    rows = targets_table(graph)
    assert all(tuple(row) == TARGET_COLUMNS for row in rows)
    assert rows == [
        {
            "province": "湖北省",
            "plan": "湖北行动方案",
            "indicator": "产业规模",
            "value": 1.1e12,
            "unit": "元",
            "year": 2025,
        },
        {
            "province": "湖北省",
            "plan": "湖北行动方案",
            "indicator": "专精特新企业",
            "value": 5000.0,
            "unit": "家",
            "year": 2027,
        },
        {
            "province": None,
            "plan": "无省份的计划",
            "indicator": "新增企业",
            "value": 100.0,
            "unit": "家",
            "year": None,
        },
    ]


def test_analytics_targets_table_empty():
    assert targets_table(Graph()) == []
