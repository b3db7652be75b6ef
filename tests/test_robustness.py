"""Bad input never breaks a build or loses data, untrusted text never escapes, builds repeat.

A corpus of hostile inputs is generated under tmp_path (nothing binary is
committed); each file is either read or reported on one line and skipped.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import RDFS, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.export import FORMATS, serialize
from kg.graph import article_iri, build_graph, entity_iri, new_graph
from kg.ingest import Skipped, clean_text, read_documents
from kg.namespaces import KG
from kg.pages import split_articles
from kg.types import Article, ArticleFacts, Entity, Evidence, Kind, Mentioned, Metric, Quantity

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Every character, surrogates and control characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=[]))


def news(n: int) -> str:
    """A short article with a fact in it, different for every ``n``."""
    plan = f"《湖北省制造业升级行动方案（第{n}号）》"
    return f"湖北省印发{plan}。到2027年，全省高新技术企业达到{n}万家。"


# A sentence naming nothing: a 1 MB line of it and one fact keeps the build quick.
# (A 1 MB line dense with plans takes minutes: extraction is quadratic in sentences.)
FILLER = "这是一段没有任何实体的填充文字，"
TRADITIONAL = (
    "湖北省印發《湖北省製造業升級行動方案（第五號）》。到2027年，全省高新技術企業達到5萬家。"
)
ONE_MB = 1024 * 1024

PAGE = f"""<html><head><meta charset="gbk"><title>站点标题</title>
<meta name="PubDate" content="2024-03-05 10:00">
<script>var s = "<p>脚本里的段落</p>";</script><style>p {{ color: red }}</style></head>
<body><h1>湖北发布新政</h1><p>{news(7)}</p><script>alert("不可见")</script></body></html>"""

FRONT_MATTER = f"""---
title: 前言里的标题
date: 2024/3/6
url: https://example.com/8
source: 湖北日报
---
{news(8)}
"""

MARKUP = (
    "# 标题</title><img src=x onerror=alert(2)>\n\n"
    "湖北省印发《湖北省</script><script>alert(1)</script>行动方案》。到2027年，全省企业达到5万家。\n"
)

CORPUS_JSONL = "\n".join(
    [
        json.dumps({"text": news(9), "title": "第九", "date": "2024-03-09"}, ensure_ascii=False),
        '{"text": "坏的一行',
        json.dumps({"text": news(10) + "\u0000\ud800", "url": "https://x.cn/10"}),
    ]
)

# name → (bytes, what happens: "read" or the reason it is skipped)
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "utf8-bom.txt": (lambda: codecs.BOM_UTF8 + news(1).encode(), "read"),
    "utf16.txt": (lambda: news(2).encode("utf-16"), "read"),
    "gbk.txt": (lambda: news(3).encode("gbk"), "read"),
    "big5.txt": (lambda: TRADITIONAL.encode("big5"), "read"),
    "controls.txt": (lambda: f"\x1b[1m{news(4)}\x07\x0c".encode(), "read"),
    "page.html": (lambda: PAGE.encode("gbk"), "read"),
    "front.md": (lambda: FRONT_MATTER.encode(), "read"),
    "corpus.jsonl": (lambda: CORPUS_JSONL.encode(), "read"),
    "x.txt/inside.txt": (lambda: news(11).encode(), "read"),  # a folder named x.txt
    "名字 有 空格.txt": (lambda: news(12).encode(), "read"),
    "markup.txt": (lambda: MARKUP.encode(), "read"),  # text that is HTML, for kg.html
    "one-line.txt": (lambda: (news(13) + FILLER * 30000).encode()[: ONE_MB - 1], "read"),
    "binary.txt": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256), "binary file"),
    "random.txt": (lambda: bytes((i * 7919) % 251 + 1 for i in range(4000)), "not text"),
    "empty.txt": (lambda: b"", "empty file"),
    "blank.md": (lambda: b" \n\t\n", "empty file"),
    "ascii-line.txt": (lambda: b"Hubei plans 2027 " * (ONE_MB // 17 + 1), "too long"),
    "script-only.html": (lambda: b"<script>alert(1)</script>", "no text"),
    "bad.jsonl": (lambda: b"not json\n[]\n", "no JSON record with text"),
}  # fmt: skip
BAD_NAME = b"bad\xff\nname.txt"  # undecodable byte and a newline in a file name


def make_corpus(root: Path, names: list[str] | None = None, reverse: bool = False) -> Path:
    """Write the hostile files (or some of them) under ``root``, in the given creation order."""
    chosen = sorted(HOSTILE if names is None else names, reverse=reverse)
    for name in chosen:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(HOSTILE[name][0]())
    if names is None:
        with open(os.fsencode(root) + b"/" + BAD_NAME, "wb") as handle:
            handle.write(news(14).encode())
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("hostile") / "corpus")


def source_of(root: Path, name: str) -> str:
    return (root / name).as_posix()


# -- reading ----------------------------------------------------------------------


def test_robustness_each_hostile_file_is_read_or_reported(hostile):
    skipped: list[Skipped] = []
    documents = list(read_documents([hostile], skipped))
    read = {d.source for d in documents}
    for name, (_, expected) in HOSTILE.items():
        source = source_of(hostile, name)
        if expected == "read":
            assert source in read or f"{source}:1" in read, name
        else:
            [reason] = [s.reason for s in skipped if s.source == source]
            assert reason.startswith(expected), (name, reason)
    assert f"{source_of(hostile, 'corpus.jsonl')}:2" in {s.source for s in skipped}
    assert source_of(hostile, "bad\\xff\\x0aname.txt") in read
    for item in skipped:
        assert "\n" not in str(item)


def test_robustness_hostile_documents_split_into_clean_articles(hostile):
    """kg.pages gets every document the reader lets through without failing on it."""
    documents = list(read_documents([hostile], []))
    articles = [article for document in documents for article in split_articles(document)]
    assert len(articles) >= len(documents)
    for article in articles:
        for text in (article.text, article.title, article.source):
            text.encode("utf-8")
            assert clean_text(text) == text
    titles = {article.title for article in articles}
    assert {"湖北发布新政", "前言里的标题", "第九"} <= titles
    assert not any("脚本" in a.text or "不可见" in a.text for a in articles)


# -- the build command ------------------------------------------------------------


def test_robustness_cli_build_skips_bad_files_and_writes_the_rest(hostile, tmp_path, caplog):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(hostile), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    expected = sorted(
        source_of(hostile, name) for name, (_, what) in HOSTILE.items() if what != "read"
    )
    files = [w.split(": ")[0] for w in warnings if not re.search(r"\.jsonl:\d+: ", w)]
    assert sorted(f for f in files if f != source_of(hostile, "one-line.txt")) == expected
    assert f"{source_of(hostile, 'one-line.txt')}: read as utf-8 (cut short" in " ".join(warnings)
    assert all("\n" not in w for w in warnings)
    graph = Graph().parse(out / "kg.ttl")
    sources = {str(o) for o in graph.objects(None, KG.sourceFile)}
    assert source_of(hostile, "page.html") in sources
    assert f"{source_of(hostile, 'corpus.jsonl')}:3" in sources
    assert source_of(hostile, "bad\\xff\\x0aname.txt") in sources
    assert not any(source_of(hostile, name) in sources for name in ("binary.txt", "empty.txt"))
    # pyoxigraph, stricter than rdflib, reads the same file
    assert len(list(ox.parse((out / "kg.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))) == len(
        graph
    )
    html = (out / "kg.html").read_text(encoding="utf-8")
    assert "alert(1)" in html and "alert(2)" in html  # the text is there, as text:
    assert "<script>alert(" not in html and "<img src=x" not in html


def test_robustness_cli_strict_fails_on_the_first_bad_file(hostile, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(hostile), "-o", str(out), "--strict", "-q"])
    assert result.exit_code == 2, result.output
    first_bad = min(
        source_of(hostile, name) for name, (_, what) in HOSTILE.items() if what != "read"
    )
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {first_bad}: ")
    assert not (out / "kg.ttl").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["binary.txt", "empty.txt"],  # nothing readable
        ["missing.txt"],  # no such path
    ],
)
def test_robustness_cli_no_article_exits_2(tmp_path, args):
    make_corpus(tmp_path, ["binary.txt", "empty.txt"])
    result = CliRunner().invoke(
        cli, ["build", *(str(tmp_path / a) for a in args), "-o", str(tmp_path / "out"), "-q"]
    )
    assert result.exit_code == 2, result.output
    assert "no article found" in result.output and "Traceback" not in result.output


def test_robustness_cli_missing_input_is_skipped_unless_strict(tmp_path):
    make_corpus(tmp_path, ["gbk.txt"])
    args = ["build", str(tmp_path / "gbk.txt"), str(tmp_path / "missing"), "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "-q", "--no-html", "--no-validate"])
    assert result.exit_code == 0, result.output
    strict = CliRunner().invoke(cli, [*args, "-q", "--strict"])
    assert strict.exit_code == 2
    assert "missing: no such file or folder" in strict.output


def test_robustness_cli_help_documents_exit_codes():
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    assert "Exit codes:" in help_text
    for code in ("0 ", "1 ", "2 "):
        assert f" {code}" in help_text.split("Exit codes:")[1]
    assert "--strict" in help_text and ".jsonl" in help_text and ".html" in help_text


def run_kg(args: list[str], cwd: Path, seed: str = "0", **kwargs) -> subprocess.Popen:
    """``kg ARGS`` in a fresh interpreter (its own hash seed), output captured."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "200"}
    code = "import sys; from kg.cli import main; sys.argv = ['kg', *sys.argv[1:]]; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


