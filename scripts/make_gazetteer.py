"""Generate kg/data/divisions.tsv and kg/data/provinces.tsv (a dev-time tool, never run by kg).

The county and city data come from the dictionary files that ship inside the
``jionlp`` package (``pip install jionlp``): ``china_location.zip`` (provinces,
prefecture-level cities, counties and districts, statistical development zones,
with their administrative-division codes and jionlp's short names) and
``china_location_change.txt`` (renames and mergers since 2002). The files are
read straight from the installed package; jionlp itself is never imported, so
none of its code runs and its import-time banner never prints. The 34 provincial
rows (aliases, one-character abbreviations, Wikidata ids) are general knowledge
written below.

Short forms (武汉 for 武汉市, 恩施 for 恩施土家族苗族自治州) are kept only when
they are not common words: not in ``GENERIC`` or ``COMMON_WORDS``, and jieba's
dictionary tags them as a place name (``ns``), does not know them, or knows them
only as a rare word or a less common proper noun (see ``acceptable``).
Prefecture-level short forms skip the jieba test (jieba tags 恩施, 仙桃 and
神农架 as plain nouns), never the word lists.

Run from the repository root (see kg/data/SOURCES.md)::

    pip install jionlp==1.5.31
    python scripts/make_gazetteer.py          # writes kg/data/*.tsv
    python scripts/make_gazetteer.py --check  # exit 1 if the files would change
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import io
import logging
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "kg" / "data"

# (code, official name, abbreviation, aliases, Wikidata id). Aliases include the
# abbreviation (and the second one where a province has two: 川/蜀, 黔/贵 ...);
# the runtime gazetteer keeps one-character aliases out of text matching.
PROVINCES: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("110000", "北京市", "京", ("北京", "京"), "Q956"),
    ("120000", "天津市", "津", ("天津", "津"), "Q11736"),
    ("130000", "河北省", "冀", ("河北", "冀"), "Q21208"),
    ("140000", "山西省", "晋", ("山西", "晋"), "Q46913"),
    ("150000", "内蒙古自治区", "蒙", ("内蒙古", "内蒙", "蒙"), "Q41079"),
    ("210000", "辽宁省", "辽", ("辽宁", "辽"), "Q43934"),
    ("220000", "吉林省", "吉", ("吉林", "吉"), "Q45208"),
    ("230000", "黑龙江省", "黑", ("黑龙江", "龙江", "黑"), "Q19206"),
    ("310000", "上海市", "沪", ("上海", "沪", "申"), "Q8686"),
    ("320000", "江苏省", "苏", ("江苏", "苏"), "Q16963"),
    ("330000", "浙江省", "浙", ("浙江", "浙"), "Q16967"),
    ("340000", "安徽省", "皖", ("安徽", "皖"), "Q40956"),
    ("350000", "福建省", "闽", ("福建", "闽"), "Q41705"),
    ("360000", "江西省", "赣", ("江西", "赣"), "Q57052"),
    ("370000", "山东省", "鲁", ("山东", "鲁"), "Q43407"),
    ("410000", "河南省", "豫", ("河南", "豫"), "Q43684"),
    ("420000", "湖北省", "鄂", ("湖北", "鄂"), "Q46862"),
    ("430000", "湖南省", "湘", ("湖南", "湘"), "Q45761"),
    ("440000", "广东省", "粤", ("广东", "粤"), "Q15175"),
    ("450000", "广西壮族自治区", "桂", ("广西", "广西自治区", "桂"), "Q15176"),
    ("460000", "海南省", "琼", ("海南", "琼"), "Q42200"),
    ("500000", "重庆市", "渝", ("重庆", "渝"), "Q11725"),
    ("510000", "四川省", "川", ("四川", "川", "蜀"), "Q19770"),
    ("520000", "贵州省", "黔", ("贵州", "黔", "贵"), "Q47097"),
    ("530000", "云南省", "滇", ("云南", "滇", "云"), "Q43194"),
    ("540000", "西藏自治区", "藏", ("西藏", "藏"), "Q17269"),
    ("610000", "陕西省", "陕", ("陕西", "陕", "秦"), "Q47974"),
    ("620000", "甘肃省", "甘", ("甘肃", "甘", "陇"), "Q42392"),
    ("630000", "青海省", "青", ("青海", "青"), "Q45833"),
    ("640000", "宁夏回族自治区", "宁", ("宁夏", "宁夏自治区", "宁"), "Q57448"),
    ("650000", "新疆维吾尔自治区", "新", ("新疆", "新疆自治区", "新"), "Q34800"),
    ("710000", "台湾省", "台", ("台湾", "台"), "Q57251"),
    ("810000", "香港特别行政区", "港", ("香港", "港"), "Q8646"),
    ("820000", "澳门特别行政区", "澳", ("澳门", "澳"), "Q14773"),
]


def words(text: str) -> frozenset[str]:
    """A set of words written one after another, separated by white space."""
    return frozenset(text.split())


# Words that look like short forms of divisions but are generic in policy news;
# never aliases (they may still be a division's full name, e.g. 城区, 矿区).
GENERIC = words(
    """
    城区 新区 郊区 矿区 市中 市北 市南 高新 开发 经济 经开 市辖 省直辖 市直辖
    经开区 高新区 开发区 示范区 产业园 管理区 园区 工业园 工业区 保税区 试验区
    综合区 合作区 新城 老城 主城 城中 城东 城西 城南 城北 东区 西区 南区 北区 中区
    江北 江南 河东 河西 桥东 桥西 路南 路北 城关 城厢 新建 平原 开放 临港 港区
    化工园区 物流区 文旅区 云龙示范
    """
)

# Short forms that are also ordinary words, brands or landmarks (lakes, mountains,
# seas) more often than the division: reviewed by hand among the short forms that
# the jieba test below lets through.
COMMON_WORDS = words(
    """
    和平 友好 红旗 东风 新华 向阳 胜利 光明 前进 先锋 团结 长安 永安 新兴 兴隆 太平
    吉利 火炬 运河 滨海 沿海 海港 滨湖 安宁 天桥 路桥 江山 河口 古城 中原 西夏 东海
    南海 北海 太湖 西湖 南湖 东湖 天山 泰山 恒山 衡山 黄龙 石林 梁山 白云 金山 宝山
    阿里 方正 威信 同仁 高明 温泉 太和 永和 建安 建华 龙泉 九龙 元宝 宝塔 白玉 木兰
    七星 博爱 龙凤 惠民 新星 和顺 开化 天心 金沙 白沙 赤水 天柱 天元 五台 三台 大厂
    小金 三水 大化 定边 永定 天长 嘉禾 双塔 大田 政和 永泰 永丰 乐安 康乐 安平 大安
    阳春 兴业 民乐 铜鼓 磐石 樟树 石鼓 鸡冠 丰润 马尾 大通 红塔 白塔 古塔 白水 紫云
    钟楼 盘龙 阳明 新会 永福 万安 金牛 玉泉 泰和 石龙 塞北 友谊 凤凰 共和 新市 红星
    东方 牡丹 西山 东山 龙门 商城 甘泉 大城 故城 山城 江城 湖滨 盐湖 青山 大关 江海
    北湖 新河 沙河 江口 湖口 临江 三江
    """
)

# The 56 ethnic groups, as written in autonomous units' names; one-character
# names are only stripped with 族 (白族, 回族), longer ones with or without it.
ETHNIC = words(
    """
    汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
    高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌
    普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴
    珞巴 基诺
    """
)
ETHNIC_AFFIXES = sorted(
    {e + "族" for e in ETHNIC} | {e for e in ETHNIC if len(e) > 1}, key=lambda a: (-len(a), a)
)

# Suffixes whose removal gives a short form, longest first.
AUTONOMOUS_SUFFIXES = ("自治州", "自治县", "自治旗")
PLAIN_SUFFIXES = ("地区", "林区", "特区", "新区", "矿区", "市", "县", "区", "盟", "旗")
# 土默特左旗 is never called 土默特左; jionlp's 土左旗 is kept instead.
KEEP_BANNER = ("左旗", "右旗", "前旗", "中旗", "后旗", "联合旗")

# Zone names are abbreviated the way the press does it: 合肥经济技术开发区 → 合肥经开区.
ZONE_ABBREVIATIONS = (
    ("高新技术产业开发区", "高新区"),
    ("高新技术产业园区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("高技术产业开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
)
# Words naming a zone; plain 园区 is left out: 绿园区, 梁园区 and 下花园区 are districts.
ZONE_WORDS = ("开发区", "工业园区", "产业园区", "示范区", "管理区", "试验区", "实验区", "名胜区")

# Known slips in jionlp's data: (name, code) as jionlp gives them -> as they should be.
FIXES = {
    ("平顶山市城乡一体化示范区", "410471"): ("平顶山市城乡一体化示范区", "410472"),
    ("苗粟县", "710705"): ("苗栗县", "710705"),
}

MUNICIPALITIES = ("11", "12", "31", "50")  # province code prefixes

PSEUDO_UNITS = ("省直辖行政区划", "市直辖行政区划", "市辖区")

LEVELS = ("province", "city", "county", "zone")

HEADER = ("code", "name", "level", "parent_code", "province_code", "aliases")


@dataclass
class Row:
    code: str
    name: str
    level: str
    parent_code: str
    province_code: str
    source_alias: tuple[str, ...] = ()
    former: list[tuple[str, str]] = field(default_factory=list)  # (full name, short name)
    aliases: list[str] = field(default_factory=list)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def jionlp_dictionary() -> tuple[Path, str]:
    """Locate the installed jionlp's dictionary folder without importing (running) it."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("jionlp is not installed: pip install jionlp")
    folder = Path(next(iter(spec.submodule_search_locations))) / "dictionary"
    return folder, importlib.metadata.version("jionlp")


