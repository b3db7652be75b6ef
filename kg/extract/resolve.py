"""kg_resolve: each mention → a canonical entity (``span._.entity``, ``span.kb_id_``).

Provinces and districts the gazetteer knows resolve to their division (one node
per place: 武汉 and 武汉市 are one); plan abbreviations resolve to the full
title; an enterprise takes the fullest form of its name used in the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.extract import MENTIONS, RuleComponent
from kg.extract import lexicon as lx
from kg.extract.mentions import normalise
from kg.types import Entity, Kind, Mention

_PLAN_KEY_PUNCT = re.compile(r"[\s\"'“”‘’「」『』]")


def plan_key(title: str) -> str:
    """Titles that differ only in punctuation width or spacing are one plan."""
    key = normalise(title)
    key = _PLAN_KEY_PUNCT.sub("", key)
    return re.sub(r"[‐‑‒–—―−－~〜～]+", "-", key)


def province_entity(code: str) -> Entity:
    from kg.gazetteer import load_gazetteer

    division = load_gazetteer().get(code)
    assert division is not None, code
    return Entity(
        Kind.PROVINCE,
        division.code,
        division.name,
        code=division.code,
        level="province",
        wikidata=division.wikidata,
    )


def place_entity(
    name: str, context_provinces: tuple[str, ...] = (), mentioned: frozenset[str] = frozenset()
) -> Entity | None:
    """The district a place name denotes, part of the nearest enclosing place the article
    names (``mentioned`` division codes), else of its province."""
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    division = gazetteer.resolve(name, context_provinces)
    if division is not None and _far_alias(name, division, context_provinces):
        return None
    if division is None:
        return _zone_entity(name, context_provinces, mentioned)
    if division.level == "province":
        return province_entity(division.code)
    return _division_entity(division, mentioned)


def _far_alias(name: str, division, context_provinces: tuple[str, ...]) -> bool:
    """A county's short name (仙桃) in an article about other provinces is likely something else."""
    return (
        division.level == "county"
        and name != division.name
        and bool(context_provinces)
        and division.province_code not in context_provinces
    )


def _division_entity(division, mentioned: frozenset[str] = frozenset()) -> Entity:
    return Entity(
        Kind.DISTRICT,
        division.code,
        division.name,
        code=division.code,
        level=division.level,
        part_of=_enclosing(division, mentioned),
    )


def _enclosing(division, mentioned: frozenset[str]) -> Entity | None:
    """The nearest ancestor named in the article, else the province.

    Places the article does not name are not added as nodes of their own; their
    codes still tell the whole hierarchy (GB/T 2260)."""
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    parent = gazetteer.parent(division)
    while parent is not None and parent.level != "province":
        if parent.code in mentioned:
            return _division_entity(parent, mentioned)
        parent = gazetteer.parent(parent)
    return province_entity(division.province_code) if division.level != "province" else None


def _zone_entity(
    name: str, context_provinces: tuple[str, ...], mentioned: frozenset[str]
) -> Entity:
    """A zone or park the gazetteer does not know: identity is its name; it is part of the
    place that opens its name (孝感市高新区 → 孝感市) or of that place's province."""
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    prefix = gazetteer.place_prefix(name)
    division = gazetteer.resolve(prefix, context_provinces) if prefix else None
    if division is None:
        part_of = province_entity(context_provinces[0]) if len(context_provinces) == 1 else None
    elif division.level == "province":
        part_of = province_entity(division.code)
    elif division.code in mentioned:
        part_of = _division_entity(division, mentioned)
    else:
        part_of = province_entity(division.province_code)
    return Entity(Kind.DISTRICT, normalise(name), name, level="zone", part_of=part_of)


def agency_entity(name: str, article_provinces: tuple[str, ...]) -> Entity:
    """A department: 省工信厅 in an article about one province is that province's."""
    label = name
    if name.startswith(("省", "市", "自治区")) and len(article_provinces) == 1:
        province = province_entity(article_provinces[0])
        level = next(w for w in ("自治区", "省", "市") if name.startswith(w))
        if province.label.endswith(level):  # 省工信厅 in 湖北 → 湖北省工信厅
            label = province.label + name[len(level) :]
    for short, full in lx.DEPARTMENT_FULL:
        if label.endswith(short) and not label.endswith(full):
            label = label[: -len(short)] + full
            break
    return Entity(Kind.AGENCY, normalise(label), label)


def resolved_mentions(spans: Iterable[Span]) -> list[Mention]:
    """The mentions of ``spans`` that kg_resolve gave an entity, in order of their start."""
    out = []
    for span in spans:
        underscore = span._  # each ``span._`` makes an object: read it once
        entity = underscore.entity
        if entity is not None:
            start, end = underscore.chars
            out.append(Mention(start, end, Kind(span.label_), entity))
    return _in_order(out)


