"""kg.viz without a browser: what is drawn, how, and what the page holds."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.graph import build_graph
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
from kg.viz import CLASS_STYLES, graph_view, page_html, render_html, wrap_label

HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
# What the browser test watches for: either payload would set the flag if it ran.
HOSTILE_TITLE = '<img src=x onerror="window.kgPwned=1">标题'
HOSTILE_SENTENCE = "重庆印发方案。</script><script>window.kgPwned=2</script>"

CHONGQING = Entity(Kind.PROVINCE, "500000", "重庆市", code="500000", level="province")
YUBEI = Entity(Kind.DISTRICT, "500112", "渝北区", code="500112", level="county", part_of=CHONGQING)
PLAN = Entity(
    Kind.PLAN,
    "重庆市推动优质中小企业梯度培育改革工作方案",
    "重庆市推动优质中小企业梯度培育改革工作方案",
)
METRIC = Entity(
    Kind.METRIC,
    "科技型企业|86000|家|min|2027",
    "科技型企业",
    metric=Metric("科技型企业", Quantity(Decimal("86000"), "家", bound="min"), year=2027),
)
AGENCY = Entity(Kind.AGENCY, "重庆市经济和信息化委员会", "重庆市经济和信息化委员会")
HOSTILE = Entity(Kind.ENTERPRISE, HOSTILE_LABEL, HOSTILE_LABEL)
LONELY = Entity(Kind.ENTERPRISE, "孤立企业", "孤立企业有限公司")


def viz_corpus() -> list[ArticleFacts]:
    """Two small articles: every class, every relation, hostile text in a title and a sentence."""
    first = Article(id="a1", source="seeds/cq.txt", title=HOSTILE_TITLE, text="……")
    second = Article(id="a2", source="seeds/yb.txt", title="渝北企业落户", text="……")

    def said(article: Article, sentence: str, start: int = 0) -> Evidence:
        return Evidence(article.id, sentence, start, start + len(sentence))

    return [
        ArticleFacts(
            first,
            mentions=[Mentioned(LONELY, said(first, "孤立企业有限公司参会。", 40))],
            statements=[
                Statement(CHONGQING, Relation.ISSUES, PLAN, said(first, HOSTILE_SENTENCE)),
                Statement(
                    PLAN, Relation.TARGETS, METRIC, said(first, "科技型企业达到8.6万家。", 20)
                ),
                Statement(PLAN, Relation.ISSUED_BY, AGENCY, said(first, "市经信委印发。", 30)),
            ],
        ),
        ArticleFacts(
            second,
            statements=[
                Statement(HOSTILE, Relation.LOCATES_IN, YUBEI, said(second, "该企业落户渝北区。")),
            ],
        ),
    ]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return build_graph(viz_corpus())


@pytest.fixture(scope="module")
def view(graph):
    return graph_view(graph)


def node(view, name):
    (found,) = [n for n in view.nodes if n.name == name]
    return found


def embedded_data(page: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def test_viz_view_draws_only_entities(view):
    assert sorted(n.kind for n in view.nodes) == sorted(
        ["Province", "District", "Plan", "Metric", "Agency", "Enterprise", "Enterprise"]
    )
    relations = sorted(e.relation for e in view.edges)
    assert relations == ["issuedBy", "issues", "locatesIn", "partOf", "targets"]


@pytest.mark.parametrize(
    "name,kind",
    [
        ("重庆市", "Province"),
        ("渝北区", "District"),
        ("重庆市推动优质中小企业梯度培育改革工作方案", "Plan"),
        ("科技型企业 ≥ 8.6万家 (2027)", "Metric"),
        ("重庆市经济和信息化委员会", "Agency"),
        ("孤立企业有限公司", "Enterprise"),
    ],
)
def test_viz_view_colour_and_shape_per_class(view, name, kind):
    found = node(view, name)
    assert found.kind == kind
    assert (found.color, found.shape) == (CLASS_STYLES[kind].color, CLASS_STYLES[kind].shape)


def test_viz_view_classes_look_different():
    looks = [(s.color, s.shape) for s in CLASS_STYLES.values()]
    assert len(set(looks)) == len(looks)
    assert len({s.color for s in CLASS_STYLES.values()}) == len(looks)


def test_viz_view_metric_label_has_value_unit_and_year(view):
    metric = node(view, "科技型企业 ≥ 8.6万家 (2027)")
    assert metric.label.replace("\n", " ") == "科技型企业 ≥ 8.6万家 (2027)"
    assert ("年份", "2027") in metric.details and ("单位", "家") in metric.details


def test_viz_view_size_grows_with_degree(view):
    plan, lonely = node(view, PLAN.label), node(view, LONELY.label)
    assert (plan.degree, lonely.degree) == (3, 0)
    assert plan.size > node(view, AGENCY.label).size > lonely.size


def test_viz_view_edges_carry_evidence_and_article(view):
    plan = node(view, PLAN.label)
    (issues,) = [e for e in view.edges if e.relation == "issues"]
    assert issues.target == plan.id
    (evidence,) = issues.evidence
    assert evidence.sentence == HOSTILE_SENTENCE
    assert view.articles[evidence.article].title == HOSTILE_TITLE
    assert view.articles[evidence.article].source == "seeds/cq.txt"
    (part_of,) = [e for e in view.edges if e.relation == "partOf"]
    assert part_of.evidence == ()


def test_viz_view_nodes_know_their_province(view):
    chongqing = node(view, "重庆市")
    for name in (
        "渝北区",
        PLAN.label,
        METRIC.metric and "科技型企业 ≥ 8.6万家 (2027)",
        AGENCY.label,
        HOSTILE_LABEL,
    ):
        assert node(view, name).provinces == (chongqing.id,), name
    assert node(view, LONELY.label).provinces == ()


def test_viz_view_keeps_iris_and_mentions(view):
    lonely = node(view, LONELY.label)
    assert lonely.iri.startswith("https://w3id.org/policy-kg/id/enterprise/")
    assert [view.articles[i].source for i in lonely.mentions] == ["seeds/cq.txt"]
    assert ("行政区划代码", "500112") in node(view, "渝北区").details


@pytest.mark.parametrize(
    "text,expected",
    [
        ("重庆市", "重庆市"),
        ("科技型企业 ≥ 8.6万家 (2027)", "科技型企业 ≥\n8.6万家 (2027)"),
        ("全国数据要素市场改革示范区", "全国数据要素市\n场改革示范区"),
        ("一二三四五六七八九十" * 4, "一二三四五六七八九\n十一二三四五六七八\n九十一二三四五六…"),
    ],
)
def test_viz_wrap_label(text, expected):
    assert wrap_label(text) == expected


def test_viz_page_escapes_hostile_text(graph):
    page = page_html(graph_view(graph), title='<b onmouseover="x()">图</b>')
    for raw in (HOSTILE_LABEL, "<img", "<script>window", 'onerror="window'):
        assert raw not in page
    assert "<title>&lt;b onmouseover=&quot;x()&quot;&gt;图&lt;/b&gt;</title>" in page
    data = embedded_data(page)  # the text survives, as text
    assert HOSTILE_LABEL in [n["name"] for n in data["nodes"]]
    assert HOSTILE_TITLE in [a["title"] for a in data["articles"]]
    # The page's own script never parses strings as HTML.
    script = page.rsplit("<script>", 1)[1]
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert '"title"' not in json.dumps(data["nodes"]) + json.dumps(data["edges"])


def test_viz_page_is_offline(graph):
    page = page_html(graph_view(graph))
    assert "<script src" not in page and "<link" not in page
    assert "cdnjs" not in page and "jsdelivr" not in page
    assert re.search(r"""(src|href)\s*=\s*["']?https?:""", page) is None