def jieba_words() -> dict[str, tuple[str, int]]:
    """jieba's dictionary: word -> (part-of-speech flag, frequency)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    stderr, sys.stderr = sys.stderr, io.StringIO()
    try:
        jieba.posseg.dt.initialize()
    finally:
        sys.stderr = stderr
    frequencies = jieba.dt.FREQ
    return {w: (tag, frequencies.get(w, 0)) for w, tag in jieba.posseg.dt.word_tag_tab.items()}


def zone_level(name: str, code: str) -> bool:
    """Statistical development zones: codes xxxx71-xxxx80, or a zone word in the name."""
    if 71 <= int(code[4:6]) <= 80:
        return True
    if any(word in name for word in ZONE_WORDS):
        return True
    # 天府新区 (510156) is a state-level new area, not a district like 浦东新区 (310115).
    return name.endswith("新区") and int(code[4:6]) >= 50


def read_locations(folder: Path) -> list[Row]:
    """Parse china_location.txt down to county level (towns and villages are skipped)."""
    with zipfile.ZipFile(folder / "china_location.zip") as archive:
        text = archive.read("china_location.txt").decode("utf-8")
    rows: list[Row] = []
    province = city = None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2 or not line.strip():
            continue
        fields = [nfkc(f) for f in line.strip().split("\t")]
        if len(fields) != 3:  # Taiwan's districts carry no code
            continue
        name, code, alias = fields
        aliases = tuple(a for a in alias.split("/") if a)
        if (name, code) in FIXES:  # a misspelt name has a misspelt short form too
            (name, code), aliases = FIXES[name, code], ()
        if depth == 0:
            province = Row(code, name, "province", "", code)
            city = None
            rows.append(province)
        elif depth == 1:
            assert province is not None
            city = None
            # Municipalities and the SARs repeat themselves as their own "city";
            # 省直辖行政区划 groups county-level units that sit directly under a province.
            if code == province.code or name in PSEUDO_UNITS:
                continue
            city = Row(code, name, "city", province.code, province.code, aliases)
            rows.append(city)
        else:
            assert province is not None
            parent = city or province
            if code == parent.code or name in PSEUDO_UNITS:
                continue
            level = "zone" if zone_level(name, code) else "county"
            rows.append(Row(code, name, level, parent.code, province.code, aliases))
    return rows


def apply_changes(folder: Path, rows: list[Row]) -> list[str]:
    """Fold china_location_change.txt in: stale entries go, former names become aliases."""
    notes: list[str] = []
    by_code = {row.code: row for row in rows}
    by_path: dict[tuple[str, ...], Row] = {}
    for row in rows:
        if row.level == "province":
            by_path[(row.name,)] = row
        elif row.level == "city":
            by_path[(by_code[row.parent_code].name, row.name)] = row
        else:
            parent = by_code[row.parent_code]
            path = (by_code[row.province_code].name, parent.name, row.name)
            if parent.level == "province":  # counties directly under a province
                path = (parent.name, "省直辖行政区划", row.name)
            by_path[path] = row
    dropped: set[str] = set()
    text = (folder / "china_location_change.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if "=>" not in line:
            continue
        old, new = (nfkc(part) for part in line.split("=>"))
        old_fields, new_path = old.split("\t")[2:], tuple(new.split("\t"))
        if len(old_fields) == 4:  # a city: province, short, city, short
            old_path, old_short = (old_fields[0], old_fields[2]), old_fields[3]
        elif len(old_fields) == 6:  # a county: province, short, city, short, county, short
            old_path, old_short = (old_fields[0], old_fields[2], old_fields[4]), old_fields[5]
        else:
            notes.append(f"unreadable change line: {line}")
            continue
        target, stale = by_path.get(new_path), by_path.get(old_path)
        if target is None and stale is not None and old_path[:-1] == new_path[:-1]:
            # Renamed in place after jionlp's snapshot (错那县 → 错那市): take the new
            # name, keep the code jionlp gives.
            notes.append(f"renamed {'/'.join(old_path)} ({stale.code}) to {new_path[-1]}")
            del by_path[old_path]
            stale.name = new_path[-1]
            by_path[new_path] = target = stale
        elif target is None:
            notes.append(f"change target not in data, skipped: {'/'.join(new_path)}")
            continue
        elif stale is not None and stale is not target:
            notes.append(f"dropped stale {'/'.join(old_path)} ({stale.code}), now {target.name}")
            dropped.add(stale.code)
            del by_path[old_path]
        target.former.append((old_path[-1], old_short))
    rows[:] = [row for row in rows if row.code not in dropped]
    return notes


def zone_forms(name: str, province_short: str, city_short: str) -> list[str]:
    """How the press shortens a zone: 河北唐山海港经济开发区 → 唐山海港经开区."""
    forms = []
    for long, short in ZONE_ABBREVIATIONS:
        if long in name:
            forms.append(name.replace(long, short))
            break
    for form in list(forms):
        if form.startswith(province_short) and form[len(province_short) :].startswith(city_short):
            forms.append(form := form[len(province_short) :])
        if form.startswith(city_short + "市"):
            forms.append(city_short + form[len(city_short) + 1 :])
    return forms


def short_forms(name: str, level: str) -> list[str]:
    """Candidate short forms of a division's name, best first."""
    for suffix in AUTONOMOUS_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            while True:
                affix = next((a for a in ETHNIC_AFFIXES if stem.endswith(a)), None)
                if affix is None or len(stem) - len(affix) < 2:
                    break
                stem = stem[: -len(affix)]
            if stem.endswith("族") and len(stem) > 3:  # 鄂温克族 → 鄂温克
                stem = stem[:-1]
            unit = {"自治县": "县", "自治旗": "旗"}.get(suffix)
            return [stem] + ([stem + unit] if unit else [])
    if name.endswith(KEEP_BANNER):
        return []
    for suffix in PLAIN_SUFFIXES:  # the longest suffix that leaves a name: 清新区 → 清新
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


