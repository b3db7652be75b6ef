"""kg_targets: Plan → Metric, the numbers a plan sets as goals.

A sentence's targets belong to the plan it names (by title or abbreviation) or,
failing that, to the plan whose passage it sits in: the last plan named within
``passage_sentences`` sentences.  A quantity is a target when its clause reads
as a goal (到2027年, 力争, 每年, 新增 …) and not as a fact of the past (截至,
已累计 …); structure counts (6个方面20条) and money already spent are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import RuleComponent, doc_text, span_text
from kg.extract import lexicon as lx
from kg.extract.relations import evidence_of, sentences_with_mentions
from kg.types import Entity, Kind, Mention, Metric, Relation, Statement

_CLAUSE = re.compile(r"[，,；;：:。！？!?\n]")
_STRUCTURE_AFTER = re.compile(
    r"^(个)?(方面|章|条|节|款|大|环节|重点任务|项任务|项措施|项重点|类|部分|篇)"
)
_STRUCTURE_BEFORE = re.compile(
    r"((共|分为|包括|涵盖|从)[^，,；;。]{0,6}|[一二三四五六七八九十\d]+大(方向|领域|板块|行动|工程|任务|体系))$"
)
_INCENTIVE = re.compile(
    r"((给予|予以)[^，。；]{0,12}(\d|[一二三四五六七八九十百千]万?元|奖励|补助|补贴|资助)"
    r"|奖励|补助|补贴|资助|每(个|家|项)(项目|企业)?[^，。；]{0,4}(拟|最高)?支持)"
)
_ITEM = re.compile(
    r"^\s*([一二三四五六七八九十]+是|[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.、])"
)
_BASE_YEAR = re.compile(
    r"(较|比|相比|同比|相较|对比)\s*$"
)  # 较2023年增长28%: a base, not a deadline
_BARE_INDICATOR = re.compile(
    r"(年均|每年|年度|新增|增长|增加|提高|提升|达到|突破|超过|累计|培育|引进|新建|建成)+"
)
_BARE_YEAR = re.compile(r"(?<![到至争计])(?:19|20)\d{2}\s*年(?!\s*(?:底|末|年底|年末|前|内|起))")
_FORWARD = re.compile(
    r"(到\s*\d{4}\s*年|至\s*\d{4}\s*年|力争|目标|争取|确保|计划|预计|将|每年|年均)"
)
_EFFECT = re.compile(r"(带动|拉动|撬动)")
_COUNTED_ITEMS = re.compile(r"^[^，。；]{0,8}?(项目|企业|产品|平台|工厂|园区)")
_SPENT = re.compile(r"(已|累计|完成|下达|拨付|安排|统筹|总投资|投资额|投入了|共投入|资金)")
_ANNUAL = re.compile(r"(每年|年均|每年度|年度)")
_CUMULATIVE_NOISE = re.compile(r"^(到|至|截至)?\d{4}年(年底|年末|底|末|前)?[，,]?")
_LEAD_NOISE = re.compile(
    r"^(?:[，,、\s]|到|至|力争|争取|确保|目标|预计|计划|全年|年内|其中|同时|此外|并|将|要|推动|推进|加快|"
    r"提出|明确|要求|指出|强调|"
    r"支持|全省|全市|全区|我省|我市|再|再次|进一步|实现)+"
)
_TAIL_NOISE = re.compile(
    r"(年内实现|年内|达到|达|突破|超过|实现|提升至|提高到|提高至|增至|达到了|不少于|不低于|至少|约|近|为|在|"
    r"力争|争取|确保|预计|计划|将|要|翻一番|翻番|)$"
)
_AFTER_STOP = re.compile(r"(以上|左右|上下|，|,|。|；|;|、|等|和|及|，)")
_HEAD = re.compile(rf"^[{lx.CJK}A-Za-z“”\"()（）·]{{2,24}}$")
_YEAR_PHRASE = re.compile(
    r"(到|至|截至|力争|争取|在)?\s*(\d{4}|[\"“]?十[四五六]五[\"”]?)\s*年?(年底|年末|底|末|前|期间|内)?[，,]?"
)


def _without_province(text: str) -> str:
    """An indicator without the province's name opening it (某省科技型企业 → 科技型企业)."""
    from kg.gazetteer import load_gazetteer

    return text[len(load_gazetteer().province_prefix(text)) :]


@dataclass(frozen=True)
class PlanContext:
    plan: Entity
    sentence_index: int
    year: int | None
    items: bool = False  # inside the plan's enumerated items (一是…, (二)…)


