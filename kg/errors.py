"""Errors meant for users: each carries a one-line message naming what went wrong."""

from __future__ import annotations


class KgError(Exception):
    """Base class: the CLI prints ``str(error)`` on one line and exits with ``exit_code``."""

    exit_code = 1


class InputError(KgError):
    """An input file or folder cannot be read, or holds nothing we can use."""

    exit_code = 2

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class QueryError(KgError):
    """A SPARQL query is malformed or cannot run."""


class StoreError(KgError):
    """A store or endpoint cannot be opened, read or written."""


class ValidationError(KgError):
    """A graph does not conform to the shapes."""