PROVINCE_ALIASES = frozenset(
    alias for _, name, _, aliases, _ in PROVINCES for alias in (name, *aliases)
)


PROVINCE_SHORT = {code: aliases[0] for code, _, _, aliases, _ in PROVINCES}

PROPER_NOUN_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz"})


def acceptable(alias: str, words: dict[str, tuple[str, int]], *, prefecture: bool) -> bool:
    """Whether a short form may stand for its division in running text.

    jieba's tags are noisy for small places (大冶 j, 阳新 nr, 恩施 n), so besides a
    place tag (ns) or no entry at all we also take rare words (frequency < 100)
    and less common proper nouns (< 2000); COMMON_WORDS catches what slips through.
    """
    # A county's short form that is also a province's name (天津市河北区 → 河北)
    # would win over the province whenever the county's province is in context.
    if len(alias) < 2 or alias in GENERIC or alias in COMMON_WORDS or alias in PROVINCE_ALIASES:
        return False
    if prefecture or alias not in words:
        return True
    tag, frequency = words[alias]
    return tag == "ns" or frequency < 100 or (tag in PROPER_NOUN_TAGS and frequency < 2000)


def build_aliases(rows: list[Row], words: dict[str, tuple[str, int]]) -> None:
    by_code = {row.code: row for row in rows}
    full_names = {row.name for row in rows}
    for row in sorted(rows, key=lambda r: LEVELS.index(r.level)):  # parents first
        if row.level == "province":
            continue
        # Prefecture-level units, and county-level cities run by the province itself
        # (仙桃, 天门, 神农架), are named by their short form in almost every article.
        prefecture = row.level == "city" or (
            row.parent_code == row.province_code and row.province_code[:2] not in MUNICIPALITIES
        )
        if row.level == "zone":
            province_short = PROVINCE_SHORT[row.province_code]
            city = by_code[row.parent_code]
            city_short = province_short
            if city.level == "city":
                city_short = next(iter(short_forms(city.name, city.level)), city.name)
            candidates = zone_forms(row.name, province_short, city_short)
        else:
            candidates = short_forms(row.name, row.level)
        for alias in (*candidates, *row.source_alias):
            if alias == row.name or alias in row.aliases:
                continue
            # jionlp's zone aliases are sometimes another division's name (新城区).
            if alias in full_names and alias not in candidates:
                continue
            # 荆州区 is not "荆州": that is its city.
            parent = by_code[row.parent_code]
            if row.level != "city" and (alias == parent.name or alias in parent.aliases):
                continue
            if acceptable(alias, words, prefecture=prefecture):
                row.aliases.append(alias)
    # Former names (襄樊市, 襄樊 for 襄阳市), unless they now name another division.
    current = full_names | {alias for row in rows for alias in row.aliases}
    for row in rows:
        for former, former_short in row.former:
            for alias in (former, former_short):
                if alias == row.name or alias in row.aliases or alias in current:
                    continue
                full = alias == former and alias not in GENERIC
                if full or acceptable(alias, words, prefecture=row.level == "city"):
                    row.aliases.append(alias)


