"""Reading inputs: decoding, text hygiene, front matter, HTML, JSONL and finding files."""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.ingest import (
    MAX_DOCUMENT_CHARS,
    RawDocument,
    Skipped,
    clean_text,
    decode,
    display_path,
    find_files,
    normalize_date,
    normalize_url,
    read_documents,
    split_front_matter,
)

SIMPLIFIED = (
    "重庆日前印发《重庆市推动优质中小企业梯度培育改革工作方案》，"
    "明确提出到2027年，重庆科技型企业达到8.6万家。"
)
TRADITIONAL = (
    "重慶市人民政府辦公廳日前印發《重慶市推動優質中小企業梯度培育改革工作方案》，"
    "明確提出到2027年，重慶科技型企業達到8.6萬家。"
)

# Every character, surrogates and control characters included.
ANY_TEXT = st.text(st.characters(exclude_categories=[]))
# Printable text: what a reader must give back unchanged.
PRINTABLE = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1).filter(
    lambda s: s.strip() and "\ufffe" not in s and "\uffff" not in s
)


def read(paths, skipped=None) -> list[RawDocument]:
    return list(read_documents(paths, [] if skipped is None else skipped))


def is_clean(text: str) -> bool:
    """Encodable and free of the control characters clean_text drops."""
    text.encode("utf-8")
    return clean_text(text) == text


# -- decode -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED),  # with its BOM, native order
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED),
        (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED),
        (SIMPLIFIED.encode("utf-32"), SIMPLIFIED),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED),
        (SIMPLIFIED[:12].encode("gbk"), SIMPLIFIED[:12]),  # too short for a guess: Chinese first
        ("中小企业".encode("gbk"), "中小企业"),  # as good Big5 as GBK: GB18030 wins a tie
        ("重庆科技型企业".encode("gbk"), "重庆科技型企业"),
        (TRADITIONAL.encode("big5"), TRADITIONAL),
        ("中小企業".encode("big5"), "中小企業"),
        (b"plain ASCII", "plain ASCII"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-be", "utf16-le", "utf32", "gbk", "gb18030",
         "gbk-short", "gbk-4", "gbk-7", "big5", "big5-4", "ascii"],
)  # fmt: skip
def test_ingest_decode_detects_encodings(data, text):
    assert decode(data) == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (bytes(range(256)) * 8, "binary file"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 20, "binary file"),
    ],
    ids=["empty", "png", "all-bytes", "controls"],
)
def test_ingest_decode_rejects_what_is_not_text(data, reason):
    with pytest.raises(ValueError, match=reason):
        decode(data)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("重庆科技".encode()[:-1], "重庆科\ufffd"),  # cut inside the last character
        (
            "重庆科技型企业。".encode() * 20 + b"\xff" + "好。".encode(),
            "重庆科技型企业。" * 20 + "\ufffd好。",
        ),
    ],
    ids=["truncated", "stray-byte"],
)
def test_ingest_decode_utf8_with_a_few_bad_bytes_is_still_utf8(data, text):
    assert decode(data) == text


def test_ingest_decode_html_declared_charset_wins_over_a_guess():
    data = SIMPLIFIED[:6].encode("gbk")
    assert decode(data, declared="gb2312") == SIMPLIFIED[:6]
    assert decode(data, declared="no-such-codec") == SIMPLIFIED[:6]  # falls back to detection


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_ingest_decode_any_bytes_gives_clean_text_or_value_error(data):
    try:
        text = decode(data)
    except ValueError:
        return
    assert is_clean(text)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_ingest_decode_any_string_survives_the_reader(text, encoding):
    """Whatever the text, what is read back is clean_text of it (or a reasoned refusal)."""
    # UTF-16-LE text opening with NUL begins FF FE 00 00: the UTF-32-LE byte order mark.
    assume(not (encoding == "utf-16" and text.startswith("\x00")))
    data = text.encode(encoding, "surrogatepass")
    try:
        decoded = decode(data)
    except ValueError as error:
        assert str(error).startswith(("empty file", "binary file", "not text"))
        return
    assert is_clean(decoded)
    # A surrogate's three bytes are no UTF-8: refused without a BOM, three U+FFFD with one.
    if encoding.startswith("utf-8"):
        assume(not any("\ud800" <= c <= "\udfff" for c in text))
    assert decoded == clean_text(text)


