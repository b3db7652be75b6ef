"""kg.parallel and kg.stream: more workers, a cluster or the streaming writer, the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.cli import cli
from kg.parallel import chunked
from kg.pipeline import build, read_articles
from kg.types import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FORMATS = ("turtle", "nt")


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("kg.ttl", "kg.nt")}


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> dict[str, bytes]:
    """The seeds built by one worker, without the cache: the bytes every other way must give."""
    out = tmp_path_factory.mktemp("serial")
    build([SEEDS], out, formats=FORMATS, html=False, validate=False, cache=False)
    return _outputs(out)


def _article(n: int, size: int) -> Article:
    return Article(id=f"a{n}", source="s.md", title=f"t{n}", text="字" * size, index=n)


@pytest.mark.parametrize(
    ("sizes", "limit", "expected"),
    [
        ([10, 10, 10], 25, [[0, 1], [2]]),
        ([30, 5, 5], 25, [[0], [1, 2]]),  # an article longer than a chunk goes alone
        ([], 25, []),
        ([1] * 5, 1000, [[0, 1, 2, 3, 4]]),
    ],
)
def test_parallel_chunked_keeps_order(sizes, limit, expected):
    articles = [_article(n, size) for n, size in enumerate(sizes)]
    chunks = chunked(articles, limit)
    assert [[int(a.id[1:]) for a in chunk] for chunk in chunks] == expected


def test_parallel_pool_gives_the_same_bytes(serial, tmp_path):
    report = build(
        [SEEDS], tmp_path, formats=FORMATS, html=False, validate=False, cache=False, workers=2
    )
    assert report.articles == 30
    assert _outputs(tmp_path) == serial


def test_parallel_pool_from_the_cli(serial, tmp_path):
    args = ["build", str(SEEDS), "-o", str(tmp_path), "--workers", "2", "--no-html", "-q"]
    args += [arg for fmt in FORMATS for arg in ("--format", fmt)]
    result = CliRunner().invoke(cli, [*args, "--no-cache", "--no-validate"])
    assert result.exit_code == 0, result.output
    assert _outputs(tmp_path) == serial


def test_parallel_streamed_writer_same_triples(serial, tmp_path):
    """Past the threshold the graph is written by pyoxigraph: N-Triples byte for byte,
    Turtle the same graph, validation on a sample, no HTML."""
    report = build([SEEDS], tmp_path, formats=FORMATS, cache=False, stream_above=0)
    assert (tmp_path / "kg.nt").read_bytes() == serial["kg.nt"]
    streamed = Graph().parse(tmp_path / "kg.ttl")
    assert isomorphic(streamed, Graph().parse(data=serial["kg.nt"], format="nt"))
    assert report.conforms is True
    assert not (tmp_path / "kg.html").exists()
    assert any("sample" in note for note in report.notes)
    again = tmp_path / "again"
    build([SEEDS], again, formats=("turtle",), html=False, validate=False, stream_above=0)
    assert (again / "kg.ttl").read_bytes() == (tmp_path / "kg.ttl").read_bytes()


def test_parallel_report_times_each_stage(tmp_path):
    report = build([SEEDS / "000_c3ba10733c2e3a40.txt"], tmp_path, html=False, validate=False)
    assert {"read", "extract", "graph", "write"} <= set(report.stages)
    assert report.articles == len(list(read_articles([SEEDS / "000_c3ba10733c2e3a40.txt"])))


@pytest.mark.slow
def test_parallel_dask_cluster_gives_the_same_bytes(serial, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(
        processes=True,
        n_workers=2,
        threads_per_worker=1,
        dashboard_address=None,
        local_directory=tmp_path / "dask",
    ) as cluster:
        report = build(
            [SEEDS],
            tmp_path / "out",
            formats=FORMATS,
            html=False,
            validate=False,
            cache=False,
            scheduler=cluster.scheduler_address,
        )
    assert report.articles == 30
    assert _outputs(tmp_path / "out") == serial
