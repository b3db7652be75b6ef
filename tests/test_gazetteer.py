"""Tests for kg.gazetteer: divisions by name and code, ambiguity, matching in text."""

from __future__ import annotations

import subprocess
import sys
import time
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.gazetteer import Division, Gazetteer, NameIndex, load_gazetteer

DIVISIONS_TSV = """\
code\tname\tlevel\tparent_code\tprovince_code\taliases
110000\t北京市\tprovince\t\t110000\t
110105\t朝阳区\tcounty\t110000\t110000\t朝阳
210000\t辽宁省\tprovince\t\t210000\t
211300\t朝阳市\tcity\t210000\t210000\t朝阳
211321\t朝阳县\tcounty\t211300\t210000\t
220000\t吉林省\tprovince\t\t220000\t
220100\t长春市\tcity\t220000\t220000\t长春
220104\t朝阳区\tcounty\t220100\t220000\t朝阳
220200\t吉林市\tcity\t220000\t220000\t吉林
320000\t江苏省\tprovince\t\t320000\t
320700\t连云港市\tcity\t320000\t320000\t连云港
320707\t赣榆区\tcounty\t320700\t320000\t赣榆
"""

PROVINCES_TSV = """\
code\tname\taliases\tabbreviation\twikidata
110000\t北京市\t北京|京\t京\tQ956
210000\t辽宁省\t辽宁|辽\t辽\tQ43934
220000\t吉林省\t吉林|吉\t吉\tQ45208
320000\t江苏省\t江苏|苏\t苏\tQ16963
"""

PROVINCES = [
    ("110000", "北京市"),
    ("120000", "天津市"),
    ("130000", "河北省"),
    ("140000", "山西省"),
    ("150000", "内蒙古自治区"),
    ("210000", "辽宁省"),
    ("220000", "吉林省"),
    ("230000", "黑龙江省"),
    ("310000", "上海市"),
    ("320000", "江苏省"),
    ("330000", "浙江省"),
    ("340000", "安徽省"),
    ("350000", "福建省"),
    ("360000", "江西省"),
    ("370000", "山东省"),
    ("410000", "河南省"),
    ("420000", "湖北省"),
    ("430000", "湖南省"),
    ("440000", "广东省"),
    ("450000", "广西壮族自治区"),
    ("460000", "海南省"),
    ("500000", "重庆市"),
    ("510000", "四川省"),
    ("520000", "贵州省"),
    ("530000", "云南省"),
    ("540000", "西藏自治区"),
    ("610000", "陕西省"),
    ("620000", "甘肃省"),
    ("630000", "青海省"),
    ("640000", "宁夏回族自治区"),
    ("650000", "新疆维吾尔自治区"),
    ("710000", "台湾省"),
    ("810000", "香港特别行政区"),
    ("820000", "澳门特别行政区"),
]


@pytest.fixture
def small() -> Gazetteer:
    return Gazetteer.from_tsv(DIVISIONS_TSV, PROVINCES_TSV)


@pytest.fixture(scope="module")
def shipped() -> Gazetteer:
    return load_gazetteer()


# -- the shipped data ---------------------------------------------------------


def test_gazetteer_has_34_provinces(shipped):
    assert [(p.code, p.name) for p in shipped.provinces()] == PROVINCES


@pytest.mark.parametrize(("code", "name"), PROVINCES)
def test_gazetteer_province_by_code_and_name(shipped, code, name):
    province = shipped.get(code)
    assert province is not None
    assert (province.name, province.level, province.province_code) == (name, "province", code)
    assert province.parent_code is None
    assert shipped.province_by_alias(name) == province
    assert province.wikidata and province.wikidata.startswith("Q")
    assert province.abbreviation and len(province.abbreviation) == 1


@pytest.mark.parametrize(
    ("alias", "code"),
    [
        ("渝", "500000"),
        ("重庆", "500000"),
        ("重庆市", "500000"),
        ("鄂", "420000"),
        ("湖北", "420000"),
        ("冀", "130000"),
        ("沪", "310000"),
        ("黑龙江", "230000"),
        ("龙江", "230000"),
        ("内蒙古", "150000"),
        ("广西", "450000"),
        ("新疆", "650000"),
        ("蜀", "510000"),
    ],
)
def test_gazetteer_province_alias_resolves(shipped, alias, code):
    assert shipped.province_by_alias(alias).code == code
    assert shipped.resolve(alias).code == code


