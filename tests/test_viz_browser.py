"""kg.viz pages in Debian's Chromium: offline, drawn, searchable, filterable, inert text."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph
from test_viz import HOSTILE_LABEL, HOSTILE_SENTENCE, HOSTILE_TITLE, viz_corpus

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
from kg.viz import graph_view, render_html

pytestmark = pytest.mark.browser

READY = """() => window.kgDrawMs !== undefined
  && (!window.kg.data.physics || window.kgStableMs !== undefined)"""


@dataclass
class Loaded:
    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)


@pytest.fixture
def load(browser):
    pages = []

    def open_page(path: Path, timeout_ms: int = 60_000) -> Loaded:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        loaded = Loaded(page)
        page.on("console", lambda m: m.type == "error" and loaded.errors.append(m.text))
        page.on("pageerror", lambda e: loaded.errors.append(str(e)))
        page.on("request", lambda r: loaded.requests.append(r.url))
        pages.append(page)
        page.goto(path.resolve().as_uri())
        page.wait_for_function(READY, timeout=timeout_ms)
        return loaded

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def small_page(tmp_path_factory) -> Path:
    """The hand-made graph with physics on (the default below the threshold)."""
    return render_html(build_graph(viz_corpus()), tmp_path_factory.mktemp("viz") / "kg.html")


@pytest.fixture(scope="module")
def still_page(tmp_path_factory) -> Path:
    """The same graph without physics: nodes stay where the test points the mouse."""
    path = tmp_path_factory.mktemp("viz") / "still.html"
    return render_html(build_graph(viz_corpus()), path, physics_threshold=0)


def node_id(loaded: Loaded, name: str) -> int:
    return loaded.js("n => kg.data.nodes.find(x => x.name === n).id", name)


def node_point(loaded: Loaded, name: str) -> tuple[float, float]:
    """Where a node is on the page, in CSS pixels."""
    box = loaded.page.locator("#kg-network").bounding_box()
    point = loaded.js(
        "id => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", node_id(loaded, name)
    )
    return box["x"] + point["x"], box["y"] + point["y"]


def assert_offline_and_quiet(loaded: Loaded) -> None:
    assert loaded.errors == []
    assert [u for u in loaded.requests if not u.startswith(("file:", "data:"))] == []


def test_viz_browser_page_draws_every_node_offline(load, small_page):
    loaded = load(small_page)
    assert_offline_and_quiet(loaded)
    assert loaded.js("kg.nodes.length") == 7
    assert loaded.js("kg.edges.length") == 5
    assert loaded.js("kg.network.body.nodeIndices.length") == 7
    assert loaded.js("kg.data.physics") is True
    assert loaded.page.locator("#kg-legend input").count() == 6
    assert loaded.page.title() == "policy-kg"


def test_viz_browser_search_finds_and_selects(load, small_page):
    loaded = load(small_page)
    loaded.page.fill("#kg-search", "渝北")
    loaded.page.press("#kg-search", "Enter")
    assert loaded.js("kg.network.getSelectedNodes()") == [node_id(loaded, "渝北区")]
    details = loaded.page.locator("#kg-details")
    assert details.is_visible()
    assert "https://w3id.org/policy-kg/id/district/500112" in details.inner_text()
    assert "第 1 / 1 个匹配" in loaded.page.inner_text("#kg-search-status")
    loaded.page.fill("#kg-search", "不存在的名字")
    loaded.page.press("#kg-search", "Enter")
    assert "没有找到" in loaded.page.inner_text("#kg-search-status")
    assert_offline_and_quiet(loaded)


def test_viz_browser_hostile_text_is_shown_not_run(load, small_page):
    loaded = load(small_page)
    loaded.page.fill("#kg-search", "重庆市推动")
    loaded.page.press("#kg-search", "Enter")
    text = loaded.page.inner_text("#kg-details-body")
    assert HOSTILE_SENTENCE in text and HOSTILE_TITLE in text
    loaded.page.fill("#kg-search", HOSTILE_LABEL)
    loaded.page.press("#kg-search", "Enter")
    assert loaded.js("kg.network.getSelectedNodes()") == [node_id(loaded, HOSTILE_LABEL)]
    assert HOSTILE_LABEL in loaded.page.inner_text("#kg-details-body")
    assert loaded.page.locator("body img, #kg-details script, #kg-tip *:not(div)").count() == 0
    assert loaded.js("window.kgPwned") is None
    assert_offline_and_quiet(loaded)  # an <img src=x> that ran would have asked for file:///…/x
    assert not [u for u in loaded.requests if u.endswith("/x")]


def test_viz_browser_hover_and_click_show_details(load, still_page):
    loaded = load(still_page)
    x, y = node_point(loaded, HOSTILE_LABEL)
    loaded.page.mouse.move(x, y)
    tip = loaded.page.locator("#kg-tip")
    tip.wait_for(state="visible")
    assert HOSTILE_LABEL in tip.inner_text() and "企业" in tip.inner_text()
    x, y = node_point(loaded, "重庆市推动优质中小企业梯度培育改革工作方案")
    loaded.page.mouse.click(x, y)
    body = loaded.page.inner_text("#kg-details-body")
    assert "事实与证据（3）" in body
    assert "科技型企业达到8.6万家。" in body and "seeds/cq.txt" in body
    assert loaded.js("window.kgPwned") is None
    assert_offline_and_quiet(loaded)


def test_viz_browser_filters_hide_nodes(load, small_page):
    loaded = load(small_page)
    hidden = "kg.nodes.get({filter: n => n.hidden}).length"
    loaded.page.uncheck('#kg-legend input[data-kind="Metric"]')
    assert loaded.js(hidden) == 1
    assert loaded.js("kg.network.body.nodeIndices.length") == 6
    loaded.page.uncheck('#kg-legend input[data-kind="Enterprise"]')
    assert loaded.js(hidden) == 3
    loaded.page.check('#kg-legend input[data-kind="Metric"]')
    loaded.page.check('#kg-legend input[data-kind="Enterprise"]')
    assert loaded.js(hidden) == 0
    loaded.page.select_option("#kg-province", "none")  # the one entity tied to no province
    assert loaded.js("kg.nodes.get({filter: n => !n.hidden}).map(n => n.id)") == [
        node_id(loaded, "孤立企业有限公司")
    ]
    loaded.page.select_option("#kg-province", str(node_id(loaded, "重庆市")))
    assert loaded.js(hidden) == 1
    assert "显示 6 / 7 个节点" in loaded.page.inner_text("#kg-visible")
    loaded.page.click("#kg-reset")
    assert loaded.js(hidden) == 0
    assert_offline_and_quiet(loaded)


@pytest.mark.slow
def test_viz_browser_seeds_settle_in_seconds(load, seeds_build, tmp_path):
    graph = Graph().parse(seeds_build / "kg.ttl")
    path = render_html(graph, tmp_path / "kg.html")
    loaded = load(path)
    assert_offline_and_quiet(loaded)
    assert loaded.js("kg.nodes.length") == len(graph_view(graph).nodes)
    assert loaded.js("kg.data.physics") is True
    assert loaded.js("window.kgStableMs") < 5_000


def synthetic_corpus(provinces: int = 31) -> list[ArticleFacts]:
    """About 161 entities per province: 31 provinces make a graph of 4,991 nodes."""
    corpus = []
    for p in range(provinces):
        code = f"{11 + p:02d}0000"
        province = Entity(Kind.PROVINCE, code, f"测试省{p}", code=code, level="province")
        article = Article(
            id=f"a{p:04d}", source=f"synthetic/{p:02d}.txt", title=f"第{p}篇测试文章", text="……"
        )
        facts = ArticleFacts(article)

        def said(i: int, article: Article = article) -> Evidence:
            return Evidence(article.id, f"第{i}句。", i, i + 4)

        districts = []
        for d in range(20):
            dc = f"{11 + p:02d}{d + 1:02d}00"
            districts.append(
                Entity(Kind.DISTRICT, dc, f"测试市{p}-{d}", code=dc, level="city", part_of=province)
            )
            facts.mentions.append(Mentioned(districts[-1], said(d)))
        agencies = [Entity(Kind.AGENCY, f"省{p}机构{a}", f"测试省{p}机构{a}") for a in range(5)]
        for k in range(40):
            plan = Entity(Kind.PLAN, f"省{p}规划{k}", f"测试省{p}第{k}号产业发展行动计划")
            facts.statements.append(Statement(province, Relation.ISSUES, plan, said(k)))
            facts.statements.append(Statement(plan, Relation.ISSUED_BY, agencies[k % 5], said(k)))
            for m in range(2):
                metric = Metric(f"指标{p}-{k}-{m}", Quantity(Decimal(k + m + 1), "家"), year=2027)
                entity = Entity(Kind.METRIC, f"m{p}-{k}-{m}", metric.indicator, metric=metric)
                facts.statements.append(Statement(plan, Relation.TARGETS, entity, said(m)))
        for e in range(15):
            firm = Entity(Kind.ENTERPRISE, f"企业{p}-{e}", f"测试企业{p}-{e}有限公司")
            facts.statements.append(
                Statement(firm, Relation.LOCATES_IN, districts[e % 20], said(e))
            )
        corpus.append(facts)
    return corpus


@pytest.mark.slow
def test_viz_browser_5000_nodes_draw_without_physics(load, tmp_path, record_property):
    path = render_html(build_graph(synthetic_corpus()), tmp_path / "big.html")
    loaded = load(path, timeout_ms=120_000)
    assert_offline_and_quiet(loaded)
    assert loaded.js("kg.nodes.length") == 4991
    assert loaded.js("kg.network.body.nodeIndices.length") == 4991
    assert loaded.js("kg.data.physics") is False
    assert "物理模拟已关闭" in loaded.page.inner_text("#kg-notice")
    draw_ms = loaded.js("window.kgDrawMs")
    record_property("draw_ms_5000_nodes", round(draw_ms))
    assert draw_ms < 20_000  # about 1.5 s here; the bound only catches a page that hangs
    loaded.page.fill("#kg-search", "测试企业30-14有限公司")
    loaded.page.press("#kg-search", "Enter")
    assert loaded.js("kg.network.getSelectedNodes()") == [node_id(loaded, "测试企业30-14有限公司")]
