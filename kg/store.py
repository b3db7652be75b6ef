"""SPARQL over a graph file, an embedded Oxigraph store or a server; load, serve and push.

* :func:`run_query` runs SPARQL 1.1 on Oxigraph: a graph file is loaded into an
  in-memory store, a store folder is opened read-only (its named graphs seen as
  one union default graph), an ``http(s)://`` URL is sent the SPARQL protocol.
* Ready queries live in ``ontology/queries/*.rq``; a comment header gives their
  title, description and typed parameters. Parameters are bound as RDF terms
  with Oxigraph's ``substitutions``, never pasted into the query text.
* :func:`load_graph` puts one file into a persistent store as one named graph,
  replacing what an earlier load of the same file put there.
* :func:`serve` runs the ``oxigraph`` server binary on 127.0.0.1; :func:`push`
  replaces a named graph on any SPARQL 1.1 Graph Store HTTP Protocol endpoint.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError, QueryError, StoreError
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"

# Prefixes known to every query (a query may still declare its own) and used to
# shorten IRIs in tables.
QUERY_PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "dcterms": "http://purl.org/dc/terms/",
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
}

FORMATS = ("table", "csv", "tsv", "json")
TABLE_CELL_WIDTH = 60  # display columns; longer cells are cut with "…" (table format only)


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Param:
    """A typed parameter of a ready query (``# param: min (decimal, default=0) ...``)."""

    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Query:
    """SPARQL text, with what its header says about it (ad-hoc queries have no header)."""

    text: str
    name: str = ""
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] | None = None  # None: untyped, any parameter accepted
    origin: str = ""  # where the text came from, for error messages


PARAM_TYPES = ("string", "zh", "decimal", "integer", "year", "iri")
_PARAM_LINE = re.compile(
    r"(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)"
    r"(?:\s*,\s*(?P<req>required|optional|default=(?P<default>[^)]*)))?\)\s*(?P<desc>.*)",
    re.S,
)


def parse_query(text: str, name: str = "", origin: str = "") -> Query:
    """Read a query's comment header: ``# title:``, ``# description:``, ``# param:``.

    A header line continues on the following comment lines indented by two or more
    spaces after the ``#``.
    """
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        body = stripped[1:]
        key = re.match(r"\s*(title|description|param)\s*:\s*(.*)", body)
        if key:
            fields.append((key.group(1), key.group(2).strip()))
        elif fields and body.startswith("  "):
            fields[-1] = (fields[-1][0], f"{fields[-1][1]} {body.strip()}")
    title = next((v for k, v in fields if k == "title"), "")
    description = next((v for k, v in fields if k == "description"), "")
    params: list[Param] = []
    for key, value in fields:
        if key != "param":
            continue
        match = _PARAM_LINE.fullmatch(value)
        if not match or match["type"] not in PARAM_TYPES:
            raise QueryError(
                f"{origin or name}: bad '# param:' line {value!r}; write "
                f"'# param: NAME (TYPE[, required|optional|default=VALUE]) description' "
                f"with TYPE one of {', '.join(PARAM_TYPES)}"
            )
        params.append(
            Param(
                name=match["name"],
                type=match["type"],
                required=match["req"] == "required",
                default=match["default"].strip() if match["default"] is not None else None,
                description=match["desc"].strip(),
            )
        )
    has_params = any(k == "param" for k, _ in fields)
    return Query(
        text=text,
        name=name,
        title=title,
        description=description,
        params=tuple(params) if (has_params or name) else None,
        origin=origin or name,
    )


def _queries_folder() -> Any:
    return files("kg") / "ontology" / "queries"


