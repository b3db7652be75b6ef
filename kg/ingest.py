"""Read a corpus from disk: files and folders of text, Markdown, HTML and JSONL into raw documents.

Decoding, front matter and the other input formats live here; splitting a page
into articles and cleaning its text is ``kg.pages``.

Every input is untrusted: whatever its bytes, a file either becomes documents
whose text can be written anywhere (no lone surrogates, no control characters
but tab and line breaks) or is reported as one ``Skipped`` line and passed over.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import InputError

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES

MAX_FILE_BYTES = 64 * 1024 * 1024  # a text or HTML file; JSONL is streamed line by line
MAX_TITLE_CHARS = 300
MAX_BAD_LEADING_LINES = 20  # a .jsonl file that opens with this many bad lines is no JSONL
# spaCy refuses a text of 1,000,000 characters or more (nlp.max_length); a longer
# document could become one article too long to process, so it is reported instead.
MAX_DOCUMENT_CHARS = 990_000

# Tried first when a file is not UTF-8, so that a short GBK page is not taken for
# Korean (charset-normalizer's guess on a few dozen bytes); on a tie the first
# wins (charset-normalizer alone takes 中小企业 in GBK for Big5).
CHINESE_ENCODINGS = ("gb18030", "big5")

_BOMS = (  # longest first: a UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab, LF, CR; DEL; the noncharacters U+FFFE/U+FFFF: not XML
# characters, noise in news text, and trouble for every consumer downstream.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_BINARY_CONTROLS = 8  # more than this many, and more than 5 % of the first 8 KB: binary


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


# -- text hygiene -----------------------------------------------------------


def clean_text(text: str) -> str:
    """``text`` safe to encode and serialise anywhere.

    Surrogate pairs left split (from JSON escapes or UTF-16 errors) are joined,
    lone surrogates become U+FFFD, a form feed becomes a line break, and other
    control characters but tab, LF and CR are dropped.
    """
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if "\x0c" in text:
        text = text.replace("\x0c", "\n")
    return _CONTROL.sub("", text)


def display_path(path: str | Path) -> str:
    """A path as one printable line: undecodable bytes and control characters escaped."""
    name = os.fsencode(Path(path).as_posix()).decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m.group()):02x}", name)


def _one_line(value: str, limit: int = MAX_TITLE_CHARS) -> str:
    value = " ".join(clean_text(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


_DATES = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日|(?=$|[\sT]))"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})(?=$|[\sT])"),
)


def normalize_date(value: str) -> str | None:
    """An ISO 8601 date (YYYY-MM-DD) from the ways pages write one, or None.

    Accepts 2024-03-05, 2024/3/5, 2024.03.05, 2024年3月5日, 20240305, with or
    without a time after; a date that names no day, or no real day, gives None.
    """
    value = value.strip()
    match = next((m for pattern in _DATES if (m := pattern.match(value))), None)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def normalize_url(value: str) -> str | None:
    """An http(s) URL without whitespace, or None."""
    value = clean_text(value).strip()
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value, re.IGNORECASE):
        return value
    return None


def make_meta(fields: dict[str, object]) -> dict[str, str]:
    """title, url, date, publisher from loosely named fields, each checked and cleaned."""
    lowered = {str(k).strip().lower(): v for k, v in fields.items()}

    def first(*keys: str) -> str | None:
        for key in keys:
            value = lowered.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and value.strip():
                return value
        return None

    meta: dict[str, str] = {}
    source = first("source")
    if title := first("title", "headline", "og:title"):
        meta["title"] = _one_line(title)
    url = first("url", "link", "canonical", "og:url", "source_url")
    if source and normalize_url(source):  # a source that is a link is no publisher
        url, source = url or source, None
    if url and (url := normalize_url(url)):
        meta["url"] = url
    if date := first(*_DATE_KEYS):
        if iso := normalize_date(clean_text(date)):
            meta["date"] = iso
        else:
            log.debug("ignored date %r: not a calendar date", date)
    if publisher := first("publisher", "og:site_name", "contentsource", "dc.publisher") or source:
        meta["publisher"] = _one_line(publisher, 100)
    return meta


_DATE_KEYS = (
    "date",
    "published",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "article:published_time",
    "datepublished",
    "dc.date",
    "dcterms.date",
)


# -- decoding ---------------------------------------------------------------


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode a file's bytes; raise ValueError saying why they are not text.

    A byte order mark decides (UTF-8, UTF-16, UTF-32); then UTF-8 (a last
    character cut short is replaced); then the encoding the file declares (an
    HTML ``<meta charset>``); then UTF-8 again if fewer than 1 in 100 of its
    non-ASCII characters are invalid (replaced); then GB18030 or Big5 as
    charset-normalizer judges them; then charset-normalizer's best guess. The
    text is passed through ``clean_text``.
    """
    return decode_as(data, declared)[0]


