"""The extraction components on short sentences written for the test."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.pipeline import extract
from kg.types import Article, ArticleFacts, Kind, Relation


def run(nlp, text: str, title: str = "") -> ArticleFacts:
    body = f"{title}\n{text}" if title else text
    (facts,) = extract([Article(id="t", source="test", title=title, text=body)], nlp)
    return facts


def pairs(facts: ArticleFacts, relation: Relation) -> set[tuple[str, str]]:
    return {(s.subject.label, s.object.label) for s in facts.statements if s.relation is relation}


def labels(facts: ArticleFacts, kind: Kind) -> set[str]:
    return {m.entity.label for m in facts.mentions if m.entity.kind is kind}


def test_extract_components_registered(nlp):
    assert nlp.pipe_names == [
        "kg_sentences",
        "kg_mentions",
        "kg_resolve",
        "kg_relations",
        "kg_targets",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "重庆日前印发了《重庆市数字经济发展工作方案》。",
            ("重庆市", "重庆市数字经济发展工作方案"),
        ),
        ("《安徽省企业技术改造促进条例》正式施行。", ("安徽省", "安徽省企业技术改造促进条例")),
        (
            "近日，河北省工信厅印发《全省电子信息产业重点工作清单》。",
            ("河北省", "全省电子信息产业重点工作清单"),
        ),
        (
            "湖南省人民政府办公厅出台《关于加快发展低空经济的若干措施》。",
            ("湖南省", "关于加快发展低空经济的若干措施"),
        ),
    ],
)
def test_extract_issues_by_province(nlp, text, expected):
    assert expected in pairs(run(nlp, text), Relation.ISSUES)


@pytest.mark.parametrize(
    "text",
    [
        "工信部印发《关于促进中小企业发展的指导意见》，湖北将认真贯彻落实。",
        "武汉市政府印发《武汉市数字经济行动计划》。",
        "会上，浙江、江苏的代表介绍了《长三角一体化发展规划纲要》的落实情况。",
    ],
)
def test_extract_issues_not_by_national_city_or_passing_mention(nlp, text):
    assert pairs(run(nlp, text), Relation.ISSUES) == set()


def test_extract_abbreviation_resolves_to_full_title(nlp):
    facts = run(
        nlp,
        "广东省印发《广东省制造业数字化转型实施方案》(以下简称《方案》)。《方案》提出，到2027年，全省规上工业企业数字化改造达到3万家。",
    )
    assert labels(facts, Kind.PLAN) == {"广东省制造业数字化转型实施方案"}


def test_extract_autonomous_region_department_issues(nlp):
    facts = run(nlp, "内蒙古自治区人民政府出台《内蒙古自治区促进民营经济发展若干措施》。")
    assert pairs(facts, Relation.ISSUES) == {
        ("内蒙古自治区", "内蒙古自治区促进民营经济发展若干措施")
    }
    assert pairs(facts, Relation.ISSUED_BY) == {
        ("内蒙古自治区促进民营经济发展若干措施", "内蒙古自治区人民政府")
    }


def test_extract_joint_issuers_are_all_kept(nlp):
    facts = run(nlp, "山东省发展改革委、省能源局近日联合印发《山东省氢能产业发展规划》。")
    assert pairs(facts, Relation.ISSUED_BY) == {
        ("山东省氢能产业发展规划", "山东省发展和改革委员会"),
        ("山东省氢能产业发展规划", "山东省能源局"),
    }


def test_extract_document_title_is_its_plan(nlp):
    """A notice's attachment opens with its own title, without 《》."""
    facts = run(
        nlp,
        "一、总体目标。到2027年，全省通用机场达到15个。",
        title="四川省促进低空经济发展若干措施",
    )
    assert ("四川省", "四川省促进低空经济发展若干措施") not in pairs(facts, Relation.ISSUES)
    (metric,) = metrics(facts)
    assert (metric.indicator, metric.quantity.value, metric.year) == ("通用机场", Decimal(15), 2027)


def test_extract_headline_about_a_plan_is_no_plan(nlp):
    facts = run(
        nlp,
        "本报讯 陕西省工信厅印发《陕西省传感器产业链标准体系建设指南》。",
        title="陕西构建传感器产业链标准体系框架",
    )
    assert labels(facts, Kind.PLAN) == {"陕西省传感器产业链标准体系建设指南"}


def test_extract_province_alias_and_full_name_are_one(nlp):
    facts = run(nlp, "四川召开会议。四川省经信厅介绍了情况。")
    assert labels(facts, Kind.PROVINCE) == {"四川省"}


