"""Terminal output of a build: a progress bar while it works, a summary table at the end."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kg.pipeline import BuildReport

console = Console(stderr=True)


class ConsoleHandler(logging.Handler):
    """Log records as plain lines through the console the progress bar draws on, so a
    warning never lands in the middle of the bar."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            console.print(self.format(record), markup=False, highlight=False, soft_wrap=True)
        except Exception:  # logging must never break a build
            self.handleError(record)


def log_to_console(level: int = logging.WARNING) -> None:
    """Send warnings (a skipped file: reason) to stderr through the shared console."""
    root = logging.getLogger()
    if not any(isinstance(h, ConsoleHandler) for h in root.handlers):
        handler = ConsoleHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[int], None]]:
    """A live count of the articles processed (silent when ``quiet``)."""
    if quiet:
        yield lambda n: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("extract", total=None)
        yield lambda n: progress.advance(task, n)


def print_report(report: BuildReport) -> None:
    table = Table(title="policy-kg build", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("articles read", str(report.articles))
    if report.skipped:
        table.add_row("files skipped", str(len(report.skipped)))
    for kind, n in report.entities.items():
        table.add_row(f"entities: {kind}", str(n))
    for relation, n in report.facts.items():
        table.add_row(f"facts: {relation}", str(n))
    table.add_row("triples written", str(report.triples))
    if report.conforms is not None:
        table.add_row("conforms to shapes", "yes" if report.conforms else "NO")
    table.add_row("seconds", f"{report.seconds:.1f}")
    console.print(table)
    for path in report.outputs:
        console.print(f"wrote {path}")