def named_queries() -> dict[str, Query]:
    """The ready queries of ``ontology/queries``, by name (the file name without .rq)."""
    queries = {}
    for entry in sorted(_queries_folder().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            queries[name] = parse_query(entry.read_text(encoding="utf-8"), name, f"{name}.rq")
    return queries


def named_query(name: str) -> Query:
    queries = named_queries()
    if name not in queries:
        raise QueryError(
            f"no ready query named {name!r}; the ready queries are: {', '.join(queries)}"
        )
    return queries[name]


def format_query_list(queries: Mapping[str, Query] | None = None) -> str:
    """The ready queries as `kg query --list` prints them: name, title, description, params."""
    queries = named_queries() if queries is None else queries
    blocks = []
    for name, query in queries.items():
        lines = [f"{name}  —  {query.title}"]
        if query.description:
            lines.append(f"    {query.description}")
        for param in query.params or ():
            need = (
                "required"
                if param.required
                else f"default {param.default}"
                if param.default is not None
                else "optional"
            )
            lines.append(f"    -p {param.name}=…  ({param.type}, {need}) {param.description}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def get_query(
    text: str | None = None, file: str | Path | None = None, name: str | None = None
) -> Query:
    """The query given as text, as a .rq file (its header is read) or by ready-query name."""
    given = [x for x in (text, file, name) if x is not None]
    if len(given) != 1:
        raise QueryError(
            "give exactly one query: as text, with --file FILE.rq or with --named NAME"
            + (" (see kg query --list)" if not given else "")
        )
    if name is not None:
        return named_query(name)
    if file is not None:
        path = Path(file)
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(str(path), "no such query file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(str(path), f"cannot read: {error}") from None
        return parse_query(content, origin=str(path))
    assert text is not None
    return Query(text=text, origin="query")


def bind_params(query: Query, params: Mapping[str, str] | None) -> dict[ox.Variable, Any]:
    """Typed RDF terms for the parameters, checked against the query's header."""
    import pyoxigraph as ox

    params = dict(params or {})
    bindings: dict[ox.Variable, Any] = {}
    if query.params is None:  # an ad-hoc query: guess each value's type
        for key, value in params.items():
            bindings[ox.Variable(_variable_name(key))] = _guess_term(key, value)
        return bindings
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        takes = ", ".join(declared) or "no parameters"
        raise QueryError(f"{query.origin} has no parameter {unknown[0]!r} (it takes: {takes})")
    for param in query.params:
        value = params.get(param.name, param.default)
        if value is None:
            if param.required:
                raise QueryError(
                    f"{query.origin} needs --param {param.name}=VALUE ({param.description})"
                )
            continue
        bindings[ox.Variable(param.name)] = _typed_term(param, value)
    return bindings


def _variable_name(key: str) -> str:
    name = key[1:] if key[:1] in "?$" else key
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        raise QueryError(f"{key!r} is not a SPARQL variable name")
    return name


def _typed_term(param: Param, value: str) -> Any:
    import pyoxigraph as ox

    problem = f"--param {param.name}={value!r}: expected {param.type}"
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "zh":
        return ox.Literal(value, language="zh")
    if param.type == "iri":
        try:
            return ox.NamedNode(value.strip("<>"))
        except ValueError:
            raise QueryError(f"{problem} (an absolute IRI)") from None
    if param.type == "year":
        if not re.fullmatch(r"\d{4}", value.strip()):
            raise QueryError(f"{problem} (four digits, e.g. 2027)")
        return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + "gYear"))
    try:
        number = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise QueryError(f"{problem} (a number, e.g. 1000)") from None
    if not number.is_finite():
        raise QueryError(f"{problem} (a finite number)")
    if param.type == "integer":
        if number != number.to_integral_value():
            raise QueryError(f"{problem} (a whole number)")
        return ox.Literal(str(int(number)), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(format(number, "f"), datatype=ox.NamedNode(XSD + "decimal"))


def _guess_term(key: str, value: str) -> Any:
    """An ad-hoc parameter: <IRI>, an integer, a decimal, or else a plain string."""
    import pyoxigraph as ox

    if value.startswith("<") and value.endswith(">"):
        return _typed_term(Param(key, "iri"), value)
    if re.fullmatch(r"[+-]?\d+", value):
        return _typed_term(Param(key, "integer"), value)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", value):
        return _typed_term(Param(key, "decimal"), value)
    return ox.Literal(value)


# --------------------------------------------------------------------------- results


@dataclass
class QueryResult:
    """A query's answer, read to the end: rows for SELECT, a boolean for ASK,
    triples for CONSTRUCT and DESCRIBE. Terms are pyoxigraph terms (None = unbound)."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] | None = None

    @property
    def kind(self) -> str:
        if self.boolean is not None:
            return "ask"
        return "graph" if self.triples is not None else "select"

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (str, int, Decimal ...; None when unbound)."""
        return [
            {var: to_python(term) for var, term in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def column(self, variable: str) -> list[Any]:
        index = self.variables.index(variable)
        return [to_python(row[index]) for row in self.rows]


def to_python(term: Any) -> Any:
    """A term's plain value: IRIs and strings as str, numbers as int/Decimal/float."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in (XSD + "integer", XSD + "int", XSD + "long"):
                return int(term.value)
            if datatype == XSD + "decimal":
                return Decimal(term.value)
            if datatype in (XSD + "double", XSD + "float"):
                return float(term.value)
            if datatype == XSD + "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _result_from(answer: Any) -> QueryResult:
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(solution[v] for v in variables) for solution in answer]
        return QueryResult(variables=variables, rows=rows)
    return QueryResult(triples=list(answer))


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """The result as a readable table, or in a standard SPARQL 1.1 results format.

    ``csv`` and ``tsv`` follow "SPARQL 1.1 Query Results CSV and TSV Formats",
    ``json`` follows "SPARQL 1.1 Query Results JSON Format". CONSTRUCT results are
    Turtle (table), N-Triples (csv, tsv) or JSON-LD (json).
    """
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if result.kind == "graph":
        return _format_graph(result.triples or [], fmt)
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    return {"table": _format_table, "csv": _format_csv, "tsv": _format_tsv, "json": _format_json}[
        fmt
    ](result)


def _format_graph(triples: list[Any], fmt: str) -> str:
    import pyoxigraph as ox

    rdf_format = {
        "table": ox.RdfFormat.TURTLE,
        "csv": ox.RdfFormat.N_TRIPLES,
        "tsv": ox.RdfFormat.N_TRIPLES,
        "json": ox.RdfFormat.JSON_LD,
    }[fmt]
    prefixes = QUERY_PREFIXES if rdf_format is ox.RdfFormat.TURTLE else None
    data = ox.serialize(triples, format=rdf_format, prefixes=prefixes)
    return (data or b"").decode("utf-8")


def display_term(term: Any) -> str:
    """A term as a person reads it: a literal's text, an IRI shortened by a known prefix."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in QUERY_PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())  # one line per row
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _is_number(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.Literal) and term.datatype.value in (
        XSD + "integer",
        XSD + "decimal",
        XSD + "double",
        XSD + "float",
        XSD + "int",
        XSD + "long",
    )


def _format_table(result: QueryResult, cell_width: int = TABLE_CELL_WIDTH) -> str:
    header = list(result.variables)
    cells = [[_cut(display_term(t), cell_width) for t in row] for row in result.rows]
    numeric = [
        bool(result.rows) and all(row[i] is None or _is_number(row[i]) for row in result.rows)
        for i in range(len(header))
    ]
    widths = [max([_width(h)] + [_width(row[i]) for row in cells]) for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        padded = []
        for i, value in enumerate(values):
            pad = " " * (widths[i] - _width(value))
            padded.append(pad + value if numeric[i] else value + pad)
        return "  ".join(padded).rstrip()

    lines = [line(header), "  ".join("-" * w for w in widths)]
    lines += [line(row) for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _format_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else _csv_value(t) for t in row])
    return buffer.getvalue()


def _csv_value(term: Any) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _format_tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Any) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _format_json(result: QueryResult) -> str:
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- running


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension (.ttl, .nt, .nq, .trig, .jsonld ...)."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise InputError(
            str(path),
            "unknown RDF format; use a .ttl, .nt, .nq, .trig, .jsonld, .rdf or .n3 file",
        )
    return fmt


def _parse_problem(path: Path, error: SyntaxError) -> InputError:
    message = str(error.msg if error.msg else error).splitlines()[0]
    return InputError(str(path), message)


def is_store(path: Path) -> bool:
    """Whether ``path`` is an Oxigraph (RocksDB) store folder."""
    return path.is_dir() and (path / "CURRENT").is_file()


def open_store(path: str | Path, read_only: bool = False) -> ox.Store:
    """Open (or, unless read_only, create) a persistent Oxigraph store folder.

    A read-only store can be opened while another process writes it, for instance
    while ``kg serve --writable`` serves it.
    """
    import pyoxigraph as ox

    path = Path(path)
    if read_only and not is_store(path):
        if not path.exists():
            raise InputError(str(path), "no such file or store (create a store with kg load)")
        raise StoreError(f"{path}: not an Oxigraph store (no CURRENT file)")
    if not read_only and path.is_dir() and any(path.iterdir()) and not is_store(path):
        raise StoreError(
            f"{path}: folder is not empty and not an Oxigraph store; choose a new folder"
        )
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreError(
                f"{path}: the store is in use by another process (a `kg serve --writable`?); "
                "stop it, or send the graph to it with `kg push`"
            ) from None
        raise StoreError(f"{path}: cannot open the store: {error}") from None


def _memory_store(path: Path) -> ox.Store:
    import pyoxigraph as ox

    fmt = rdf_format(path)
    store = ox.Store()
    try:
        store.load(path=str(path), format=fmt)
    except SyntaxError as error:
        raise _parse_problem(path, error) from None
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error}") from None
    return store


