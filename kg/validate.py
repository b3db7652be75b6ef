"""Check a graph against the SHACL shapes (ontology/shapes.ttl) and report what is wrong.

The ontology is read alongside the graph, so ``rdfs:subClassOf`` counts (a node
typed only ``kg:City`` is a ``kg:District``), but no RDFS inference runs:
inferring types from ``rdfs:domain``/``rdfs:range`` would type every subject of
``kg:issues`` as a ``kg:Province`` and hide the errors the relation shapes catch.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

from rdflib import RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import OWL, RDF, SH, XSD, NamespaceManager
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import PREFIXES

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Violation:
    """One validation result: the node at fault, the property, what is wrong."""

    focus: str  # IRI (or blank node id) of the node at fault
    focus_label: str | None  # its rdfs:label, Chinese preferred
    path: str | None  # the property as a prefixed name (kg:value, ^kg:targets), if any
    message: str
    severity: str  # "Violation", "Warning" or "Info"

    def format(self) -> str:
        label = f"{self.focus_label} " if self.focus_label else ""
        return f"{self.severity}: {label}<{self.focus}>  {self.path or '-'}  {self.message}"


def _sort_key(v: Violation) -> tuple:
    return (SEVERITIES.index(v.severity), v.message, v.path or "", v.focus_label or "", v.focus)


@dataclass(frozen=True)
class ValidationReport:
    """Whether a graph conforms, and every result, sorted by severity, message and node."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(v.severity == severity for v in self.violations)

    def format(self) -> str:
        """One line per result, grouped by severity, then a summary line."""
        lines = [v.format() for v in sorted(self.violations, key=_sort_key)]
        counts = ", ".join(
            f"{self.count(s)} {s.lower()}{'' if self.count(s) == 1 else 's'}" for s in SEVERITIES
        )
        verdict = "conforms" if self.conforms else "does not conform"
        lines.append(f"{verdict}: {counts}")
        return "\n".join(lines)


def _ontology_file(name: str) -> str:
    return (files("kg") / "ontology" / name).read_text(encoding="utf-8")


@cache
def _parsed(name: str) -> Graph:
    return Graph().parse(data=_ontology_file(name), format="turtle")


def _copy(graph: Graph) -> Graph:
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    for triple in graph:
        out.add(triple)
    return out


def load_shapes() -> Graph:
    """The SHACL shapes graph (a fresh copy: callers may change it)."""
    return _copy(_parsed("shapes.ttl"))


def load_ontology() -> Graph:
    """The OWL ontology graph (a fresh copy: callers may change it)."""
    return _copy(_parsed("kg.ttl"))


def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in {
        **PREFIXES,
        "rdf": RDF,
        "rdfs": RDFS,
        "owl": OWL,
        "xsd": XSD,
        "prov": Namespace("http://www.w3.org/ns/prov#"),
    }.items():
        manager.bind(prefix, namespace, override=True, replace=True)
    return manager


_NAMES = _namespaces()


def _name(term: Node) -> str:
    if isinstance(term, URIRef):
        return term.n3(_NAMES)
    return str(term)


def _path(results: Graph, path: Node | None) -> str | None:
    """A SHACL path as text: ``kg:value``, ``^kg:targets``, ``kg:a/kg:b``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _name(path)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path(results, inverse) or "?")
    if results.value(path, RDF.first) is not None:
        steps = [_path(results, step) or "?" for step in results.items(path)]
        return "/".join(steps)
    return None


def _label(graph: Graph, node: Node) -> str | None:
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    if not labels:
        return None
    zh = sorted(str(o) for o in labels if (o.language or "").lower().startswith("zh"))
    return zh[0] if zh else sorted(str(o) for o in labels)[0]


def _severity(term: Node | None) -> str:
    local = str(term).rsplit("#", 1)[-1] if term is not None else "Violation"
    return local if local in SEVERITIES else "Violation"


def _violations(data: Graph, results: Graph) -> list[Violation]:
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        found.add(
            Violation(
                focus=str(focus),
                focus_label=_label(data, focus) if focus is not None else None,
                path=_path(results, results.value(result, SH.resultPath)),
                message=str(message) if message is not None else "does not conform",
                severity=_severity(results.value(result, SH.resultSeverity)),
            )
        )
    return sorted(found, key=_sort_key)


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate ``graph`` against the shapes, with the ontology alongside; ``graph`` is not changed.

    pyshacl reads the graph and the ontology through a read-only union instead of
    copying the graph into a new one with the ontology (its ``ont_graph`` option):
    the same results for a third less time, and no write can reach ``graph``.
    """
    from pyshacl import validate

    data = ReadOnlyGraphAggregate([graph, _parsed("kg.ttl")])
    conforms, results, _text = validate(
        data,
        shacl_graph=load_shapes(),  # a copy: pyshacl adds to the shapes graph it is given
        inference="none",
        advanced=True,  # SHACL-AF: the SPARQL target of kgsh:AssertedFactShape
        inplace=True,  # nothing to copy: the union is read-only
        allow_warnings=True,
        allow_infos=True,
    )
    return ValidationReport(conforms=bool(conforms), violations=_violations(graph, results))


def read_graph(path: str | Path) -> Graph:
    """A graph file as one rdflib graph, its format from its suffix; quads are merged."""
    from rdflib.exceptions import ParserError
    from rdflib.util import guess_format

    fmt = guess_format(str(path)) or "turtle"
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            with warnings.catch_warnings():
                # rdflib's quad parsers use its own deprecated ConjunctiveGraph
                warnings.filterwarnings("ignore", category=DeprecationWarning, module="rdflib")
                dataset.parse(path, format=fmt)
            graph = Graph()
            for named in dataset.graphs():
                for triple in named:
                    graph.add(triple)
            return graph
        return Graph().parse(path, format=fmt)
    except (OSError, SyntaxError, ValueError, ParserError) as error:
        reason = " ".join(str(error).split())  # parser messages span lines
        raise InputError(str(path), f"cannot read it as {fmt}: {reason}") from error


def validate_file(path: str | Path) -> ValidationReport:
    """Validate a graph file (Turtle, N-Triples, JSON-LD, TriG ...) against the shapes."""
    return validate_graph(read_graph(path))


__all__ = [
    "ValidationReport",
    "Violation",
    "load_ontology",
    "load_shapes",
    "read_graph",
    "validate_file",
    "validate_graph",
]
