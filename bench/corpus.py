"""A synthetic corpus in the seeds' style, of any size, for benchmarks.

Pages are made of the seed articles' sentences, recombined: each article takes
an opening paragraph and body paragraphs from the seeds, swaps some sentences
for others, and varies every name and number it carries (provinces, cities,
companies, years, dates, amounts), drawn from the gazetteer and from lists
below.  Pages are laid out as the seeds are (``##`` headlines, bylines,
``**本报讯**``, sub-headings, a sentence broken across two columns now and
then), so reading and page splitting do their real work.

Deterministic: page ``i`` of seed ``s`` is always the same text, and depends on
nothing but the seed pages and the gazetteer, so a 1 MB corpus is a prefix of a
20 MB one and "ten more articles" are the next pages of the same stream.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Real companies named in the seed pages: each is replaced by a generated name.
SEED_COMPANIES = (
    "国网江苏省电力有限公司",
    "多氟多新材料股份有限公司",
    "冠英科技集团",
    "湖北数据集团",
    "中科听芯科技",
    "航天神舟飞行器",
    "航泰航空动力",
    "华润怡宝",
    "施耐德万高",
    "上汽大众",
    "北汽株洲",
    "星洲汽车",
    "海油工程",
    "环智新能源",
    "程力集团",
    "蓝思科技",
    "山河智能",
    "维达力",
    "联想",
    "惠科",
    "广汽",
    "吉利",
    "小米",
)
TRADE_NAMES = (
    "华宇",
    "中联",
    "海创",
    "瑞德",
    "博远",
    "天成",
    "恒信",
    "鼎盛",
    "智源",
    "云帆",
    "启明",
    "长风",
    "金桥",
    "新锐",
    "卓越",
    "同创",
    "远景",
    "汇川",
    "宏达",
    "凯盛",
    "明泰",
    "安捷",
    "众诚",
    "联芯",
    "星河",
    "盛世",
    "精工",
    "鑫源",
    "泰和",
    "万向",
    "越秀",
    "昊天",
    "嘉禾",
    "中科",
    "创维",
    "宇通",
)
INDUSTRIES = (
    "科技",
    "智能",
    "电子",
    "新材料",
    "新能源",
    "汽车",
    "半导体",
    "生物",
    "医药",
    "装备",
    "光电",
    "信息",
    "软件",
    "动力",
    "数据",
    "精密",
    "机器人",
    "微电子",
)
LEGAL_FORMS = ("", "", "", "集团", "股份有限公司", "有限公司", "集团有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍鹏辉玲峰晨轶恒铁宣彦君文路"

_NUMBER = re.compile(r"(?<![A-Za-z\d.])(\d+(?:\.\d+)?)(?![A-Za-z\d])")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+[”\"’）)]*|[^。！？!?]+$")


@dataclass(frozen=True)
class Material:
    """What the seeds offer: titles, sub-headings, opening and body paragraphs."""

    titles: tuple[str, ...]
    subheadings: tuple[str, ...]
    openings: tuple[tuple[str, ...], ...]  # first paragraphs, as sentences
    paragraphs: tuple[tuple[str, ...], ...]  # other paragraphs, as sentences
    sentences: tuple[str, ...]  # every sentence, for swaps


def sentences_of(paragraph: str) -> tuple[str, ...]:
    return tuple(s for s in (m.group().strip() for m in _SENTENCE.finditer(paragraph)) if s)


@cache
def load_material(seeds: Path = SEEDS) -> Material:
    """Split the seed pages into articles, paragraphs and sentences."""
    from kg.pipeline import read_articles

    titles, openings, paragraphs = [], [], []
    for article in read_articles([seeds]):
        lines = article.text.split("\n")
        body = [line for line in lines[1:] if len(line) > 20]
        if len(body) < 2 or not re.match(r"^[\u4e00-\u9fff]", article.title):
            continue
        titles.append(article.title)
        openings.append(sentences_of(body[0]))
        paragraphs.extend(sentences_of(p) for p in body[1:])
    headings = set()
    for path in sorted(seeds.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^#{2,6}\s*(.+?)\s*$", line)
            if match:
                headings.add(match.group(1).replace(" ", ""))
    subheadings = sorted(h for h in headings if h not in {t.replace(" ", "") for t in titles})
    everything = sorted({s for p in (*openings, *paragraphs) for s in p if len(s) > 8})
    return Material(
        tuple(titles),
        tuple(subheadings),
        tuple(openings),
        tuple(p for p in paragraphs if p),
        tuple(everything),
    )


@cache
def _places():
    """The gazetteer's provinces and cities, and a matcher for the names to vary."""
    from kg.gazetteer import NameIndex, load_gazetteer

    gazetteer = load_gazetteer()
    provinces = [d for d in gazetteer if d.level == "province"]
    cities = [d for d in gazetteer if d.level == "city"]
    names = []
    for division in (*provinces, *cities):
        for name in (division.name, *division.aliases):
            if len(name) >= 2:
                names.append((name, (division, name == division.name)))
    return provinces, cities, NameIndex(names)


