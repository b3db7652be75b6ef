"""Split a newspaper page into articles and repair what the page layout broke.

A new article starts at a Markdown heading that opens a story (the top heading
level of the page, or any heading followed by a dateline or preceded by a
byline) or at a short title line before a dateline.  Within an article, lines
broken mid-sentence by newspaper columns are rejoined, spaces the layout put
between Chinese characters are dropped, and a paragraph repeated verbatim is
kept once.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.ingest import RawDocument
from kg.types import Article

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
BYLINE = re.compile(rf"^[(（]\s*[{_CJK}](?:\s*[{_CJK}]){{0,3}}\s*[)）]$")
_DATELINE = re.compile(
    r"^(本报讯|本报(?:实习|特约)?记者|本报通讯员|新华社[^，,。]{0,12}电|[(（]?记者\s*[\u4e00-\u9fff]{2,4}\s*[)）]?$)"
)
_REPORTER_ONLY = re.compile(rf"^(?:(?:本报|实习|特约)?(?:记者|通讯员)\s*[{_CJK}·]{{2,4}}\s*)+$")
_SENTENCE_END = '。！？!?；;：:…”"’）)】》'
_INNER_PUNCT = re.compile(r"[。，,；;！？!?]")
_SPACE = r"[ \t\u3000\u00a0]+"
_LAYOUT_SPACE = re.compile(
    rf"(?<=[{_CJK}\d%％“”《》、，。,]){_SPACE}(?=[{_CJK}“”《》])"
    rf"|(?<=[{_CJK}“”《》]){_SPACE}(?=[\d{_CJK}\"])"
)
_CAPTION = re.compile(r"^(图为|图：|图:|[(（]图[)）]|图片)")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")

MAX_TITLE_CHARS = 40


@dataclass
class _Line:
    text: str
    heading_level: int = 0  # 1..6 for Markdown headings

    @property
    def is_byline(self) -> bool:
        return bool(BYLINE.match(self.text))

    @property
    def is_caption(self) -> bool:
        return bool(_CAPTION.match(self.text))

    @property
    def is_dateline(self) -> bool:
        return bool(_DATELINE.match(self.text))


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def clean_line(text: str) -> str:
    """Drop invisible characters, Markdown emphasis and the spaces a layout put between
    Chinese words."""
    text = _EMPHASIS.sub(r"\2", _INVISIBLE.sub("", text)).strip()
    return _LAYOUT_SPACE.sub("", text)


def _lines(text: str) -> list[_Line]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = clean_line(raw)
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading and heading.group(2):
            out.append(_Line(clean_line(heading.group(2)), len(heading.group(1))))
        elif not heading:
            out.append(_Line(line))
    return out


_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_NOTICE_TITLE = re.compile(r"^关于.{2,80}的(通知|通告|决定|意见|批复|函|公告)$")
_SIGNATURE = re.compile(rf"^[{_CJK}]{{2,12}}(人民政府|政府|办公厅|厅|委员会|委|局|办公室)$")


def _ends_paragraph(line: _Line) -> bool:
    """A line after which a new paragraph starts: sentence-final punctuation, or a line that
    stands alone (a heading, byline, date, signature or document title)."""
    text = line.text
    return (
        line.heading_level > 0
        or line.is_byline
        or text.endswith(tuple(_SENTENCE_END))
        or bool(_DATE_LINE.match(text) or _NOTICE_TITLE.match(text) or _SIGNATURE.match(text))
    )


def _is_title_line(lines: list[_Line], i: int, starts_with_place: Callable[[str], bool]) -> bool:
    """A short line without sentence punctuation that opens a story."""
    line = lines[i]
    if line.heading_level or line.is_byline or line.is_dateline or line.is_caption:
        return False
    if _SIGNATURE.match(line.text) or _DATE_LINE.match(line.text):
        return False  # 四川省人民政府办公厅 / 2024年6月5日 sign a notice, they open nothing
    if len(line.text) > MAX_TITLE_CHARS or _INNER_PUNCT.search(line.text):
        return False
    if line.text.endswith(("、", "”", '"')) and not line.text.startswith(("“", '"')):
        return False
    previous = lines[i - 1] if i else None
    following = _next_story_line(lines, i)
    if following is not None and following.is_dateline:
        return True
    if previous is not None and not _ends_paragraph(previous):
        return False
    return starts_with_place(line.text) and following is not None


def _next_story_line(lines: list[_Line], i: int) -> _Line | None:
    """The next line after ``i`` that is not a photo caption."""
    for line in lines[i + 1 :]:
        if not line.is_caption:
            return line
    return None


def _story_starts(lines: list[_Line], starts_with_place: Callable[[str], bool]) -> list[int]:
    """Indices of the lines that open an article."""
    levels = [line.heading_level for line in lines if line.heading_level]
    top = min(levels) if levels else 0
    starts = []
    for i, line in enumerate(lines):
        previous = lines[i - 1] if i else None
        following = _next_story_line(lines, i)
        if line.heading_level:
            opens = (
                line.heading_level == top
                or (following is not None and following.is_dateline)
                or (previous is not None and previous.is_byline)
                or starts_with_place(line.text)
            )
        else:
            opens = _is_title_line(lines, i, starts_with_place)
        if opens:
            starts.append(i)
    return starts


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Rejoin lines broken mid-sentence; keep a verbatim repeat once; drop bylines."""
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if line.is_byline or _REPORTER_ONLY.match(line.text):
            if current:
                paragraphs.append(current)
                current = ""
            continue
        text = _DATELINE.sub("", line.text, count=1).strip() if line.is_dateline else line.text
        if not text:
            continue
        if line.heading_level:
            if current:
                paragraphs.append(current)
            paragraphs.append(text)
            current = ""
            continue
        if current and _ends_paragraph(_Line(text)) and not text.endswith(tuple(_SENTENCE_END)):
            paragraphs.append(current)  # a date or signature line stands alone
            current = ""
        current += text
        if _ends_paragraph(line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        key = unicodedata.normalize("NFKC", paragraph)
        if key in seen and len(key) > 8:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def article_id(title: str, text: str) -> str:
    """Content hash: the same article gets the same id in every corpus."""
    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return digest[:20]


def _regroup(
    stories: list[tuple[str, list[str]]], province_of: Callable[[str], str | None]
) -> None:
    """Move paragraphs that columns put into the wrong story back to the story they continue.

    A paragraph that opens with a province (安徽省经信厅将…) other than the one its story's
    title names belongs to the story on the page whose title names that province.
    """
    owners = {}
    for i, (title, _) in enumerate(stories):
        province = province_of(title)
        if province and province not in owners:
            owners[province] = i
    for i, (title, paragraphs) in enumerate(stories):
        home = province_of(title)
        if home is None:
            continue
        for paragraph in list(paragraphs[1:]):
            province = province_of(paragraph)
            if province and province != home and owners.get(province, i) != i:
                paragraphs.remove(paragraph)
                stories[owners[province]][1].append(paragraph)


def _drop_fragments(stories: list[tuple[str, list[str]]]) -> None:
    """A paragraph that stands again, whole, inside another story of the page is a stray
    column fragment: keep it only where it is part of the longer text."""
    MIN_CHARS = 12
    for i, (_, paragraphs) in enumerate(stories):
        for paragraph in list(paragraphs[1:]):
            if len(paragraph) < MIN_CHARS:
                continue
            key = paragraph.rstrip("。")
            if any(
                key in other and len(other) > len(paragraph)
                for j, (_, others) in enumerate(stories)
                if j != i
                for other in others
            ):
                paragraphs.remove(paragraph)


def split_articles(
    document: RawDocument, starts_with_place: Callable[[str], bool] | None = None
) -> Iterator[Article]:
    """The articles of one page, in page order."""
    if starts_with_place is None:
        starts_with_place = _starts_with_province
    lines = _lines(document.text)
    starts = _story_starts(lines, starts_with_place)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = [*starts, len(lines)]
    stories: list[tuple[str, list[str]]] = []
    for begin, end in itertools.pairwise(bounds):
        chunk = lines[begin:end]
        if not chunk:
            continue
        opener = chunk[0]
        has_title = (
            opener.heading_level > 0
            or begin in starts[1:]
            or (begin == 0 and _is_title_line(lines, 0, starts_with_place))
        )
        title = opener.text if has_title else document.meta.get("title", "")
        paragraphs = _paragraphs(chunk[1:] if has_title else chunk)
        if paragraphs:
            stories.append((title, paragraphs))
    if len(stories) > 1:
        _regroup(stories, _province_opening)
        _drop_fragments(stories)
    for index, (title, paragraphs) in enumerate(stories):
        if title:
            paragraphs.insert(0, title)
        text = "\n".join(paragraphs)
        yield Article(
            id=article_id(title, text),
            source=document.source,
            title=title or _fallback_title(paragraphs),
            text=text,
            index=index,
            url=document.meta.get("url"),
            date=document.meta.get("date"),
            publisher=document.meta.get("publisher"),
        )


def _fallback_title(paragraphs: list[str]) -> str:
    first = paragraphs[0]
    return first if len(first) <= MAX_TITLE_CHARS else first[:MAX_TITLE_CHARS] + "…"


def _province_opening(text: str) -> str | None:
    """Code of the province a text opens with (重庆市…, 安徽省经信厅…), if any."""
    from kg.gazetteer import load_gazetteer

    division = load_gazetteer().province_opening(text[:-1])
    return division.code if division else None


def _starts_with_province(text: str) -> bool:
    return _province_opening(text) is not None