def decode_as(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """``decode``, and the name of the encoding it used."""
    if not data:
        raise ValueError("empty file")
    if bom := _bom(data):
        encoding, size = bom
        return _checked(data[size:].decode(encoding, "replace")), encoding
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes)")
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
            # UTF-8 cut short inside its last character (a truncated download)
            text = data[: error.start].decode("utf-8") + "\ufffd"
            return _checked(text), "utf-8 (cut short: its last character replaced)"
    if declared:
        try:
            encoding = _codec(declared)
            return _checked(data.decode(encoding)), encoding
        except (LookupError, UnicodeDecodeError):
            pass
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    wide = (len(text.encode("utf-8")) - len(text)) // 2 - bad  # about: CJK is 3 bytes
    if bad * 100 <= wide:  # UTF-8 Chinese with a few stray bytes, not another encoding
        return _checked(text), f"utf-8 ({bad} invalid byte sequences replaced)"
    text, encoding = _detect(data)
    return _checked(text), encoding


def _codec(name: str) -> str:
    name = codecs.lookup(name.strip().strip("'\"")).name
    # Pages that say gb2312 or gbk are written in their superset more often than not.
    return "gb18030" if name in ("gb2312", "gbk") else name


def _detect(data: bytes) -> tuple[str, str]:
    """The least chaotic of the Chinese encodings (GB18030 on a tie), else any encoding."""
    from charset_normalizer import from_bytes

    found = []
    for rank, encoding in enumerate(CHINESE_ENCODINGS):
        match = from_bytes(data, cp_isolation=[encoding]).best()
        if match is not None:
            found.append((match.chaos, rank, match))
    match = min(found, key=lambda f: f[:2])[2] if found else from_bytes(data).best()
    if match is None:
        raise ValueError("not text in a known encoding (tried UTF-8, GB18030, Big5 and others)")
    return str(match), match.encoding


def _checked(text: str) -> str:
    """Reject text that is mostly control characters; clean the rest."""
    sample = text[:8192]
    controls = len(_CONTROL.findall(sample))
    if controls > _BINARY_CONTROLS and controls > len(sample) / 20:
        raise ValueError("binary file (control characters)")
    return clean_text(text)


# -- formats ----------------------------------------------------------------


_FRONT_KEY = re.compile(r"^([A-Za-z_][\w.:-]*)\s*:\s*(.*?)\s*$")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML-style front matter (``---`` / ``key: value`` lines / ``---``) and the body.

    Only flat ``key: value`` lines are read (quotes stripped); indented lines and
    list items are passed over. Text that does not open with a well-formed
    block is all body.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1:200], start=1):
        stripped = line.strip()
        if stripped in ("---", "...") and i > 1:
            return fields, "\n".join(lines[i + 1 :])
        if not stripped or stripped.startswith("#") or line[:1] in (" ", "\t", "-"):
            continue
        match = _FRONT_KEY.match(stripped)
        if match is None:
            return {}, text
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields.setdefault(match.group(1), value)
    return {}, text


def read_text(source: str, text: str) -> RawDocument:
    """A text or Markdown file, with its front matter as metadata."""
    fields, body = split_front_matter(text)
    return RawDocument(source=source, text=body, meta=make_meta(fields))


_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Elements whose text a reader never sees as the article (and <head> but its <title>).
_SKIP_TAGS = (
    "script style noscript template svg math iframe object canvas select textarea button nav head"
)
# Elements that end a line of text.
_BLOCK_TAGS = """p div br li ul ol dl dt dd tr table thead tbody section article header footer
    main aside blockquote pre hr figure figcaption form address center"""