@pytest.mark.slow
def test_robustness_cli_prints_one_warning_line_per_skipped_file(tmp_path):
    """What a user sees: the real command's stderr."""
    make_corpus(tmp_path / "in", ["gbk.txt", "binary.txt", "empty.txt", "corpus.jsonl"])
    process = run_kg(["build", "in", "-o", "out", "--no-html", "--no-validate"], tmp_path)
    _, stderr = process.communicate(timeout=240)
    assert process.returncode == 0, stderr.decode()
    warnings = [line for line in stderr.decode().splitlines() if line.startswith("WARNING")]
    assert warnings == [
        "WARNING: in/binary.txt: binary file (NUL bytes)",
        "WARNING: in/corpus.jsonl:2: not JSON: Unterminated string starting at (column 10)",
        "WARNING: in/empty.txt: empty file",
    ]


# -- untrusted text in the outputs -------------------------------------------------

RDF_PARSERS = {
    "turtle": ("turtle", ox.RdfFormat.TURTLE),
    "nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("json-ld", None),
    "trig": ("trig", ox.RdfFormat.TRIG),
    "nquads": ("nquads", ox.RdfFormat.N_QUADS),
}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_robustness_any_text_round_trips_through_every_writer(raw):
    """Text as ingest leaves it, in a plain and a language-tagged literal, comes back."""
    text = clean_text(raw)
    subject, node = URIRef("https://w3id.org/policy-kg/id/x"), RDFS.label
    literals = {Literal(text), Literal(text, lang="zh")}
    graph = new_graph()
    for literal in literals:
        graph.add((subject, node, literal))
    dataset = Dataset()
    for literal in literals:
        dataset.graph(article_iri("a1")).add((subject, node, literal))
    for fmt, (rdflib_name, ox_format) in RDF_PARSERS.items():
        named = FORMATS[fmt][2]
        data = serialize(dataset if named else graph, fmt)
        if named:
            back = Dataset().parse(data=data, format=rdflib_name)
            assert {q[2] for q in back.quads()} == literals, fmt
        else:
            assert isomorphic(Graph().parse(data=data, format=rdflib_name), graph), fmt
        if ox_format is not None:
            values = {q.object.value for q in ox.parse(data, format=ox_format)}
            assert values == {text}, fmt


