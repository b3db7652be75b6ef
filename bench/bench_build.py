"""Time and memory of `kg build` from 1 MB to 20 MB of generated articles.

Each run happens in a fresh process (so its peak memory is its own) on a corpus
from bench/corpus.py, and reports:

* throughput: KB of article text (UTF-8) per second of the whole build;
* the time of each stage: read+split, extract, graph (merge the triples, build
  the rdflib graph or its sample), validate, write;
* peak memory: the largest resident set of the build's process tree (psutil,
  sampled every 0.2 s) and the kernel's ru_maxrss of the build process;
* the reference: in the same process, after the build, a plain ``jieba.lcut``
  pass over the same article texts and a pure extraction pass
  (``kg.pipeline.extract``, the build's extract stage without cache or
  triples), both in wall and CPU seconds, taking turns chunk by chunk (the
  fastest of three rounds of each chunk counts); the goal is extraction <= 2x
  jieba;
* two workers against one: in the same process, extraction (facts and
  N-Triples) by one process and by a pool of two forked workers, taking
  turns twice; and whole builds with ``--workers 2`` (at every size, or at
  those given to ``--pool-sizes``);
* incremental: a cached full build, then 1% more articles and a rebuild.

Growth is given as ratios to the smallest run, so the table reads the same on
a faster or a busier machine.

    python bench/bench_build.py                    # 1, 2, 5, 10, 20 MB: about 15 minutes
    python bench/bench_build.py --quick            # 0.25, 0.5, 1 MB: about a minute
    python bench/bench_build.py --sizes 10 --json results.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python bench/bench_build.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import iter_pages

MB = 1_000_000
DEFAULT_SIZES = (1, 2, 5, 10, 20)
QUICK_SIZES = (0.25, 0.5, 1)


def corpus_files(folder: Path, size: float, seed: int = 0, start: int = 0) -> list[Path]:
    """The pages of stream ``seed`` from page ``start`` on that hold ``size`` MB, written
    into ``folder`` if they are not there yet (every size is a prefix of the larger ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    files, total = [], 0
    for name, text in iter_pages(seed, start):
        if total >= size * MB:
            break
        path = folder / name
        data = text.encode("utf-8")
        if not path.exists() or path.stat().st_size != len(data):
            path.write_bytes(data)
        files.append(path)
        total += len(data)
    return files


class PeakMemory:
    """The largest RSS of this process and its children, sampled on a thread."""

    def __init__(self, interval: float = 0.2) -> None:  # a sample costs ~1 ms of CPU
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = self._process.memory_info().rss
        for child in self._process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def run_build(files: list[Path], out: Path, workers: int, cache: bool, reference: bool) -> dict:
    """One build in this process; with ``reference``, then the jieba and extraction passes."""
    from kg.nlp import default_nlp
    from kg.pipeline import build, read_articles

    default_nlp()  # built before timing, as jieba.initialize() is for the reference
    with PeakMemory() as memory:
        started = _clock()
        report = build(files, out, html=False, workers=workers, cache=cache)
        total = _since(started)
    result = {
        "workers": workers,
        "bytes": sum(p.stat().st_size for p in files),
        "articles": report.articles,
        "cached": report.cached,
        "triples": report.triples,
        "streamed": report.streamed,
        "conforms": report.conforms,
        "stages": report.stages,
        "total": total,
        "peak_rss_tree": memory.peak,
        "maxrss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    if reference:
        articles = list(read_articles(files))
        result.update(reference_passes(articles))
        result["pool"] = pool_passes(articles)
    return result


def pool_passes(articles: list, workers: int = 2, rounds: int = 2) -> dict:
    """Extraction (facts and their N-Triples, as a build makes them) by one process and
    by a pool of ``workers`` forked ones, taking turns ``rounds`` times: the fastest of
    each counts."""
    from kg.parallel import extract_entries, extract_in_pool

    best = {"one": float("inf"), "pool": float("inf")}
    for _ in range(rounds):
        started = time.perf_counter()
        extract_entries(articles)
        best["one"] = min(best["one"], time.perf_counter() - started)
        started = time.perf_counter()
        extract_in_pool(articles, workers)
        best["pool"] = min(best["pool"], time.perf_counter() - started)
    return {"workers": workers, **best}


def reference_passes(articles: list, chunk: int = 64, rounds: int = 3) -> dict:
    """A plain ``jieba.lcut`` pass and a pure extraction pass over the same articles.

    The two take turns chunk by chunk, ``rounds`` times over each chunk, and the fastest
    round of each counts: a burst of load on a shared machine then slows one round of one
    chunk, not one side of the ratio.
    """
    import jieba

    from kg.pipeline import extract

    totals = {"jieba": {"wall": 0.0, "cpu": 0.0}, "extract_only": {"wall": 0.0, "cpu": 0.0}}
    for first in range(0, len(articles), chunk):
        batch = articles[first : first + chunk]
        best: dict[str, dict[str, float]] = {}
        for _ in range(rounds):
            started = _clock()
            for article in batch:
                jieba.lcut(article.text)
            passes = {"jieba": _since(started)}
            started = _clock()
            for _facts in extract(batch):
                pass
            passes["extract_only"] = _since(started)
            for name, took in passes.items():
                if name not in best or took["cpu"] < best[name]["cpu"]:
                    best[name] = took
        for name, took in best.items():
            for clock in ("wall", "cpu"):
                totals[name][clock] += took[clock]
    totals["text_bytes"] = sum(len(a.text.encode("utf-8")) for a in articles)
    return totals


def child(args: argparse.Namespace) -> None:
    files = [Path(line) for line in Path(args.files).read_text().splitlines()]
    result = run_build(files, Path(args.out), args.workers, args.cache, args.reference)
    print(json.dumps(result))


def in_child(
    files: list[Path], out: Path, workers: int = 1, cache: bool = False, reference: bool = False
) -> dict:
    """``run_build`` in a fresh interpreter: its peak memory is this build's alone."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(str(p) for p in files))
    command = [sys.executable, __file__, "--child", "--files", listing.name, "--out", str(out)]
    command += ["--workers", str(workers)]
    command += ["--cache"] if cache else []
    command += ["--reference"] if reference else []
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stderr)
        raise
    finally:
        os.unlink(listing.name)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mb(n: float) -> str:
    return f"{n / MB:.0f}" if n >= 10 * MB else f"{n / MB:.1f}"


def _s(x: float) -> str:
    return f"{x:.1f}" if x >= 1 else f"{x:.2f}"


def report(runs: list[dict], pools: dict[float, dict], rebuild: dict | None, cpus: int) -> str:
    """The results as Markdown tables."""
    lines = [
        f"One core unless stated; machine: {cpus} cores, load average at start "
        f"{os.getloadavg()[0]:.1f}.",
        "",
    ]
    lines += [
        "| corpus MB | articles | triples | writer | build s | KB/s | read | extract | graph "
        "| validate | write | peak RSS MB | time × | memory × |",
        "|" + "---|" * 14,
    ]
    base = runs[0]
    for run in runs:
        st = run["stages"]
        total = run["total"]["wall"]
        lines.append(
            "| "
            + " | ".join(
                [
                    _mb(run["bytes"]),
                    str(run["articles"]),
                    f"{run['triples']:,}",
                    "pyoxigraph" if run["streamed"] else "rdflib",
                    _s(total),
                    f"{run['bytes'] / 1000 / total:.0f}",
                    *(
                        f"{st.get(k, 0) / total:.0%}"
                        for k in ("read", "extract", "graph", "validate", "write")
                    ),
                    f"{run['peak_rss_tree'] / MB:.0f}",
                    f"{total / base['total']['wall']:.1f}",
                    f"{run['peak_rss_tree'] / base['peak_rss_tree']:.2f}",
                ]
            )
            + " |"
        )
    lines += [
        "",
        "Extraction against the jieba.lcut reference pass (same process, same texts):",
        "",
        "| corpus MB | jieba MB/s | extract MB/s | extract / jieba, wall | extract / jieba, CPU |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        j, x, text = run["jieba"], run["extract_only"], run["text_bytes"]
        lines.append(
            f"| {_mb(run['bytes'])} | {text / MB / j['wall']:.2f} | {text / MB / x['wall']:.2f} "
            f"| {x['wall'] / j['wall']:.2f} | {x['cpu'] / j['cpu']:.2f} |"
        )
    lines += [
        "",
        "Extraction by two forked workers against one (same process, taking turns, "
        "fastest of two rounds):",
        "",
        "| corpus MB | extract s, 1 worker | extract s, 2 workers | speed-up |",
        "|---|---|---|---|",
    ]
    for run in runs:
        one, two = run["pool"]["one"], run["pool"]["pool"]
        lines.append(f"| {_mb(run['bytes'])} | {_s(one)} | {_s(two)} | {one / two:.2f} |")
    if pools:
        lines += [
            "",
            "Whole builds with two forked workers (`--workers 2`) against one (one build each):",
            "",
            "| corpus MB | extract s, 1 worker | extract s, 2 workers | extract speed-up "
            "| build speed-up | peak RSS MB, 2 workers |",
            "|---|---|---|---|---|---|",
        ]
        for run in runs:
            pool = pools.get(run["bytes"])
            if pool is None:
                continue
            one, two = run["stages"]["extract"], pool["stages"]["extract"]
            lines.append(
                f"| {_mb(run['bytes'])} | {_s(one)} | {_s(two)} | {one / two:.2f} "
                f"| {run['total']['wall'] / pool['total']['wall']:.2f} "
                f"| {pool['peak_rss_tree'] / MB:.0f} |"
            )
    if rebuild:
        full, again = rebuild["full"], rebuild["again"]
        lines += [
            "",
            f"Incremental: a cached build of {_mb(full['bytes'])} MB, then "
            f"{again['articles'] - full['articles']} more articles "
            f"({(again['bytes'] - full['bytes']) / full['bytes']:.1%} of the text):",
            "",
            "| build | articles | extracted | s | read | extract | graph | validate | write |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name, run in (("full, cache empty", full), ("rebuild", again)):
            st = run["stages"]
            lines.append(
                f"| {name} | {run['articles']} | {run['articles'] - run['cached']} "
                f"| {_s(run['total']['wall'])} | "
                + " | ".join(
                    _s(st.get(k, 0)) for k in ("read", "extract", "graph", "validate", "write")
                )
                + " |"
            )
        lines.append("")
        lines.append(f"Rebuild / full build: {again['total']['wall'] / full['total']['wall']:.1%}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", help="corpus sizes in MB")
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES}")
    parser.add_argument(
        "--pool-sizes",
        type=float,
        nargs="*",
        help="sizes also built by two workers (default: every size)",
    )
    parser.add_argument(
        "--rebuild-size", type=float, help="size for the incremental run (default: the largest)"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(tempfile.gettempdir()) / "policy-kg-bench",
        help="where the generated pages are kept between runs",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    # the child process
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cache", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    pool_sizes = sizes if args.pool_sizes is None else args.pool_sizes
    rebuild_size = args.rebuild_size or max(sizes)
    pages = args.corpus / f"seed-{args.seed}"
    work = Path(tempfile.mkdtemp(prefix="policy-kg-bench-out-"))
    runs, pools, rebuild = [], {}, None
    try:
        for size in sizes:
            files = corpus_files(pages, size, args.seed)
            print(f"{size} MB: {len(files)} pages, one worker ...", file=sys.stderr)
            run = in_child(files, work / f"one-{size}", reference=True)
            runs.append(run)
            if size in pool_sizes:
                print(f"{size} MB: two workers ...", file=sys.stderr)
                pools[run["bytes"]] = in_child(files, work / f"two-{size}", workers=2)
        files = corpus_files(pages, rebuild_size, args.seed)
        more = corpus_files(pages / "more", rebuild_size / 100, args.seed + 1)
        print(f"{rebuild_size} MB: cached build, then +1% and a rebuild ...", file=sys.stderr)
        out = work / "incremental"
        rebuild = {
            "full": in_child(files, out, cache=True),
            "again": in_child([*files, *more], out, cache=True),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(runs, pools, rebuild, os.cpu_count() or 1))
    if args.json:
        args.json.write_text(
            json.dumps({"runs": runs, "pools": pools, "rebuild": rebuild}, indent=1)
        )


if __name__ == "__main__":
    main()