def syntax_problem(query: Query, error: Exception) -> QueryError:
    """One line naming where the query is wrong: ``line 3, column 9: expected ...``."""
    message = " ".join(str(error).split())
    match = re.match(r"error at (\d+):(\d+):\s*(.*)", message)
    if not match:
        return QueryError(f"{query.origin}: SPARQL syntax error: {message}")
    line, column, detail = int(match[1]), int(match[2]), match[3]
    # The parser lists the tokens and character classes it expected, and sometimes
    # a sentence saying what is wrong: keep the sentence, else the tokens.
    detail = re.sub(r"\[(?:'[^']*'|[^\]'])*\]", "", detail)
    items = [i.strip() for i in re.sub(r"^expected one of", "", detail).split(",")]
    sentences = [i for i in items if " " in i and i[:1].isupper()]
    if sentences:
        detail = "; ".join(sentences)
    elif detail.startswith("expected one of"):
        detail = "expected one of " + ", ".join(i for i in items if i)
    detail = detail.replace("Prefix not found", "unknown prefix (declare it with PREFIX)")
    if len(detail) > 100:
        detail = detail[:99] + "…"
    lines = query.text.splitlines()
    near = ""
    if 0 < line <= len(lines):
        text = lines[line - 1]
        near = (text[max(column - 21, 0) : column - 1] + text[column - 1 : column + 9]).strip()
    where = f"line {line}, column {column}" + (f" near {near!r}" if near else "")
    return QueryError(f"{query.origin}: SPARQL syntax error at {where}: {detail}")