class _HtmlText(HTMLParser):
    """Collect the visible text of a page, one line per block, and its metadata."""

    SKIP = frozenset(_SKIP_TAGS.split())
    BLOCK = frozenset(_BLOCK_TAGS.split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self._current: list[str] = []
        self._skip: list[str] = []
        self._in_title = False
        self._heading = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            self._meta(values)
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.meta.setdefault("canonical", values.get("href", ""))
        elif tag == "title" and not self._skip_other_than_head():
            self._in_title = True
        if tag == "body" and "head" in self._skip:  # a <head> left open
            self._skip.clear()
        if tag in self.SKIP:
            self._skip.append(tag)
        elif tag in _HEADINGS:
            self._flush()
            self._heading = _HEADINGS[tag]
        elif tag in self.BLOCK:
            self._flush()
            self._pre += tag == "pre"
        elif tag in ("td", "th"):  # cells of a row stay on its line
            self._current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:  # <svg/>, <iframe/>: nothing inside
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP:
            if tag in self._skip:  # close it and whatever was left open inside
                del self._skip[len(self._skip) - 1 - self._skip[::-1].index(tag) :]
        elif tag in _HEADINGS or tag in self.BLOCK:
            self._flush()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip:
            return
        if self._pre:
            *complete, rest = data.split("\n")
            for part in complete:
                self._current.append(part)
                self._flush()
            self._current.append(rest)
        else:
            self._current.append(data)

    def _skip_other_than_head(self) -> bool:
        return any(tag != "head" for tag in self._skip)

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("name") or values.get("property") or values.get("itemprop") or "").lower()
        content = values.get("content", "")
        if key and content.strip():
            self.meta.setdefault(key.strip(), content)
        if "charset" in values:
            self.meta.setdefault("charset", values["charset"])

    def _flush(self) -> None:
        line = " ".join("".join(self._current).split())
        self._current = []
        if line:
            if self._heading:
                if self._heading == 1 and not self.h1:
                    self.h1 = line
                line = "#" * self._heading + " " + line
            self.lines.append(line)
        self._heading = 0

    def close(self) -> None:
        super().close()
        self._flush()


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def read_html(source: str, text: str) -> RawDocument:
    """An HTML page: visible text as lines, ``<h1>`` (else ``<title>``) as title, meta tags."""
    parser = _HtmlText()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as error:  # html.parser's last-resort failures
        raise InputError(source, f"cannot parse HTML ({error})") from None
    fields: dict[str, object] = dict(parser.meta)
    fields["title"] = parser.h1 or parser.title or str(parser.meta.get("og:title", ""))
    return RawDocument(source=source, text="\n".join(parser.lines), meta=make_meta(fields))


def read_jsonl(path: Path, source: str) -> Iterator[RawDocument | Skipped]:
    """One document per JSON object line; a bad line becomes a ``Skipped`` for ``file:line``.

    A file whose first ``MAX_BAD_LEADING_LINES`` lines are all bad is no JSON
    Lines at all (a binary file, say): it is reported once, not line by line.
    """
    pending: list[Skipped] = []  # bad lines before the first good one
    good = False
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            handle.seek(0)
            bom = _bom(head)
            if bom and bom[0] != "utf-8":
                # JSON Lines is UTF-8; a UTF-16/32 file is small enough to decode at once.
                text = handle.read()[bom[1] :].decode(bom[0], "replace")
                numbered: Iterable[tuple[int, bytes | str]] = enumerate(text.split("\n"), 1)
            elif b"\x00" in head:
                raise InputError(source, "binary file (NUL bytes)")
            else:
                numbered = enumerate(handle, 1)
            for number, raw in numbered:
                if number == 1 and isinstance(raw, bytes) and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    record = _jsonl_record(raw)
                except ValueError as error:
                    if good:
                        yield Skipped(f"{source}:{number}", str(error))
                        continue
                    pending.append(Skipped(f"{source}:{number}", str(error)))
                    if len(pending) >= MAX_BAD_LEADING_LINES:
                        raise InputError(
                            source,
                            f"not JSON Lines: its first {len(pending)} lines are bad "
                            f"(line 1: {pending[0].reason})",
                        ) from None
                    continue
                if record is not None:
                    if not good:
                        good = True
                        yield from pending
                    text, meta = record
                    yield RawDocument(source=f"{source}:{number}", text=text, meta=meta)
    except OSError as error:
        raise InputError(source, error.strerror or "cannot read") from None
    if not good:
        yield from pending