@settings(max_examples=300, deadline=None)
@given(PRINTABLE, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_ingest_decode_printable_text_round_trips(text, encoding):
    assert decode(text.encode(encoding)) == text


# -- clean_text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\ud800b", "a\ufffdb"),  # lone high surrogate (a JSON "\ud800")
        ("a\udfffb", "a\ufffdb"),  # lone low surrogate
        ("\ud83d\ude00", "\U0001f600"),  # a pair left split is joined
        ("a\x00b\x07c\x1bd\x7fe", "abcde"),
        ("tab\tline\nreturn\r", "tab\tline\nreturn\r"),
        ("page\x0cbreak", "page\nbreak"),
        ("\ufeff中文\ufffe\uffff", "\ufeff中文"),  # the BOM is kg.pages' to drop
    ],
)
def test_ingest_clean_text(raw, clean):
    assert clean_text(raw) == clean


@given(ANY_TEXT)
def test_ingest_clean_text_is_encodable_and_idempotent(text):
    clean = clean_text(text)
    clean.encode("utf-8")
    assert clean_text(clean) == clean


# -- metadata -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024/3/5", "2024-03-05"),
        ("2024.03.05 10:30", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("2024年3月5日 08:00", "2024-03-05"),
        ("2024-03-05T10:00:00+08:00", "2024-03-05"),
        ("20240305", "2024-03-05"),
        (" 2024-3-5 ", "2024-03-05"),
        ("2024-02-30", None),
        ("2024-13-01", None),
        ("2024年3月", None),
        ("2024", None),
        ("昨天", None),
        ("2024-03-051", None),
        ("", None),
    ],
)
def test_ingest_normalize_date(raw, iso):
    assert normalize_date(raw) == iso


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
        ("  http://www.gov.cn/zhengce/content.htm ", "http://www.gov.cn/zhengce/content.htm"),
        ("javascript:alert(1)", None),
        ("https://example.com/a b", None),
        ('https://example.com/"><script>', None),
        ("www.example.com", None),
    ],
)
def test_ingest_normalize_url(raw, url):
    assert normalize_url(raw) == url


FRONT = """---
title: "重庆：促进中小企业提质培优"
date: 2024年3月5日
url: https://example.com/news/1.html
source: 人民日报
tags:
  - 中小企业
# a comment
---
正文第一段。
"""


def test_ingest_front_matter_is_read_simply():
    fields, body = split_front_matter(FRONT)
    assert fields == {
        "title": "重庆：促进中小企业提质培优",
        "date": "2024年3月5日",
        "url": "https://example.com/news/1.html",
        "source": "人民日报",
        "tags": "",
    }
    assert body == "正文第一段。\n"


@pytest.mark.parametrize(
    "text",
    [
        "---\n没有结束的前言\n正文。",  # not key: value
        "--- \ntitle: x\n",  # never closed
        "正文。\n---\ntitle: x\n---\n",  # not at the start
        "---\n---\n",  # closes at once: a rule, not front matter
    ],
)
def test_ingest_text_that_only_looks_like_front_matter_is_body(text):
    assert split_front_matter(text) == ({}, text)


def test_ingest_markdown_front_matter_becomes_meta(tmp_path):
    (tmp_path / "a.md").write_text(FRONT, encoding="utf-8")
    [document] = read([tmp_path])
    assert document.meta == {
        "title": "重庆：促进中小企业提质培优",
        "date": "2024-03-05",
        "url": "https://example.com/news/1.html",
        "publisher": "人民日报",
    }
    assert document.text == "正文第一段。\n"


def test_ingest_front_matter_bad_values_are_dropped_not_fatal(tmp_path):
    page = "---\ntitle: 标题\ndate: 上周\nurl: javascript:alert(1)\n---\n正文。\n"
    (tmp_path / "a.md").write_text(page, encoding="utf-8")
    [document] = read([tmp_path])
    assert document.meta == {"title": "标题"}