def run_query(
    source: str | Path, query: Query | str, params: Mapping[str, str] | None = None
) -> QueryResult:
    """Run SPARQL over a graph file, a store folder or an ``http(s)://`` SPARQL endpoint.

    ``params`` bind the query's variables to typed RDF terms (see the ``# param:``
    header of ready queries); they are substituted by Oxigraph, never pasted in.
    """
    if isinstance(query, str):
        query = Query(text=query, origin="query")
    bindings = bind_params(query, params)
    source_text = str(source)
    if source_text.startswith(("http://", "https://")):
        if params:  # defaults are left to the query itself (COALESCE) on a server
            raise QueryError(
                "parameters are bound by the local store only; query a graph file or store"
            )
        _check_syntax(query)
        return query_endpoint(source_text, query.text)
    path = Path(source)
    if is_store(path):
        store = open_store(path, read_only=True)
    elif path.is_file():
        _check_syntax(query)  # before reading a possibly large file
        store = _memory_store(path)
    elif path.is_dir():
        raise StoreError(f"{path}: not an Oxigraph store (no CURRENT file)")
    else:
        raise InputError(str(path), "no such file or store")
    try:
        answer = store.query(
            query.text,
            prefixes=QUERY_PREFIXES,
            use_default_graph_as_union=True,
            substitutions=bindings or None,
        )
        return _result_from(answer)
    except SyntaxError as error:
        raise syntax_problem(query, error) from None
    except (RuntimeError, ValueError) as error:
        raise QueryError(f"{query.origin}: {' '.join(str(error).split())}") from None
    except OSError as error:
        raise StoreError(f"{path}: {error}") from None


