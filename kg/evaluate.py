"""Score a built graph against hand-made annotations: precision, recall and F1.

Gold files follow the annotation contract (one JSON object, ``files`` → ``articles``
→ ``provinces``, ``plans``, ``enterprises``, ``districts``, ``issues``,
``locates_in``, ``targets``). The graph is read in the ontology's own terms
(``kg:Province``, ``kg:issues`` ...). Labels are compared after normalisation
(NFKC, no white space or quotes, one kind of dash, lower case); provinces by
canonical name, plans equal or equal without a trailing period such as
``(2024-2026年)``, enterprises and districts equal or one containing the other,
and a metric matches a gold target of the same plan when unit and value agree
(or the value lies in the gold range) and the indicators overlap. Items are
matched one to one, exact matches first; scores are micro averages over the
whole corpus.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rdflib import RDF, RDFS, Graph, Literal
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import KG

T = TypeVar("T")
Same = Callable[[T, T], bool]

ENTITY_CLASSES = ("Province", "Plan", "Enterprise", "District")
RELATIONS = ("issues", "locatesIn", "targets")

# Our graph types every district kg:District; its subclasses count too, for graphs
# typed by the subclass only.
_CLASS_TERMS = {
    "Province": (KG.Province,),
    "Plan": (KG.Plan,),
    "Enterprise": (KG.Enterprise,),
    "District": (KG.District, KG.City, KG.County, KG.Zone),
}
_GOLD_KEYS = {
    "Province": "provinces",
    "Plan": "plans",
    "Enterprise": "enterprises",
    "District": "districts",
}

# --- labels -------------------------------------------------------------------

_QUOTES = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")
_DASHES = re.compile(r"[‐‑‒–—―−－~〜～]+")
_TRAILING_PERIOD = re.compile(r"\([^()]*\d{4}[^()]*\)$")


@functools.lru_cache(maxsize=1 << 16)  # matching compares every label with every other
def normalize_label(text: str) -> str:
    """The form labels are compared in: NFKC, no white space or quotes, ``-`` dashes, lower case."""
    text = unicodedata.normalize("NFKC", str(text))
    return _DASHES.sub("-", _QUOTES.sub("", text)).lower()


@functools.lru_cache(maxsize=1 << 12)
def province_key(text: str) -> str:
    """A province's canonical name (重庆, 渝 and 重庆市 → 重庆市), else the normalised label."""
    from kg.gazetteer import load_gazetteer

    key = normalize_label(text)
    division = load_gazetteer().province_by_alias(key)
    return normalize_label(division.name) if division else key


def same_plan(a: str, b: str) -> bool:
    """Equal titles, or equal once a trailing period such as (2024-2026年) is dropped."""
    a, b = normalize_label(a), normalize_label(b)
    return a == b or _TRAILING_PERIOD.sub("", a) == _TRAILING_PERIOD.sub("", b)


def same_or_containing(a: str, b: str) -> bool:
    """Equal names, or one (of two characters or more) inside the other."""
    a, b = normalize_label(a), normalize_label(b)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 2 and short in long)


