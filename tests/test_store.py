"""kg.store: SPARQL on Oxigraph over files and stores, ready queries, loading, the CLI."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import store
from kg.cli import cli
from kg.errors import InputError, QueryError, StoreError
from kg.export import write_graph
from kg.graph import build_graph
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

READY_QUERIES = [
    "enterprises-per-district",
    "fact-evidence",
    "plans-per-province",
    "province-targets-by-year",
    "provinces-by-plans",
    "targets-above",
]

# A small graph written for the tests: two provinces, a county inside a city
# inside Hubei, enterprises at each level, plans with dated and undated targets.
ARTICLE = Article(
    id="a1", source="test.txt", title="湖北发布行动方案", text="湖北省印发《湖北行动方案》。"
)
SENTENCE = "湖北省印发《湖北行动方案》。"
EVIDENCE = Evidence(article_id="a1", sentence=SENTENCE, start=0, end=len(SENTENCE))

HUBEI = Entity(Kind.PROVINCE, "420000", "湖北省", code="420000", level="province")
CHONGQING = Entity(Kind.PROVINCE, "500000", "重庆市", code="500000", level="province")
XIANGYANG = Entity(Kind.DISTRICT, "420600", "襄阳市", code="420600", level="city", part_of=HUBEI)
ZAOYANG = Entity(
    Kind.DISTRICT, "420683", "枣阳市", code="420683", level="county", part_of=XIANGYANG
)
YUBEI = Entity(Kind.DISTRICT, "500112", "渝北区", code="500112", level="county", part_of=CHONGQING)
PLAN_A = Entity(Kind.PLAN, "湖北行动方案", "湖北行动方案")
PLAN_B = Entity(Kind.PLAN, "湖北实施意见", "湖北实施意见")
PLAN_C = Entity(Kind.PLAN, "重庆工作方案", "重庆工作方案")


def metric(indicator: str, value: str, unit: str, year: int | None) -> Entity:
    found = Metric(indicator, Quantity(Decimal(value), unit), year=year)
    return Entity(Kind.METRIC, f"{indicator}{value}{year}", indicator, metric=found)


def fact(subject: Entity, relation: Relation, obj: Entity) -> Statement:
    return Statement(subject, relation, obj, EVIDENCE)


def enterprise(name: str) -> Entity:
    return Entity(Kind.ENTERPRISE, name, name)


STATEMENTS = [
    fact(HUBEI, Relation.ISSUES, PLAN_A),
    fact(HUBEI, Relation.ISSUES, PLAN_B),
    fact(CHONGQING, Relation.ISSUES, PLAN_C),
    fact(PLAN_A, Relation.TARGETS, metric("专精特新企业", "5000", "家", 2027)),
    fact(PLAN_A, Relation.TARGETS, metric("产业规模", "1.1E12", "元", 2025)),
    fact(PLAN_B, Relation.TARGETS, metric("新增企业", "100", "家", None)),
    fact(PLAN_C, Relation.TARGETS, metric("科技型企业", "86000", "家", 2027)),
    fact(enterprise("比亚迪"), Relation.LOCATES_IN, XIANGYANG),
    fact(enterprise("程力集团"), Relation.LOCATES_IN, ZAOYANG),
    fact(enterprise("东风汽车"), Relation.LOCATES_IN, ZAOYANG),
    fact(enterprise("长安汽车"), Relation.LOCATES_IN, YUBEI),
]


def write_small(path: Path, statements: list[Statement] = STATEMENTS) -> Path:
    write_graph(build_graph([ArticleFacts(ARTICLE, [], statements)]), path)
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return write_small(tmp_path_factory.mktemp("small") / "kg.ttl")


@pytest.fixture(scope="module")
def seeds(seeds_build) -> Path:
    return seeds_build / "kg.ttl"


def rows(source, name: str, **params: str) -> list[dict]:
    return store.run_query(source, store.named_query(name), params).records()


def test_store_ready_queries_are_the_committed_set():
    assert list(store.named_queries()) == READY_QUERIES


@pytest.mark.parametrize("name", READY_QUERIES)
def test_store_ready_query_has_header_and_parses(name):
    query = store.named_query(name)
    assert query.title and query.description
    assert query.text.lstrip().startswith("# title:")
    result = store.run_query(_empty(), query)  # parses and runs on an empty graph
    assert result.kind == "select" and result.rows == []


def _empty() -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "empty.ttl"
    path.write_text("", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "min (decimal, required) the floor",
            store.Param("min", "decimal", True, None, "the floor"),
        ),
        (
            "min (decimal, default=0) the floor",
            store.Param("min", "decimal", False, "0", "the floor"),
        ),
        ("province (zh, optional) a name", store.Param("province", "zh", False, None, "a name")),
        ("year (year) a year", store.Param("year", "year", False, None, "a year")),
    ],
)
def test_store_parse_query_reads_param_lines(line, expected):
    query = store.parse_query(f"# title: T\n# param: {line}\nSELECT * {{}}", "q")
    assert query.params == (expected,)


def test_store_parse_query_joins_continued_header_lines():
    text = "# title: T\n# description: one\n#   two\n# param: x (string) a\n#   b\nASK {}"
    query = store.parse_query(text, "q")
    assert query.description == "one two"
    assert query.params[0].description == "a b"


@pytest.mark.parametrize("line", ["min decimal", "min (float) x", "min (decimal, maybe) x"])
def test_store_parse_query_rejects_bad_param_lines(line):
    with pytest.raises(QueryError, match="param"):
        store.parse_query(f"# param: {line}\nASK {{}}", "q")


@pytest.mark.parametrize(
    ("kind", "value", "term"),
    [
        ("string", "湖北省", ox.Literal("湖北省")),
        ("zh", "湖北省", ox.Literal("湖北省", language="zh")),
        ("decimal", "1e3", ox.Literal("1000", datatype=ox.NamedNode(store.XSD + "decimal"))),
        ("decimal", "1,000.5", ox.Literal("1000.5", datatype=ox.NamedNode(store.XSD + "decimal"))),
        ("integer", "12", ox.Literal("12", datatype=ox.NamedNode(store.XSD + "integer"))),
        ("year", "2027", ox.Literal("2027", datatype=ox.NamedNode(store.XSD + "gYear"))),
        ("iri", "<https://example.org/x>", ox.NamedNode("https://example.org/x")),
    ],
)
def test_store_bind_params_types_values(kind, value, term):
    query = store.Query("ASK {}", name="q", params=(store.Param("x", kind),), origin="q")
    assert store.bind_params(query, {"x": value}) == {ox.Variable("x"): term}


@pytest.mark.parametrize(
    ("kind", "value"),
    [("decimal", "abc"), ("decimal", "nan"), ("integer", "1.5"), ("year", "27"), ("iri", "a b")],
)
def test_store_bind_params_rejects_bad_values(kind, value):
    query = store.Query("ASK {}", name="q", params=(store.Param("x", kind),), origin="q")
    with pytest.raises(QueryError, match="--param x="):
        store.bind_params(query, {"x": value})


def test_store_bind_params_checks_names_and_required():
    query = store.Query("ASK {}", name="q", params=(store.Param("x", required=True),), origin="q")
    with pytest.raises(QueryError, match="needs --param x=VALUE"):
        store.bind_params(query, {})
    with pytest.raises(QueryError, match="no parameter 'y'"):
        store.bind_params(query, {"x": "1", "y": "2"})


def test_store_bind_params_guesses_types_for_adhoc_queries():
    bound = store.bind_params(
        store.Query("ASK {}"), {"n": "3", "f": "2.5", "s": "湖北", "i": "<urn:x>"}
    )
    assert bound[ox.Variable("n")].datatype.value == store.XSD + "integer"
    assert bound[ox.Variable("f")].datatype.value == store.XSD + "decimal"
    assert bound[ox.Variable("s")] == ox.Literal("湖北")
    assert bound[ox.Variable("i")] == ox.NamedNode("urn:x")


# --------------------------------------------------------------------- the ready queries


def test_store_plans_per_province_counts_plans(small):
    found = {r["province"]: r["plans"] for r in rows(small, "plans-per-province")}
    assert found == {"湖北省": 2, "重庆市": 1}


def test_store_province_targets_by_year_binds_the_province(small):
    found = rows(small, "province-targets-by-year", province="湖北省")
    assert {r["province"] for r in found} == {"湖北省"}
    assert [(r["year"], r["indicator"]) for r in found] == [
        ("2025", "产业规模"),
        ("2027", "专精特新企业"),
        (None, "新增企业"),  # targets without a year last
    ]
    assert found[0]["value"] == Decimal("1100000000000")
    assert len(rows(small, "province-targets-by-year")) == 4  # every province when omitted


def test_store_parameters_are_terms_not_text(small):
    hostile = '湖北省"@zh } UNION { ?p ?q ?r } #'
    assert rows(small, "province-targets-by-year", province=hostile) == []
    with pytest.raises(QueryError, match="expected decimal"):
        rows(small, "targets-above", min="0) || true || (0")


@pytest.mark.parametrize(("minimum", "count"), [("0", 4), ("1000", 3), ("86000", 1), ("1e13", 0)])
def test_store_targets_above_filters_by_value(small, minimum, count):
    found = rows(small, "targets-above", min=minimum)
    assert len(found) == count
    assert all(r["value"] > Decimal(minimum) for r in found)
    years = [r["year"] for r in found if r["year"]]
    assert years == sorted(years)


def test_store_enterprises_per_district_rolls_up_through_part_of(small):
    found = {
        (r["province"], r["district"]): r["enterprises"]
        for r in rows(small, "enterprises-per-district")
    }
    assert found == {
        ("湖北省", None): 3,  # the province total
        ("湖北省", "襄阳市"): 3,  # its own enterprise and its county's two
        ("湖北省", "枣阳市"): 2,
        ("重庆市", None): 1,
        ("重庆市", "渝北区"): 1,
    }


def test_store_fact_evidence_gives_sentence_and_article(small):
    found = rows(small, "fact-evidence", about="湖北省")
    assert {(r["subject"], r["relation"], r["object"]) for r in found} == {
        ("湖北省", "issues", "湖北行动方案"),
        ("湖北省", "issues", "湖北实施意见"),
    }
    assert all(r["sentence"] == SENTENCE and r["article"] == ARTICLE.title for r in found)
    assert found[0]["start"] == 0 and found[0]["end"] == len(SENTENCE)
    assert len(rows(small, "fact-evidence")) == len(STATEMENTS)


def test_store_provinces_by_plans_ranks(small):
    found = rows(small, "provinces-by-plans")
    assert [
        (r["rank"], r["province"], r["plans"], r["targets"], r["enterprises"]) for r in found
    ] == [
        (1, "湖北省", 2, 3, 3),
        (2, "重庆市", 1, 1, 1),
    ]


# --------------------------------------------------------------------- on the seeds build


def test_store_seeds_plans_per_province_has_chongqing(seeds):
    found = {r["province"]: r["plans"] for r in rows(seeds, "plans-per-province")}
    assert found["重庆市"] >= 3


def test_store_seeds_fact_evidence_quotes_the_article(seeds):
    found = rows(seeds, "fact-evidence", about="重庆市")
    plan = "重庆市推动优质中小企业梯度培育改革工作方案"
    issued = [r for r in found if r["relation"] == "issues" and r["object"] == plan]
    assert issued, found
    assert f"印发了《{plan}》" in issued[0]["sentence"]
    assert issued[0]["source"].endswith(".txt") and issued[0]["article"]


def test_store_seeds_ready_queries_all_return_rows(seeds):
    for name in READY_QUERIES:
        assert rows(seeds, name), name


def test_store_seeds_targets_by_year_of_chongqing(seeds):
    found = rows(seeds, "province-targets-by-year", province="重庆市")
    # 到2027年，重庆科技型企业达到8.6万家
    assert any(
        r["year"] == "2027" and "科技型企业" in r["indicator"] and r["value"] == 86000
        for r in found
    )
    assert {r["province"] for r in found} == {"重庆市"}


def test_store_seeds_provinces_by_plans_puts_chongqing_first(seeds):
    found = rows(seeds, "provinces-by-plans")
    assert found[0]["province"] == "重庆市" and found[0]["rank"] == 1
    assert [r["plans"] for r in found] == sorted((r["plans"] for r in found), reverse=True)


# --------------------------------------------------------------------- results and errors


def test_store_run_query_knows_the_project_prefixes(small):
    result = store.run_query(
        small, "SELECT ?l WHERE { ?p a kg:Province ; rdfs:label ?l } ORDER BY ?l"
    )
    assert result.column("l") == ["湖北省", "重庆市"]


def test_store_run_query_ask_and_construct(small):
    assert store.run_query(small, "ASK { ?p a kg:Province }").boolean is True
    built = store.run_query(small, "CONSTRUCT { ?p a kg:Province } WHERE { ?p a kg:Province }")
    assert built.kind == "graph" and len(built.triples) == 2
    assert "kg:Province" in store.format_result(built, "table")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT ?x WHERE {\n  ?x ?p\n  FILTER( }", "line 3, column"),
        ("SELECT ?x WHERE { ?x a nope:Thing }", "unknown prefix"),
        ("SELEC ?x", "line 1, column"),
    ],
)
def test_store_syntax_error_names_line_and_column(small, text, where):
    with pytest.raises(QueryError, match="SPARQL syntax error") as error:
        store.run_query(small, text)
    assert where in str(error.value)
    assert "\n" not in str(error.value)


def test_store_missing_source_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file or store"):
        store.run_query(tmp_path / "nope.ttl", "ASK {}")


def test_store_unparsable_graph_names_the_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <urn:x#> .\nx:a x:b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.ttl: .*line"):
        store.run_query(bad, "ASK {}")


def _select(small) -> tuple[store.QueryResult, ox.QuerySolutions]:
    text = (
        "SELECT ?p ?label ?code ?n ?none WHERE { ?p a kg:Province ; rdfs:label ?label ; "
        "kg:divisionCode ?code . BIND(1.5 AS ?n) } ORDER BY ?code"
    )
    ours = store.run_query(small, text)
    memory = ox.Store()
    memory.load(path=str(small), format=ox.RdfFormat.TURTLE)
    return ours, memory.query(text, prefixes=store.QUERY_PREFIXES)


@pytest.mark.parametrize(
    ("fmt", "results_format"),
    [("json", ox.QueryResultsFormat.JSON), ("tsv", ox.QueryResultsFormat.TSV), ("csv", None)],
)
def test_store_formats_follow_the_sparql_results_standards(small, fmt, results_format):
    ours, theirs = _select(small)
    text = store.format_result(ours, fmt)
    if results_format is None:  # CSV loses types: compare with Oxigraph's own writer
        assert text == theirs.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
        return
    parsed = ox.parse_query_results(text.encode("utf-8"), format=results_format)
    assert [v.value for v in parsed.variables] == ours.variables
    assert [tuple(s[v] for v in ours.variables) for s in parsed] == ours.rows


def test_store_json_is_sparql_results_json(small):
    ours, _ = _select(small)
    document = json.loads(store.format_result(ours, "json"))
    assert document["head"]["vars"] == ["p", "label", "code", "n", "none"]
    first = document["results"]["bindings"][0]
    assert first["label"] == {"type": "literal", "value": "湖北省", "xml:lang": "zh"}
    assert first["p"]["type"] == "uri" and "none" not in first


def test_store_table_aligns_wide_characters(small):
    text = store.format_result(store.run_query(small, store.named_query("plans-per-province")))
    lines = text.splitlines()
    assert lines[0].split() == ["province", "code", "plans", "titles"]
    assert lines[-1] == "(2 rows)"
    # 湖北省 is three characters but six columns wide: the code column lines up
    assert lines[2].index("420000") == lines[0].index("code") - 3


def test_store_table_cuts_long_cells():
    long = ox.Literal("很" * 100)
    text = store.format_result(store.QueryResult(["s"], [(long,)]), "table")
    assert "…" in text and max(store._width(line) for line in text.splitlines()) <= 60


# --------------------------------------------------------------------- the embedded store


def _triples(path: Path) -> int:
    db = ox.Store.read_only(str(path))
    return len(db)


def test_store_load_twice_adds_nothing(small, tmp_path):
    db = tmp_path / "store"
    first = store.load_graph(small, db)
    second = store.load_graph(small, db)
    assert first.previous == 0 and second.previous == first.triples == second.triples
    assert _triples(db) == first.triples
    assert first.graph == small.resolve().as_uri()


def test_store_load_replaces_a_rebuilt_graph(tmp_path):
    db = tmp_path / "store"
    path = write_small(tmp_path / "kg.ttl")
    store.load_graph(path, db)
    write_small(path, STATEMENTS[:3])  # the corpus was rebuilt smaller
    report = store.load_graph(path, db)
    assert report.triples < report.previous
    assert _triples(db) == report.triples
    assert rows(db, "plans-per-province")
    assert rows(db, "targets-above") == []


def test_store_load_keeps_one_graph_per_file_and_queries_their_union(small, tmp_path):
    db = tmp_path / "store"
    other = write_small(tmp_path / "other.ttl", STATEMENTS[2:3])
    store.load_graphs([small, other], db)
    graphs = {g.value for g in ox.Store.read_only(str(db)).named_graphs()}
    assert graphs == {small.resolve().as_uri(), other.resolve().as_uri()}
    found = {r["province"]: r["plans"] for r in rows(db, "plans-per-province")}
    assert found == {"湖北省": 2, "重庆市": 1}  # the union, counted once


def test_store_load_into_a_named_graph(small, tmp_path):
    db = tmp_path / "store"
    report = store.load_graph(small, db, graph="https://example.org/kg")
    assert report.graph == "https://example.org/kg"
    with pytest.raises(StoreError, match="one file"):
        store.load_graphs([small, small], db, graph="https://example.org/kg")
    with pytest.raises(StoreError, match="not an absolute IRI"):
        store.load_graph(small, db, graph="not an iri")


def test_store_load_of_a_broken_file_leaves_the_store_unchanged(small, tmp_path):
    db = tmp_path / "store"
    store.load_graph(small, db)
    before = _triples(db)
    broken = tmp_path / "kg.ttl"
    broken.write_text(small.read_text(encoding="utf-8") + "\n<urn:a> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="line"):
        store.load_graph(broken, db, graph=small.resolve().as_uri())
    assert _triples(db) == before
    assert len(list(ox.Store.read_only(str(db)).named_graphs())) == 1  # no scratch graph left


def test_store_load_puts_quads_into_the_file_graph(small, tmp_path):
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"urn:article:{i % 3}"))
        for i, t in enumerate(_parsed(small))
    ]
    path = tmp_path / "kg.nq"
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    db = tmp_path / "store"
    store.load_graph(path, db)
    report = store.load_graph(path, db)
    assert report.triples == report.previous == len(quads)
    assert {g.value for g in ox.Store.read_only(str(db)).named_graphs()} == {
        path.resolve().as_uri()
    }


def test_store_load_refuses_a_folder_that_is_not_a_store(small, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        store.load_graph(small, tmp_path)
    with pytest.raises(StoreError, match="not an Oxigraph store"):
        store.run_query(tmp_path, "ASK {}")


# --------------------------------------------------------------------- the CLI


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_store_cli_query_named_with_param(small):
    result = invoke("query", small, "--named", "province-targets-by-year", "-p", "province=重庆市")
    assert result.exit_code == 0, result.output
    assert "科技型企业" in result.output and "湖北" not in result.output
    assert result.output.rstrip().endswith("(1 row)")


def test_store_cli_query_text_as_json(small):
    result = invoke("query", small, "SELECT ?p WHERE { ?p a kg:Plan }", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["results"]["bindings"]) == 3


def test_store_cli_query_file(small, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text(
        "# title: Years\n# param: y (year, required) a year\n"
        "SELECT ?i ?y WHERE { ?m kg:indicator ?i ; kg:year ?y }",
        encoding="utf-8",
    )
    result = invoke("query", small, "--file", rq, "-p", "y=2027", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert sorted(result.output.splitlines()[1:]) == ["专精特新企业,2027", "科技型企业,2027"]


def test_store_cli_query_list():
    result = invoke("query", "--list")
    assert result.exit_code == 0, result.output
    for name in READY_QUERIES:
        assert name in result.output
    assert "-p province=" in result.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["nope.ttl", "ASK {}"], "nope.ttl: no such file or store", 2),
        (["{small}", "SELECT ?x WHERE { ?x ?p }"], "SPARQL syntax error at line 1, column", 1),
        (["{small}", "--named", "nope"], "no ready query named 'nope'", 1),
        (["{small}", "--named", "targets-above", "-p", "min=lots"], "expected decimal", 1),
        (["{small}", "--named", "targets-above", "-p", "nonsense"], "NAME=VALUE", 2),
        (["{small}"], "give exactly one query", 1),
        ([], "Missing argument", 2),
    ],
)
def test_store_cli_query_errors_are_one_line(small, args, message, code):
    result = invoke("query", *[a.replace("{small}", str(small)) for a in args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    if code == 1:
        assert len(result.output.strip().splitlines()) == 1


def test_store_cli_load_twice_then_query(small, tmp_path):
    db = tmp_path / "store"
    for expected in ("(before: 0)", "triples (before: "):
        result = invoke("load", small, "--store", db)
        assert result.exit_code == 0, result.output
        assert expected in result.output
    assert _triples(db) == len(_parsed(small))
    result = invoke("query", db, "--named", "plans-per-province", "--format", "tsv")
    assert result.exit_code == 0, result.output
    assert '"湖北省"@zh' in result.output


def _parsed(path: Path) -> list:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def test_store_cli_load_missing_file(tmp_path):
    result = invoke("load", tmp_path / "nope.ttl", "--store", tmp_path / "store")
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'nope.ttl'}: no such file"


def test_store_cli_serve_and_push_fail_clearly(small, tmp_path):
    result = invoke("serve", "--store", tmp_path)
    assert result.exit_code == 1 and "not an Oxigraph store" in result.output
    result = invoke("push", tmp_path / "nope.ttl", "-e", "http://127.0.0.1:9/store")
    assert result.exit_code == 2 and "no such file" in result.output
    result = invoke("push", small, "-e", "http://127.0.0.1:9/store")
    assert result.exit_code == 1 and "cannot reach the endpoint" in result.output