class Variation:
    """One article's substitutions: each seed name maps to one new name throughout."""

    def __init__(self, rng: random.Random) -> None:
        provinces, cities, self._index = _places()
        self.rng = rng
        self.province = rng.choice(provinces)
        self._cities_here = [c for c in cities if c.province_code == self.province.code] or cities
        self._provinces, self._cities = provinces, cities
        self._places: dict[str, object] = {}
        self._companies: dict[str, str] = {}
        self._first_province: str | None = None
        self.year_shift = rng.randint(-2, 2)

    def _place(self, division) -> object:
        """The replacement division: the article's province for the first province named."""
        if division.code not in self._places:
            if division.level == "province":
                # Most provinces an article names become its own province; some another.
                first = self._first_province is None
                self._first_province = self._first_province or division.code
                home = first or self.rng.random() < 0.6
                self._places[division.code] = (
                    self.province if home else self.rng.choice(self._provinces)
                )
            else:
                pool = self._cities_here if self.rng.random() < 0.7 else self._cities
                self._places[division.code] = self.rng.choice(pool)
        return self._places[division.code]

    def company(self, name: str) -> str:
        if name not in self._companies:
            rng = self.rng
            self._companies[name] = (
                rng.choice(TRADE_NAMES) + rng.choice(INDUSTRIES) + rng.choice(LEGAL_FORMS)
            )
        return self._companies[name]

    def number(self, text: str, after: str) -> str:
        value = float(text)
        if re.fullmatch(r"(19|20)\d\d", text) and (after[:1] in "年-—–～~至" or not after):
            return str(int(text) + self.year_shift)
        if after.startswith("月"):
            return str(self.rng.randint(1, 12))
        if after.startswith("日"):
            return str(self.rng.randint(1, 28))
        if "." in text:
            decimals = len(text.split(".")[1])
            return f"{value * self.rng.uniform(0.5, 1.6):.{decimals}f}"
        scaled = round(value * self.rng.uniform(0.5, 1.6))
        return str(max(scaled, 1) if value >= 1 else scaled)

    def apply(self, text: str) -> str:
        """``text`` with its companies, provinces, cities and numbers varied."""
        pieces: list[tuple[int, int, str]] = []
        taken = [False] * len(text)

        def claim(start: int, end: int, replacement: str) -> None:
            if not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                pieces.append((start, end, replacement))

        for company in SEED_COMPANIES:
            for match in re.finditer(re.escape(company), text):
                claim(match.start(), match.end(), self.company(company))
        for start, end, _name, (division, full) in self._index.find(text):
            new = self._place(division)
            short = next((a for a in new.aliases if len(a) >= 2), new.name)
            claim(start, end, new.name if full else short)
        for match in _NUMBER.finditer(text):
            claim(match.start(), match.end(), self.number(match.group(), text[match.end() :]))
        out, position = [], 0
        for start, end, replacement in sorted(pieces):
            out.append(text[position:start])
            out.append(replacement)
            position = end
        out.append(text[position:])
        return "".join(out)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _paragraph(rng: random.Random, sentences: tuple[str, ...], material: Material) -> list[str]:
    """A seed paragraph with some sentences swapped for sentences from elsewhere."""
    out = [rng.choice(material.sentences) if rng.random() < 0.3 else s for s in sentences]
    if rng.random() < 0.3:
        out.append(rng.choice(material.sentences))
    return out


def _break_column(rng: random.Random, paragraph: str) -> str:
    """Now and then a paragraph runs over into the next column, as on the seed pages."""
    if len(paragraph) > 40 and rng.random() < 0.08:
        cut = rng.randint(15, len(paragraph) - 15)
        return paragraph[:cut] + "\n\n" + paragraph[cut:]
    return paragraph


def render_article(rng: random.Random, material: Material, lead: bool) -> str:
    """One article in the seeds' Markdown: headline, byline or 本报讯, paragraphs."""
    vary = Variation(rng)
    title = vary.apply(rng.choice(material.titles))
    paragraphs = [_paragraph(rng, rng.choice(material.openings), material)]
    count = rng.randint(8, 18) if lead else rng.randint(2, 7)
    paragraphs += [_paragraph(rng, rng.choice(material.paragraphs), material) for _ in range(count)]
    texts = [vary.apply("".join(p)) for p in paragraphs]
    lines = [f"## {title}", ""]
    if lead:
        lines += [f"本报记者 {_person(rng)}", ""]
    else:
        texts[0] = "**本报讯** " + texts[0]
        texts[-1] += f"({_person(rng)})"
    for i, text in enumerate(texts):
        if lead and i and i % 5 == 0 and material.subheadings:
            lines += [f"### {vary.apply(rng.choice(material.subheadings))}", ""]
        lines += [_break_column(rng, text), ""]
    return "\n".join(lines)


def render_page(seed: int, number: int) -> str:
    """Page ``number`` of the stream ``seed``: a lead story and a few short ones."""
    rng = random.Random(f"policy-kg bench {seed} {number}")
    material = load_material()
    articles = [render_article(rng, material, lead=i == 0) for i in range(rng.randint(3, 7))]
    return "\n\n".join(articles) + "\n"


def iter_pages(seed: int = 0, start: int = 0) -> Iterator[tuple[str, str]]:
    """(file name, text) of every page from ``start`` on, without end."""
    number = start
    while True:
        yield f"page_{number:06d}.txt", render_page(seed, number)
        number += 1


def write_corpus(folder: Path, size: int, seed: int = 0, start: int = 0) -> tuple[int, int]:
    """Write pages into ``folder`` until they hold ``size`` bytes; (pages, bytes) written."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = written = 0
    for name, text in iter_pages(seed, start):
        if written >= size:
            break
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        pages += 1
        written += len(data)
    return pages, written


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--mb", type=float, default=1.0, help="size in MB (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pages, written = write_corpus(args.folder, int(args.mb * 1_000_000), args.seed)
    print(f"wrote {pages} pages, {written / 1e6:.1f} MB to {args.folder}")


if __name__ == "__main__":
    main()
