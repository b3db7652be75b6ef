"""Extraction on more than one core: a pool of forked local workers, or a Dask cluster.

Articles go out in chunks of about ``CHUNK_CHARS`` characters; each worker
process builds the spaCy pipeline once (a forked worker inherits its parent's)
and returns, per article, the facts and their N-Triples (kg.stream.ntriples).
Chunks come back in order, and an article's facts never depend on the
articles beside it, so a build gives the same graph, byte for byte, with one
worker, a pool or a cluster.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import cache

from spacy.language import Language

from kg.cache import Entry
from kg.errors import KgError
from kg.types import Article

CHUNK_CHARS = 60_000  # characters of article text per task: ~180 KB, ~20 articles
MIN_CHUNK_CHARS = 5_000  # a small corpus still goes out in tasks of a few articles

Progress = Callable[[int], None]


def chunked(articles: Iterable[Article], chunk_chars: int = CHUNK_CHARS) -> list[list[Article]]:
    """Consecutive runs of articles holding about ``chunk_chars`` characters each."""
    chunks: list[list[Article]] = [[]]
    size = 0
    for article in articles:
        if chunks[-1] and size + len(article.text) > chunk_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(article)
        size += len(article.text)
    return [chunk for chunk in chunks if chunk]


def extract_entries(
    articles: Iterable[Article], nlp: Language | None = None, progress: Progress | None = None
) -> list[Entry]:
    """Facts and N-Triples of each article, in order, in this process."""
    from kg.pipeline import extract

    entries = []
    for facts in extract(articles, nlp):
        entries.append(Entry.of(facts))
        if progress:
            progress(1)
    return entries


# The local pool: workers are forked after this is set, so each inherits the
# parent's pipeline (and jieba's dictionary) instead of building its own.
_pool_nlp: Language | None = None


def _extract_forked(chunk: list[Article]) -> list[Entry]:
    return extract_entries(chunk, _pool_nlp)


def extract_in_pool(
    articles: list[Article],
    workers: int,
    nlp: Language | None = None,
    progress: Progress | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> list[Entry]:
    """Extract with ``workers`` forked processes; entries in the order of ``articles``."""
    import multiprocessing

    from kg.nlp import default_nlp

    global _pool_nlp
    _pool_nlp = nlp or default_nlp()
    # at least a few chunks per worker: with a handful of large ones the last is done alone
    total = sum(len(article.text) for article in articles)
    chunk_chars = max(MIN_CHUNK_CHARS, min(chunk_chars, total // (workers * 8) + 1))
    entries: list[Entry] = []
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for done in pool.imap(_extract_forked, chunked(articles, chunk_chars)):
                entries.extend(done)
                if progress:
                    progress(len(done))
    finally:
        _pool_nlp = None
    return entries


# On a cluster a worker process may run tasks in several threads: one pipeline per
# process, and one chunk at a time through it (spaCy's vocabulary grows as it reads).
_cluster_lock = threading.Lock()


@cache
def _cluster_nlp(config: str | None) -> Language:
    from kg.nlp import default_nlp, make_nlp

    if config is None:
        return default_nlp()
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.cfg"
        path.write_text(config, encoding="utf-8")
        return make_nlp(path)


def extract_chunk_on_worker(chunk: list[Article], config: str | None = None) -> list[Entry]:
    """The task a Dask worker runs: one chunk through this process's pipeline."""
    with _cluster_lock:
        return extract_entries(chunk, _cluster_nlp(config))


def extract_on_cluster(
    articles: list[Article],
    address: str,
    config: str | None = None,
    progress: Progress | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> list[Entry]:
    """Extract on the Dask cluster whose scheduler listens at ``address``.

    The workers need policy-kg installed (the same version) and build the pipeline
    from ``config`` (the text of a config file; default: kg/default_config.cfg).
    """
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - an optional dependency
        raise KgError("--scheduler needs Dask: pip install 'policy-kg[cluster]'") from None
    try:
        client = Client(address, timeout=30, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise KgError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    chunks = chunked(articles, chunk_chars)
    try:
        futures = [
            client.submit(extract_chunk_on_worker, chunk, config, pure=False) for chunk in chunks
        ]
        order = {future.key: i for i, future in enumerate(futures)}
        results: list[list[Entry]] = [[] for _ in chunks]
        for future, done in as_completed(futures, loop=client.loop, with_results=True):
            results[order[future.key]] = done
            if progress:
                progress(len(done))
    finally:
        client.close()
    return [entry for done in results for entry in done]


__all__ = [
    "CHUNK_CHARS",
    "chunked",
    "extract_chunk_on_worker",
    "extract_entries",
    "extract_in_pool",
    "extract_on_cluster",
]