@settings(max_examples=200, deadline=None)
@given(key=ANY_TEXT, label=ANY_TEXT, kind=st.sampled_from(list(Kind)))
@example(key="\ud800", label="", kind=Kind.PROVINCE)  # a lone surrogate
def test_robustness_iris_minted_from_any_name_are_safe(key, label, kind):
    """An entity named anything gets a short hash IRI that every parser accepts."""
    iri = entity_iri(Entity(kind, key, label))
    local = str(iri).rsplit("/", 1)[1]
    assert str(iri).startswith("https://w3id.org/policy-kg/id/")
    assert len(local) == 16 and all(c in "0123456789abcdef" for c in local)
    ox.NamedNode(str(iri))  # raises on an invalid IRI


@settings(max_examples=40, deadline=None)
@given(title=ANY_TEXT, sentence=ANY_TEXT, indicator=ANY_TEXT, unit=ANY_TEXT)
def test_robustness_graph_of_hostile_facts_serialises_and_parses(title, sentence, indicator, unit):
    """Every string field of the model, cleaned as ingest cleans, survives Turtle and pyoxigraph."""
    title, sentence, indicator, unit = map(clean_text, (title, sentence, indicator, unit))
    article = Article(id="a1", source=f"{title}.txt", title=title, text=sentence, url=None)
    evidence = Evidence("a1", sentence, 0, len(sentence))
    metric = Metric(indicator, Quantity(Decimal("1.5"), unit), year=2027)
    entity = Entity(Kind.METRIC, indicator, indicator, metric=metric)
    graph = build_graph([ArticleFacts(article, [Mentioned(entity, evidence)], [])])
    data = serialize(graph, "turtle")
    assert isomorphic(Graph().parse(data=data, format="turtle"), graph)
    assert len(list(ox.parse(data, format=ox.RdfFormat.TURTLE))) == len(graph)