def _check_syntax(query: Query) -> None:
    import pyoxigraph as ox

    try:
        ox.Store().query(query.text, prefixes=QUERY_PREFIXES)
    except SyntaxError as error:
        raise syntax_problem(query, error) from None
    except (RuntimeError, ValueError):
        pass


def query_endpoint(url: str, query: str, timeout: float = 60.0) -> QueryResult:
    """Send a query to a SPARQL 1.1 Protocol endpoint and read its JSON or N-Triples answer."""
    import httpx
    import pyoxigraph as ox

    headers = {
        "Accept": "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
    }
    try:
        response = httpx.post(url, data={"query": query}, headers=headers, timeout=timeout)
    except httpx.HTTPError as error:
        raise StoreError(f"{url}: cannot reach the endpoint: {error}") from None
    if response.status_code >= 400:
        raise QueryError(f"{url}: HTTP {response.status_code}: {_first_line(response.text)}")
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media in ("application/n-triples", "text/turtle", "text/plain"):
        fmt = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
        return QueryResult(triples=[q.triple for q in ox.parse(response.content, format=fmt)])
    try:
        document = response.json()
    except ValueError:
        raise QueryError(f"{url}: answer is not SPARQL JSON ({media or 'no type'})") from None
    if "boolean" in document:
        return QueryResult(boolean=bool(document["boolean"]))
    variables = list(document.get("head", {}).get("vars", []))
    rows = [
        tuple(_term_from_json(b.get(v)) for v in variables)
        for b in document.get("results", {}).get("bindings", [])
    ]
    return QueryResult(variables=variables, rows=rows)


def _term_from_json(value: dict[str, str] | None) -> Any:
    import pyoxigraph as ox

    if value is None:
        return None
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    language = value.get("xml:lang")
    if language:
        return ox.Literal(value["value"], language=language)
    datatype = value.get("datatype")
    return ox.Literal(value["value"], datatype=ox.NamedNode(datatype) if datatype else None)


def _first_line(text: str, limit: int = 200) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadReport:
    """What one file did to a store: the named graph it replaced and its triples."""

    source: Path
    graph: str
    triples: int
    previous: int  # triples the graph held before


def graph_iri(path: str | Path) -> str:
    """The named graph a file loads into by default: its resolved ``file://`` IRI."""
    return Path(path).resolve().as_uri()


def _graph_node(iri: str) -> ox.NamedNode:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise StoreError(f"{iri!r} is not an absolute IRI (e.g. https://example.org/kg)") from None


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    answer = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)
    return int(next(iter(answer))["n"].value)


