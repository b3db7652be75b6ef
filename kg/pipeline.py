"""The whole flow on one screen: files → articles → Docs → facts → graph → files."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg.graph import build_dataset, build_graph
from kg.ingest import Skipped, read_documents
from kg.pages import split_articles
from kg.types import Article, ArticleFacts, Kind, Relation

Progress = Callable[[int], None]
log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build read and wrote: the summary the CLI prints."""

    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    facts: Counter[str] = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    conforms: bool | None = None
    violations: str = ""


def read_articles(
    paths: Iterable[str | Path], skipped: list[Skipped] | None = None
) -> Iterator[Article]:
    """Every article of every input, each distinct text once, in a stable order."""
    seen: set[str] = set()
    for document in read_documents(paths, skipped):
        for article in split_articles(document):
            if article.id not in seen:
                seen.add(article.id)
                yield article


def extract(
    articles: Iterable[Article], nlp: Language | None = None, batch_size: int = 32
) -> Iterator[ArticleFacts]:
    """Run the spaCy pipeline over articles and turn each Doc into the article's facts."""
    from kg.nlp import default_nlp
    from kg.statements import doc_to_facts

    nlp = nlp or default_nlp()
    nlp.set_error_handler(_skip_article)

    def docs() -> Iterator:
        for article in articles:
            doc = nlp.make_doc(article.text)
            doc._.article = article
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield doc_to_facts(doc)


def _skip_article(name: str, component, docs: list, error: Exception) -> None:
    """A rule that fails on one article costs that article, not the build."""
    for doc in docs:
        article = doc._.article
        where = f"{article.source} #{article.index}" if article else "an article"
        log.warning("%s: skipped, %s failed: %s: %s", where, name, type(error).__name__, error)


def summarise(corpus: list[ArticleFacts], report: BuildReport) -> None:
    entities: dict[Kind, set[str]] = {}
    facts: dict[Relation, set[tuple[str, str]]] = {}
    for article in corpus:
        for mentioned in article.mentions:
            entities.setdefault(mentioned.entity.kind, set()).add(mentioned.entity.key)
        for statement in article.statements:
            for entity in (statement.subject, statement.object):
                entities.setdefault(entity.kind, set()).add(entity.key)
            pair = (statement.subject.key, statement.object.key)
            facts.setdefault(statement.relation, set()).add(pair)
    report.entities = Counter({k.value: len(v) for k, v in sorted(entities.items())})
    report.facts = Counter({r.value: len(v) for r, v in sorted(facts.items())})


def build(
    paths: Iterable[str | Path],
    out_dir: Path,
    formats: Iterable[str] = ("turtle",),
    html: bool = True,
    validate: bool = True,
    strict: bool = False,
    nlp: Language | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the knowledge graph of a corpus into ``out_dir`` (kg.ttl, kg.html ...)."""
    from kg.export import FORMATS, write_graph

    started = time.perf_counter()
    report = BuildReport()
    articles = read_articles(paths, None if strict else report.skipped)
    corpus = []
    for facts in extract(articles, nlp):
        corpus.append(facts)
        if progress:
            progress(1)
    corpus.sort(key=lambda f: (f.article.source, f.article.index, f.article.id))
    report.articles = len(corpus)
    summarise(corpus, report)
    graph = build_graph(corpus)
    report.triples = len(graph)
    if validate:
        from kg.validate import validate_graph

        result = validate_graph(graph)
        report.conforms = result.conforms
        report.violations = "" if result.conforms else result.format()
    for fmt in formats:
        suffix, _, named = FORMATS[fmt]
        target = out_dir / f"kg{suffix}"
        report.outputs.append(write_graph(build_dataset(corpus) if named else graph, target, fmt))
    if html:
        from kg.viz import render_html

        report.outputs.append(render_html(graph, out_dir / "kg.html"))
    report.seconds = time.perf_counter() - started
    return report