@pytest.mark.parametrize(
    ("code", "wikidata", "abbreviation"),
    [
        ("110000", "Q956", "京"),
        ("120000", "Q11736", "津"),
        ("310000", "Q8686", "沪"),
        ("500000", "Q11725", "渝"),
        ("130000", "Q21208", "冀"),
        ("420000", "Q46862", "鄂"),
        ("440000", "Q15175", "粤"),
        ("510000", "Q19770", "川"),
    ],
)
def test_gazetteer_province_wikidata(shipped, code, wikidata, abbreviation):
    province = shipped.get(code)
    assert (province.wikidata, province.abbreviation) == (wikidata, abbreviation)


@pytest.mark.parametrize("alias", ["渝", "鄂", "重庆", "黑龙江", "湖北省"])
def test_gazetteer_province_by_alias_ignores_other_levels(shipped, alias):
    assert shipped.province_by_alias(alias).level == "province"


@pytest.mark.parametrize("name", ["武汉", "武汉市", " 武汉市 ", "\u3000武汉\u3000"])
def test_gazetteer_wuhan_is_in_hubei(shipped, name):
    wuhan = shipped.resolve(name)
    assert (wuhan.code, wuhan.name, wuhan.level) == ("420100", "武汉市", "city")
    assert shipped.lookup(name) == [wuhan]
    assert shipped.province_of(wuhan).code == "420000"
    assert shipped.province_of(wuhan).name == "湖北省"
    assert shipped.parent(wuhan).code == "420000"


@pytest.mark.parametrize(
    ("name", "full_name", "city", "province"),
    [
        ("赣榆", "赣榆区", "连云港市", "江苏省"),
        ("丹江口", "丹江口市", "十堰市", "湖北省"),
        ("夷陵", "夷陵区", "宜昌市", "湖北省"),
        ("渝北", "渝北区", None, "重庆市"),
    ],
)
def test_gazetteer_county_knows_city_and_province(shipped, name, full_name, city, province):
    county = shipped.resolve(name)
    assert (county.name, county.level) == (full_name, "county")
    parent = shipped.parent(county)
    if city is None:  # a municipality's districts sit right under it
        assert parent == shipped.province_of(county)
    else:
        assert (parent.name, parent.level) == (city, "city")
        assert shipped.parent(parent) == shipped.province_of(county)
    assert shipped.province_of(county).name == province


@pytest.mark.parametrize(
    ("name", "full_name"),
    [
        ("恩施", "恩施土家族苗族自治州"),
        ("襄阳", "襄阳市"),
        ("襄樊", "襄阳市"),  # former name
        ("仙桃", "仙桃市"),
        ("神农架", "神农架林区"),
        ("宜昌", "宜昌市"),
        ("十堰", "十堰市"),
    ],
)
def test_gazetteer_short_and_former_names(shipped, name, full_name):
    assert shipped.resolve(name, ["420000"]).name == full_name


@pytest.mark.parametrize(
    "word", ["新区", "城区", "郊区", "矿区", "市中", "高新", "开发", "经济", "高新区", "经开区"]
)
def test_gazetteer_generic_words_are_not_aliases(shipped, word):
    assert all(word not in d.aliases for d in shipped)
    assert word not in set(shipped.surface_names())


def test_gazetteer_ambiguous_names_keep_all_candidates(shipped):
    found = shipped.lookup("朝阳区")
    assert {d.code for d in found} >= {"110105", "220104"}
    assert shipped.resolve("朝阳区", ["220000"]).code == "220104"
    assert shipped.resolve("朝阳区", ["110000"]).code == "110105"


def test_gazetteer_surface_names_are_unique_and_long(shipped):
    names = list(shipped.surface_names())
    assert len(names) == len(set(names))
    assert all(len(n) >= 2 for n in names)
    assert {"武汉", "武汉市", "湖北省", "湖北", "重庆"} <= set(names)
    assert "渝" not in names