def test_viz_render_is_byte_identical(graph, tmp_path):
    first = render_html(graph, tmp_path / "a.html")
    reordered = build_graph(list(reversed(viz_corpus())))
    second = render_html(reordered, tmp_path / "sub" / "b.html")
    assert first.read_bytes() == second.read_bytes()
    assert first == tmp_path / "a.html"
    assert list(tmp_path.glob(".*")) == []  # no temporary file left


def test_viz_threshold_switches_physics_off(graph):
    small, large = graph_view(graph), graph_view(graph, physics_threshold=3)
    assert small.physics and not large.physics
    assert embedded_data(page_html(small))["options"]["physics"]["enabled"] is True
    page = page_html(large)
    assert embedded_data(page)["options"]["physics"] == {"enabled": False}
    assert "物理模拟已关闭" in page and large.notice in page and not small.notice
    positions = {(n.x, n.y) for n in large.nodes}
    assert len(positions) == len(large.nodes)  # precomputed, none on top of another


def test_viz_empty_graph(tmp_path):
    path = render_html(Graph(), tmp_path / "empty.html")
    assert embedded_data(path.read_text(encoding="utf-8"))["nodes"] == []


def test_viz_cli_writes_the_page(graph, tmp_path):
    source = tmp_path / "kg.ttl"
    graph.serialize(source, format="turtle")
    out = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["viz", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    # From Turtle, the same bytes as from the graph in memory (the build's kg.html).
    assert out.read_bytes() == render_html(graph, tmp_path / "kg.html").read_bytes()
    assert len(embedded_data(out.read_text(encoding="utf-8"))["nodes"]) == 7


def test_viz_cli_unreadable_graph(tmp_path):
    source = tmp_path / "bad.ttl"
    source.write_text("not turtle at all", encoding="utf-8")
    result = CliRunner().invoke(cli, ["viz", str(source), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 2
    assert "bad.ttl" in result.output