def indicator_overlap(a: str, b: str) -> float:
    """Dice coefficient of character bigrams; 1.0 when one indicator contains the other."""
    a, b = normalize_label(a), normalize_label(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    grams_a, grams_b = _bigrams(a), _bigrams(b)
    return 2 * len(grams_a & grams_b) / (len(grams_a) + len(grams_b))


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


# --- what a graph or a gold file says, reduced to labels ----------------------------


@dataclass(frozen=True)
class Target:
    """One quantified goal of a plan, as the graph or the gold file states it."""

    plan: str
    indicator: str
    value: float | None
    unit: str
    year: int | None = None
    value_max: float | None = None

    def format(self) -> str:
        value = _number_text(self.value)
        if self.value_max is not None:
            value += f"-{_number_text(self.value_max)}"
        year = f" ({self.year})" if self.year is not None else ""
        return f"{self.plan} | {self.indicator} = {value} {self.unit}{year}"


def _number_text(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if value == int(value) else repr(value)


Pair = tuple[str, str]


@dataclass(frozen=True)
class Facts:
    """Entities by class and relations, as labels: what one side of the comparison says."""

    entities: dict[str, list[str]]
    issues: list[Pair]
    locates_in: list[Pair]
    targets: list[Target]


def _labels(graph: Graph) -> dict[Node, str]:
    """One label per node: Chinese (or untagged) rdfs:label, the smallest if several."""
    labels: dict[Node, str] = {}
    for node, label in graph.subject_objects(RDFS.label):
        if not isinstance(label, Literal) or not (
            label.language is None or label.language.startswith("zh")
        ):
            continue
        if node not in labels or str(label) < labels[node]:
            labels[node] = str(label)
    return labels


def _number(value: object) -> float | None:
    """A float from a literal or a JSON number, None when there is none."""
    if isinstance(value, Literal):
        value = value.toPython()
    try:
        return float(value) if value is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _year(value: object) -> int | None:
    """The four-digit year in a gYear literal, a number or a string."""
    found = re.search(r"\d{4}", str(value)) if value is not None else None
    return int(found.group()) if found else None


def graph_facts(graph: Graph) -> Facts:
    """What ``graph`` states, in the ontology's terms (``kg:Province``, ``kg:targets`` ...)."""
    labels = _labels(graph)
    entities = {}
    for kind, classes in _CLASS_TERMS.items():
        nodes = {node for cls in classes for node in graph.subjects(RDF.type, cls)}
        entities[kind] = sorted(labels[node] for node in nodes if node in labels)

    def pairs(predicate: Node) -> list[Pair]:
        found = ((labels.get(s), labels.get(o)) for s, o in graph.subject_objects(predicate))
        return sorted((s, o) for s, o in found if s and o)

    targets = []
    for plan, metric in graph.subject_objects(KG.targets):
        indicator = graph.value(metric, KG.indicator) or labels.get(metric, "")
        targets.append(
            Target(
                plan=labels.get(plan, ""),
                indicator=str(indicator),
                value=_number(graph.value(metric, KG.value)),
                unit=str(graph.value(metric, KG.unit) or ""),
                year=_year(graph.value(metric, KG.year)),
                value_max=_number(graph.value(metric, KG.valueMax)),
            )
        )
    targets.sort(key=Target.format)
    return Facts(entities, pairs(KG.issues), pairs(KG.locatesIn), targets)


def gold_facts(gold: dict[str, Any]) -> Facts:
    """What a gold file (parsed JSON) annotates, over all its articles."""
    entities: dict[str, list[str]] = {kind: [] for kind in ENTITY_CLASSES}
    issues: list[Pair] = []
    locates_in: list[Pair] = []
    targets: list[Target] = []
    for article in _gold_articles(gold):
        for kind, key in _GOLD_KEYS.items():
            entities[kind] += [str(label) for label in article.get(key, [])]
        issues += [(str(s), str(o)) for s, o in article.get("issues", [])]
        locates_in += [(str(s), str(o)) for s, o in article.get("locates_in", [])]
        for target in article.get("targets", []):
            targets.append(
                Target(
                    plan=str(target["plan"]),
                    indicator=str(target.get("indicator") or ""),
                    value=_number(target.get("value")),
                    unit=str(target.get("unit") or ""),
                    year=_year(target.get("year")),
                    value_max=_number(target.get("valueMax")),
                )
            )
    return Facts(entities, issues, locates_in, targets)


def _gold_articles(gold: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for annotated in gold.get("files", {}).values():
        yield from annotated.get("articles", [])


# --- matching -----------------------------------------------------------------------


def _same_issue(p: Pair, q: Pair) -> bool:
    return province_key(p[0]) == province_key(q[0]) and same_plan(p[1], q[1])


def _exact_issue(p: Pair, q: Pair) -> bool:
    return province_key(p[0]) == province_key(q[0]) and _norm_equal(p[1], q[1])


def _same_location(p: Pair, q: Pair) -> bool:
    return same_or_containing(p[0], q[0]) and same_or_containing(p[1], q[1])


def _exact_location(p: Pair, q: Pair) -> bool:
    return _norm_equal(p[0], q[0]) and _norm_equal(p[1], q[1])


def _norm_equal(a: str, b: str) -> bool:
    return normalize_label(a) == normalize_label(b)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _same_target(p: Target, g: Target) -> bool:
    """Same plan and unit, the value agrees (or lies in the gold range), indicators overlap."""
    if not same_plan(p.plan, g.plan) or not _norm_equal(p.unit, g.unit):
        return False
    if p.value is None or g.value is None:
        return False
    agrees = _close(p.value, g.value)
    if not agrees and g.value_max is not None:
        low, high = sorted((g.value, g.value_max))
        agrees = low - 1e-9 <= p.value <= high + 1e-9
    if not agrees and p.value_max is not None and g.value_max is not None:
        agrees = _close(p.value_max, g.value_max)
    return agrees and indicator_overlap(p.indicator, g.indicator) >= 0.5


def _exact_target(p: Target, g: Target) -> bool:
    return (
        _norm_equal(p.plan, g.plan) and _norm_equal(p.indicator, g.indicator) and _same_target(p, g)
    )


def _target_key(t: Target) -> tuple:
    return (normalize_label(t.plan), normalize_label(t.indicator), t.value, t.unit, t.year)


# entity class → (names the same thing: dedupe and first round, or matches: second round)
_ENTITY_RULES: dict[str, tuple[Same[str], Same[str]]] = {
    "Province": (lambda a, b: province_key(a) == province_key(b),) * 2,
    "Plan": (same_plan, same_plan),
    "Enterprise": (_norm_equal, same_or_containing),
    "District": (_norm_equal, same_or_containing),
}


def match(
    predicted: Sequence[T], gold: Sequence[T], same: Same[T], exact: Same[T] | None = None
) -> list[tuple[int, int]]:
    """One-to-one (predicted index, gold index) pairs: ``exact`` ones first, then ``same``."""
    used_predicted: set[int] = set()
    used_gold: set[int] = set()
    pairs = []
    for test in (exact, same):
        if test is None:
            continue
        for i, p in enumerate(predicted):
            if i in used_predicted:
                continue
            for j, g in enumerate(gold):
                if j not in used_gold and test(p, g):
                    used_predicted.add(i)
                    used_gold.add(j)
                    pairs.append((i, j))
                    break
    return sorted(pairs)


def dedupe(items: Iterable[T], same: Same[T]) -> list[T]:
    """``items`` without those that are the ``same`` as an earlier one."""
    kept: list[T] = []
    for item in items:
        if not any(same(item, other) for other in kept):
            kept.append(item)
    return kept


# --- scores -------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Micro precision, recall and F1 of one entity class or relation."""

    true_positives: int
    predicted: int
    gold: int
    duplicates: int | None = None  # entities only: nodes named the same as another node
    year_accuracy: float | None = None  # targets only: matched metrics with the gold year

    @property
    def precision(self) -> float:
        if self.predicted:
            return self.true_positives / self.predicted
        return 0.0 if self.gold else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tp": self.true_positives,
            "pred": self.predicted,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }
        if self.duplicates is not None:
            out["duplicate_nodes"] = self.duplicates
        if self.year_accuracy is not None:
            out["year_accuracy"] = round(self.year_accuracy, 4)
        return out


@dataclass(frozen=True)
class Mismatches:
    """What the graph states that the gold does not, and what it misses."""

    false_positives: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Evaluation:
    """Scores per entity class and relation, with the items that did not match."""

    entities: dict[str, Score]
    relations: dict[str, Score]
    errors: dict[str, Mismatches]

    @property
    def relations_macro_f1(self) -> float:
        return sum(s.f1 for s in self.relations.values()) / len(self.relations)

    def to_dict(self, errors: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entities": {k: s.to_dict() for k, s in self.entities.items()},
            "relations": {k: s.to_dict() for k, s in self.relations.items()},
            "relations_macro_f1": round(self.relations_macro_f1, 4),
        }
        if errors:
            out["errors"] = {
                k: {"false_positives": m.false_positives, "missed": m.missed}
                for k, m in self.errors.items()
            }
        return out

    def to_json(self, errors: bool = False) -> str:
        return json.dumps(self.to_dict(errors), ensure_ascii=False, indent=1)

    def format(self, errors: bool = False) -> str:
        """A table of scores; with ``errors``, one line per false positive and miss."""
        lines = [f"{'':12} {'P':>6} {'R':>6} {'F1':>6}  pred/gold"]
        for name, s in (*self.entities.items(), *self.relations.items()):
            extra = f"  duplicate nodes: {s.duplicates}" if s.duplicates else ""
            if s.year_accuracy is not None:
                extra += f"  year accuracy: {s.year_accuracy:.3f}"
            lines.append(
                f"{name:12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  "
                f"{s.predicted}/{s.gold}{extra}"
            )
        lines.append(f"relations macro F1: {self.relations_macro_f1:.3f}")
        if errors:
            for name, m in self.errors.items():
                lines += [f"{name} missed: {item}" for item in m.missed]
                lines += [f"{name} false positive: {item}" for item in m.false_positives]
        return "\n".join(lines)


def _mismatches(
    predicted: Sequence[T],
    gold: Sequence[T],
    pairs: list[tuple[int, int]],
    show: Callable[[T], str],
) -> Mismatches:
    hit_predicted = {i for i, _ in pairs}
    hit_gold = {j for _, j in pairs}
    return Mismatches(
        false_positives=[show(p) for i, p in enumerate(predicted) if i not in hit_predicted],
        missed=[show(g) for j, g in enumerate(gold) if j not in hit_gold],
    )


def _show_pair(pair: Pair) -> str:
    return f"{pair[0]} → {pair[1]}"


def evaluate(graph: Graph, gold: dict[str, Any]) -> Evaluation:
    """Score ``graph`` against ``gold`` (a parsed gold file)."""
    built, truth = graph_facts(graph), gold_facts(gold)
    entities: dict[str, Score] = {}
    relations: dict[str, Score] = {}
    errors: dict[str, Mismatches] = {}

    for kind, (exact, same) in _ENTITY_RULES.items():
        labels = built.entities[kind]
        keys = {province_key(x) if kind == "Province" else normalize_label(x) for x in labels}
        predicted = dedupe(labels, exact)
        wanted = dedupe(truth.entities[kind], exact)
        pairs = match(predicted, wanted, same, exact)
        entities[kind] = Score(len(pairs), len(predicted), len(wanted), len(labels) - len(keys))
        errors[kind] = _mismatches(predicted, wanted, pairs, str)

    # relation → (graph pairs, gold pairs, names the same fact: dedupe, exact match, match)
    pair_rules: dict[str, tuple[list[Pair], list[Pair], Same[Pair], Same[Pair], Same[Pair]]] = {
        "issues": (built.issues, truth.issues, _same_issue, _exact_issue, _same_issue),
        "locatesIn": (
            built.locates_in,
            truth.locates_in,
            _exact_location,
            _exact_location,
            _same_location,
        ),
    }
    for name, (got, want, duplicate, exact, same) in pair_rules.items():
        predicted, wanted = dedupe(got, duplicate), dedupe(want, duplicate)
        pairs = match(predicted, wanted, same, exact)
        relations[name] = Score(len(pairs), len(predicted), len(wanted))
        errors[name] = _mismatches(predicted, wanted, pairs, _show_pair)

    same_key: Same[Target] = lambda a, b: _target_key(a) == _target_key(b)  # noqa: E731
    predicted = dedupe(built.targets, same_key)
    wanted = dedupe(truth.targets, same_key)
    pairs = match(predicted, wanted, _same_target, _exact_target)
    years = [predicted[i].year == wanted[j].year for i, j in pairs]
    relations["targets"] = Score(
        len(pairs),
        len(predicted),
        len(wanted),
        year_accuracy=sum(years) / len(years) if years else None,
    )
    errors["targets"] = _mismatches(predicted, wanted, pairs, Target.format)
    return Evaluation(entities, relations, errors)


def read_gold(path: Path) -> dict[str, Any]:
    """A gold file, parsed; an InputError names what is wrong with it."""
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(str(path), f"cannot read the gold file: {error}") from error
    if not isinstance(gold, dict) or not isinstance(gold.get("files"), dict):
        raise InputError(str(path), 'not a gold file: expected an object with "files"')
    return gold


def evaluate_files(graph: Path, gold: Path) -> Evaluation:
    """Score the graph file ``graph`` (Turtle, TriG, JSON-LD ...) against the gold file ``gold``."""
    from kg.validate import read_graph

    return evaluate(read_graph(graph), read_gold(gold))
