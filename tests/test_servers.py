"""Real triplestores on loopback: the Oxigraph server and Debian's Virtuoso.

Each server runs on free ports of 127.0.0.1 for the session and is stopped after.
A test is skipped only when the server binary is not installed.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg import store
from kg.cli import cli
from kg.errors import StoreError

pytestmark = pytest.mark.server

GRAPH = "https://example.org/policy-kg/seeds"


def _oxigraph_missing() -> bool:
    try:
        store.oxigraph_binary()
    except StoreError:
        return True
    return False


needs_oxigraph = pytest.mark.skipif(
    _oxigraph_missing(), reason="the oxigraph server binary is missing: pip install oxigraph"
)
VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = sorted(Path("/etc").glob("virtuoso-opensource-*/virtuoso.ini"))
needs_virtuoso = pytest.mark.skipif(
    not (VIRTUOSO and VIRTUOSO_INI),
    reason="Debian's virtuoso-opensource is missing: apt-get install virtuoso-opensource",
)


@pytest.fixture(scope="module")
def seeds(seeds_build) -> Path:
    return seeds_build / "kg.ttl"


def file_triples(path: Path) -> int:
    return len({q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)})


def count(query_url: str, graph: str = GRAPH) -> int:
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return store.run_query(query_url, text).column("n")[0]


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --------------------------------------------------------------------- Oxigraph


@pytest.fixture
def oxigraph(tmp_path) -> Iterator[store.Server]:
    with store.serve(tmp_path / "store", port=0, writable=True) as server:
        yield server


@needs_oxigraph
def test_servers_oxigraph_push_twice_keeps_the_triple_count(oxigraph, seeds):
    counts = []
    for _ in range(2):
        result = invoke("push", seeds, "--endpoint", oxigraph.store_url, "--graph", GRAPH)
        assert result.exit_code == 0, result.output
        counts.append(count(oxigraph.query_url))
    assert counts == [file_triples(seeds)] * 2
    graphs = store.run_query(oxigraph.query_url, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    assert graphs.column("g") == [GRAPH]


@needs_oxigraph
def test_servers_oxigraph_push_replaces_the_graph(oxigraph, seeds, tmp_path):
    store.push(seeds, oxigraph.store_url, GRAPH)
    smaller = tmp_path / "smaller.ttl"
    smaller.write_text('<urn:a> <urn:b> "c" .\n', encoding="utf-8")
    report = store.push(smaller, oxigraph.store_url, GRAPH)
    assert report.triples == 1
    assert count(oxigraph.query_url) == 1


@needs_oxigraph
def test_servers_oxigraph_answers_the_ready_queries_like_the_file(oxigraph, seeds):
    store.push(seeds, oxigraph.store_url, GRAPH)
    for name in store.named_queries():
        query = store.named_query(name)
        remote = store.run_query(oxigraph.query_url, query)
        local = store.run_query(seeds, query)
        assert remote.variables == local.variables, name
        assert len(remote.rows) == len(local.rows), name
    plans = store.run_query(oxigraph.query_url, store.named_query("plans-per-province"))
    assert {r["province"]: r["plans"] for r in plans.records()}["重庆市"] >= 3


@needs_oxigraph
def test_servers_read_only_server_serves_a_loaded_store(seeds, tmp_path):
    folder = tmp_path / "store"
    assert invoke("load", seeds, "--store", folder).exit_code == 0
    with store.serve(folder, port=0) as server:
        assert count(server.query_url, store.graph_iri(seeds)) == file_triples(seeds)
        with pytest.raises(StoreError, match="HTTP 403"):
            store.push(seeds, server.store_url, GRAPH)
        # the store stays readable by `kg query` while it is served
        assert invoke("query", folder, "--named", "plans-per-province").exit_code == 0


@needs_oxigraph
def test_servers_kg_serve_runs_until_interrupted(seeds, tmp_path):
    folder = tmp_path / "store"
    store.load_graph(seeds, folder)
    port = store.free_port()
    command = [sys.executable, "-c", "from kg.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "serve", "--store", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/query" in line and "read-only" in line
        assert count(f"http://127.0.0.1:{port}/query", store.graph_iri(seeds)) > 0
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    with pytest.raises(httpx.TransportError):  # the oxigraph child is gone too
        httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=2)


@needs_oxigraph
def test_servers_serve_reports_a_busy_port(tmp_path):
    with store.serve(None, port=0, writable=True) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with pytest.raises(StoreError, match=f"port {port} on 127.0.0.1 is in use"):
            store.serve(None, port=port, writable=True)


# --------------------------------------------------------------------- Virtuoso


def virtuoso_ini(template: str, folder: Path, sql_port: int, http_port: int) -> str:
    """Debian's virtuoso.ini with its files in ``folder`` and loopback ports."""
    settings = {
        ("Database", "DatabaseFile"): folder / "virtuoso.db",
        ("Database", "ErrorLogFile"): folder / "virtuoso.log",
        ("Database", "LockFile"): folder / "virtuoso.lck",
        ("Database", "TransactionFile"): folder / "virtuoso.trx",
        ("Database", "xa_persistent_file"): folder / "virtuoso.pxa",
        ("TempDatabase", "DatabaseFile"): folder / "virtuoso-temp.db",
        ("TempDatabase", "TransactionFile"): folder / "virtuoso-temp.trx",
        ("Parameters", "ServerPort"): f"127.0.0.1:{sql_port}",
        ("Parameters", "DirsAllowed"): f"., {folder}",
        ("HTTPServer", "ServerPort"): f"127.0.0.1:{http_port}",
        ("HTTPServer", "ServerRoot"): folder,
        ("URIQA", "DefaultHost"): f"127.0.0.1:{http_port}",
    }
    lines, section = [], ""
    for line in template.splitlines():
        header = re.match(r"\s*\[(.+)\]", line)
        if header:
            section = header.group(1)
        key = re.match(r"\s*(\w+)\s*=", line)
        if key and (section, key.group(1)) in settings:
            line = f"{key.group(1)} = {settings[section, key.group(1)]}"
        elif key and key.group(1) == "VADInstallDir":
            line = ";" + line  # no Conductor install: a fresh database starts sooner
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """A Virtuoso of its own on loopback: yields its HTTP base URL."""
    if not (VIRTUOSO and VIRTUOSO_INI):
        pytest.skip("Debian's virtuoso-opensource is missing: apt-get install virtuoso-opensource")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = store.free_port(), store.free_port()
    ini = folder / "virtuoso.ini"
    template = VIRTUOSO_INI[0].read_text(encoding="utf-8", errors="replace")
    ini.write_text(virtuoso_ini(template, folder, sql_port, http_port), encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 120  # a new database takes 5-20 s to set up
        while True:
            if process.poll() is not None:
                tail = (folder / "stdout.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"Virtuoso stopped at start:\n{tail}")
            try:
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Virtuoso did not answer within 120 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@needs_virtuoso
def test_servers_virtuoso_push_with_digest_auth_twice(virtuoso, seeds):
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    counts = []
    for _ in range(2):
        result = invoke(
            "push", seeds, "-e", endpoint, "--graph", GRAPH, "--user", "dba", "--password", "dba"
        )
        assert result.exit_code == 0, result.output
        counts.append(count(f"{virtuoso}/sparql"))
    assert counts == [file_triples(seeds)] * 2


@needs_virtuoso
def test_servers_virtuoso_answers_the_ready_queries(virtuoso, seeds):
    store.push(seeds, f"{virtuoso}/sparql-graph-crud-auth", GRAPH, user="dba", password="dba")
    plans = store.run_query(f"{virtuoso}/sparql", store.named_query("plans-per-province"))
    assert {r["province"]: r["plans"] for r in plans.records()}["重庆市"] >= 3
    facts = store.run_query(f"{virtuoso}/sparql", store.named_query("fact-evidence"))
    assert len(facts.rows) == len(store.run_query(seeds, store.named_query("fact-evidence")).rows)


@needs_virtuoso
def test_servers_virtuoso_refuses_a_push_without_credentials(virtuoso, seeds):
    result = invoke("push", seeds, "-e", f"{virtuoso}/sparql-graph-crud-auth", "--graph", GRAPH)
    assert result.exit_code == 1
    assert "HTTP 401" in result.output and "--user" in result.output
    result = invoke(
        "push", seeds, "-e", f"{virtuoso}/sparql-graph-crud-auth", "-u", "dba", "--password", "x"
    )
    assert result.exit_code == 1 and "wrong --user or --password" in result.output
