"""Write graphs to disk: a small name → writer table, every file written atomically.

Every format is deterministic: the same graph gives the same bytes in any
process, whatever order its triples were added in.  rdflib's Turtle writer
sorts subjects, predicates and objects but keeps insertion order between
objects that compare equal (1.0 and 1.00); its TriG writer takes named graphs
and its JSON-LD writer subjects in set order, which changes with
PYTHONHASHSEED.  The writers below close those gaps, and keep every value
(rdflib's compact JSON-LD drops a plain ``""`` followed by another value).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.plugins.shared.jsonld.context import Context

from kg.namespaces import PREFIXES

# format name → (file suffix, rdflib serializer name, needs named graphs)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "turtle": (".ttl", "turtle", False),
    "nt": (".nt", "nt", False),
    "jsonld": (".jsonld", "json-ld", False),
    "trig": (".trig", "trig", True),
    "nquads": (".nq", "nquads", True),
}


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half a file.

    The temporary file is hidden (``.kg.ttl.*.tmp``) next to ``path``; a process
    killed before the rename leaves ``path`` as it was, and at worst that hidden file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _n3(node: Any) -> str:
    return node.n3()


class _StableObjects:
    """Objects that compare equal (``1.0``/``1.00``, ``"a"``/``"a"@zh``) in N3 order."""

    def sortProperties(self, properties):  # rdflib's name for it
        for objects in properties.values():
            objects.sort(key=_n3)  # rdflib's own sort that follows is stable
        return super().sortProperties(properties)


class StableTurtleSerializer(_StableObjects, TurtleSerializer):
    """rdflib's Turtle, independent of the order triples were added in."""


class StableTrigSerializer(_StableObjects, TrigSerializer):
    """rdflib's TriG with named graphs in IRI order, not set order."""

    def __init__(self, store: Graph | Dataset) -> None:
        super().__init__(store)
        self.contexts.sort(key=lambda graph: _n3(graph.identifier))


class _JsonLdConverter(Converter):
    """rdflib's JSON-LD converter, keeping every value of a property.

    With a context, rdflib compacts a plain ``""`` to a bare empty string and
    then takes that falsy value for "no value yet": the next value of the same
    property replaces it, and the ``""`` is lost.
    """

    def add_to_node(self, graph, s, p, o, s_node, nodemap):  # rdflib's signature
        empty = {key: value for key, value in s_node.items() if not value}
        super().add_to_node(graph, s, p, o, s_node, nodemap)
        for key, value in empty.items():
            if s_node.get(key) is not value:
                added = s_node[key] if isinstance(s_node[key], list) else [s_node[key]]
                s_node[key] = [value, *added]


def _jsonld(graph: Graph, context_data: dict[str, str]) -> Any:
    """The graph as compact JSON-LD (rdflib's ``from_rdf`` with the converter above)."""
    context = Context(context_data)
    result = _JsonLdConverter(context, use_native_types=False, use_rdf_type=False).convert(graph)
    if isinstance(result, list):
        result = {context.get_key("@graph"): result}
    result["@context"] = context_data
    return result


def _stable_jsonld(value: Any) -> Any:
    """JSON-LD with every array of nodes or values sorted (they are unordered in RDF)."""
    if isinstance(value, dict):
        return {
            key: item if key == "@list" and isinstance(item, list) else _stable_jsonld(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = [_stable_jsonld(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def serialize(graph: Graph | Dataset, fmt: str) -> bytes:
    """The graph in ``fmt``, deterministic: the same graph gives the same bytes."""
    _, name, _ = FORMATS[fmt]
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        document = _stable_jsonld(_jsonld(graph, context))
        return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    if fmt in ("nt", "nquads"):
        # Lines are split at LF only: str.splitlines would also split a literal
        # holding U+0085, U+2028 or U+2029, which N-Triples leaves unescaped.
        data = graph.serialize(format=name, encoding="utf-8")
        return b"".join(sorted(data.splitlines(keepends=True)))
    writer = StableTrigSerializer if fmt == "trig" else StableTurtleSerializer
    stream = io.BytesIO()
    writer(graph).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def write_graph(graph: Graph | Dataset, path: Path, fmt: str = "turtle") -> Path:
    write_atomic(path, serialize(graph, fmt))
    return path


Writer = Callable[[Graph, Path], Path]