def load_graph(source: str | Path, store: str | Path, graph: str | None = None) -> LoadReport:
    """Load one RDF file into ``store`` as the named graph ``graph`` (default: the
    file's ``file://`` IRI), replacing that graph's old content in one transaction.

    Loading the same file twice leaves the store as it was; loading a rebuilt file
    replaces the old build. Quads of TriG/N-Quads files all go into the one graph.
    """
    path = Path(source)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = rdf_format(path)
    target = _graph_node(graph or graph_iri(path))
    db = open_store(store)
    # Load into a scratch graph first (a parse error leaves the store unchanged),
    # then swap it in with one update, which Oxigraph applies atomically.
    scratch = _graph_node(f"urn:uuid:{uuid.uuid4()}")
    try:
        previous = _count(db, target)
        try:
            if fmt.supports_datasets:
                db.extend(_into_graph(path, fmt, scratch))
            else:
                db.load(path=str(path), format=fmt, to_graph=scratch)
        except SyntaxError as error:
            raise _parse_problem(path, error) from None
        db.update(f"DROP SILENT GRAPH {target} ; ADD SILENT {scratch} TO {target}")
        return LoadReport(
            source=path, graph=target.value, triples=_count(db, target), previous=previous
        )
    except OSError as error:
        raise StoreError(f"{store}: {error}") from None
    finally:
        if db.contains_named_graph(scratch):
            db.remove_graph(scratch)
        db.flush()


