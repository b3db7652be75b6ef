"""The ``kg`` command: a thin click layer over the kg library.

Each command parses its options, calls one library function and prints the
result; a ``KgError`` becomes a one-line message and a non-zero exit.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.errors import InputError, KgError

EXIT_CODES = """\b
Exit codes:
  0  success (a file that cannot be read is skipped, with a warning line)
  1  the graph does not conform to the shapes, or another error
  2  bad input: no article found, a file that cannot be read (with --strict),
     or a usage error"""


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn KgError into a one-line message on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KgError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policy-kg")
def cli() -> None:
    """Turn Chinese industrial-policy news into a knowledge graph.

    \b
    Build the graph of a folder of articles, then query and explore it:
      kg build seeds -o exports          # exports/kg.ttl + exports/kg.html
      kg validate exports/kg.ttl         # check it against the SHACL shapes
      kg query exports/kg.ttl --named plans-per-province   # SPARQL, see --list

    Run `kg COMMAND --help` for the options of each command.
    """
    from kg.report import log_to_console

    log_to_console()


@cli.command(epilog=EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Folder for kg.ttl, kg.html ...",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    show_default=True,
    default=("turtle",),
    type=click.Choice(["turtle", "nt", "jsonld", "trig", "nquads"]),
    help="RDF format(s) to write; repeat for several. "
    "trig/nquads keep one named graph per article.",
)
@click.option(
    "--html/--no-html",
    default=True,
    show_default=True,
    help="Write kg.html, the interactive graph.",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Check the graph against ontology/shapes.ttl.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at the first file (or JSONL line) that cannot be read, with exit code 2, "
    "instead of skipping it.",
)
@click.option(
    "-w",
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Extract with this many local processes (forked workers, one pipeline each).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Extract on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786).",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse the facts of articles already built, kept in OUT/.kg-cache.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A spaCy pipeline config to extract with instead of kg/default_config.cfg "
    "(a copy with other settings, e.g. passage_sentences, or other steps).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@user_errors
def build(
    inputs: tuple[Path, ...],
    out_dir: Path,
    formats: tuple[str, ...],
    html: bool,
    validate: bool,
    strict: bool,
    workers: int,
    scheduler: str | None,
    cache: bool,
    config_path: Path | None,
    quiet: bool,
) -> None:
    """Read articles and build their knowledge graph.

    INPUTS are files, or folders searched recursively for .txt, .md, .html,
    .htm and .jsonl files. UTF-8 (with or without BOM), UTF-16, GB18030/GBK and
    Big5 are recognised. Text and Markdown may open with front matter (---,
    title/date/url/source lines, ---); HTML gives its visible text, <h1> or
    <title> and meta date and URL; each JSONL line is one article with "text"
    and optional "title", "url", "date". A newspaper page holding several
    articles is split at its headlines.

    A file (or JSONL line) that is binary, empty, undecodable or malformed is
    reported on one line and skipped; with --strict the build stops there.

    \b
    Example:
      kg build seeds -o exports
      kg build articles/ more.md -o out --format turtle --format trig
      kg build big-corpus/ -o out --workers 4 --no-html
      kg build articles/ -o out --config my_config.cfg
    """
    from kg.nlp import make_nlp
    from kg.pipeline import build as build_graph_files
    from kg.report import print_report, progress_bar

    nlp = make_nlp(config_path) if config_path is not None else None
    with progress_bar(quiet) as advance:
        report = build_graph_files(
            inputs,
            out_dir,
            formats=formats,
            html=html,
            validate=validate,
            strict=strict,
            nlp=nlp,
            progress=advance,
            workers=workers,
            scheduler=scheduler,
            cache=cache,
        )
    if report.articles == 0:
        reasons = "; ".join(str(s) for s in report.skipped[:3])
        more = f"; {len(report.skipped) - 3} more" if len(report.skipped) > 3 else ""
        why = f" ({reasons}{more})" if reasons else ""
        raise InputError(", ".join(map(str, inputs)), f"no article found{why}")
    if not quiet:
        print_report(report)
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
    if report.conforms is False:
        click.echo(report.violations, err=True)
        sys.exit(1)


@cli.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@user_errors
def validate(graph: Path) -> None:
    """Check GRAPH (Turtle, N-Triples, JSON-LD ...) against the SHACL shapes.

    Prints each violation as focus node, path and message; exits 1 when the
    graph does not conform.

    \b
    Example:
      kg validate exports/kg.ttl
    """
    from kg.validate import validate_file

    report = validate_file(graph)
    click.echo(report.format())
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("graph.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--title", default="policy-kg", show_default=True, help="The page's title.")
@click.option(
    "--physics-threshold",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Past this many nodes the page starts without physics, clustered by province.",
)
@user_errors
def viz(graph: Path, out: Path, title: str, physics_threshold: int) -> None:
    """Render GRAPH as an interactive HTML page that works offline.

    One self-contained file: search by name, filter by class and province,
    click a node or edge for its facts, evidence sentences and articles.

    \b
    Example:
      kg viz exports/kg.ttl -o graph.html
    """
    from kg.viz import render_file

    path = render_file(graph, out, title=title, physics_threshold=physics_threshold)
    click.echo(f"wrote {path}")


@cli.command(name="eval")
@click.argument("graph", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--errors", is_flag=True, help="List every miss and false positive too.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@user_errors
def evaluate(graph: Path, gold: Path, errors: bool, as_json: bool) -> None:
    """Score GRAPH against hand-made annotations GOLD (JSON).

    Prints precision, recall and F1 per entity class (Province, Plan,
    Enterprise, District) and relation (issues, locatesIn, targets, with the
    accuracy of target years). GOLD follows the annotation format of the docs.

    \b
    Example:
      kg eval exports/kg.ttl gold.json --errors
    """
    from kg.evaluate import evaluate_files

    evaluation = evaluate_files(graph, gold)
    click.echo(evaluation.to_json(errors) if as_json else evaluation.format(errors))


def _name_values(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    pairs = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE (e.g. province=湖北省)")
        pairs[name.strip()] = text
    return pairs


@cli.command()
@click.argument("source", required=False, metavar="GRAPH_OR_STORE")
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the query from a .rq file (its '# param:' header types the parameters).",
)
@click.option("-n", "--named", metavar="NAME", help="Run a ready query by name (see --list).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    callback=_name_values,
    help="Bind ?NAME to VALUE as an RDF term, never pasted into the text; repeat for several.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="table for people (long cells cut); csv, tsv, json: SPARQL 1.1 results formats.",
)
@click.option("--list", "list_queries", is_flag=True, help="List the ready queries and exit.")
@user_errors
def query(
    source: str | None,
    sparql: str | None,
    query_file: Path | None,
    named: str | None,
    params: dict[str, str],
    fmt: str,
    list_queries: bool,
) -> None:
    """Run SPARQL 1.1 over a graph file, a store folder or an endpoint URL.

    GRAPH_OR_STORE is an RDF file (.ttl, .nt, .jsonld, .trig ...), a store
    folder made by `kg load` (its named graphs queried as one), or an
    http(s):// SPARQL endpoint. Prefixes kg:, kgr:, rdf:, rdfs:, xsd:, owl:,
    oa:, skos:, schema:, qudt:, unit:, wd: are predeclared.

    \b
    Example:
      kg query --list
      kg query exports/kg.ttl --named plans-per-province
      kg query exports/store --named province-targets-by-year -p province=湖北省
      kg query exports/kg.ttl --named targets-above -p min=1000 --format csv
      kg query exports/kg.ttl 'SELECT ?p WHERE { ?p a kg:Plan }' --format json
    """
    from kg.store import format_query_list, format_result, get_query, run_query

    if list_queries:
        click.echo(format_query_list(), nl=False)
        return
    if source is None:
        raise click.UsageError("Missing argument 'GRAPH_OR_STORE' (or use --list).")
    result = run_query(source, get_query(sparql, query_file, named), params)
    click.echo(format_result(result, fmt), nl=False)


@cli.command()
@click.argument("graphs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-s",
    "--store",
    "store_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The Oxigraph store folder (created if missing).",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="Named graph (one file only); default: the file's file:// IRI.",
)
@user_errors
def load(graphs: tuple[Path, ...], store_dir: Path, graph_iri: str | None) -> None:
    """Load GRAPHS into a persistent Oxigraph store, one named graph per file.

    Each file replaces its own named graph in one transaction: loading the
    same file twice adds nothing, and a rebuilt corpus replaces its old graph.

    \b
    Example:
      kg load exports/kg.ttl --store exports/store
      kg query exports/store --named plans-per-province
    """
    from kg.store import load_graphs

    for report in load_graphs(graphs, store_dir, graph_iri):
        click.echo(
            f"{report.source} → <{report.graph}>: {report.triples} triples"
            f" (before: {report.previous})"
        )


@cli.command()
@click.option(
    "-s",
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The store folder to serve (made by `kg load`); in memory if omitted with --writable.",
)
@click.option(
    "--port", default=7878, show_default=True, help="Port on 127.0.0.1 (0: any free port)."
)
@click.option(
    "--writable", is_flag=True, help="Accept SPARQL updates and Graph Store writes (kg push)."
)
@user_errors
def serve(store_dir: Path | None, port: int, writable: bool) -> None:
    """Serve a store as a SPARQL 1.1 endpoint on 127.0.0.1 until Ctrl-C.

    Runs the `oxigraph` server (pip install 'policy-kg[server]'): queries at
    /query see the union of the named graphs; with --writable, /update takes
    SPARQL updates and /store is a Graph Store endpoint for `kg push`.

    \b
    Example:
      kg serve --store exports/store --port 7878
      curl http://127.0.0.1:7878/query --data-urlencode 'query=ASK {?s ?p ?o}'
    """
    from kg.store import serve as start_server

    server = start_server(store_dir, port=port, writable=writable)
    mode = "read-write" if writable else "read-only"
    click.echo(f"SPARQL endpoint {server.query_url} ({mode}); Ctrl-C stops it")
    if writable:
        click.echo(f"Graph Store endpoint {server.store_url}")
    sys.exit(server.wait())


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option(
    "-e",
    "--endpoint",
    required=True,
    metavar="URL",
    help="The Graph Store HTTP Protocol endpoint.",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="Named graph to replace; default: the file's file:// IRI.",
)
@click.option("-u", "--user", help="User name, for basic or digest authentication.")
@click.option("--password", envvar="KG_PASSWORD", help="Password (or set KG_PASSWORD).")
@click.option(
    "--auth",
    type=click.Choice(["auto", "basic", "digest"]),
    default="auto",
    show_default=True,
    help="Authentication scheme; auto answers the server's challenge.",
)
@user_errors
def push(
    graph: Path,
    endpoint: str,
    graph_iri: str | None,
    user: str | None,
    password: str | None,
    auth: str,
) -> None:
    """Send GRAPH to a triplestore, replacing one named graph (HTTP PUT).

    Works with any SPARQL 1.1 Graph Store HTTP Protocol endpoint; pushing the
    same file twice changes nothing.

    \b
    Endpoints:
      Oxigraph  http://127.0.0.1:7878/store       (kg serve --writable)
      Virtuoso  http://127.0.0.1:8890/sparql-graph-crud-auth  (digest; dba)
      Fuseki    http://127.0.0.1:3030/DATASET/data
      GraphDB   http://127.0.0.1:7200/repositories/REPO/rdf-graphs/service

    \b
    Example:
      kg push exports/kg.ttl -e http://127.0.0.1:7878/store --graph https://example.org/kg
      KG_PASSWORD=dba kg push exports/kg.ttl -e http://127.0.0.1:8890/sparql-graph-crud-auth -u dba
    """
    from kg.store import push as push_graph

    report = push_graph(graph, endpoint, graph_iri, user=user, password=password, auth=auth)
    click.echo(
        f"{graph} → <{report.graph}> at {report.endpoint}: {report.triples} triples"
        f" (HTTP {report.status})"
    )


def main() -> None:
    cli()
