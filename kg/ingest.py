"""Read a corpus from disk: files and folders of .txt/.md into raw documents.

Decoding, front matter and other input formats live here; splitting a page into
articles and cleaning its text is ``kg.pages``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown")


@dataclass(frozen=True)
class RawDocument:
    """The decoded text of one input unit (a file, or one record of a JSONL file)."""

    source: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)  # title, url, date, publisher


@dataclass(frozen=True)
class Skipped:
    """An input that was passed over, and why (reported as ``source: reason``)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every readable input file under the given files and folders, in a stable order."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES and not _hidden(p, path)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(str(given), "no such file or folder")
    return sorted(set(found), key=lambda p: p.as_posix())


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def decode(data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM); raise ValueError otherwise."""
    if b"\x00" in data[:4096]:
        raise ValueError("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start})") from None


def read_file(path: Path) -> Iterator[RawDocument]:
    """The documents one file holds."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), error.strerror or "cannot read") from None
    try:
        text = decode(data)
    except ValueError as error:
        raise InputError(str(path), str(error)) from None
    if not text.strip():
        raise InputError(str(path), "empty file")
    yield RawDocument(source=path.as_posix(), text=text)


def read_documents(
    paths: Iterable[str | Path], skipped: list[Skipped] | None = None
) -> Iterator[RawDocument]:
    """Stream the documents of every input; bad files go to ``skipped`` (or raise)."""
    for path in find_files(paths):
        try:
            yield from read_file(path)
        except InputError as error:
            if skipped is None:
                raise
            log.warning("%s", error)
            skipped.append(Skipped(error.source, error.reason))