def test_gazetteer_data_files_sorted_with_unique_codes():
    data = resources.files("kg").joinpath("data")
    lines = data.joinpath("divisions.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "code\tname\tlevel\tparent_code\tprovince_code\taliases"
    rows = [line.split("\t") for line in lines[1:]]
    codes = [row[0] for row in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    known = set(codes)
    names_at_parent = set()
    for _, name, level, parent, province, aliases in rows:
        assert level in {"province", "city", "county", "zone"}
        assert (parent == "") == (level == "province")
        assert parent == "" or parent in known
        assert province in known and province.endswith("0000")
        assert (parent, name) not in names_at_parent
        names_at_parent.add((parent, name))
        assert name not in aliases.split("|")
    assert data.joinpath("divisions.tsv").read_bytes().__len__() < 1_500_000
    provinces = data.joinpath("provinces.tsv").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in provinces[1:]] == [code for code, _ in PROVINCES]


def test_gazetteer_loads_and_indexes_quickly():
    # CPU time, best of three: other jobs on the machine must not fail the test.
    data = resources.files("kg").joinpath("data")
    divisions = data.joinpath("divisions.tsv").read_text(encoding="utf-8")
    provinces = data.joinpath("provinces.tsv").read_text(encoding="utf-8")
    text = "据悉，湖北省武汉市东湖高新区与重庆市渝北区签约，襄阳、宜昌同步推进。" * 20_000
    build, scan = [], []
    for _ in range(3):
        started = time.process_time()
        index = Gazetteer.from_tsv(divisions, provinces).name_index()
        build.append(time.process_time() - started)
        started = time.process_time()
        matches = index.find(text)
        scan.append(time.process_time() - started)
    assert min(build) < 1.0
    assert len(text) / min(scan) > 1_000_000  # characters per second
    assert len(matches) == 6 * 20_000  # 湖北省 武汉市 重庆市 渝北区 襄阳 宜昌


def test_gazetteer_runtime_does_not_import_jionlp():
    code = "import sys, kg.gazetteer as g; g.load_gazetteer(); print('jionlp' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- behaviour, on small data -------------------------------------------------


def test_gazetteer_lookup_puts_provinces_first(small):
    assert [d.code for d in small.lookup("吉林")] == ["220000", "220200"]
    assert small.resolve("吉林").code == "220000"
    assert small.resolve("吉林", ["220000"]).code == "220000"


def test_gazetteer_lookup_orders_by_level_then_code(small):
    assert [d.code for d in small.lookup("朝阳")] == ["211300", "110105", "220104"]


@pytest.mark.parametrize(
    ("context", "code"),
    [
        ((), "211300"),  # the highest level wins
        (("110000",), "110105"),
        (("220000",), "220104"),
        (("吉林",), "220104"),  # context by province name
        (("吉",), "220104"),
        (("220100",), "220104"),  # any code stands for its province
        (("320000",), "211300"),  # context that fits no candidate changes nothing
    ],
)
def test_gazetteer_resolve_ambiguous_by_context(small, context, code):
    assert small.resolve("朝阳", context).code == code


def test_gazetteer_resolve_same_level_lowest_code(small):
    assert small.resolve("朝阳区").code == "110105"


@pytest.mark.parametrize("name", ["", "火星", "新区", "朝"])
def test_gazetteer_resolve_unknown_is_none(small, name):
    assert small.resolve(name) is None
    assert small.lookup(name) == []


def test_gazetteer_county_chain(small):
    county = small.resolve("赣榆")
    assert small.parent(county).name == "连云港市"
    assert small.province_of(county).name == "江苏省"
    assert small.parent(small.province_of(county)) is None
    assert small.get("320707") == county
    assert small.get("999999") is None


def test_gazetteer_merges_province_table(small):
    beijing = small.get("110000")
    assert beijing.aliases == ("北京", "京")
    assert (beijing.wikidata, beijing.abbreviation) == ("Q956", "京")
    assert small.province_by_alias("京") == beijing
    assert small.province_by_alias("朝阳") is None


def test_gazetteer_surface_names_skip_one_character_aliases(small):
    names = list(small.surface_names())
    assert "京" not in names and "北京" in names and "朝阳" in names
    assert names.count("朝阳区") == 1


def test_gazetteer_name_index_payload_is_candidates(small):
    [(start, end, name, payload)] = small.name_index().find("在朝阳落户")
    assert (start, end, name) == (1, 3, "朝阳")
    assert payload == tuple(small.lookup("朝阳"))


def test_gazetteer_rejects_bad_table():
    with pytest.raises(ValueError, match="columns"):
        Gazetteer.from_tsv("code\tname\n110000\t北京市\n")
    with pytest.raises(ValueError, match="one code"):
        Gazetteer([Division("1", "a", "city", None, "1"), Division("1", "b", "city", None, "1")])


# -- NameIndex ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "text", "expected"),
    [
        (["武汉", "武汉市"], "武汉市长", ["武汉市"]),
        (["武汉", "武汉市", "市长", "长江"], "武汉市长江", ["武汉市", "长江"]),
        (["南京", "南京市", "市长", "长江", "长江大桥"], "南京市长江大桥", ["南京市", "长江大桥"]),
        (["湖北", "湖北省", "北省"], "湖北省和湖北", ["湖北省", "湖北"]),
        (["ab", "bcd"], "abcd", ["ab"]),  # leftmost wins over longer later match
        (["b", "abc"], "abd", ["b"]),  # a failed longer match does not hide a shorter one
        (["宜昌"], "", []),
        ([], "宜昌", []),
    ],
)
def test_gazetteer_name_index_leftmost_longest(names, text, expected):
    index = NameIndex((name, name) for name in names)
    matches = index.find(text)
    assert [name for _, _, name, _ in matches] == expected
    assert all(text[start:end] == name for start, end, name, _ in matches)


