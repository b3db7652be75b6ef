"""kg_relations: issues (Province → Plan), issuedBy (Plan → Agency), locatesIn
(Enterprise → District).

Each rule reads one sentence and the resolved mentions in it; every fact keeps
that sentence as its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import MENTIONS, RuleComponent, doc_text, span_text
from kg.extract import lexicon as lx
from kg.extract.resolve import resolved_mentions
from kg.types import Entity, Evidence, Kind, Mention, Relation, Statement

_ISSUE_VERB = re.compile("|".join(lx.ISSUE_VERBS))
_LOCATE_AFTER = re.compile(
    r"^[^，。；,;]{0,12}?(落户|位于|坐落于|坐落在|坐落|入驻|选址|迁入|扎根)(?:于|在|到)?$"
)
_AT_THEN_VERB = re.compile(r"^\s*(将|已|拟|计划|正|还|也|先后|分别)?在$")
_BUILD_VERB = re.compile(r"^[^，。；,;]{0,16}?(投资|开工|建设|新建|扩建|设立|布局|投产|建成|签约)")
_CLAUSE_BREAK = re.compile(r"[。；;！？!?]")


def doc_mentions(doc: Doc) -> list[Mention]:
    """Every resolved mention of ``doc``, in order of their start (``doc._.mentions`` as
    kg_resolve leaves it, or read from the spans)."""
    if doc._.mentions is not None:
        return doc._.mentions
    return resolved_mentions(doc.spans[MENTIONS])


def sentences_with_mentions(doc: Doc) -> Iterator[tuple[Span, list[Mention]]]:
    """Each sentence of ``doc`` with the resolved mentions that start in it, in one walk
    over both (they are in order)."""
    every = doc_mentions(doc)
    taken = 0
    for sentence in doc.sents:
        while taken < len(every) and every[taken].start < sentence.start_char:
            taken += 1  # in the white space between two sentences
        first = taken
        while taken < len(every) and every[taken].start < sentence.end_char:
            taken += 1
        yield sentence, every[first:taken]


def evidence_of(doc: Doc, sentence: Span) -> Evidence:
    """The sentence as evidence, trimmed of surrounding white space."""
    text = span_text(sentence)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    start = sentence.start_char + lead
    return Evidence(
        doc._.article.id if doc._.article else "", stripped, start, start + len(stripped)
    )


def issuing_province(
    text: str, offset: int, plan: Mention, mentions: list[Mention], main_province: str | None
) -> tuple[Entity | None, list[Entity]]:
    """(province, agencies) that issued ``plan`` according to its sentence.

    The issuer is the province or department named nearest before the plan (else
    after it); departments issuing jointly (省发展改革委、省能源局联合印发) are all kept.
    A national body (工信部) between them and the plan means no province issued it.
    """
    issuers = [m for m in mentions if m.kind in (Kind.PROVINCE, Kind.AGENCY)]
    before = [m for m in issuers if m.end <= plan.start]
    after = [m for m in issuers if m.start >= plan.end]
    national = [m.end() + offset for m in lx.NATIONAL_ISSUERS.finditer(text)]
    chosen = before[-1] if before else (after[0] if after else None)
    nearest_national = max((n for n in national if n <= plan.start), default=-1)
    if nearest_national >= 0 and (
        chosen is None or chosen not in before or nearest_national > chosen.end
    ):
        return None, []  # 工信部 stands between the province and the plan
    if chosen is None:
        return _titled_province(plan.entity.label), []
    if chosen.kind is Kind.PROVINCE:
        return chosen.entity, []
    province = _agency_province(chosen.entity, main_province)
    if province is None:
        return None, []
    joint = [chosen]
    pool = before if chosen in before else after
    for other in reversed(pool[: pool.index(chosen)]):
        gap = text[other.end - offset : joint[-1].start - offset]
        if other.kind is not Kind.AGENCY or not _JOINT.match(gap):
            break
        joint.append(other)
    return province, [m.entity for m in reversed(joint)]


_JOINT = re.compile(r"^\s*(、|，|,|和|与|及|以及|会同|联合)?\s*$")


def _titled_province(title: str) -> Entity | None:
    """The province a plan's title (or a department's name) opens with, if any."""
    from kg.extract.resolve import province_entity
    from kg.gazetteer import load_gazetteer

    division = load_gazetteer().province_opening(title)
    return province_entity(division.code) if division else None


def _agency_province(agency: Entity, main_province: str | None) -> Entity | None:
    from kg.extract.resolve import province_entity

    province = _titled_province(agency.label)
    if province is None and agency.label.startswith("省") and main_province:
        return province_entity(main_province)
    return province


_IN_FORCE = re.compile(r"(按照|根据|依据|落实|贯彻|启动实施|实施了|执行)[^，。；]{0,4}$")


def find_issues(doc: Doc, sentence: Span, mentions: list[Mention]) -> Iterator[Statement]:
    """Province → plan when the sentence reports the plan issued, or a plan titled with the
    province's name in force (按照《青海省…实施方案》要求)."""
    text = span_text(sentence)
    verb = bool(_ISSUE_VERB.search(text))
    provinces = doc._.provinces or ()
    main = provinces[0] if provinces else None
    evidence = evidence_of(doc, sentence)
    for plan in (m for m in mentions if m.kind is Kind.PLAN):
        if not verb:
            cue = doc_text(doc)[
                max(sentence.start_char, plan.start - 9) : max(sentence.start_char, plan.start - 1)
            ]
            if not (_IN_FORCE.search(cue) and _titled_province(plan.entity.label)):
                continue
            yield Statement(
                _titled_province(plan.entity.label), Relation.ISSUES, plan.entity, evidence
            )
            continue
        province, agencies = issuing_province(text, sentence.start_char, plan, mentions, main)
        if province is None:
            continue
        yield Statement(province, Relation.ISSUES, plan.entity, evidence)
        for agency in agencies:
            yield Statement(plan.entity, Relation.ISSUED_BY, agency, evidence)