@pytest.mark.parametrize(
    ("text", "provinces"),
    [
        ("多家渝企参加了展会。", {"重庆市"}),
        ("鄂州市推进产业升级。", set()),
        ("京津冀协同发展。", set()),
    ],
)
def test_extract_one_character_alias_only_in_context(nlp, text, provinces):
    assert labels(run(nlp, text), Kind.PROVINCE) == provinces


def test_extract_agency_is_not_enterprise(nlp):
    facts = run(nlp, "江西省工业和信息化厅与南昌大学、中国科学院签署合作协议。")
    assert labels(facts, Kind.ENTERPRISE) == set()


@pytest.mark.parametrize(
    ("text", "firm", "place"),
    [
        ("云帆数据集团总部落户成都市天府新区。", "云帆数据集团", "天府新区"),
        ("知名企业远航集团在合肥市高新区投资50亿元建设新能源基地。", "远航集团", "高新区"),
        ("宜昌瑞丰化工、荆州楚凯冶金等12个项目集中开工。", "瑞丰化工", "宜昌市"),
        ("南昌市高新区的江铃汽车、晶能光电等企业将获得支持。", "江铃汽车", "南昌市高新区"),
        ("星河五菱在柳州市柳东新区投资建设新工厂。", "星河五菱", "柳州市柳东新区"),
        ("云帆数据集团总部落户深圳前海。", "云帆数据集团", "深圳前海"),
    ],
)
def test_extract_locates_in(nlp, text, firm, place):
    found = pairs(run(nlp, text), Relation.LOCATES_IN)
    assert any(firm in f and place in p for f, p in found), found


def test_extract_brand_with_city_is_its_plant_there(nlp):
    facts = run(nlp, "湖南将加快比亚迪长沙、吉利湘潭等重点项目建设。")
    assert {("比亚迪长沙", "长沙市"), ("吉利湘潭", "湘潭市")} <= pairs(facts, Relation.LOCATES_IN)


def test_extract_locates_in_not_for_praise(nlp):
    facts = run(nlp, "长沙市领导参观了远航集团的展台，称赞其产品质量。")
    assert pairs(facts, Relation.LOCATES_IN) == set()


def metrics(facts: ArticleFacts):
    return [s.object.metric for s in facts.statements if s.relation is Relation.TARGETS]


PLAN_TEXT = "湖南省印发《湖南省科技创新行动方案》。《方案》提出，{}"


@pytest.mark.parametrize(
    ("goal", "indicator", "value", "unit", "year", "period", "bound"),
    [
        (
            "到2030年，全省高新技术企业达到2万家。",
            "高新技术企业",
            Decimal(20000),
            "家",
            2030,
            None,
            None,
        ),
        (
            "每年新增专精特新企业300家以上。",
            "专精特新企业",
            Decimal(300),
            "家",
            None,
            "annual",
            "min",
        ),
        (
            "到2027年，数字经济规模突破1.5万亿元。",
            "数字经济规模",
            Decimal("1.5e12"),
            "元",
            2027,
            None,
            "min",
        ),
        (
            "到2026年，建成8-10个未来产业先导区。",
            "未来产业先导区",
            Decimal(8),
            "个",
            2026,
            None,
            None,
        ),
    ],
)
def test_extract_targets(nlp, goal, indicator, value, unit, year, period, bound):
    (metric,) = metrics(run(nlp, PLAN_TEXT.format(goal)))
    assert indicator in metric.indicator
    assert (metric.quantity.value, metric.quantity.unit, metric.year) == (value, unit, year)
    assert (metric.period, metric.quantity.bound) == (period, bound)


@pytest.mark.parametrize(
    "fact",
    [
        "截至2023年底，全省已累计培育高新技术企业1.5万家。",
        "《方案》共包括6个方面20条具体措施。",
        "2022年全省规模以上工业增加值增长7.2%。",
        "对首次认定的企业给予50万元奖励。",
    ],
)
def test_extract_targets_not_facts_of_the_past_or_structure(nlp, fact):
    assert metrics(run(nlp, PLAN_TEXT.format(fact))) == []


def test_extract_targets_not_from_the_headline(nlp):
    text = PLAN_TEXT.format("力争到2027年，全省专精特新企业达到6000家。")
    assert [
        m.quantity.value for m in metrics(run(nlp, text, title="湖南力争三年新增千家专精特新企业"))
    ] == [6000]


def test_extract_targets_need_a_plan(nlp):
    assert metrics(run(nlp, "会议要求，到2027年全省高新技术企业达到2万家。")) == []