def test_robustness_sparql_parameters_are_bound_not_pasted(tmp_path):
    """A parameter that tries to close the query's string is only ever a value."""
    from kg import store
    from kg.export import write_graph

    graph = new_graph()
    graph.add((URIRef("urn:x:a"), RDFS.label, Literal("湖北省", lang="zh")))
    path = write_graph(graph, tmp_path / "kg.ttl")
    query = store.parse_query(
        "# title: by label\n# description: things labelled NAME\n"
        "# param: name (zh, required) a label\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?name WHERE { ?s rdfs:label ?name }",
        origin="test",
    )
    assert len(store.run_query(path, query, {"name": "湖北省"}).rows) == 1
    for hostile in ('"} UNION { ?s ?p ?o } #', '湖北省"@zh } . ?s ?p ?o . #', "\\u0022", "?s"):
        assert store.run_query(path, query, {"name": hostile}).rows == []


# -- determinism -------------------------------------------------------------------

DETERMINISM_FILES = [
    "utf16.txt",
    "gbk.txt",
    "big5.txt",
    "page.html",
    "front.md",
    "corpus.jsonl",
    "x.txt/inside.txt",
    "名字 有 空格.txt",
    "binary.txt",
]


@pytest.mark.slow
def test_robustness_builds_are_byte_identical_whatever_the_order_on_disk(tmp_path):
    """Two copies written in opposite orders, built by processes with different hash seeds."""
    processes = []
    for copy, reverse, seed in (("a", False, "1"), ("b", True, "2")):
        corpus = tmp_path / copy / "corpus"
        seeds = sorted(SEEDS.glob("*.txt"))[:2]
        for path in reversed(seeds) if reverse else seeds:
            corpus.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, corpus / path.name)
        make_corpus(corpus, DETERMINISM_FILES, reverse=reverse)
        formats = [arg for fmt in FORMATS for arg in ("--format", fmt)]
        args = ["build", "corpus", "-o", "out", "-q", "--no-html", "--no-validate", *formats]
        processes.append(run_kg(args, tmp_path / copy, seed))
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    for fmt, (suffix, _, _) in FORMATS.items():
        first = (tmp_path / "a" / "out" / f"kg{suffix}").read_bytes()
        second = (tmp_path / "b" / "out" / f"kg{suffix}").read_bytes()
        pairs = zip(first.splitlines(), second.splitlines(), strict=False)
        differ = [(a, b) for a, b in pairs if a != b]
        assert first == second, (fmt, differ[:1] or "one is longer")
        assert b"corpus/page.html" in first, fmt


