"""Chinese numbers, units, years and bounds: 8.6万家, 两成以上, 到2027年, "十五五"末.

Pure functions over strings. Chinese numerals are read by cn2an; this module
only adds what cn2an does not do for news text: trailing multipliers on
Arabic digits (8.6万, 1.1万亿), bare place words (百家, 千家), vague counts
(十几, 数十, 两三), measure words, ranges and bound words.

Offsets always index the caller's string: full-width digits and signs are
folded by a one-to-one character table, never by NFKC, so lengths never change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

from kg.types import Quantity

__all__ = [
    "QuantityMatch",
    "find_quantities",
    "find_year",
    "find_years",
    "format_quantity",
    "parse_number",
]


@dataclass(frozen=True)
class QuantityMatch:
    """A quantity phrase found in a text: its span, its words and its folded value."""

    start: int  # offset of the phrase, bound words (约, 以上 ...) included
    end: int
    text: str
    quantity: Quantity


# --- constant tables -------------------------------------------------------

# Full-width ASCII (０-９, ％, ．, ～, －, Ａ-ｚ ...) to half-width, one character
# for one, so offsets survive. The full-width comma stays: in Chinese text it
# separates list items, it is no thousands separator.
_HALF_WIDTH = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if c != 0xFF0C},
        "\u3000": " ",
        "\u301c": "~",  # wave dash 〜
    }
)

_CN_DIGIT_VALUE = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_PLACE_VALUE = {
    "十": Decimal(10),
    "百": Decimal(100),
    "千": Decimal(1000),
    "万": Decimal(10**4),
    "亿": Decimal(10**8),
}

# Two neighbouring digits read as a vague range: 两三家 = 2-3 家, 三五个 = 3-5 个.
_DIGIT_PAIRS = frozenset(
    {"一两", "一二", "两三", "二三", "三四", "三五", "四五", "五六", "六七", "七八", "八九"}
)

# Measure word as written -> (unit after folding, factor).
_UNITS: dict[str, tuple[str, Decimal]] = {
    "个百分点": ("个百分点", Decimal(1)),
    "百分点": ("个百分点", Decimal(1)),
    "%": ("%", Decimal(1)),
    "成": ("%", Decimal(10)),
    "千瓦时": ("千瓦时", Decimal(1)),
    "千瓦": ("千瓦", Decimal(1)),
    "GWh": ("GWh", Decimal(1)),
    "MWh": ("MWh", Decimal(1)),
    "kWh": ("kWh", Decimal(1)),
    "KWh": ("kWh", Decimal(1)),
    "GW": ("GW", Decimal(1)),
    "MW": ("MW", Decimal(1)),
    "kW": ("kW", Decimal(1)),
    "KW": ("kW", Decimal(1)),
    "ms": ("ms", Decimal(1)),
    "毫秒": ("ms", Decimal(1)),
    "EFLOPS": ("EFLOPS", Decimal(1)),
    "PFLOPS": ("PFLOPS", Decimal(1)),
    "TFLOPS": ("TFLOPS", Decimal(1)),
    "Tbps": ("Tbps", Decimal(1)),
    "Gbps": ("Gbps", Decimal(1)),
    "Mbps": ("Mbps", Decimal(1)),
    "EB": ("EB", Decimal(1)),
    "PB": ("PB", Decimal(1)),
    "TB": ("TB", Decimal(1)),
    "平方公里": ("平方公里", Decimal(1)),
    "平方米": ("平方米", Decimal(1)),
    "平米": ("平方米", Decimal(1)),
    "公顷": ("公顷", Decimal(1)),
    "公里": ("公里", Decimal(1)),
    "亩": ("亩", Decimal(1)),
    "人民币": ("元", Decimal(1)),
    "美元": ("美元", Decimal(1)),
    "欧元": ("欧元", Decimal(1)),
    "港元": ("港元", Decimal(1)),
    "人次": ("人次", Decimal(1)),
    "家次": ("家次", Decimal(1)),
    **{u: (u, Decimal(1)) for u in "家个项元吨台辆人名位座条套款件所户种批次场倍艘架栋"},
}

# Words that begin with a measure word: 3项目 is no count of 项, 台州 no 台.
_UNIT_NOT_BEFORE: dict[str, tuple[str, ...]] = {
    "个": ("月", "小时", "工作日", "体", "性", "多月", "多小时"),
    "家": ("电", "居", "庭", "乡", "具", "园", "属", "门", "族", "长", "用"),
    "元": ("宇宙", "素", "器件", "件", "旦", "年", "化", "首"),
    "名": ("单", "称", "牌", "片", "义", "录", "列", "额", "字", "次"),
    "位": ("于", "居", "列", "置", "数", "次"),
    "台": ("州", "湾", "阶", "账", "风", "商"),
    "条": ("例", "件", "款"),
    "座": ("谈", "位"),
    "所": ("有", "在", "属", "得", "以", "谓", "需", "示"),
    "户": ("籍", "口", "外", "型"),
    "种": ("植", "子", "业", "类", "养", "苗"),
    "批": ("准", "复", "示", "发"),
    "项": ("目",),
    "次": ("年", "日", "要", "序", "生"),
    "场": ("景", "所", "地", "合"),
    "套": ("餐",),
    "款": ("项", "式"),
    "成": (
        "为", "立", "果", "本", "员", "功", "熟", "效", "绩", "就", "长", "交", "品",
        "都", "型", "套", "批", "规模", "像", "形", "片", "分", "年", "人", "群", "不变",
        "千", "万", "全", "色",
    ),
}  # fmt: skip

# Ordinary words and idioms that start with a numeral (一批, 一体化, 千家万户).
_CN_NOT_QUANTITY = (
    "一批",
    "一些",
    "一流",
    "一体",
    "一种",
    "一系列",
    "一次性",
    "一条龙",
    "一件事",
    "一揽子",
    "一站式",
    "一家之言",
    "一家一户",
    "一家独大",
    "一成不变",
    "三五成群",
    "百家争鸣",
    "千家万户",
    "万家灯火",
    "千人一面",
    "万人空巷",
)

_MIN_BEFORE = frozenset(
    {"超过", "突破", "不少于", "不低于", "不下", "至少", "多于", "逾", "超", "上"}
)
_APPROX_BEFORE = frozenset({"约", "大约", "约为", "近", "将近", "接近"})
_APPROX_AFTER = frozenset({"左右", "上下"})

_FIVE_YEAR_PLAN_WORDS = ("末", "期末", "末期", "期间", "时期")
_NOT_DEADLINE_BEFORE = ("截至", "截止", "截止到", "截至到")

# --- regular expressions (compiled once) -----------------------------------

_FULL_WIDTH = re.compile("[\uff01-\uff0b\uff0d-\uff5e\u3000\u301c]")
_CN_CHARS = "零〇一二三四五六七八九两十百千万亿"
_ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
_CHINESE = rf"[{_CN_CHARS}]+(?:点[零〇一二三四五六七八九]+)?"
_SEP = r"[ ]?(?:[-~—–]{1,2}|至|到)[ ]?"
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_PRE = (
    r"超过|突破|不少于|不低于|不下|至少|多于|逾|(?<![赶追高])超|上(?=[百千万亿])"
    r"|大约|约为|(?<![签制节预合违履特公条契])约|将近|接近|(?<![最附亲临靠贴邻就])近"
)


def _number(name: str) -> str:
    """A number where a count may start: not inside a word, a code or another number."""
    return rf"""(?P<{name}>
        (?<![0-9A-Za-z.第每])(?<![0-9],){_ARABIC}
      | (?<![{_CN_CHARS}第每统唯之同单逐专划合均归不初周几数])
        (?:[一二三四五六七八九]?十几|{_CHINESE})
      | (?<![指函参系总分人户次多少无倍基位个件家台第每])[几数][十百千万亿]+
    )"""


def _quantity_pattern(with_range: bool) -> str:
    """The whole quantity phrase: bound word, number(s), multiplier, unit, bound word."""
    second = (
        rf"""(?:(?P<u1>{_UNIT})?{_SEP}{_number("n2")}[ ]?(?P<m2>[十百千万亿]+)?)?"""
        if with_range
        else ""
    )
    return rf"""
    (?P<pre>{_PRE})?
    (?:
        百分之(?P<p1>{_ARABIC}|{_CHINESE})
        (?:{_SEP}(?:百分之)?(?P<p2>{_ARABIC}|{_CHINESE}))?
      |
        {_number("n1")}[ ]?(?P<a1>[多余])?(?P<m1>[十百千万亿]+)?(?P<b1>[多余])?
        {second}
        [ ]?(?P<unit>{_UNIT})(?![A-Za-z])
    )
    (?P<post>以上|左右|上下)?
    """


_LONGEST_BEFORE = max(len(word) for word in _MIN_BEFORE | _APPROX_BEFORE)
_NUMERAL = re.compile(rf"[0-9]+|[{_CN_CHARS}]+|[几数]")
_QUANTITY = re.compile(_quantity_pattern(with_range=True), re.VERBOSE)
_QUANTITY_SINGLE = re.compile(_quantity_pattern(with_range=False), re.VERBOSE)

_ARABIC_NUMBER = re.compile(
    r"(?P<sign>[-+]?)(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<frac>\.[0-9]+)?"
    r"(?P<mult>[十百千万亿]*)"
)
_CHINESE_NUMBER = re.compile(
    rf"(?P<sign>负?)(?P<int>[{_CN_CHARS}]+)(?:点(?P<frac>[零〇一二三四五六七八九]+))?"
    r"(?P<mult>[万亿]*)"
)
_TENS_AND_SOME = re.compile(r"(?P<tens>[一二三四五六七八九]?)十几")
_SOME_PLACES = re.compile(r"[几数](?P<places>[十百千万亿]+)")
_DIGIT_PAIR = re.compile(r"(?P<pair>[一两二三四五六七八九]{2})(?P<places>[十百千万亿]*)")

_YEAR = re.compile(
    r"(?<![0-9A-Za-z.])(?P<year>(?:19|20)[0-9]{2})"
    r"(?:年|(?=" + _SEP + r"(?:(?:19|20)[0-9]{2}|[0-9]{2})年))"
)
_CHINESE_YEAR = re.compile(
    r"(?<![零〇一二三四五六七八九])(?P<year>[一二][〇零九][〇零一二三四五六七八九]{2})年"
)
_FIVE_YEAR_PLAN = re.compile(
    r"(?<![零〇一二三四五六七八九两十百千])十(?P<nth>[一二三四五六七八九])五"
    r"(?![零〇一二三四五六七八九十百千万亿年个家项])"
)
_CLOSING_QUOTES = re.compile(r"[”\"’'」』]*")
_DEADLINE_BEFORE = re.compile(r"(?:到|至|力争|争取|确保|预计|计划|目标)(?:在|于|到)?[ “‘\"']?$")
_DEADLINE_AFTER = re.compile(r"(?:[0-9]{1,2}月)?(?:年?底|年?末|以前|之前|前)")


# --- numbers ---------------------------------------------------------------


def _half_width(text: str) -> str:
    """text with full-width ASCII folded to half-width, offsets unchanged."""
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text


def _normal(value: Decimal) -> Decimal:
    """Drop trailing zeros and exponents: 1.28E+4 -> 12800, 1.50 -> 1.5."""
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


def _place_product(places: str) -> Decimal:
    """The factor of a run of place words: 万 -> 1e4, 万亿 -> 1e12, 十万 -> 1e5."""
    factor = Decimal(1)
    for char in places:
        factor *= _PLACE_VALUE[char]
    return factor


def _cn2an_integer(numeral: str) -> Decimal | None:
    """Read an integer written in Chinese numerals with cn2an; None when it is not one.

    Where cn2an refuses a form, the numeral is split at its last 亿 or 万 and the
    parts read alone: 一千万亿 = 一千万 x 亿, and 二百七十八亿七千七百四十一 (as
    cn2an.an2cn itself writes 27800007741, without 零) = 278 x 亿 + 7741.
    """
    if numeral[0] in "百千万亿":  # 百 -> 一百: cn2an wants the leading digit
        numeral = "一" + numeral
    try:
        value = cn2an.cn2an(numeral, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        value = None
    if isinstance(value, int):
        return Decimal(value)
    for place in "亿万":
        cut = numeral.rfind(place)
        if cut <= 0:
            continue
        head = _cn2an_integer(numeral[:cut])
        rest = numeral[cut + 1 :].lstrip("零〇")
        if rest[:1] in ("百", "千", "万", "亿"):
            return None  # 亿万: an idiom, no number
        tail = _cn2an_integer(rest) if rest else Decimal(0)
        if head is not None and tail is not None and tail < _PLACE_VALUE[place]:
            return head * _PLACE_VALUE[place] + tail
        return None
    return None


def _parse_arabic(match: re.Match[str]) -> Decimal:
    """The value of an _ARABIC_NUMBER match, multipliers folded in exactly."""
    value = Decimal(match["digits"].replace(",", "") + (match["frac"] or ""))
    value *= _place_product(match["mult"])
    return -value if match["sign"] == "-" else value


def _parse_chinese(match: re.Match[str]) -> Decimal | None:
    """The value of a _CHINESE_NUMBER match: cn2an for the integer, exact decimals."""
    integer = match["int"]
    frac = match["frac"]
    mult = match["mult"]
    if frac is None:
        value = _cn2an_integer(integer + mult)
    else:
        head = _cn2an_integer(integer)
        if head is None:
            return None
        digits = "".join(str(_CN_DIGIT_VALUE[c]) for c in frac)
        value = (head + Decimal("0." + digits)) * _place_product(mult)
    if value is None:
        return None
    return -value if match["sign"] else value


def parse_number(text: str) -> Decimal | None:
    """The value of a number written in digits, Chinese numerals or both, else None.

    "8.6万" -> 86000, "1.1万亿" -> 1100000000000, "百" -> 100, "一百二十" -> 120,
    "两" -> 2, "1,200" -> 1200, "１２" -> 12. Vague counts (十几, 数十) and text
    around the number are not numbers: None.
    """
    s = _half_width(text).strip()
    if not s:
        return None
    arabic = _ARABIC_NUMBER.fullmatch(s)
    if arabic:
        return _normal(_parse_arabic(arabic))
    chinese = _CHINESE_NUMBER.fullmatch(s)
    if chinese:
        value = _parse_chinese(chinese)
        return None if value is None else _normal(value)
    return None


# --- quantities ------------------------------------------------------------


def _value_range(number: str) -> tuple[Decimal, Decimal | None] | None:
    """A number as found in text -> (value, upper end or None); None when no count.

    Arabic digits never reach cn2an. Vague counts give ranges: 十几 -> 11-19,
    数十 -> 20-90, 两三 -> 2-3.
    """
    if number[0] in "0123456789":
        digits = number.split(".")[0].replace(",", "")
        too_long = len(digits) > (13 if "," in number else 9)
        if too_long or (len(digits) > 1 and digits[0] == "0"):
            return None  # a phone number or a code (13800138000, 027), not a count
        return Decimal(number.replace(",", "")), None
    some = _TENS_AND_SOME.fullmatch(number)
    if some:
        tens = Decimal(_CN_DIGIT_VALUE[some["tens"]] if some["tens"] else 1) * 10
        return tens + 1, tens + 9
    some = _SOME_PLACES.fullmatch(number)
    if some:
        place = _place_product(some["places"])
        return 2 * place, 9 * place
    pair = _DIGIT_PAIR.fullmatch(number)
    if pair and pair["pair"] in _DIGIT_PAIRS:
        place = _place_product(pair["places"])
        return _CN_DIGIT_VALUE[pair["pair"][0]] * place, _CN_DIGIT_VALUE[pair["pair"][1]] * place
    if number in ("零", "〇", "二") or number[0] == "亿":
        return None  # counts say 两次, not 二次 (二次开发: secondary)
    if "点" not in number and len(number) > 1 and not any(c in _PLACE_VALUE for c in number):
        return None  # 二〇二七, 一二三: a year or a code read digit by digit
    chinese = _CHINESE_NUMBER.fullmatch(number)
    value = _parse_chinese(chinese) if chinese else None
    return None if value is None else (value, None)


def _bound(pre: str | None, markers: tuple[str | None, ...], post: str | None) -> str | None:
    """min if any word says at least, else approx if any says about, else None."""
    if pre in _MIN_BEFORE or post == "以上" or any(markers):
        return "min"
    if pre in _APPROX_BEFORE or post in _APPROX_AFTER:
        return "approx"
    return None


def _percent_words(match: re.Match[str]) -> Quantity | None:
    """百分之十五 -> 15 %, 百分之十到十五 -> 10-15 %."""
    low = _value_range(match["p1"])
    if low is None or low[1] is not None:
        return None
    high = _value_range(match["p2"]) if match["p2"] else None
    if match["p2"] and (high is None or high[1] is not None or high[0] <= low[0]):
        return None
    return Quantity(
        value=_normal(low[0]),
        unit="%",
        value_max=_normal(high[0]) if high else None,
        bound=_bound(match["pre"], (), match["post"]),
    )


def _idiom_length(text: str, start: int) -> int:
    """Length of the word or idiom in _CN_NOT_QUANTITY at text[start:], else 0."""
    if not text.startswith(_CN_NOT_QUANTITY, start):
        return 0
    return max(len(word) for word in _CN_NOT_QUANTITY if text.startswith(word, start))


def _is_ordinary_word(text: str, match: re.Match[str]) -> bool:
    """True when the numeral and measure word belong to a word or idiom, not a count."""
    unit_end = match.end("unit")
    if text.startswith("级", unit_end):  # 万吨级, 百亿元级: a size class
        return True
    if text.startswith(_UNIT_NOT_BEFORE.get(match["unit"], ()), unit_end):
        return True
    first = match["n1"]
    if first[0] in "0123456789":
        return False
    if _idiom_length(text, match.start("n1")):
        return True
    # 一户一策, 一区多园, 一家家: slogans and reduplication
    following = text[unit_end : unit_end + 1]
    return (
        first == "一"
        and following != ""
        and (following in "一多" or following == text[unit_end - 1])
    )


def _build(match: re.Match[str], text: str) -> Quantity | None:
    """The Quantity a regex match states, or None when it turns out to be no count."""
    if match["p1"]:
        return _percent_words(match)
    if _is_ordinary_word(text, match):
        return None
    unit, factor = _UNITS[match["unit"]]
    first = _value_range(match["n1"])
    if first is None:
        return None
    if match["n1"][0] == "万" and unit == "元":
        return None  # 万元GDP: "per ten thousand yuan", no amount
    low, high = first
    mult = _place_product(match["m1"] or "")
    low *= mult
    high = high * mult if high is not None else None
    second = match.groupdict().get("n2")
    if second:
        if match["u1"] and match["u1"] != match["unit"]:
            return None
        if high is not None or match["a1"] or match["b1"]:
            return None
        other = _value_range(second)
        if other is None or other[1] is not None:
            return None
        mult2 = _place_product(match["m2"] or "")
        if not match["m1"] and match["m2"] and low <= other[0]:
            low *= mult2  # 10-20万元: the multiplier belongs to both ends
        high = other[0] * mult2
        if high <= low:
            return None
    if match["unit"] == "成" and (match["m1"] or low > 10 or (high is not None and high > 10)):
        return None
    return Quantity(
        value=_normal(low * factor),
        unit=unit,
        value_max=_normal(high * factor) if high is not None else None,
        bound=_bound(match["pre"], (match["a1"], match["b1"]), match["post"]),
    )


def find_quantities(text: str) -> list[QuantityMatch]:
    """Every number with a measure word in text, in order, spans not overlapping.

    Bound words next to the number (超过, 约, 以上, 左右 ...) belong to the span.
    Years, dates, ordinals, codes (5G, H100) and words such as 一批 are skipped.
    """
    folded = _half_width(text)
    found: list[QuantityMatch] = []
    pos = 0
    while True:
        # Every quantity holds a numeral at most _LONGEST_BEFORE characters after its
        # start: find the next numeral fast, then try the full pattern just before it.
        numeral = _NUMERAL.search(folded, pos)
        if numeral is None:
            return found
        at = numeral.start()
        match = None
        for start in range(max(pos, at - _LONGEST_BEFORE), at + 1):
            match = _QUANTITY.match(folded, start)
            if match is not None:
                break
        if match is None:
            pos = numeral.end()  # lookbehinds forbid a start inside a run of numerals
            continue
        quantity = _build(match, folded)
        if quantity is None and match["n2"]:
            # the range reading failed (8家-10个); the first number may stand alone
            single = _QUANTITY_SINGLE.match(folded, match.start())
            if single is not None:
                match, quantity = single, _build(single, folded)
        if quantity is None:
            # skip a whole idiom: 千家万户 holds no 万户
            number = match.start("p1") if match["p1"] else match.start("n1")
            pos = max(match.start() + 1, number + _idiom_length(folded, number))
            continue
        found.append(
            QuantityMatch(match.start(), match.end(), text[match.start() : match.end()], quantity)
        )
        pos = match.end()


# --- years -----------------------------------------------------------------


def _five_year_plan_end(nth: str) -> int:
    """The last year of the n-th five-year plan: 十四五 -> 2025, 十五五 -> 2030."""
    return 1970 + 5 * (10 + _CN_DIGIT_VALUE[nth] - 3)  # 3rd plan: 1966-1970


def find_years(text: str) -> list[tuple[int, int, int]]:
    """(start, end, year) of every year: 2027年, 二〇二七年, 2024 in 2024-2026年, 十四五.

    A five-year plan (十四五, 十五五 ...) stands for its last year (2025, 2030).
    """
    folded = _half_width(text)
    years = [(m.start(), m.end(), int(m["year"])) for m in _YEAR.finditer(folded)]
    years += [
        (m.start(), m.end(), int("".join(str(_CN_DIGIT_VALUE[c]) for c in m["year"])))
        for m in _CHINESE_YEAR.finditer(folded)
    ]
    years += [
        (m.start(), m.end(), _five_year_plan_end(m["nth"]))
        for m in _FIVE_YEAR_PLAN.finditer(folded)
    ]
    return sorted(years)


def _is_deadline(text: str, start: int, end: int, five_year_plan: bool) -> bool:
    """True when the year at text[start:end] reads as a deadline (到2027年, 2027年底)."""
    before = text[max(0, start - 6) : start]
    if before.endswith(_NOT_DEADLINE_BEFORE):
        return False
    if _DEADLINE_BEFORE.search(before):
        return True
    after = _CLOSING_QUOTES.match(text, end).end()
    if five_year_plan:
        return text.startswith(_FIVE_YEAR_PLAN_WORDS, after)
    return text[end - 1] == "年" and _DEADLINE_AFTER.match(text, end) is not None


def find_year(text: str) -> int | None:
    """The first deadline year text states (到2027年, 2027年底, "十五五"末 -> 2030), else None.

    Years of status (截至2023年底) and bare years (2022年增长) are no deadline.
    """
    folded = _half_width(text)
    for start, end, year in find_years(folded):
        if _is_deadline(folded, start, end, five_year_plan=folded[start] == "十"):
            return year
    return None


# --- labels ----------------------------------------------------------------

_SCALES = ((Decimal(10**12), "万亿"), (Decimal(10**8), "亿"), (Decimal(10**4), "万"))
_PLAIN_UNITS = frozenset({"%", "个百分点", "倍"})


def _fold(value: Decimal, unit: str) -> str:
    """86000 -> 8.6万, 1.1e12 -> 1.1万亿, 5000 -> 5000: the way Chinese text writes it."""
    if unit not in _PLAIN_UNITS:
        # the largest scale that writes the value with at most 4 decimals, under 1万
        # times the scale if one does (1.28万, 3600亿, 18905.3亿 rather than 1.89053万亿)
        written = []
        for scale, word in _SCALES:
            if abs(value) >= scale:
                scaled = _normal(value / scale)
                if scaled == scaled.quantize(Decimal("0.0001")):
                    written.append((abs(scaled) < 10**4 or word == "万亿", f"{scaled:f}{word}"))
        if written:
            return max(written, key=lambda option: option[0])[1]  # first of the best
    return f"{_normal(value):f}"


def format_quantity(q: Quantity) -> str:
    """The amount as Chinese text writes it: "8.6万家", "1.1万亿元", "8-10个", "10万-20万元".

    The bound is left to the caller (kg.graph shows it as ≥ or ≈).
    """
    try:
        label = _fold(q.value, q.unit)
        if q.value_max is not None:
            label += "-" + _fold(q.value_max, q.unit)
    except InvalidOperation:  # a value too large to quantise: print it as it is
        label = f"{q.value:f}" + (f"-{q.value_max:f}" if q.value_max is not None else "")
    return label + q.unit
