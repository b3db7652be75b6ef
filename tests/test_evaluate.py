"""kg.evaluate and `kg eval`: scores of small hand-made graphs against small gold files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.cli import cli
from kg.evaluate import (
    evaluate,
    indicator_overlap,
    match,
    normalize_label,
    province_key,
    same_or_containing,
    same_plan,
)
from kg.graph import build_dataset, build_graph
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

PLAN = "重庆市推动优质中小企业梯度培育改革工作方案"
ARTICLE = Article(id="a1", source="test.txt", title="重庆", text="……")
EVIDENCE = Evidence(article_id="a1", sentence="……", start=0, end=2)


def entity(kind: Kind, label: str) -> Entity:
    return Entity(kind=kind, key=label, label=label)


def metric(indicator: str, value: int, unit: str = "家", year: int | None = 2027) -> Entity:
    quantity = Quantity(value=Decimal(value), unit=unit)
    found = Metric(indicator=indicator, quantity=quantity, year=year)
    return Entity(Kind.METRIC, key=f"{indicator}{value}{unit}{year}", label=indicator, metric=found)


def fact(subject: Entity, relation: Relation, obj: Entity) -> Statement:
    return Statement(subject, relation, obj, EVIDENCE)


def make_graph(*items: Entity | Statement) -> Graph:
    """A graph of one article: bare entities are mentions, statements are facts."""
    facts = ArticleFacts(article=ARTICLE)
    for item in items:
        if isinstance(item, Statement):
            facts.statements.append(item)
        else:
            facts.mentions.append(Mentioned(item, EVIDENCE))
    return build_graph([facts])


def make_gold(**article: object) -> dict:
    return {"corpus": "test", "files": {"test.txt": {"articles": [{"title": "重庆", **article}]}}}


def target(indicator: str, value: float, unit: str = "家", year: int | None = 2027, **extra):
    return {
        "plan": PLAN,
        "indicator": indicator,
        "value": value,
        "unit": unit,
        "year": year,
        **extra,
    }


CHONGQING = entity(Kind.PROVINCE, "重庆市")
PLAN_NODE = entity(Kind.PLAN, PLAN)
COMPANY = entity(Kind.ENTERPRISE, "湖北数据集团")
PLACE = entity(Kind.DISTRICT, "武汉光谷")

GRAPH_ITEMS = (
    fact(CHONGQING, Relation.ISSUES, PLAN_NODE),
    fact(PLAN_NODE, Relation.TARGETS, metric("科技型企业", 86000)),
    fact(PLAN_NODE, Relation.TARGETS, metric("高新技术企业", 12800)),
    fact(COMPANY, Relation.LOCATES_IN, PLACE),
)
GOLD = make_gold(
    provinces=["重庆市"],
    plans=[PLAN],
    enterprises=["湖北数据集团"],
    districts=["武汉光谷"],
    issues=[["重庆市", PLAN]],
    targets=[target("科技型企业", 86000), target("高新技术企业", 12800)],
    locates_in=[["湖北数据集团", "武汉光谷"]],
)


def test_evaluate_perfect_score():
    result = evaluate(make_graph(*GRAPH_ITEMS), GOLD)
    for score in (*result.entities.values(), *result.relations.values()):
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert result.relations["targets"].true_positives == 2
    assert result.relations["targets"].year_accuracy == 1.0
    assert result.relations_macro_f1 == 1.0
    assert all(not m.missed and not m.false_positives for m in result.errors.values())


def test_evaluate_miss():
    gold = {**GOLD, "files": json.loads(json.dumps(GOLD["files"]))}
    article = gold["files"]["test.txt"]["articles"][0]
    article["enterprises"].append("比亚迪")
    article["targets"].append(target("专精特新中小企业", 5000))
    result = evaluate(make_graph(*GRAPH_ITEMS), gold)
    enterprises, targets = result.entities["Enterprise"], result.relations["targets"]
    assert (enterprises.true_positives, enterprises.predicted, enterprises.gold) == (1, 1, 2)
    assert (enterprises.precision, enterprises.recall) == (1.0, 0.5)
    assert enterprises.f1 == pytest.approx(2 / 3)
    assert result.errors["Enterprise"].missed == ["比亚迪"]
    assert targets.recall == pytest.approx(2 / 3)
    assert result.errors["targets"].missed == [f"{PLAN} | 专精特新中小企业 = 5000 家 (2027)"]


def test_evaluate_false_positive():
    extra = fact(
        entity(Kind.ENTERPRISE, "比亚迪"), Relation.LOCATES_IN, entity(Kind.DISTRICT, "襄阳")
    )
    result = evaluate(make_graph(*GRAPH_ITEMS, extra), GOLD)
    assert result.relations["locatesIn"].precision == 0.5
    assert result.relations["locatesIn"].recall == 1.0
    assert result.errors["locatesIn"].false_positives == ["比亚迪 → 襄阳"]
    assert result.errors["District"].false_positives == ["襄阳"]
    assert result.entities["Enterprise"].predicted == 2


def test_evaluate_containment_matches_enterprises_and_districts():
    company = entity(Kind.ENTERPRISE, "湖北数据集团有限公司")
    place = entity(Kind.DISTRICT, "光谷")
    result = evaluate(make_graph(fact(company, Relation.LOCATES_IN, place)), GOLD)
    assert result.entities["Enterprise"].true_positives == 1
    assert result.entities["District"].true_positives == 1
    assert result.relations["locatesIn"].true_positives == 1


def test_evaluate_one_character_is_not_containment():
    result = evaluate(make_graph(entity(Kind.DISTRICT, "武")), GOLD)
    assert result.entities["District"].true_positives == 0


def test_evaluate_year_accuracy():
    graph = make_graph(
        fact(PLAN_NODE, Relation.TARGETS, metric("科技型企业", 86000, year=2027)),
        fact(PLAN_NODE, Relation.TARGETS, metric("高新技术企业", 12800, year=2025)),
    )
    targets = evaluate(graph, GOLD).relations["targets"]
    assert targets.true_positives == 2  # the year does not decide the match ...
    assert targets.year_accuracy == 0.5  # ... it is scored on its own


@pytest.mark.parametrize(
    ("indicator", "value", "unit", "matches"),
    [
        ("科技型企业", 86000, "家", True),
        ("科技型企业数量", 86000, "家", True),  # indicators overlap
        ("科技型企业", 86000, "个", False),  # another unit
        ("科技型企业", 80000, "家", False),  # another value
        ("上市公司", 86000, "家", False),  # no overlap
    ],
)
def test_evaluate_target_rules(indicator, value, unit, matches):
    graph = make_graph(fact(PLAN_NODE, Relation.TARGETS, metric(indicator, value, unit)))
    gold = make_gold(targets=[target("科技型企业", 86000)])
    assert evaluate(graph, gold).relations["targets"].true_positives == int(matches)


def test_evaluate_target_value_within_gold_range():
    graph = make_graph(fact(PLAN_NODE, Relation.TARGETS, metric("产业园区", 9, "个")))
    gold = make_gold(targets=[target("产业园区", 8, "个", valueMax=10)])
    assert evaluate(graph, gold).relations["targets"].true_positives == 1


def test_evaluate_provinces_by_canonical_name():
    gold = make_gold(provinces=["重庆"], issues=[["渝", PLAN]])
    result = evaluate(make_graph(fact(CHONGQING, Relation.ISSUES, PLAN_NODE)), gold)
    assert result.entities["Province"].true_positives == 1
    assert result.relations["issues"].true_positives == 1


def test_evaluate_reads_only_our_namespace():
    graph = make_graph(CHONGQING)
    other = Namespace("http://example.org/onto#")
    node = URIRef("http://example.org/id/hubei")
    graph.add((node, RDF.type, other.Province))
    graph.add((node, RDFS.label, Literal("湖北省", lang="zh")))
    assert evaluate(graph, make_gold(provinces=["重庆市"])).entities["Province"].predicted == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "江苏省专精特新企业上市培育三年行动方案(2025—2027)",
            "江苏省专精特新企业上市培育三年行动方案",
            True,
        ),
        ("行动计划（2024-2026年）", "行动计划", True),
        ("行动计划（2024-2026年）", "行动计划(2024—2026年)", True),
        ("“十四五”规划", "十四五规划", True),
        ("行动计划", "实施方案", False),
        ("数字四川发展报告(2023年)", "数字四川发展报告", True),
    ],
)
def test_evaluate_same_plan(a, b, same):
    assert same_plan(a, b) is same


def test_evaluate_normalize_label():
    assert normalize_label(" 《Ａ—Ｂ》 “小巨人” ") == "a-b小巨人"
    assert province_key("鄂") == province_key("湖北") == "湖北省"
    assert province_key("不是省") == "不是省"
    assert same_or_containing("东湖高新区", "武汉东湖高新区")
    assert indicator_overlap("科技型企业", "科技企业") >= 0.5


def test_evaluate_match_exact_first():
    predicted, gold = ["东湖", "东湖高新区"], ["东湖高新区", "东湖新区"]
    assert len(match(predicted, gold, same_or_containing)) == 1  # greedy alone loses one
    exact = lambda a, b: a == b  # noqa: E731
    assert match(predicted, gold, same_or_containing, exact) == [(0, 1), (1, 0)]


def test_evaluate_duplicates_in_gold_count_once():
    gold = make_gold(provinces=["重庆", "重庆市"], plans=[PLAN, PLAN])
    result = evaluate(make_graph(CHONGQING, PLAN_NODE), gold)
    assert result.entities["Province"].gold == 1
    assert result.entities["Plan"].gold == 1


def test_evaluate_empty_gold_and_graph():
    result = evaluate(make_graph(), make_gold())
    assert result.entities["Province"].f1 == 1.0
    assert result.relations["targets"].year_accuracy is None


# --- the command ----------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    graph_file, gold_file = tmp_path / "kg.ttl", tmp_path / "gold.json"
    extra = fact(
        entity(Kind.ENTERPRISE, "比亚迪"), Relation.LOCATES_IN, entity(Kind.DISTRICT, "襄阳")
    )
    make_graph(*GRAPH_ITEMS, extra).serialize(graph_file, format="turtle")
    gold_file.write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return graph_file, gold_file


def test_evaluate_cli_prints_scores(files):
    result = CliRunner().invoke(cli, ["eval", *map(str, files)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["P", "R", "F1", "pred/gold"]
    assert any(line.split()[:4] == ["locatesIn", "0.500", "1.000", "0.667"] for line in lines)
    assert "year accuracy: 1.000" in result.output
    assert "false positive" not in result.output


def test_evaluate_cli_errors(files):
    result = CliRunner().invoke(cli, ["eval", *map(str, files), "--errors"])
    assert result.exit_code == 0, result.output
    assert "locatesIn false positive: 比亚迪 → 襄阳" in result.output.splitlines()


def test_evaluate_cli_json(files):
    result = CliRunner().invoke(cli, ["eval", *map(str, files), "--json", "--errors"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["relations"]["locatesIn"]["precision"] == 0.5
    assert scores["relations"]["targets"]["year_accuracy"] == 1.0
    assert scores["entities"]["Province"]["duplicate_nodes"] == 0
    assert scores["errors"]["District"]["false_positives"] == ["襄阳"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("{not json", "cannot read the gold file"), ("[]", "not a gold file")],
)
def test_evaluate_cli_bad_gold(files, text, message):
    graph_file, gold_file = files
    gold_file.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(graph_file), str(gold_file)])
    assert result.exit_code == 2
    assert message in result.output


def test_evaluate_cli_bad_graph(files):
    graph_file, gold_file = files
    graph_file.write_text("this is not turtle", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(graph_file), str(gold_file)])
    assert result.exit_code == 2
    assert "kg.ttl: cannot read" in result.output


# rdflib's own TriG serializer calls deprecated Dataset methods
@pytest.mark.filterwarnings("ignore:Dataset.* is deprecated:DeprecationWarning")
def test_evaluate_cli_reads_named_graphs(tmp_path, files):
    _, gold_file = files
    trig = tmp_path / "kg.trig"
    facts = ArticleFacts(article=ARTICLE, statements=list(GRAPH_ITEMS))
    build_dataset([facts]).serialize(trig, format="trig")
    result = CliRunner().invoke(cli, ["eval", str(trig), str(gold_file), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["relations_macro_f1"] == 1.0