# -- interrupted builds ------------------------------------------------------------

# Run `kg build` with a write that hangs at a chosen point, so the test can kill -9 it there.
HANGING_BUILD = r"""
import os, sys, tempfile, time
from pathlib import Path

marker, mode, target = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
sys.argv = ["kg", *sys.argv[4:]]
temporary = {}
real_mkstemp, real_fdopen, real_replace = tempfile.mkstemp, os.fdopen, os.replace


def hang():
    marker.touch()
    time.sleep(600)


def mkstemp(*args, **kwargs):
    fd, name = real_mkstemp(*args, **kwargs)
    temporary[fd] = name
    return fd, name


class HalfWriter:
    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

    def write(self, data):
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        hang()

    def __getattr__(self, name):
        return getattr(self.handle, name)


def fdopen(fd, *args, **kwargs):
    handle = real_fdopen(fd, *args, **kwargs)
    name = Path(temporary.get(fd, "")).name
    if mode == "mid-write" and name.startswith(f".{target}."):
        return HalfWriter(handle)
    return handle


def replace(src, dst, *args, **kwargs):
    if mode == "before-rename" and Path(dst).name == target:
        hang()
    return real_replace(src, dst, *args, **kwargs)


tempfile.mkstemp, os.fdopen, os.replace = mkstemp, fdopen, replace
from kg.cli import main

main()
"""

OLD_TTL = b'<urn:x:previous> <urn:x:build> "kept" .\n'
OLD_NT = b'<urn:x:previous> <urn:x:build> "kept too" .\n'


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "target", "new"),
    [
        ("mid-write", "kg.ttl", []),  # killed with half of kg.ttl written
        ("before-rename", "kg.nt", ["kg.ttl"]),  # kg.ttl done, kg.nt written but not in place
    ],
)
def test_robustness_killed_build_leaves_previous_exports_intact(tmp_path, mode, target, new):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copyfile(path, corpus / path.name)
    out = tmp_path / "out"
    out.mkdir()
    (out / "kg.ttl").write_bytes(OLD_TTL)
    (out / "kg.nt").write_bytes(OLD_NT)
    marker = tmp_path / "hanging"
    args = ["build", "corpus", "-o", "out", "-q", "--no-html", "--no-validate", "--no-cache"]
    args += ["--format", "turtle", "--format", "nt"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    process = subprocess.Popen(
        [sys.executable, "-c", HANGING_BUILD, str(marker), mode, target, *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the build never reached the hanging write"
            time.sleep(0.1)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["kg.nt", "kg.ttl"]  # no stray temporary file among the outputs
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_file()]
    assert all(name.startswith(f".{target}.") and name.endswith(".tmp") for name in leftovers)
    old = {"kg.ttl": OLD_TTL, "kg.nt": OLD_NT}
    for name, content in old.items():
        if name in new:
            graph = Graph().parse(out / name)
            assert len(set(graph.objects(None, KG.sourceFile))) >= 2
        else:
            assert (out / name).read_bytes() == content, name
