"""The whole flow on one screen: files → articles → Docs → facts → graph → files."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from kg.cache import Entry, FactsCache, open_cache
from kg.graph import build_dataset, build_graph
from kg.ingest import Skipped, read_documents
from kg.pages import split_articles
from kg.types import Article, ArticleFacts

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
    cached: int = 0  # articles whose facts came from the cache
    streamed: bool = False  # written by kg.stream, not through an rdflib graph
    stages: dict[str, float] = field(default_factory=dict)  # seconds: read, extract, graph ...
    notes: list[str] = field(default_factory=list)  # what a large build did differently

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - started


def read_articles(
    paths: Iterable[str | Path],
    skipped: list[Skipped] | None = None,
    exclude: Path | None = None,
    cache: FactsCache | None = None,
) -> Iterator[Article]:
    """Every article of every input, each distinct text once, in a stable order; the file
    ``exclude`` (a previous build's kg.html inside the corpus) is not read back as input,
    and a document split before is not split again when ``cache`` has its articles."""
    seen: set[str] = set()
    own = exclude.resolve() if exclude is not None else None
    split = cache.split if cache is not None else split_articles
    for document in read_documents(paths, skipped):
        if own is not None and Path(document.source).resolve() == own:
            continue
        for article in split(document):
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
            if len(article.text) >= nlp.max_length:
                log.warning(
                    "%s #%d: skipped, %d characters is more than the pipeline takes (%d)",
                    article.source,
                    article.index,
                    len(article.text),
                    nlp.max_length,
                )
                continue
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


def extract_corpus(
    articles: list[Article],
    nlp: Language | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    cache: FactsCache | None = None,
    progress: Progress | None = None,
) -> tuple[list[Entry], int]:
    """Each article's facts and triples, and how many came from ``cache``; the others are
    extracted here, by ``workers`` local processes or on a Dask cluster."""
    from kg import parallel

    found = cache.get(articles) if cache is not None else {}
    todo = [article for article in articles if article.id not in found]
    if progress and found:
        progress(len(found))
    config = nlp.config.to_str() if nlp is not None else None
    if not todo:
        new = []
    elif scheduler:
        new = parallel.extract_on_cluster(todo, scheduler, config, progress)
    elif workers > 1 and len(todo) > 1:
        new = parallel.extract_in_pool(todo, workers, nlp, progress)
    else:
        new = parallel.extract_entries(todo, nlp, progress)
    if cache is not None:
        cache.put(new)
    return [*found.values(), *new], len(found)


def summarise(entries: list[Entry], report: BuildReport) -> None:
    """Distinct entities by class and distinct facts by relation (kg.cache.report_keys)."""
    entities: dict[str, set[str]] = {}
    facts: dict[str, set[tuple[str, str]]] = {}
    for entry in entries:
        for kind, key in entry.entity_keys:
            entities.setdefault(kind, set()).add(key)
        for relation, subject, object_ in entry.fact_keys:
            facts.setdefault(relation, set()).add((subject, object_))
    report.entities = Counter({kind: len(v) for kind, v in sorted(entities.items())})
    report.facts = Counter({relation: len(v) for relation, v in sorted(facts.items())})


def build(
    paths: Iterable[str | Path],
    out_dir: Path,
    formats: Iterable[str] = ("turtle",),
    html: bool = True,
    validate: bool = True,
    strict: bool = False,
    nlp: Language | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    cache: bool = True,
    stream_above: int | None = None,
) -> BuildReport:
    """Build the knowledge graph of a corpus into ``out_dir`` (kg.ttl, kg.html ...).

    Facts are extracted by ``workers`` local processes, or on the Dask cluster at
    ``scheduler``, and cached in ``out_dir/.kg-cache`` unless ``cache`` is false.
    Graphs of more than ``stream_above`` triples (kg.stream.STREAM_TRIPLES) are written
    without an rdflib graph, validated on a sample and drawn in no kg.html.
    """
    from kg.export import FORMATS, write_graph
    from kg.stream import STREAM_TRIPLES, merge, sample, write_streamed

    started = time.perf_counter()
    report = BuildReport()
    with open_cache(out_dir, nlp) if cache else nullcontext() as store:
        with report.stage("read"):
            skipped = None if strict else report.skipped
            articles = list(read_articles(paths, skipped, out_dir / "kg.html", store))
        with report.stage("extract"):
            entries, report.cached = extract_corpus(
                articles, nlp, workers, scheduler, store, progress
            )
    entries.sort(key=lambda e: (e.article.source, e.article.index, e.article.id))
    report.articles = len(entries)
    summarise(entries, report)
    with report.stage("graph"):
        lines = merge(entry.ntriples for entry in entries)
        report.triples = len(lines)
        streamed = report.triples > (STREAM_TRIPLES if stream_above is None else stream_above)
        report.streamed = streamed
        if not streamed:
            corpus = [entry.facts for entry in entries]
            graph = build_graph(corpus)
        elif validate:  # rdflib and pySHACL are too slow for all of it: check a sample
            graph = build_graph(sample(entries))
    if validate:
        from kg.validate import validate_graph

        with report.stage("validate"):
            result = validate_graph(graph)
        report.conforms = result.conforms
        report.violations = "" if result.conforms else result.format()
        if streamed:
            report.notes.append(f"validated a sample: {len(graph)} of {report.triples} triples")
    with report.stage("write"):
        for fmt in formats:
            suffix, _, named = FORMATS[fmt]
            target = out_dir / f"kg{suffix}"
            if streamed:
                report.outputs.append(write_streamed(entries, lines, target, fmt))
            else:
                graph_or_dataset = build_dataset(corpus) if named else graph
                report.outputs.append(write_graph(graph_or_dataset, target, fmt))
    if html and streamed:
        report.notes.append(f"kg.html not drawn for {report.triples} triples; see `kg viz`")
    elif html:
        from kg.viz import render_html

        with report.stage("html"):
            report.outputs.append(render_html(graph, out_dir / "kg.html"))
    report.seconds = time.perf_counter() - started
    return report
