"""The ``kg`` command: a thin click layer over the kg library.

Each command parses its options, calls one library function and prints the
result; a ``KgError`` becomes a one-line message and a non-zero exit.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.errors import KgError

EXIT_CODES = """\b
Exit codes:
  0  success
  1  the graph does not conform to the shapes, or another error
  2  bad input: a file that cannot be read (with --strict), or no article at all"""


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

    Run `kg COMMAND --help` for the options of each command.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")


@cli.command(epilog=EXIT_CODES)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"), show_default=True, help="Folder for kg.ttl, kg.html ...",
)
@click.option(
    "--format", "formats", multiple=True, show_default=True, default=("turtle",),
    type=click.Choice(["turtle", "nt", "jsonld", "trig", "nquads"]),
    help="RDF format(s) to write; repeat for several. trig/nquads keep one named graph per article.",
)
@click.option("--html/--no-html", default=True, show_default=True, help="Write kg.html, the interactive graph.")
@click.option("--validate/--no-validate", default=True, show_default=True, help="Check the graph against ontology/shapes.ttl.")
@click.option("--strict", is_flag=True, help="Fail on the first unreadable file instead of skipping it.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@user_errors
def build(
    inputs: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], html: bool,
    validate: bool, strict: bool, quiet: bool,
) -> None:
    """Read articles and build their knowledge graph.

    INPUTS are .txt/.md files or folders of them (searched recursively). A
    newspaper page holding several articles is split at its headlines.

    \b
    Example:
      kg build seeds -o exports
      kg build articles/ more.md -o out --format turtle --format trig
    """
    from kg.pipeline import build as build_graph_files
    from kg.report import print_report, progress_bar

    with progress_bar(quiet) as advance:
        report = build_graph_files(
            inputs, out_dir, formats=formats, html=html, validate=validate, strict=strict,
            progress=advance,
        )
    if report.articles == 0:
        raise KgError("no article found in " + ", ".join(map(str, inputs)))
    if not quiet:
        print_report(report)
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


def main() -> None:
    cli()
