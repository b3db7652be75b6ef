"""Write graphs to disk: a small name → writer table, every file written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph

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
    """Write ``data`` to ``path`` through a temporary file and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def serialize(graph: Graph | Dataset, fmt: str) -> bytes:
    """The graph in ``fmt``, deterministic: the same graph gives the same bytes."""
    _, name, _ = FORMATS[fmt]
    if fmt == "jsonld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        text = graph.serialize(format=name, context=context, auto_compact=True, sort_keys=True)
    elif fmt in ("nt", "nquads"):
        text = "".join(sorted(graph.serialize(format=name).splitlines(keepends=True)))
    else:
        text = graph.serialize(format=name)
    return text.encode("utf-8")


def write_graph(graph: Graph | Dataset, path: Path, fmt: str = "turtle") -> Path:
    write_atomic(path, serialize(graph, fmt))
    return path


Writer = Callable[[Graph, Path], Path]
