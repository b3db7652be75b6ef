"""Time the ready queries on Oxigraph and on rdflib over the same generated graph.

The graph is made of generated articles (provinces issuing plans with targets,
enterprises in counties inside cities inside provinces, every fact with its
evidence) turned into triples by kg.graph, exactly as a build would. Both
engines load the same N-Triples and answer the same query text with the same
parameters; the table gives each engine's time and rdflib / Oxigraph.

    python bench/bench_query.py                 # ~400,000 triples, about a minute
    python bench/bench_query.py --triples 1000000
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pyoxigraph as ox
import rdflib

from kg import store
from kg.graph import facts_triples
from kg.types import (
    Article,
    ArticleFacts,
    Entity,
    Evidence,
    Kind,
    Metric,
    Quantity,
    Relation,
    Statement,
)

INDICATORS = ["专精特新企业", "高新技术企业", "产业规模", "营业收入", "新增装机", "碳排放强度下降"]
UNITS = ["家", "家", "元", "元", "千瓦", "%"]
PARAMS = {
    "province-targets-by-year": {"province": "湖北省"},
    "targets-above": {"min": "1000"},
    "fact-evidence": {"about": "湖北省"},
}


def provinces() -> list[Entity]:
    table = (files("kg") / "data" / "provinces.tsv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(table.splitlines(), delimiter="\t"))
    return [
        Entity(Kind.PROVINCE, r["code"], r["name"], code=r["code"], level="province") for r in rows
    ]


def generated_articles(count: int, seed: int = 7) -> Iterator[ArticleFacts]:
    """``count`` articles: each a province's 2 plans, 8 targets and 3 enterprises."""
    rng = random.Random(seed)
    places = provinces()
    for i in range(count):
        province = places[i % len(places)]
        city_no, county_no = rng.randrange(1, 15), rng.randrange(1, 30)
        city = Entity(
            Kind.DISTRICT,
            f"{province.code[:2]}{city_no:02d}00",
            f"{province.label[:2]}第{city_no}市",
            code=f"{province.code[:2]}{city_no:02d}00",
            level="city",
            part_of=province,
        )
        county_code = f"{province.code[:2]}{city_no:02d}{county_no:02d}"
        county = Entity(
            Kind.DISTRICT,
            county_code,
            f"{city.label}第{county_no}县",
            code=county_code,
            level="county",
            part_of=city,
        )
        article = Article(id=f"{i:020x}", source=f"gen/{i // 100}.txt", title=f"文章{i}", text="")
        statements: list[Statement] = []

        def evidence(k: int, i: int = i, article_id: str = article.id) -> Evidence:
            sentence = f"第{i}篇文章的第{k}句话。"
            return Evidence(article_id, sentence, 20 * k, 20 * k + len(sentence))

        for j in range(2):
            plan = Entity(
                Kind.PLAN, f"{province.label}行动方案{i}-{j}", f"{province.label}行动方案{i}-{j}"
            )
            statements.append(Statement(province, Relation.ISSUES, plan, evidence(j)))
            for k in range(4):
                n = rng.randrange(len(INDICATORS))
                year = rng.choice([None, 2025, 2026, 2027, 2030])
                quantity = Quantity(Decimal(rng.randrange(1, 10 ** rng.randrange(2, 12))), UNITS[n])
                found = Metric(INDICATORS[n], quantity, year=year)
                target = Entity(Kind.METRIC, f"{i}-{j}-{k}", INDICATORS[n], metric=found)
                statements.append(
                    Statement(plan, Relation.TARGETS, target, evidence(2 + 4 * j + k))
                )
        for k in range(3):
            firm = Entity(Kind.ENTERPRISE, f"企业{i}-{k}", f"{province.label[:2]}企业{i}-{k}")
            place = county if k else city
            statements.append(Statement(firm, Relation.LOCATES_IN, place, evidence(10 + k)))
        yield ArticleFacts(article, [], statements)


def generate(triples: int) -> tuple[bytes, int, int]:
    """N-Triples of about ``triples`` triples (distinct), and the article count."""
    seen: set[tuple[Any, Any, Any]] = set()
    lines: list[str] = []
    articles = 0
    for facts in generated_articles(10**9):
        for s, p, o in facts_triples(facts):
            if (s, p, o) not in seen:
                seen.add((s, p, o))
                lines.append(f"{s.n3()} {p.n3()} {o.n3()} .\n")
        articles += 1
        if len(lines) >= triples:
            break
    return "".join(lines).encode("utf-8"), len(lines), articles


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last answer."""
    best, answer = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = run()
        best = min(best, time.perf_counter() - started)
    return best, answer


def to_rdflib(term: Any) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=400_000, help="graph size (default 400000)")
    parser.add_argument("--repeat", type=int, default=3, help="Oxigraph runs per query (best kept)")
    parser.add_argument(
        "--rdflib-repeat", type=int, default=1, help="rdflib runs per query (best kept)"
    )
    parser.add_argument("--query", action="append", help="only these ready queries (repeatable)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    data, count, articles = generate(args.triples)
    print(
        f"generated {count:,} triples from {articles:,} articles in "
        f"{time.perf_counter() - started:.1f} s"
    )

    oxi = ox.Store()
    load_ox, _ = timed(lambda: oxi.load(data, format=ox.RdfFormat.N_TRIPLES), 1)
    graph = rdflib.Graph()
    load_rdf, _ = timed(lambda: graph.parse(data=data.decode("utf-8"), format="nt"), 1)
    assert len(oxi) == len(graph) == count, (len(oxi), len(graph), count)

    queries = store.named_queries()
    names = args.query or list(queries)
    table = [("load N-Triples", f"{count:,}", load_ox, load_rdf)]
    for name in names:
        query = queries[name]
        bindings = store.bind_params(query, PARAMS.get(name, {}))
        ox_time, ox_rows = timed(
            lambda q=query, b=bindings: list(
                oxi.query(q.text, substitutions=b or None, use_default_graph_as_union=True)
            ),
            args.repeat,
        )
        init = {rdflib.Variable(v.value): to_rdflib(t) for v, t in bindings.items()}
        rdf_time, rdf_rows = timed(
            lambda q=query, b=init: list(graph.query(q.text, initBindings=b)), args.rdflib_repeat
        )
        if len(ox_rows) != len(rdf_rows):
            print(
                f"warning: {name}: Oxigraph {len(ox_rows)} rows, rdflib {len(rdf_rows)}",
                file=sys.stderr,
            )
        table.append((name, f"{len(ox_rows):,}", ox_time, rdf_time))

    header = ("query", "rows", "oxigraph s", "rdflib s", "rdflib/oxigraph")
    body = [(n, r, f"{o:.3f}", f"{f:.3f}", f"{f / o:,.0f}×") for n, r, o, f in table]
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *body]:
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    ratios = [f / o for _, _, o, f in table[1:]]
    print(
        f"\ngeometric mean over the queries: rdflib is "
        f"{statistics.geometric_mean(ratios):,.0f}× slower than Oxigraph "
        f"(same process, same graph of {count:,} triples)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
