"""Incremental builds: each article's facts, kept between builds in ``OUT_DIR/.kg-cache/``.

An entry is found by the article's content hash (``Article.id``) and the
extractor version: a digest of the pipeline config, the versions of policy-kg,
spaCy, jieba and rdflib, and the source of every module and data file that
extraction and the per-article triples depend on.  A changed rule, lexicon,
gazetteer or config therefore misses the whole cache, and the entries of other
versions are dropped when the cache is opened.

The cache also keeps the articles each input document was split into, by a
digest of the document and the version of the page splitter (kg/pages.py and
the gazetteer), so a rebuild reads the files again but does not split them.

Entries are pickles in one SQLite file (``facts.sqlite``): only a build of this
tool writes them, but like any pickle they must not come from someone you do
not trust.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import sqlite3
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.types import Article, ArticleFacts

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.ingest import RawDocument

CACHE_DIR = ".kg-cache"
CACHE_FILE = "facts.sqlite"

# What the articles of a document depend on, relative to the kg package.
PAGE_SOURCES = ("pages.py", "gazetteer.py", "types.py", "data/*.tsv")
# What a cached entry depends on.
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

PACKAGE = Path(__file__).resolve().parent


@cache
def sources_digest(root: Path = PACKAGE, sources: tuple[str, ...] = SOURCES) -> str:
    """A digest of the versions and of every file in ``sources`` under ``root``."""
    import jieba
    import rdflib
    import spacy

    import kg

    digest = hashlib.sha256()
    for version in (kg.__version__, spacy.__version__, jieba.__version__, rdflib.__version__):
        digest.update(f"{version}\n".encode())
    for pattern in sources:
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


Keys = tuple[tuple[str, ...], ...]


def report_keys(facts: ArticleFacts) -> tuple[Keys, Keys]:
    """What a build report counts of one article: (kind, key) of each entity it names and
    (relation, subject key, object key) of each fact it states."""
    entities = {(m.entity.kind.value, m.entity.key) for m in facts.mentions}
    stated = set()
    for statement in facts.statements:
        for entity in (statement.subject, statement.object):
            entities.add((entity.kind.value, entity.key))
        stated.add((statement.relation.value, statement.subject.key, statement.object.key))
    return tuple(sorted(entities)), tuple(sorted(stated))


class Entry:
    """One article's extraction as a build keeps it: the facts, their N-Triples
    (kg.stream.ntriples) and what the report counts.  A cached entry unpickles its facts
    only when they are read: a large build from the cache needs the triples alone."""

    __slots__ = ("_blob", "_facts", "article", "entity_keys", "fact_keys", "ntriples")

    def __init__(
        self,
        article: Article,
        ntriples: bytes,
        keys: tuple[Keys, Keys],
        facts: ArticleFacts | None = None,
        blob: bytes | None = None,
    ) -> None:
        self.article = article
        self.ntriples = ntriples
        self.entity_keys, self.fact_keys = keys
        self._facts = facts
        self._blob = blob

    @classmethod
    def of(cls, facts: ArticleFacts) -> Entry:
        from kg.stream import ntriples

        return cls(facts.article, ntriples(facts), report_keys(facts), facts=facts)

    @property
    def facts(self) -> ArticleFacts:
        if self._facts is None:
            assert self._blob is not None
            self._facts = pickle.loads(self._blob)
            self._blob = None
        return self._facts

    def __reduce__(self) -> tuple:  # from a worker process to the build, facts and all
        keys = (self.entity_keys, self.fact_keys)
        return Entry, (self.article, self.ntriples, keys, self._facts, self._blob)


SCHEMA = 2  # of the tables below: another number drops them


def _place(article: Article) -> str:
    """The fields of an article its id does not cover."""
    return json.dumps([article.source, article.index, article.url, article.date, article.publisher])


class FactsCache:
    """Cached extractions of one output folder, for one extractor version."""

    def __init__(self, folder: Path, version: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / CACHE_FILE
        self.version = version
        self._db = sqlite3.connect(self.path, timeout=60)
        with self._db:
            if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                for table in ("entries", "pages", "facts"):
                    self._db.execute(f"DROP TABLE IF EXISTS {table}")
                self._db.execute(f"PRAGMA user_version = {SCHEMA}")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, version TEXT NOT NULL,"
                " place TEXT NOT NULL, facts BLOB NOT NULL, ntriples BLOB NOT NULL,"
                " keys BLOB NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, version TEXT NOT NULL,"
                " articles BLOB NOT NULL)"
            )
            self._db.execute("DELETE FROM entries WHERE version != ?", (version,))
            self._pages_version = sources_digest(PACKAGE, PAGE_SOURCES)[:24]
            self._db.execute("DELETE FROM pages WHERE version != ?", (self._pages_version,))
        self._pages: dict[str, bytes] | None = None
        self._new_pages: list[tuple[str, str, bytes]] = []

    def close(self) -> None:
        if self._new_pages:
            with self._db:
                insert = "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)"
                self._db.executemany(insert, self._new_pages)
        self._db.close()

    def split(self, document: RawDocument) -> list[Article]:
        """kg.pages.split_articles(document), from the cache when it was split before."""
        from kg.pages import split_articles

        if self._pages is None:
            rows = self._db.execute("SELECT key, articles FROM pages")
            self._pages = dict(rows)
        digest = hashlib.sha256()
        for part in (document.source, json.dumps(document.meta, sort_keys=True), document.text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        key = digest.hexdigest()
        if key in self._pages:
            return pickle.loads(self._pages[key])
        articles = list(split_articles(document))
        blob = pickle.dumps(articles, protocol=5)
        self._pages[key] = blob
        self._new_pages.append((key, self._pages_version, blob))
        return articles

    def __enter__(self) -> FactsCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, articles: Iterable[Article]) -> dict[str, Entry]:
        """The cached entries of ``articles``, by article id."""
        wanted = {article.id: article for article in articles}
        found: dict[str, Entry] = {}
        rows = self._db.execute(
            "SELECT id, place, facts, ntriples, keys FROM entries WHERE version = ?",
            (self.version,),
        )
        for article_id, place, blob, data, keys in rows:
            article = wanted.get(article_id)
            if article is None:
                continue
            if place == _place(article):
                found[article_id] = Entry(article, data, pickle.loads(keys), blob=blob)
                continue
            # The same text elsewhere: read from another file, or at another place in it.
            cached: ArticleFacts = pickle.loads(blob)
            moved = dataclasses.replace(
                article, source=cached.article.source, index=cached.article.index
            )
            if cached.article == moved:  # the facts stand; the article's own triples change
                found[article_id] = Entry.of(dataclasses.replace(cached, article=article))
        return found

    def put(self, entries: Iterable[Entry]) -> None:
        rows = (
            (
                entry.article.id,
                self.version,
                _place(entry.article),
                pickle.dumps(entry.facts, protocol=5),
                entry.ntriples,
                pickle.dumps((entry.entity_keys, entry.fact_keys), protocol=5),
            )
            for entry in entries
        )
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)

    def count(self) -> int:
        """How many articles the cache holds."""
        return self._db.execute("SELECT count(*) FROM entries").fetchone()[0]


def open_cache(out_dir: Path, nlp: Language | None = None) -> FactsCache:
    """The cache of the build into ``out_dir`` with ``nlp`` (default: the default pipeline)."""
    config = nlp.config.to_str() if nlp is not None else None
    return FactsCache(out_dir / CACHE_DIR, extractor_version(config))


__all__ = [
    "CACHE_DIR",
    "Entry",
    "FactsCache",
    "extractor_version",
    "open_cache",
    "report_keys",
    "sources_digest",
]
