"""The model that flows through the pipeline: small frozen dataclasses, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    """Entity classes, named by their local name in the ontology."""

    PROVINCE = "Province"
    DISTRICT = "District"
    PLAN = "Plan"
    METRIC = "Metric"
    ENTERPRISE = "Enterprise"
    AGENCY = "Agency"


class Relation(StrEnum):
    """Object properties between entities, named by their local name in the ontology."""

    ISSUES = "issues"  # Province -> Plan
    TARGETS = "targets"  # Plan -> Metric
    LOCATES_IN = "locatesIn"  # Enterprise -> District
    ISSUED_BY = "issuedBy"  # Plan -> Agency


@dataclass(frozen=True)
class Article:
    """One article: a whole file, or one of several on a newspaper page."""

    id: str  # hex digest of the cleaned text: the same text is the same article anywhere
    source: str  # the file it came from, as given on the command line
    title: str
    text: str  # cleaned body; evidence offsets index into this string
    index: int = 0  # position of the article within its source file
    url: str | None = None
    date: str | None = None  # ISO 8601 date when the input gives one
    publisher: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Where a fact was said: a sentence of an article and its character offsets."""

    article_id: str
    sentence: str
    start: int  # offset of the sentence in Article.text
    end: int


@dataclass(frozen=True)
class Quantity:
    """A number as the text states it, folded into base units."""

    value: Decimal
    unit: str  # the measure word left after folding: 家, 个, 元, %, 吨 ...
    value_max: Decimal | None = None
    bound: str | None = None  # "min" (以上, 突破 ...) or "approx" (左右, 约 ...)


@dataclass(frozen=True)
class Metric:
    """One quantified target of a plan."""

    indicator: str
    quantity: Quantity
    year: int | None = None  # deadline year
    period: str | None = None  # "annual" for a yearly rate


@dataclass(frozen=True)
class Entity:
    """A resolved entity; (kind, key) is its identity in every build and corpus."""

    kind: Kind
    key: str  # division code for places the gazetteer knows, else the canonical name
    label: str  # the name shown to people (official full name, fullest form used)
    code: str | None = None  # GB/T 2260 administrative-division code
    level: str | None = None  # for places: "province", "city", "county" or "zone"
    wikidata: str | None = None  # Wikidata item id (Q...) where known
    part_of: Entity | None = None  # containing division, where the gazetteer knows it
    metric: Metric | None = None  # only for Kind.METRIC


@dataclass(frozen=True)
class Mention:
    """An entity as the article names it: exact offsets of the name in the article."""

    start: int
    end: int
    kind: Kind
    entity: Entity


@dataclass(frozen=True)
class Statement:
    """A fact with the evidence that states it."""

    subject: Entity
    relation: Relation
    object: Entity
    evidence: Evidence


@dataclass(frozen=True)
class Mentioned:
    """An entity named in an article, with the sentence naming it (no relation)."""

    entity: Entity
    evidence: Evidence


@dataclass
class ArticleFacts:
    """Everything extracted from one article: the unit cached and merged by a build."""

    article: Article
    mentions: list[Mentioned] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
