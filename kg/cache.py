"""Incremental builds: each article's facts, kept between builds in ``OUT_DIR/.kg-cache/``.

An entry is found by the article's content hash (``Article.id``) and the
extractor version: a digest of the pipeline config, the versions of policy-kg,
spaCy, jieba and rdflib, and the source of every module and data file that
extraction and the per-article triples depend on.  A changed rule, lexicon,
gazetteer or config therefore misses the whole cache, and the entries of other
versions are dropped when the cache is opened.

Entries are pickles in one SQLite file (``facts.sqlite``): only a build of this
tool writes them, but like any pickle they must not come from someone you do
not trust.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import sqlite3
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from kg.types import Article, ArticleFacts

CACHE_DIR = ".kg-cache"
CACHE_FILE = "facts.sqlite"

# What a cached entry depends on, relative to the kg package.
SOURCES = (
    "default_config.cfg",
    "extract/*.py",
    "statements.py",
    "numbers.py",
    "gazetteer.py",
    "nlp.py",
    "types.py",
    "graph.py",
    "namespaces.py",
    "stream.py",
    "data/*.tsv",
)

Entry = tuple[ArticleFacts, bytes]  # an article's facts and its N-Triples (kg.stream.ntriples)


PACKAGE = Path(__file__).resolve().parent


@cache
def sources_digest(root: Path = PACKAGE) -> str:
    """A digest of the versions and of every file in ``SOURCES`` under ``root``."""
    import jieba
    import rdflib
    import spacy

    import kg

    digest = hashlib.sha256()
    for version in (kg.__version__, spacy.__version__, jieba.__version__, rdflib.__version__):
        digest.update(f"{version}\n".encode())
    for pattern in SOURCES:
        for path in sorted(root.glob(pattern)):
            digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def extractor_version(config: str | None = None) -> str:
    """A digest of everything extraction depends on; ``config`` is the text of a pipeline
    config other than kg/default_config.cfg."""
    digest = hashlib.sha256(sources_digest().encode())
    if config is not None:
        digest.update(config.encode())
    return digest.hexdigest()[:24]


class FactsCache:
    """Cached extractions of one output folder, for one extractor version."""

    def __init__(self, folder: Path, version: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self.version = version
        self._db = sqlite3.connect(self.path, timeout=60)
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS facts (id TEXT PRIMARY KEY, version TEXT NOT NULL,"
                " facts BLOB NOT NULL, ntriples BLOB NOT NULL)"
            )
            self._db.execute("DELETE FROM facts WHERE version != ?", (version,))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FactsCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, articles: Iterable[Article]) -> dict[str, Entry]:
        """The cached entries of ``articles``, by article id."""
        from kg.stream import ntriples

        wanted = {article.id: article for article in articles}
        found: dict[str, Entry] = {}
        rows = self._db.execute(
            "SELECT id, facts, ntriples FROM facts WHERE version = ?", (self.version,)
        )
        for article_id, blob, data in rows:
            article = wanted.get(article_id)
            if article is None:
                continue
            facts: ArticleFacts = pickle.loads(blob)
            if facts.article != article:
                # The same text read from another file or place: the facts stand, the
                # article's own triples (source file, index) are made anew.
                moved = dataclasses.replace(
                    article, source=facts.article.source, index=facts.article.index
                )
                if facts.article != moved:
                    continue  # title, date or another field the rules may read has changed
                facts = dataclasses.replace(facts, article=article)
                data = ntriples(facts)
            found[article_id] = (facts, data)
        return found

    def put(self, entries: Iterable[Entry]) -> None:
        rows = (
            (facts.article.id, self.version, pickle.dumps(facts, protocol=5), data)
            for facts, data in entries
        )
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?)", rows)

    def count(self) -> int:
        """How many articles the cache holds."""
        return self._db.execute("SELECT count(*) FROM facts").fetchone()[0]


__all__ = ["CACHE_DIR", "Entry", "FactsCache", "extractor_version", "sources_digest"]