def test_gazetteer_name_index_offsets_and_payload():
    index = NameIndex([("十堰", 1), ("丹江口", 2), ("丹江口", 3)])
    assert len(index) == 2
    assert "丹江口" in index and "丹江" not in index
    assert index.find("位于十堰丹江口经济开发区") == [(2, 4, "十堰", 1), (4, 7, "丹江口", 3)]


def test_gazetteer_name_index_boundaries():
    index = NameIndex([("新和", "county"), ("创新", "word")])
    assert [m[2] for m in index.find("推动创新和转化")] == ["创新"]
    index = NameIndex([("新和", "county")])
    assert [m[2] for m in index.find("推动创新和转化")] == ["新和"]
    assert index.find("推动创新和转化", boundaries={0, 2, 4, 5, 7}) == []
    assert index.find("新和县", boundaries={0, 2, 3}) == [(0, 2, "新和", "county")]


def _leftmost_longest(names: set[str], text: str) -> list[tuple[int, int]]:
    found, position = [], 0
    while position < len(text):
        ends = [position + len(n) for n in names if n and text.startswith(n, position)]
        if ends:
            found.append((position, max(ends)))
            position = max(ends)
        else:
            position += 1
    return found


@given(
    names=st.sets(st.text(alphabet="abc", min_size=1, max_size=4), max_size=8),
    text=st.text(alphabet="abcd", max_size=30),
)
def test_gazetteer_name_index_matches_reference(names, text):
    index = NameIndex((name, None) for name in names)
    assert [(s, e) for s, e, _, _ in index.find(text)] == _leftmost_longest(names, text)


@given(
    names=st.sets(st.text(alphabet="abc", min_size=1, max_size=4), max_size=8),
    text=st.text(alphabet="abcd", max_size=30),
)
def test_gazetteer_name_index_every_offset_a_boundary_is_no_boundary(names, text):
    index = NameIndex((name, None) for name in names)
    assert index.find(text, boundaries=set(range(len(text) + 1))) == index.find(text)


@pytest.mark.parametrize(
    ("text", "prefix", "code"),
    [
        ("重庆市经信委印发", "重庆市", "500000"),
        ("安徽将加快", "安徽", "340000"),
        ("新疆维吾尔自治区人民政府", "新疆维吾尔自治区", "650000"),
        ("江西", "江西", "360000"),
        ("全省电子信息", "", None),
    ],
)
def test_gazetteer_province_opening_takes_the_longest_name(text, prefix, code):
    gazetteer = load_gazetteer()
    assert gazetteer.province_prefix(text) == prefix
    division = gazetteer.province_opening(text)
    assert (division.code if division else None) == code


@pytest.mark.parametrize(
    ("text", "prefix"),
    [("孝感市高新区", "孝感市"), ("宜昌瑞丰化工", "宜昌"), ("武汉", ""), ("远航集团", "")],
)
def test_gazetteer_place_prefix_is_shorter_than_the_text(text, prefix):
    assert load_gazetteer().place_prefix(text) == prefix