def find_locations(doc: Doc, sentence: Span, mentions: list[Mention]) -> Iterator[Statement]:
    firms = [m for m in mentions if m.kind is Kind.ENTERPRISE]
    if not firms:
        return
    text, base = doc_text(doc), sentence.start_char
    evidence = evidence_of(doc, sentence)
    districts = sorted(
        (m for m in mentions if m.kind is Kind.DISTRICT), key=lambda m: (m.start, m.start - m.end)
    )
    for firm in firms:
        plant = _plant_city(firm.entity.label, doc._.provinces or ())
        if plant is not None:  # 某汽车株洲: the brand's plant in 株洲
            yield Statement(firm.entity, Relation.LOCATES_IN, plant, evidence)
    if not districts or not firms:
        return
    for firm in firms:
        places: list[Mention] = []
        # 某企业(总部)落户/位于 D; 某企业在 D 投资/开工
        for place in districts:
            if place.start < firm.end or _CLAUSE_BREAK.search(text[firm.end : place.start]):
                continue
            between = text[firm.end : place.start]
            if _LOCATE_AFTER.match(between) or (
                _AT_THEN_VERB.match(between)
                and _BUILD_VERB.match(text[place.end : sentence.end_char])
            ):
                places = _chain(place, districts)
                break
        # D + 企业 in a list of projects: 宜昌瑞丰化工、荆州楚凯冶金等项目
        if not places:
            for place in districts:
                if place.end == firm.start and _is_project_context(text, firm, sentence.end_char):
                    places = [place]
        # D的企业 (南昌市高新区的江铃汽车)
        if not places:
            for place in districts:
                if place.end + 1 == firm.start and text[place.end] == "的":
                    places = [place]
        # 在 D，…企业…项目…开工
        if not places:
            for place in districts:
                if (
                    place.end <= firm.start
                    and text[max(base, place.start - 1) : place.start] == "在"
                    and not _CLAUSE_BREAK.search(text[place.end : firm.start])
                    and _BUILD_VERB.match(text[firm.end : sentence.end_char])
                ):
                    places = _chain(place, districts)
        for place in places:
            yield Statement(firm.entity, Relation.LOCATES_IN, place.entity, evidence)


def _plant_city(name: str, provinces: tuple[str, ...]) -> Entity | None:
    """The prefecture city a firm's name ends with (某汽车株洲, 某品牌长沙): its plant there."""
    from kg.extract.resolve import place_entity
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    for n in (3, 2):
        if len(name) - n < 2:
            continue
        tail = name[-n:]
        division = gazetteer.resolve(tail, provinces)
        if (
            division is not None
            and division.level == "city"
            and (not provinces or division.province_code in provinces)
        ):
            return place_entity(tail, provinces)
    return None


def _chain(first: Mention, districts: list[Mention]) -> list[Mention]:
    """The place and the places written right after it (宜昌 某某经济开发区)."""
    chain = [first]
    for place in sorted(districts, key=lambda m: m.start):
        if place.start == chain[-1].end:
            chain.append(place)
    return chain


def _is_project_context(text: str, firm: Mention, sentence_end: int) -> bool:
    rest = text[firm.end : sentence_end]
    return bool(re.match(r"^[^。；;]{0,60}?(项目|基地|工厂|产业园|生产线|建成投产|开工)", rest))


class RelationFinder(RuleComponent):
    def __call__(self, doc: Doc) -> Doc:
        statements = list(doc._.statements or [])
        for sentence, mentions in sentences_with_mentions(doc):
            if not mentions:
                continue
            statements.extend(find_issues(doc, sentence, mentions))
            statements.extend(find_locations(doc, sentence, mentions))
        doc._.statements = statements
        return doc


@Language.factory("kg_relations", requires=["doc.spans"], assigns=["doc._.statements"])
def make_relation_finder(nlp: Language, name: str) -> RelationFinder:
    return RelationFinder(name)
