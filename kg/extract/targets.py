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

from kg.extract import lexicon as lx
from kg.extract.relations import Mention, evidence_of, sentence_mentions
from kg.extract.resolve import plan_key
from kg.types import Entity, Kind, Metric, Relation, Statement

_CLAUSE = re.compile(r"[，,；;：:。！？!?\n]")
_STRUCTURE_AFTER = re.compile(r"^(个)?(方面|章|条|节|款|大|环节|重点任务|项任务|项措施|项重点|类|部分|篇)")
_STRUCTURE_BEFORE = re.compile(r"(共|分为|包括|涵盖|从)[^，,；;。]{0,6}$")
_SPENT = re.compile(r"(已|累计|完成|下达|拨付|安排|统筹|总投资|投资额|投入了|共投入|资金)")
_ANNUAL = re.compile(r"(每年|年均|每年度|年度)")
_CUMULATIVE_NOISE = re.compile(r"^(到|至|截至)?\d{4}年(年底|年末|底|末|前)?[，,]?")
_LEAD_NOISE = re.compile(
    rf"^(?:[，,、\s]|到|至|力争|争取|确保|目标|预计|计划|全年|年内|其中|同时|此外|并|将|要|"
    rf"全省|全市|全区|我省|我市|新增加|再|再次|进一步)+"
)
_TAIL_NOISE = re.compile(r"(达到|达|突破|超过|实现|提升至|提高到|提高至|增至|达到了|不少于|不低于|至少|约|近|为|在|)$")
_NOUN_AFTER = re.compile(rf"^[的]?([{lx.CJK}A-Za-z“”\"《》()（）·]{{2,24}})")
_AFTER_STOP = re.compile(r"(以上|左右|上下|的|，|,|。|；|;)")


@dataclass(frozen=True)
class PlanContext:
    plan: Entity
    sentence_index: int
    year: int | None


def _period_end(title: str) -> int | None:
    years = re.findall(r"(20\d{2})", title[-16:])
    return int(years[-1]) if years else None


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
    """What is counted: the words before the quantity, or the noun phrase after it."""
    from kg.numbers import find_years

    seg_left, seg_right = _segment_bounds(text, start, end, left, right)
    before = text[seg_left:start]
    for year_start, year_end, _ in find_years(before):
        if year_end - year_start:
            before = before[year_end:] if year_start < 3 else before
    before = _CUMULATIVE_NOISE.sub("", before)
    before = _LEAD_NOISE.sub("", before)
    before = _TAIL_NOISE.sub("", before).strip("，,、 ")
    after = text[end:seg_right]
    after_match = _NOUN_AFTER.match(after)
    after_noun = _AFTER_STOP.split(after_match.group(1))[0] if after_match else ""
    if len(before) >= 2 and not (len(after_noun) >= 2 and len(before) <= 2):
        return before
    return after_noun or before


def is_goal(clause: str, sentence: str) -> bool:
    if lx.PAST_MARKERS.search(clause):
        return False
    return bool(lx.TARGET_MARKERS.search(sentence))


def find_targets(
    doc: Doc, sentence: Span, context: PlanContext, mentions: list[Mention]
) -> Iterator[Statement]:
    from kg.numbers import find_quantities, find_years

    text = sentence.text
    evidence = evidence_of(doc, sentence)
    for match in find_quantities(text):
        left, right = _clause_bounds(text, match.start, match.end)
        clause = text[left:right]
        if not is_goal(clause, text):
            continue
        if _STRUCTURE_AFTER.match(text[match.end :]) or _STRUCTURE_BEFORE.search(
            text[left : match.start]
        ):
            continue
        quantity = match.quantity
        if quantity.unit == "元" and _SPENT.search(text[left : match.start]):
            continue
        if quantity.unit in {"年", "月", "日"}:
            continue
        annual = bool(_ANNUAL.search(text[max(0, left - 2) : match.start]))
        year = None
        if not annual:
            years = [y for s, _e, y in find_years(text[: match.start]) if s >= 0]
            year = years[-1] if years else context.year
            if year is None:
                year = _period_end(context.plan.label)
        indicator = indicator_for(text, match.start, match.end, left, right)
        if len(indicator) < 2:
            continue
        metric = Metric(indicator, quantity, year=year, period="annual" if annual else None)
        key = "|".join(
            (context.plan.key, indicator, str(quantity.value), quantity.unit, str(year or ""),
             str(quantity.value_max or ""), metric.period or "", quantity.bound or "")
        )
        entity = Entity(Kind.METRIC, key, indicator, metric=metric)
        yield Statement(context.plan, Relation.TARGETS, entity, evidence)


class TargetFinder:
    def __init__(self, passage_sentences: int) -> None:
        self.passage_sentences = passage_sentences

    def __call__(self, doc: Doc) -> Doc:
        from kg.numbers import find_year

        statements = list(doc._.statements or [])
        context: PlanContext | None = None
        for index, sentence in enumerate(doc.sents):
            mentions = sentence_mentions(doc, sentence)
            plans = [m for m in mentions if m.kind is Kind.PLAN]
            year = find_year(sentence.text)
            if plans:
                plan = plans[-1].entity
                same = context is not None and plan_key(plan.label) == context.plan.key
                carried = context.year if same and context is not None else None
                context = PlanContext(plan, index, year or carried)
            elif context is not None and index - context.sentence_index > self.passage_sentences:
                context = None
            elif context is not None and year is not None and context.year is None:
                context = PlanContext(context.plan, context.sentence_index, year)
            if context is None:
                continue
            statements.extend(find_targets(doc, sentence, context, mentions))
        doc._.statements = statements
        return doc


@Language.factory(
    "kg_targets",
    default_config={"passage_sentences": 12},
    requires=["doc.spans"],
    assigns=["doc._.statements"],
)
def make_target_finder(nlp: Language, name: str, passage_sentences: int) -> TargetFinder:
    return TargetFinder(passage_sentences)
