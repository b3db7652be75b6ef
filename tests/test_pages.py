"""Splitting newspaper pages into articles and repairing their layout."""

from __future__ import annotations

import pytest

from kg.ingest import RawDocument
from kg.pages import BYLINE, clean_line, split_articles


def split(text: str) -> list:
    return list(
        split_articles(RawDocument("page.txt", text), lambda t: t[:2] in {"湖北", "浙江", "广东"})
    )


def test_pages_split_at_top_headings_and_keep_sections():
    page = (
        "# 湖北推进制造业升级\n\n本报讯 湖北省印发方案。\n\n## 聚焦三个环节\n\n内容一。\n\n"
        "# 浙江发布新政\n\n内容二。\n"
    )
    articles = split(page)
    assert [a.title for a in articles] == ["湖北推进制造业升级", "浙江发布新政"]
    assert "聚焦三个环节" in articles[0].text
    assert articles[1].index == 1


def test_pages_title_line_before_dateline_opens_an_article():
    page = "上一篇的结尾。\n\n广东加快发展低空经济\n\n本报讯 近日，广东省印发行动方案。\n"
    articles = split(page)
    assert articles[-1].title == "广东加快发展低空经济"
    assert articles[-1].text.endswith("近日，广东省印发行动方案。")


def test_pages_rejoin_lines_broken_by_columns():
    page = "# 湖北新闻\n\n十堰某某饮料、武汉某某智\n\n能家电等项目开工。\n"
    (article,) = split(page)
    assert "武汉某某智能家电等项目开工。" in article.text


def test_pages_repeated_paragraph_kept_once():
    paragraph = "湖北省将实施制造业技术改造升级行动。"
    (article,) = split(f"# 湖北新闻\n\n{paragraph}\n\n{paragraph}\n")
    assert article.text.count(paragraph) == 1


@pytest.mark.parametrize("line", ["(鄂文)", "(鄂 文)", "（冀 讯）", "(渝文)"])
def test_pages_byline_is_dropped(line):
    assert BYLINE.match(clean_line(line))
    (article,) = split(f"# 湖北新闻\n\n湖北省召开会议。\n\n{line}\n")
    assert "文)" not in article.text and "讯）" not in article.text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("专精特新中小企业 的中坚力量", "专精特新中小企业的中坚力量"),
        ("2025 年 电子信息", "2025年电子信息"),
        ("遴选 500 家企业", "遴选500家企业"),
        ("Deep Seek 模型", "Deep Seek 模型"),
    ],
)
def test_pages_layout_spaces_between_chinese_removed(raw, clean):
    assert clean_line(raw) == clean


def test_pages_article_id_is_content_hash():
    first = split("# 湖北新闻\n\n内容。\n")[0]
    again = next(split_articles(RawDocument("elsewhere/other.md", "# 湖北新闻\n\n内容。\n")))
    assert first.id == again.id and first.source != again.source


def test_pages_notice_signature_and_date_stand_alone():
    notice = (
        "关于印发《广东省数据条例实施办法》的通知\n\n各地级以上市人民政府：\n\n现将《广东省数据条例实施办法》印发给你们。\n\n"
        "广东省人民政府办公厅\n\n2024年6月5日\n\n广东省数据条例实施办法\n\n一、总体要求。到2027年，全省数据产业规模达到1万亿元。\n"
    )
    articles = split(notice)
    assert [a.title for a in articles] == [
        "关于印发《广东省数据条例实施办法》的通知",
        "广东省数据条例实施办法",
    ]
    assert articles[0].text.splitlines()[-2:] == ["广东省人民政府办公厅", "2024年6月5日"]