def _into_graph(path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    import pyoxigraph as ox

    for quad in ox.parse(path=str(path), format=fmt):
        yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def load_graphs(
    sources: Iterable[str | Path], store: str | Path, graph: str | None = None
) -> list[LoadReport]:
    """Load several files, each into its own named graph (``graph`` needs exactly one)."""
    sources = list(sources)
    if graph is not None and len(sources) != 1:
        raise StoreError("--graph names one graph: load one file with it")
    return [load_graph(source, store, graph) for source in sources]


# --------------------------------------------------------------------------- serving


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary of the ``oxigraph`` PyPI package."""
    beside_python = Path(sys.executable).with_name("oxigraph")
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError("the oxigraph server binary is not installed; pip install 'policy-kg[server]'")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as servers bind: a port in TIME_WAIT is free, one with a listener is not
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Server:
    """A running Oxigraph server: ``url`` + ``/query``, ``/update``, ``/store`` (Graph Store)."""

    process: subprocess.Popen[bytes]
    url: str
    store: Path | None
    writable: bool

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def wait(self) -> int:
        """Block until the server exits; Ctrl-C or SIGTERM stops it (and its process)."""
        import signal
        import threading

        def interrupt(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, interrupt) if main else None
        try:
            return self.process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()
            if main:
                signal.signal(signal.SIGTERM, previous)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    store: str | Path | None,
    port: int = 7878,
    writable: bool = False,
    timeout: float = 30.0,
) -> Server:
    """Start the Oxigraph SPARQL 1.1 server on 127.0.0.1 and wait until it answers.

    Read-only unless ``writable``; queries see the union of the named graphs. A
    writable server without a store keeps its data in memory. ``port=0`` picks a
    free port.
    """
    import httpx

    folder = Path(store) if store is not None else None
    if folder is None and not writable:
        raise StoreError("a read-only server needs --store DIR")
    occupied = folder is not None and folder.is_dir() and any(folder.iterdir())
    if folder is not None and not is_store(folder) and (not writable or occupied):
        raise StoreError(f"{folder}: not an Oxigraph store; create it with kg load")
    port = port or free_port()
    if not _port_free(port):
        raise StoreError(f"port {port} on 127.0.0.1 is in use; choose another with --port")
    command = [oxigraph_binary(), "serve" if writable else "serve-read-only"]
    if folder is not None:
        command += ["--location", str(folder)]
    command += ["--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    # A file, not a pipe: a long-running server must never block on a full pipe.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        server = Server(process, f"http://127.0.0.1:{port}", folder, writable)
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                log.seek(0)
                stderr = log.read().decode("utf-8", "replace")
                raise StoreError(f"the oxigraph server stopped at start: {_first_line(stderr)}")
            try:
                httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=1.0)
                if process.poll() is None:
                    return server  # the server keeps its own descriptor of the log
                continue
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                server.stop()
                raise StoreError(f"the oxigraph server did not answer on port {port}")
            time.sleep(0.05)


# --------------------------------------------------------------------------- pushing


@dataclass(frozen=True)
class PushReport:
    endpoint: str
    graph: str
    triples: int
    status: int


AUTH_SCHEMES = ("auto", "basic", "digest")


def push(
    source: str | Path,
    endpoint: str,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str = "auto",
    timeout: float = 300.0,
) -> PushReport:
    """Replace a named graph on a SPARQL 1.1 Graph Store HTTP Protocol endpoint.

    An HTTP PUT of the file's triples (as N-Triples) to ``endpoint?graph=IRI``: the
    graph ends up holding exactly this file, so pushing twice changes nothing.
    ``graph`` defaults to the file's ``file://`` IRI, as for :func:`load_graph`.
    With ``auth="auto"`` the scheme the server asks for (Basic or Digest) is used.
    """
    import httpx
    import pyoxigraph as ox

    path = Path(source)
    if not path.is_file():
        raise InputError(str(path), "no such file")
    if auth not in AUTH_SCHEMES:
        raise StoreError(f"unknown auth {auth!r}; choose one of {', '.join(AUTH_SCHEMES)}")
    fmt = rdf_format(path)
    target = _graph_node(graph or graph_iri(path))
    try:
        triples = [quad.triple for quad in ox.parse(path=str(path), format=fmt)]
    except SyntaxError as error:
        raise _parse_problem(path, error) from None
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    url = httpx.URL(endpoint)
    if url.scheme not in ("http", "https"):
        raise StoreError(f"{endpoint}: not an http(s) URL")
    url = url.copy_add_param("graph", target.value)
    credentials: httpx.Auth | None = None
    if user is not None:
        password = password or ""
        credentials = {
            "auto": _auto_auth(user, password),
            "basic": httpx.BasicAuth(user, password),
            "digest": httpx.DigestAuth(user, password),
        }[auth]
    try:
        response = httpx.put(
            url,
            content=body,
            headers={"Content-Type": "application/n-triples"},
            auth=credentials,
            timeout=timeout,
        )
    except httpx.HTTPError as error:
        raise StoreError(f"{endpoint}: cannot reach the endpoint: {error}") from None
    if response.status_code == 401:
        hint = "wrong --user or --password" if user else "give --user and --password"
        raise StoreError(f"{endpoint}: HTTP 401: authentication needed ({hint})")
    if response.status_code == 403:
        raise StoreError(
            f"{endpoint}: HTTP 403: writing is forbidden (a read-only server, or a user "
            f"without write rights): {_first_line(response.text)}"
        )
    if response.status_code >= 300:
        raise StoreError(f"{endpoint}: HTTP {response.status_code}: {_first_line(response.text)}")
    return PushReport(endpoint, target.value, len(triples), response.status_code)


def _auto_auth(user: str, password: str) -> Any:
    """An httpx auth answering the server's challenge with the scheme it names."""
    import httpx

    class AutoAuth(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
            response = yield request
            if response.status_code != 401:
                return
            scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
            if scheme == "basic":
                yield next(httpx.BasicAuth(user, password).auth_flow(request))
            elif scheme == "digest":
                flow = httpx.DigestAuth(user, password).auth_flow(request)
                next(flow)  # its first, unauthenticated try: the one just answered
                try:
                    response = yield flow.send(response)
                    flow.send(response)
                except StopIteration:
                    pass

    return AutoAuth()


__all__ = [
    "FORMATS",
    "LoadReport",
    "Param",
    "PushReport",
    "Query",
    "QueryResult",
    "Server",
    "format_result",
    "free_port",
    "get_query",
    "graph_iri",
    "load_graph",
    "load_graphs",
    "named_queries",
    "named_query",
    "open_store",
    "parse_query",
    "push",
    "run_query",
    "serve",
    "to_python",
]