# -- HTML -----------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>重庆促进中小企业提质培优_新闻_人民网</title>
<meta name="PubDate" content="2024-03-05 10:21">
<meta property="og:site_name" content="人民网">
<link rel="canonical" href="https://example.com/n/2024/0305/c1.html">
<style>p { color: red }</style>
<script>document.write("<p>脚本里的段落</p>")</script>
</head>
<body>
<nav><a href="/">首页</a> | <a href="/n">新闻</a></nav>
<h1>重庆：促进中小企业提质培优</h1>
<p>为支持中小企业发展，
   重庆日前印发了工作方案。</p>
<p>第二段&nbsp;有实体&amp;<b>加粗</b>文字。<br>换行之后。</p>
<script type="text/javascript">var p = "<p>不可见</p>";</script>
<noscript>请启用脚本</noscript>
<pre>第一行
第二行</pre>
<table><tr><th>指标</th><th>2027年</th></tr><tr><td>企业</td><td>8.6万家</td></tr></table>
</body></html>
"""


def test_ingest_html_text_title_and_meta(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    [document] = read([tmp_path])
    assert document.text.split("\n") == [
        "# 重庆：促进中小企业提质培优",
        "为支持中小企业发展， 重庆日前印发了工作方案。",
        "第二段 有实体&加粗文字。",  # &nbsp; is a space like any other
        "换行之后。",
        "第一行",
        "第二行",
        "指标 2027年",
        "企业 8.6万家",
    ]
    assert document.meta == {
        "title": "重庆：促进中小企业提质培优",
        "date": "2024-03-05",
        "url": "https://example.com/n/2024/0305/c1.html",
        "publisher": "人民网",
    }
    for hidden in ("脚本", "不可见", "color", "首页", "请启用脚本"):
        assert hidden not in document.text


def test_ingest_html_title_tag_when_no_h1_and_gbk_declared(tmp_path):
    page = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
        "<title>湖北发布新政</title></head><body><div>湖北省印发行动方案。</div></body></html>"
    )
    (tmp_path / "page.htm").write_bytes(page.encode("gbk"))
    [document] = read([tmp_path])
    assert document.meta == {"title": "湖北发布新政"}
    assert document.text == "湖北省印发行动方案。"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>未闭合的头<body><p>正文照样读到。</p>",
        "<p>正文照样读到。<div><span>",
        "<p>正文照样读到。</p><script>never closed <p>x</p>",
        "<p>正文照样读到。</p></svg></p></div></html></html>",
        "<p>正文照样读到。</p><svg><title>图</title></svg><!-- <p>注释</p> -->",
        "<p>正文照样读到。&#0;&#xD800;&#x110000;&bogus;</p>",
    ],
    ids=["open-head", "unclosed", "open-script", "stray-ends", "svg-comment", "bad-refs"],
)
def test_ingest_html_malformed_pages_still_read(tmp_path, page):
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [document] = read([tmp_path])
    assert document.text.startswith("正文照样读到。")
    assert is_clean(document.text)
    assert "图" not in document.meta.get("title", "")


def test_ingest_html_without_visible_text_is_skipped(tmp_path):
    (tmp_path / "page.html").write_text("<script>var a = 1;</script><style></style>")
    skipped: list[Skipped] = []
    assert read([tmp_path], skipped) == []
    assert [s.reason for s in skipped] == ["no text"]


# -- JSONL ----------------------------------------------------------------------


def jsonl(*records: object) -> str:
    return "\n".join(
        r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records
    )


def test_ingest_jsonl_one_document_per_line_bad_lines_reported(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        jsonl(
            {"text": "第一篇。", "title": "一", "url": "https://x.cn/1", "date": "2024-03-05"},
            "{not json",
            [1, 2],
            {"title": "没有正文"},
            "",
            {"text": 42},
            {"text": "  "},
            r'{"text": "第二篇\u0000含\ud800控制字符。", "source": "新华社", "date": 20240306}',
        ),
        encoding="utf-8",
    )
    skipped: list[Skipped] = []
    documents = read([corpus], skipped)
    source = corpus.as_posix()
    assert [(d.source, d.text, d.meta) for d in documents] == [
        (
            f"{source}:1",
            "第一篇。",
            {"title": "一", "url": "https://x.cn/1", "date": "2024-03-05"},
        ),
        (f"{source}:8", "第二篇含\ufffd控制字符。", {"date": "2024-03-06", "publisher": "新华社"}),
    ]
    assert [str(s) for s in skipped] == [
        f"{source}:2: not JSON: Expecting property name enclosed in double quotes (column 2)",
        f"{source}:3: not a JSON object but list",
        f'{source}:4: no "text" string',
        f'{source}:6: "text" is not a string',
        f'{source}:7: empty "text"',
    ]


def test_ingest_jsonl_with_bom_utf16_and_not_utf8_lines(tmp_path):
    (tmp_path / "bom.jsonl").write_bytes(codecs.BOM_UTF8 + b'{"text": "\xe4\xb8\x80"}\n')
    (tmp_path / "wide.jsonl").write_bytes('{"text": "二"}\n'.encode("utf-16"))
    (tmp_path / "mixed.jsonl").write_bytes(b'{"text": "\xc8\xfd"}\n{"text": "\xe5\x9b\x9b"}\n')
    skipped: list[Skipped] = []
    assert [d.text for d in read([tmp_path], skipped)] == ["一", "四", "二"]
    assert [str(s) for s in skipped] == [
        f"{(tmp_path / 'mixed.jsonl').as_posix()}:1: not UTF-8 (byte 10)"
    ]


def test_ingest_jsonl_without_any_record_is_one_skip(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n\n")
    skipped: list[Skipped] = []
    assert read([tmp_path], skipped) == []
    assert [s.reason for s in skipped] == ["no JSON record with text"]


def test_ingest_jsonl_that_is_no_jsonl_is_one_skip_not_one_per_line(tmp_path):
    (tmp_path / "binary.jsonl").write_bytes(b"\x00\x01\n" * 1000)
    (tmp_path / "prose.jsonl").write_text("这不是 JSON。\n" * 1000, encoding="utf-8")
    (tmp_path / "late.jsonl").write_text("bad\n" * 19 + jsonl({"text": "好。"}), encoding="utf-8")
    skipped: list[Skipped] = []
    assert [d.source.rsplit("/", 1)[1] for d in read([tmp_path], skipped)] == ["late.jsonl:20"]
    reasons = [(Path(s.source).name, s.reason) for s in skipped]
    assert reasons[0] == ("binary.jsonl", "binary file (NUL bytes)")
    assert [name for name, _ in reasons[1:20]] == [f"late.jsonl:{n}" for n in range(1, 20)]
    assert reasons[20:] == [
        ("prose.jsonl", "not JSON Lines: its first 20 lines are bad (line 1: not JSON: "
         "Expecting value (column 1))")
    ]  # fmt: skip


def test_ingest_jsonl_strict_raises_at_first_bad_line(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(jsonl({"text": "好。"}, "oops"), encoding="utf-8")
    documents = read_documents([corpus])
    assert next(documents).text == "好。"
    with pytest.raises(InputError, match=r"c\.jsonl:2: not JSON"):
        next(documents)


def test_ingest_jsonl_deeply_nested_line_is_reported(tmp_path):
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "\n" + jsonl({"text": "好。"}))
    skipped: list[Skipped] = []
    assert [d.text for d in read([tmp_path], skipped)] == ["好。"]
    assert skipped[0].source.endswith("deep.jsonl:1")


# -- files ----------------------------------------------------------------------


def test_ingest_find_files_order_hidden_and_suffixes(tmp_path):
    for name in ("b.txt", "a.md", "c.html", "d.jsonl", "e.csv", ".hidden.txt", "sub/z.htm"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    names = [p.relative_to(tmp_path).as_posix() for p in find_files([tmp_path])]
    assert names == ["a.md", "b.txt", "c.html", "d.jsonl", "sub/z.htm"]


def test_ingest_find_files_explicit_file_of_any_suffix_is_read(tmp_path):
    (tmp_path / "notes").write_text(SIMPLIFIED, encoding="utf-8")
    assert [d.text for d in read([tmp_path / "notes"])] == [SIMPLIFIED]


def test_ingest_missing_path_skipped_or_raised(tmp_path):
    skipped: list[Skipped] = []
    assert find_files([tmp_path / "nope"], skipped) == []
    assert [s.reason for s in skipped] == ["no such file or folder"]
    with pytest.raises(InputError, match="no such file or folder"):
        find_files([tmp_path / "nope"])


def test_ingest_folder_named_like_a_file_is_a_folder(tmp_path):
    (tmp_path / "x.txt").mkdir()
    (tmp_path / "x.txt" / "inner.txt").write_text(SIMPLIFIED, encoding="utf-8")
    documents = read([tmp_path])
    assert [Path(d.source).relative_to(tmp_path).as_posix() for d in documents] == [
        "x.txt/inner.txt"
    ]


def test_ingest_fifo_and_dangling_link_are_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block for ever
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop").symlink_to(tmp_path)  # not followed: no endless walk
    (tmp_path / "ok.txt").write_text(SIMPLIFIED, encoding="utf-8")
    assert [Path(d.source).name for d in read([tmp_path])] == ["ok.txt"]
    skipped: list[Skipped] = []
    assert find_files([tmp_path / "pipe.txt"], skipped) == []
    assert [s.reason for s in skipped] == ["not a regular file"]


def test_ingest_names_with_spaces_chinese_and_bad_bytes(tmp_path):
    (tmp_path / "名字 有 空格.txt").write_text("一。", encoding="utf-8")
    raw = os.fsencode(tmp_path) + b"/bad\xff\nname.txt"
    with open(raw, "wb") as handle:
        handle.write("二。".encode())
    documents = read([tmp_path])
    sources = sorted(Path(d.source).name for d in documents)
    assert sources == ["bad\\xff\\x0aname.txt", "名字 有 空格.txt"]
    for document in documents:
        assert is_clean(document.source) and "\n" not in document.source


def test_ingest_display_path_escapes_control_and_undecodable_bytes():
    assert display_path("a b/中文.txt") == "a b/中文.txt"
    assert display_path(os.fsdecode(b"x\xff\x1b.txt")) == "x\\xff\\x1b.txt"


def test_ingest_unreadable_file_is_skipped(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SIMPLIFIED, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop root reading")
        skipped: list[Skipped] = []
        assert read([tmp_path], skipped) == []
        assert [s.reason for s in skipped] == ["Permission denied"]
    finally:
        path.chmod(0o644)


def test_ingest_read_error_is_skipped_even_as_root(tmp_path, monkeypatch):
    """The same path as an unreadable file, for runs where root reads everything."""
    (tmp_path / "a.txt").write_text("一。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("二。", encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    skipped: list[Skipped] = []
    assert [d.text for d in read([tmp_path], skipped)] == ["二。"]
    assert [str(s) for s in skipped] == [f"{(tmp_path / 'a.txt').as_posix()}: Permission denied"]


def test_ingest_too_long_document_is_skipped_not_fatal(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.ingest.MAX_DOCUMENT_CHARS", 100)
    (tmp_path / "long.txt").write_text("长" * 101, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(jsonl({"text": "长" * 101}, {"text": "短。"}))
    skipped: list[Skipped] = []
    assert [d.text for d in read([tmp_path], skipped)] == ["短。"]
    assert [s.reason for s in skipped] == [
        "too long (101 characters; the limit is 100)",
        "too long (101 characters; the limit is 100)",
    ]
    assert MAX_DOCUMENT_CHARS < 1_000_000  # spaCy's default nlp.max_length


def test_ingest_strict_raises_the_first_bad_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "b.txt").write_text("好。", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.txt: binary file"):
        list(read_documents([tmp_path]))


def test_ingest_skipped_is_one_line():
    assert str(Skipped("a.txt", "empty file")) == "a.txt: empty file"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_ingest_any_file_is_read_or_skipped_never_raises(tmp_path, data, suffix):
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    skipped: list[Skipped] = []
    documents = read([path], skipped)
    assert documents or skipped
    for document in documents:
        assert is_clean(document.text) and document.text.strip()
        assert all(is_clean(value) for value in document.meta.values())
    for item in skipped:
        assert "\n" not in str(item)