def _jsonl_record(raw: bytes | str) -> tuple[str, dict[str, str]] | None:
    """The text and metadata of one JSONL line; None for a blank line; ValueError if bad."""
    if isinstance(raw, bytes):
        try:
            raw = raw.rstrip(b"\r\n").decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError(f"not UTF-8 (byte {error.start})") from None
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise ValueError("not JSON (nested too deep)") from None
    if not isinstance(record, dict):
        raise ValueError(f"not a JSON object but {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text" string' if text is None else '"text" is not a string')
    text = clean_text(text)
    if not text.strip():
        raise ValueError('empty "text"')
    return text, make_meta(record)


# -- files ------------------------------------------------------------------


def find_files(paths: Iterable[str | Path], skipped: list[Skipped] | None = None) -> list[Path]:
    """Every input file under the given files and folders, in a stable order.

    Folders are searched recursively for known suffixes, hidden files and
    folders left out, symbolic links to folders not followed. A path that is
    missing or not a regular file, or a folder that cannot be listed, goes to
    ``skipped`` (or raises ``InputError`` when ``skipped`` is None).
    """
    found: set[Path] = set()

    def report(path: str | Path, reason: str) -> None:
        if skipped is None:
            raise InputError(display_path(path), reason)
        log.warning("%s: %s", display_path(path), reason)
        skipped.append(Skipped(display_path(path), reason))

    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            report(path, "no such file or folder" if not path.exists() else str(error.strerror))
            continue
        if stat.S_ISDIR(mode):
            found.update(_walk(path, report))
        elif stat.S_ISREG(mode):
            found.add(path)
        else:
            report(path, "not a regular file")
    return sorted(found, key=lambda p: os.fsencode(p.as_posix()))


def _walk(root: Path, report) -> Iterator[Path]:
    def on_error(error: OSError) -> None:
        report(error.filename or root, error.strerror or "cannot list folder")

    for folder, dirs, files in os.walk(root, onerror=on_error):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(folder, name)
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_file():  # not a FIFO, socket or dangling link
                yield path


def read_file(path: Path) -> Iterator[RawDocument | Skipped]:
    """The documents one file holds (and, for JSONL, the lines passed over)."""
    source = display_path(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        found = False
        for item in read_jsonl(path, source):
            found = found or isinstance(item, RawDocument)
            yield item
        if not found:
            raise InputError(source, "no JSON record with text")
        return
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            size = path.stat().st_size / 1024 / 1024
            limit = MAX_FILE_BYTES // 1024 // 1024
            raise InputError(source, f"too large ({size:.0f} MB; the limit is {limit} MB)")
        data = path.read_bytes()
    except OSError as error:
        raise InputError(source, error.strerror or "cannot read") from None
    is_html = suffix in HTML_SUFFIXES
    try:
        text, encoding = decode_as(data, declared_charset(data) if is_html else None)
    except ValueError as error:
        raise InputError(source, str(error)) from None
    if "replaced" in encoding:
        log.warning("%s: read as %s", source, encoding)
    elif encoding != "utf-8":
        log.info("%s: decoded as %s", source, encoding)
    document = read_html(source, text) if is_html else read_text(source, text)
    if not document.text.strip():
        raise InputError(source, "no text" if text.strip() else "empty file")
    yield document


def _too_long(chars: int) -> str:
    return f"too long ({chars:,} characters; the limit is {MAX_DOCUMENT_CHARS:,})"


def read_documents(
    paths: Iterable[str | Path], skipped: list[Skipped] | None = None
) -> Iterator[RawDocument]:
    """Stream the documents of every input; bad files go to ``skipped`` (or raise)."""
    for path in find_files(paths, skipped):
        try:
            for item in read_file(path):
                if isinstance(item, RawDocument) and len(item.text) > MAX_DOCUMENT_CHARS:
                    item = Skipped(item.source, _too_long(len(item.text)))
                if isinstance(item, Skipped):
                    if skipped is None:
                        raise InputError(item.source, item.reason)
                    log.warning("%s", item)
                    skipped.append(item)
                else:
                    yield item
        except InputError as error:
            if skipped is None:
                raise
            log.warning("%s", error)
            skipped.append(Skipped(error.source, error.reason))