def _quoted(text: str, at: int) -> bool:
    """Whether offset ``at`` lies inside quotation marks (举办“百场万企”活动)."""
    before = text[:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def plan_year(title: str) -> int | None:
    """The one year a plan is for (2024年某省工业稳增长若干举措), not a period (2024-2026年)."""
    years = re.findall(r"((?:19|20)\d{2})\s*年?", title)
    return (
        int(years[0]) if len(years) == 1 and not re.search(r"\d{4}\s*[-—–~至到]", title) else None
    )


def scope_year(doc: Doc, plans: list[Mention]) -> int | None:
    """A year written right after a plan's name is the year of the whole passage:
    《工作清单》提出，2025年我省将… / 实施“星火”计划2024年专项行动."""
    from kg.numbers import find_years

    text = doc_text(doc)
    for plan in plans:
        window = text[plan.end : plan.end + 16]
        found = [y for s, _e, y in find_years(window) if s <= 10]
        if found:
            return found[0]
    return None


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in _CLAUSE.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in _CLAUSE.finditer(text, end)), len(text))
    return left, right


def _segment_bounds(text: str, start: int, end: int, left: int, right: int) -> tuple[int, int]:
    """Within a clause, the 、-separated item holding the quantity."""
    seg_left = max((i + 1 for i in range(left, start) if text[i] == "、"), default=left)
    seg_right = next((i for i in range(end, right) if text[i] == "、"), right)
    return seg_left, seg_right


def indicator_for(text: str, start: int, end: int, left: int, right: int) -> str:
    """What is counted: the words before the quantity joined to the noun phrase after it.

    到2027年，重庆科技型企业达到8.6万家 → 科技型企业; 形成规模1000亿元的基金群 → 形成规模基金群;
    打造8-10个特色鲜明的市级先导区 → 打造市级先导区.
    """
    seg_left, seg_right = _segment_bounds(text, start, end, left, right)
    before = _clean_before(text[seg_left:start])
    after = _AFTER_STOP.split(text[end:seg_right], maxsplit=1)[0]
    head = after.rsplit("的", 1)[-1] if "的" in after else after
    head = re.split(r"[(（]", head, maxsplit=1)[0].strip(' "“”')
    if not _HEAD.match(head):
        head = ""
    indicator = (before + head).strip()
    if len(indicator) < 2 and seg_left == left and left > 0:
        # …某省高新技术企业数量翻一番,达到3万家左右: the subject is in the clause before
        prior_left, _ = _clause_bounds(text, left - 1, left - 1)
        indicator = _clean_before(text[prior_left : left - 1])
    return indicator


def _clean_before(before: str) -> str:
    before = _YEAR_PHRASE.sub("", before)
    before = _LEAD_NOISE.sub("", before)
    before = _without_province(before)
    before = _LEAD_NOISE.sub("", before)
    while True:
        trimmed = _TAIL_NOISE.sub("", before).strip("，,、 ")
        if trimmed == before:
            return before
        before = trimmed


def is_goal(clause: str, sentence: str, before: str, plan_items: bool = False) -> bool:
    """A goal, not a fact: no past marker in its clause or, unless a goal marker follows it,
    earlier in the sentence (截至今年一季度，已累计培育…，认定…12167家).

    In the enumerated items of a plan (一是…, (二)…) a number needs no goal word: the
    items are what the plan will do."""
    if lx.PAST_MARKERS.search(clause) or _INCENTIVE.search(sentence):
        return False
    past = list(lx.PAST_MARKERS.finditer(before))
    if past and not _FORWARD.search(before[past[-1].end() :]):
        return False
    if _BARE_YEAR.search(clause) and not _FORWARD.search(clause):
        return False  # 2022年全省工业增加值增长7.2%: a statement about that year
    return plan_items or bool(lx.TARGET_MARKERS.search(sentence))