def _in_order(mentions: list[Mention]) -> list[Mention]:
    return sorted(mentions, key=lambda m: (m.start, m.end))


class _Named(NamedTuple):
    """What kg_resolve reads of a mention span, read once: each ``span._`` makes an object."""

    span: Span
    kind: Kind
    surface: str
    chars: tuple[int, int]


class Resolver(RuleComponent):
    mentioned: frozenset[str] = frozenset()

    def __call__(self, doc: Doc) -> Doc:
        named = []
        for span in doc.spans[MENTIONS]:
            underscore = span._
            named.append(_Named(span, Kind(span.label_), underscore.surface, underscore.chars))
        provinces = _article_provinces(named)
        doc._.provinces = provinces
        aliases = {normalise(k): v for k, v in (doc._.plan_aliases or {}).items()}
        plans = [n.surface for n in named if n.kind is Kind.PLAN]
        firms = [n.surface for n in named if n.kind is Kind.ENTERPRISE]
        self.mentioned = _mentioned_codes(named, provinces)
        kept, mentions = [], []
        for mention in named:
            entity = self.resolve(mention, provinces, aliases, plans, firms)
            if entity is None:
                continue
            mention.span._.entity = entity
            mention.span.kb_id_ = entity.key
            kept.append(mention.span)
            mentions.append(Mention(*mention.chars, mention.kind, entity))
        doc.spans[MENTIONS] = kept
        doc._.mentions = _in_order(mentions)  # what resolved_mentions(kept) reads back
        return doc

    def resolve(
        self,
        mention: _Named,
        provinces: tuple[str, ...],
        aliases: dict[str, str],
        plans: list[str],
        firms: list[str],
    ) -> Entity | None:
        surface, kind = mention.surface, mention.kind
        if kind is Kind.PROVINCE:
            return province_entity(mention.span.kb_id_)
        if kind is Kind.DISTRICT:
            return place_entity(surface, provinces, self.mentioned)
        if kind is Kind.PLAN:
            title = full_plan_title(surface, aliases, plans)
            if _generic_title(title):
                return None  # 《实施方案》 with no full title in the article names no plan
            return Entity(Kind.PLAN, plan_key(title), title)
        if kind is Kind.ENTERPRISE:
            fullest = max((f for f in firms if surface in f), key=len, default=surface)
            return Entity(Kind.ENTERPRISE, normalise(fullest), fullest)
        return agency_entity(surface, provinces)


def full_plan_title(title: str, aliases: dict[str, str], plans: list[str]) -> str:
    """An abbreviation (《计划》, 《若干措施》) → the full title it stands for in the article."""
    key = normalise(title)
    if key in aliases:
        return aliases[key]
    if len(title) <= 8:
        longer = [p for p in plans if len(p) > len(title) + 2 and _core(p).endswith(_core(title))]
        if longer:
            return longer[0]
    return title


_GENERIC_TITLE = re.compile(
    r"^[“\"]?(实施|工作|行动|若干|三年|五年|专项|总体|具体|配套|相关|有关|推进|建设|发展|)+[”\"]?"
)


def _generic_title(title: str) -> bool:
    """《实施方案》, 《若干措施》, 《计划》: an abbreviation, not a title."""
    core = _core(title)
    for suffix in sorted(lx.PLAN_SUFFIXES, key=len, reverse=True):
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    return len(title) <= 8 and not _GENERIC_TITLE.sub("", core)


def _core(title: str) -> str:
    return lx.PLAN_PERIOD.sub("", normalise(title))


def _mentioned_codes(named: list[_Named], provinces: tuple[str, ...]) -> frozenset[str]:
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    codes = set()
    for mention in named:
        if mention.kind is Kind.DISTRICT:
            division = gazetteer.resolve(mention.surface, provinces)
            if division is not None:
                codes.add(division.code)
    return frozenset(codes)


def _article_provinces(named: list[_Named]) -> tuple[str, ...]:
    """Province codes the article names, alone or opening a department's name, most named first."""
    from kg.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    counts: dict[str, int] = {}
    for mention in named:
        code = None
        if mention.kind is Kind.PROVINCE:
            code = mention.span.kb_id_
        elif mention.kind is Kind.AGENCY:
            division = gazetteer.province_opening(mention.surface)
            code = division.code if division else None
        if code:
            counts[code] = counts.get(code, 0) + 1
    return tuple(sorted(counts, key=lambda c: (-counts[c], c)))


@Language.factory(
    "kg_resolve",
    requires=["doc.spans"],
    assigns=["doc.spans", "doc._.provinces", "doc._.mentions"],
)
def make_resolver(nlp: Language, name: str) -> Resolver:
    return Resolver(name)
