"""Large graphs without an rdflib graph: facts → N-Triples lines → files through pyoxigraph.

rdflib holds and serialises about 30,000 triples a second and a kilobyte or
more per triple; a corpus of 20 MB makes half a million.  Past
``STREAM_TRIPLES`` a build therefore keeps each article's triples as its
sorted N-Triples lines (made once, by the worker that extracted the article,
and cached with its facts), merges them as bytes and lets pyoxigraph write
Turtle, TriG, N-Quads or JSON-LD.  The triples are still those of
``kg.graph.facts_triples``, written by rdflib's own N-Triples row writer, so the
N-Triples file is the same bytes on either path; the Turtle of a large build
is pyoxigraph's (deterministic: sorted input, sorted prefixes), not rdflib's.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD
from rdflib.plugins.serializers.nt import _nt_row

from kg.graph import article_iri, facts_triples
from kg.namespaces import PREFIXES
from kg.types import ArticleFacts

if TYPE_CHECKING:
    from kg.cache import Entry

STREAM_TRIPLES = 100_000  # past this many triples a build writes by streaming
SAMPLE_TRIPLES = 20_000  # and validates a sample of about this many

# Prefixes for pyoxigraph's Turtle and TriG.  kgr: is left out: minted IRIs hold a
# slash, which a prefixed name can only write escaped (kgr:plan\/…).
TURTLE_PREFIXES = {
    **{prefix: str(ns) for prefix, ns in PREFIXES.items() if prefix != "kgr"},
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def ntriples(facts: ArticleFacts) -> bytes:
    """The article's triples as N-Triples lines (rdflib's row writer), sorted, each once."""
    return b"".join(sorted({_nt_row(triple).encode("utf-8") for triple in facts_triples(facts)}))


def merge(articles: Iterable[bytes]) -> list[bytes]:
    """The union of several articles' N-Triples, one line per triple, sorted."""
    lines: set[bytes] = set()
    for data in articles:
        lines.update(data.splitlines(keepends=True))
    return sorted(lines)


def sample(entries: list[Entry], triples: int = SAMPLE_TRIPLES) -> list[ArticleFacts]:
    """The facts of articles spread evenly over ``entries``, about ``triples`` triples."""
    total = sum(entry.ntriples.count(b"\n") for entry in entries)
    step = max(1, -(-total // triples))
    return [entry.facts for entry in entries[::step]]


def _named(article_id: str, data: bytes) -> Iterable[bytes]:
    """An article's N-Triples lines as N-Quads lines in its own named graph."""
    graph = f" <{article_iri(article_id)}> .\n".encode()
    return (line[:-3] + graph for line in data.splitlines(keepends=True))


def serialize_lines(lines: list[bytes], fmt: str) -> bytes:
    """Sorted N-Triples (or, for trig/nquads, N-Quads) lines in ``fmt``."""
    import pyoxigraph as ox

    data = b"".join(lines)
    if fmt in ("nt", "nquads"):
        return data  # already the canonical, sorted form
    quads = fmt == "trig"
    source = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    target = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG}.get(fmt)
    if fmt == "jsonld":
        target = ox.RdfFormat.JSON_LD
    if target is None:
        raise ValueError(f"no streaming writer for {fmt!r}")
    prefixes = None if fmt == "jsonld" else TURTLE_PREFIXES
    out = ox.serialize(ox.parse(data, format=source), format=target, prefixes=prefixes)
    return _sorted_prefixes(out) if prefixes else out


def _sorted_prefixes(data: bytes) -> bytes:
    """pyoxigraph writes prefixes in its own order: sort them, so the header never moves."""
    head, body = [], data
    while body.startswith(b"@prefix "):
        line, _, body = body.partition(b"\n")
        head.append(line + b"\n")
    return b"".join(sorted(head)) + body


def write_streamed(entries: list[Entry], lines: list[bytes], path: Path, fmt: str) -> Path:
    """Write a large build's graph: ``lines`` (the merged triples) or, for trig/nquads,
    each article's triples in its named graph."""
    from kg.export import write_atomic

    if fmt in ("trig", "nquads"):
        quads: set[bytes] = set()
        for entry in entries:
            quads.update(_named(entry.article.id, entry.ntriples))
        lines = sorted(quads)
    write_atomic(path, serialize_lines(lines, fmt))
    return path


__all__ = ["STREAM_TRIPLES", "merge", "ntriples", "sample", "serialize_lines", "write_streamed"]