def find_targets(
    doc: Doc, sentence: Span, context: PlanContext, mentions: list[Mention]
) -> Iterator[Statement]:
    from kg.numbers import find_quantities, find_years

    text = span_text(sentence)
    if not context.items and not lx.TARGET_MARKERS.search(text):
        return  # no goal word: is_goal would refuse every number of the sentence
    evidence = None
    previous = ""
    for match in find_quantities(text):
        left, right = _clause_bounds(text, match.start, match.end)
        clause = text[left:right]
        if not is_goal(clause, text, text[: match.start], context.items):
            continue
        if _quoted(text, match.start):
            continue
        if _STRUCTURE_AFTER.match(text[match.end :]) or _STRUCTURE_BEFORE.search(
            text[left : match.start]
        ):
            continue
        if text[: match.start].endswith("等") and not _COUNTED_ITEMS.match(text[match.end :]):
            continue  # 沉浸技术等3个(方向): a count of the list just given
        if _EFFECT.search(text[left : match.start]):
            continue
        quantity = match.quantity
        if quantity.unit == "元" and _SPENT.search(text[left : match.start]):
            continue
        if quantity.unit in {"年", "月", "日", "条", "章", "节", "款"}:
            continue
        annual = bool(_ANNUAL.search(text[max(0, left - 2) : match.start]))
        year = None
        if not annual:
            years = [
                y
                for s, _e, y in find_years(text[: match.start])
                if not _BASE_YEAR.search(text[max(0, s - 3) : s])
            ]
            year = years[-1] if years else context.year
        indicator = indicator_for(text, match.start, match.end, left, right)
        if previous and _BARE_INDICATOR.fullmatch(indicator):
            indicator = previous + indicator  # …企业达到6000家左右，年均新增1000家
        if len(indicator) < 2:
            continue
        previous = _BARE_INDICATOR.sub("", indicator) or previous
        metric = Metric(indicator, quantity, year=year, period="annual" if annual else None)
        key = "|".join(
            (
                context.plan.key,
                indicator,
                str(quantity.value),
                quantity.unit,
                str(year or ""),
                str(quantity.value_max or ""),
                metric.period or "",
                quantity.bound or "",
            )
        )
        entity = Entity(Kind.METRIC, key, indicator, metric=metric)
        evidence = evidence or evidence_of(doc, sentence)
        yield Statement(context.plan, Relation.TARGETS, entity, evidence)


_TOPIC_BEFORE = re.compile(
    r"(根据|按照|依据|对照|通过|围绕|印发|发布|出台|制定|施行|公布|推出|印发了|发布了|：|:|，|,|^)\s*$"
)
_TOPIC_AFTER = re.compile(
    r"^\s*(》)?\s*[)）]?\s*(提出|明确|指出|要求|规定|强调|显示|部署|从|共|还|也|将|是|主要|聚焦|围绕|着眼|系统|通过|印发|发布|出台|施行|实施)"
)


def _is_topic(sentence: Span, plan: Mention) -> bool:
    """Whether the sentence is about ``plan`` (《计划》提出…, 根据《计划》…, 印发《计划》),
    not one that merely cites it (编制《京津冀…方案》)."""
    text, base = doc_text(sentence.doc), sentence.start_char
    before = text[max(base, plan.start - 6) : plan.start - 1]
    after = text[plan.end : plan.end + 8]
    return bool(_TOPIC_BEFORE.search(before) or _TOPIC_AFTER.match(after))


def _is_headline(doc: Doc, sentence: Span) -> bool:
    if sentence.start_char != 0:
        return False
    article = doc._.article
    return bool(article and article.title and span_text(sentence).strip() == article.title.strip())


class TargetFinder(RuleComponent):
    def __init__(self, name: str, passage_sentences: int) -> None:
        super().__init__(name)
        self.passage_sentences = passage_sentences
        import kg.numbers  # noqa: F401  cn2an loads in half a second: with the pipeline

    def __call__(self, doc: Doc) -> Doc:
        statements = list(doc._.statements or [])
        context: PlanContext | None = None
        plans = {s._.entity.key: s._.entity for s in doc.spans["kg_mentions"] if s.label_ == "Plan"}
        if len(plans) == 1:  # goals stated before the one plan of the article is named
            only = next(iter(plans.values()))
            context = PlanContext(only, 0, plan_year(only.label))
        for index, (sentence, mentions) in enumerate(sentences_with_mentions(doc)):
            plans = [m for m in mentions if m.kind is Kind.PLAN]
            topical = [m for m in plans if _is_topic(sentence, m) or context is None]
            if topical:
                plan = topical[-1].entity
                same = context is not None and plan.key == context.plan.key
                carried = context.year if same and context is not None else None
                year = scope_year(doc, topical) or carried or plan_year(plan.label)
                context = PlanContext(plan, index, year)
            elif context is not None and index - context.sentence_index > self.passage_sentences:
                context = None
            elif context is not None and any(m.entity.key == context.plan.key for m in plans):
                year = scope_year(doc, [m for m in plans if m.entity.key == context.plan.key])
                if year is not None:  # 在实施“星火”计划2024年专项行动中…
                    context = PlanContext(context.plan, index, year, context.items)
            if context is not None and _ITEM.match(span_text(sentence)) and not context.items:
                context = PlanContext(context.plan, context.sentence_index, context.year, True)
            if context is None or _is_headline(doc, sentence):
                continue  # a headline sums up goals the body states again
            statements.extend(find_targets(doc, sentence, context, mentions))
        doc._.statements = statements
        return doc


@Language.factory(
    "kg_targets",
    default_config={"passage_sentences": 30},
    requires=["doc.spans"],
    assigns=["doc._.statements"],
)
def make_target_finder(nlp: Language, name: str, passage_sentences: int) -> TargetFinder:
    return TargetFinder(name, passage_sentences)