def check(rows: list[Row]) -> None:
    codes = [row.code for row in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.parent_code, row.name)
        assert key not in seen, f"two divisions named {row.name} under {row.parent_code}"
        seen.add(key)
        assert all("|" not in a and "\t" not in a for a in row.aliases), row
    assert {row.code for row in rows if row.level == "province"} == {p[0] for p in PROVINCES}


def render_divisions(rows: list[Row]) -> str:
    lines = ["\t".join(HEADER)]
    for row in sorted(rows, key=lambda r: r.code):
        fields = (row.code, row.name, row.level, row.parent_code, row.province_code)
        lines.append("\t".join((*fields, "|".join(row.aliases))))
    return "\n".join(lines) + "\n"


def render_provinces() -> str:
    lines = ["\t".join(("code", "name", "aliases", "abbreviation", "wikidata"))]
    for code, name, abbreviation, aliases, wikidata in sorted(PROVINCES):
        lines.append("\t".join((code, name, "|".join(aliases), abbreviation, wikidata)))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the files would change")
    parser.add_argument("-v", "--verbose", action="store_true", help="print what changes did")
    args = parser.parse_args()

    folder, version = jionlp_dictionary()
    rows = read_locations(folder)
    notes = apply_changes(folder, rows)
    build_aliases(rows, jieba_words())
    check(rows)
    outputs = {
        DATA / "divisions.tsv": render_divisions(rows),
        DATA / "provinces.tsv": render_provinces(),
    }
    stale = [p for p, text in outputs.items() if not p.exists() or p.read_text("utf-8") != text]
    if args.verbose:
        print("\n".join(notes), file=sys.stderr)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.level] = counts.get(row.level, 0) + 1
    print(f"jionlp {version}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
