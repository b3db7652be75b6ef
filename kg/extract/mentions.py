"""kg_mentions: find provinces, districts, plans, enterprises and agencies in a Doc.

Finding is pure (``find_mentions`` works on text and tokens); the component
then writes the result to ``doc.spans["kg_mentions"]``.  Spans are expanded to
jieba token boundaries; the exact characters stay on ``span._.chars``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import add

from spacy.attrs import LENGTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import MENTIONS, RuleComponent, doc_text
from kg.extract import lexicon as lx
from kg.nlp import WORDS_KEY
from kg.types import Kind

_PLAN = re.compile(r"《([^《》\n]{2,120})》")
_ALIAS = re.compile(r"[(（]\s*(?:以下)?简称\s*[“\"]?《([^《》]{1,30})》[”\"]?\s*[)）]")
_QUOTED_ALIAS = re.compile(
    r"[(（]\s*(?:以下)?简称\s*([“\"][^《》“”\"]{1,12}[”\"][\u4e00-\u9fff]{0,6})\s*[)）]"
)
_NAME_CHAR = re.compile(rf"^[{lx.CJK}A-Za-z0-9·]+$")
_LIST_ITEM = r"[^、，。；：,;:！？\s《》()（）]{2,18}(?:\s*[(（][A-Za-z0-9\-\s]{1,20}[)）])?"
_LIST_TAIL = (
    rf"(?:([\d一二三四五六七八九十百千万余多几]+)([家个])|(为代表)|"
    rf"(?:重点|龙头|优质|骨干|知名|领军|头部|链主|民营|民间投资|大|国内外|一批)?"
    rf"(?:[{lx.CJK}]{{0,3}}?)(企业|公司|工厂|项目|集团|厂商|品牌|龙头|系列))"
)
_ENTERPRISE_LIST = re.compile(
    # The lookahead only fails fast where no 等 follows within the clause; without it the
    # engine backtracks through every split of the text into items at every position.
    r"(?=[^，。；：,;:！？《》等]*等)"
    rf"((?:{_LIST_ITEM}、)*{_LIST_ITEM})等{_LIST_TAIL}"
)
_AFTER_LIST = re.compile(_LIST_TAIL)  # what follows 等 in a list of firms
_CATEGORY = re.compile(
    r"等[^、]{0,6}?(高成长|科技型|创新型|成长型|专精特新|规上|规模以上|中小|各类|多个|多家)"
)
_FACILITY_TAIL = re.compile(
    r"(总部|项目|基地|工厂|产业园|工业园|科技园|生产线|研发中心|[一二三四五六七八九十\d]+期|新基地|智能制造|生产)+$"
)
_FACILITY_OPENS = re.compile(
    r"(?:总部|生产基地|基地|项目|工厂|研发中心|产业园)(?:正式|顺利|全面)?(?:落户|位于|坐落|选址|入驻|开工|签约|投产)"
)
_LEADING_VERBS = re.compile(
    r"^(将|要|并|还|也|正|已|继续|大力|全力|积极|着力|持续|深入|推进|推动|加快|支持|培育|引进|依托|重点建设|重点|建设|打造|包括|如|以|建成以|其中|带动|吸引|"
    r"涌现出|涌现|认定|入选|组织|鼓励|发挥|聚焦|围绕|开工|落户|签约|引导|做强|做大|壮大|服务|"
    r"像|例如|比如|有|由|和|与|及|同)+"
)


@dataclass(frozen=True)
class Found:
    """A mention before it becomes a span: exact offsets, class and surface."""

    start: int
    end: int
    kind: Kind
    surface: str
    code: str | None = None  # division code when the gazetteer knows the place


def _gazetteer():
    from kg.gazetteer import load_gazetteer

    return load_gazetteer()


@cache
def _jieba_vocab() -> tuple[dict[str, int], dict[str, str]]:
    import jieba
    import jieba.posseg

    jieba.initialize()
    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


@dataclass(frozen=True)
class Tokens:
    """jieba's words of a text in order, their offsets, and the offsets where words start
    and end: what the rules test name boundaries against."""

    offsets: list[int]  # one more than words: the last is where the text ends
    words: list[str]
    at: dict[int, str]  # start offset -> word
    ends: frozenset[int]

    @classmethod
    def of(cls, text: str, doc: Doc | None = None) -> Tokens:
        """The Doc's tokens (``text`` is its text), or jieba's words of ``text``."""
        if doc is not None:
            # Offsets from one array read: making a Token object per token is slow.
            lengths, spaces = doc.to_array([LENGTH, SPACY]).T.tolist()
            offsets = list(accumulate(map(add, lengths, spaces), initial=0))
            words = doc.user_data.get(WORDS_KEY)  # as the tokenizer made them
            if words is None or len(words) != len(lengths):  # another tokenizer, a retokenizer
                words = list(map(text.__getitem__, map(slice, offsets, map(add, offsets, lengths))))
        else:
            import jieba

            words = [w for w in jieba.cut(text) if w]
            lengths = list(map(len, words))
            offsets = list(accumulate(lengths, initial=0))
        at = dict(zip(offsets, words, strict=False))
        return cls(offsets, words, at, frozenset(map(add, offsets, lengths)))


def is_policy_title(title: str) -> bool:
    """Whether a 《》 title names a policy document rather than a book or a newspaper."""
    core = title.strip()
    for _ in range(2):  # …方案(2024-2026年)(征求意见稿): a period, then a draft mark
        core = lx.PLAN_PERIOD.sub("", core).strip()
    if len(core) < 2 or (lx.MEDIA_TITLE.search(core) and not core.endswith("报告")):
        return False
    return core.endswith(lx.PLAN_SUFFIXES)


_ISSUE_IN_TITLE = re.compile("|".join(lx.ISSUE_VERBS) + r"|《|推动|促进会|召开|开展|启动")


def title_plan(text: str) -> Found | None:
    """A document whose first line is its own title (某省促进低空经济发展若干措施, a
    notice's attachment), not a headline about a plan (某省发布产业培育行动计划)."""
    first = text.split("\n", 1)[0].strip()
    if not is_policy_title(first) or _ISSUE_IN_TITLE.search(first):
        return None
    gazetteer = _gazetteer()
    province = gazetteer.province_opening(first)
    official = province is not None and first.startswith(province.name)
    opens = first.startswith("关于") or official
    return Found(0, len(first), Kind.PLAN, first) if opens and len(first) <= 60 else None


def find_plans(text: str) -> tuple[list[Found], dict[str, str]]:
    """《》 titles that are policy documents, and the abbreviations introduced for them."""
    found, aliases = [], {}
    titled = title_plan(text)
    if titled is not None:
        found.append(titled)
    for match in _PLAN.finditer(text):
        title = match.group(1).strip()
        if not is_policy_title(title) and title not in aliases:
            continue
        found.append(Found(match.start(1), match.end(1), Kind.PLAN, title))
        alias = _ALIAS.match(text, match.end()) or _QUOTED_ALIAS.match(text, match.end())
        if alias and alias.group(1) != title:
            aliases[alias.group(1).strip()] = title
    # an abbreviation written without 《》 (简称“星火”计划) is a mention wherever it recurs
    for alias in (a for a in aliases if not a.endswith("》") and a[0] in '“"'):
        for match in re.finditer(re.escape(alias), text):
            if not text[max(0, match.start() - 3) : match.start()].endswith("简称"):
                found.append(Found(match.start(), match.end(), Kind.PLAN, alias))
    return sorted(found, key=lambda f: f.start), aliases


def find_places(text: str, tokens: Tokens | None = None) -> list[Found]:
    """Provinces and districts the gazetteer knows (a short name only as whole words)."""
    tokens = tokens if tokens is not None else Tokens.of(text)
    starts, ends = tokens.at, tokens.ends
    found = []
    for start, end, name, candidates in _gazetteer().name_index().find(text):
        official = any(c.name == name for c in candidates)
        if not official and (start not in starts or end not in ends):
            continue  # a short alias inside a longer word (新华社 is not 新华区)
        province = next((c for c in candidates if c.level == "province"), None)
        if province is not None:
            found.append(Found(start, end, Kind.PROVINCE, name, province.code))
        else:
            found.append(Found(start, end, Kind.DISTRICT, name, None))
    return found


def find_zones(text: str, tokens: Tokens, places: list[Found]) -> list[Found]:
    """Development zones, new areas and parks: a proper name ending in a zone suffix.

    A strong suffix (高新区, 新区, 经济开发区 …) makes a zone of any proper name; a park word
    (产业园, 软件园, 数谷 …) needs a place that opens the name, a location cue before it
    (在, 落户, 位于) or a sign after it that it is a place (建设, 内, a list of parks).
    """
    place_at = {p.start: p for p in places}
    place_end = {p.end: p for p in places}
    found = []
    for match in _ZONE_SUFFIX.finditer(text):
        start = _extend_left(
            text, tokens, match.start(), 16, place_at, verbs_end=False, place_end=place_end
        )
        if start >= 1 and text[start - 1] in ")）":  # 西部(某市)科学城
            opening = max(text.rfind("(", 0, start), text.rfind("（", 0, start))
            if opening > 0 and start - opening <= 6:
                start = _extend_left(text, tokens, opening, max_chars=8, place_at=place_at)
        name = text[start : match.end()]
        stem = name[: -len(match.group())]
        if len(stem) < 2 or lx.ZONE_GENERIC_PREFIX.match(name):
            continue
        opened = start in place_at
        strong = not match.group().endswith(("园", "谷", "港区", "园区"))
        bare = re.sub(r"[()（）·]", "", stem)
        named_place = strong and (_tag(bare) == "ns" or _contains_place(bare))
        if not opened and not name_like(bare) and not named_place:
            continue  # 首个…示范区, 国家未来产业先导区: a description, not a name
        located = re.search(
            r"(在|落户|位于|入驻|坐落于|于|打造|建设|创建|建成)$", text[max(0, start - 3) : start]
        )
        placed_after = re.match(r"(建设|内|中|里|、|等)", text[match.end() : match.end() + 2])
        if strong or opened or located or placed_after:
            found.append(Found(start, match.end(), Kind.DISTRICT, name))
    return found


_ZONE_SUFFIX = re.compile("|".join(sorted(map(re.escape, lx.ZONE_SUFFIXES), key=len, reverse=True)))


_SETTLES = re.compile(r"(落户|位于|入驻|坐落于|选址|扎根|布局)$")
_AREA_AFTER = re.compile(rf"^([{lx.CJK}]{{2,3}})(?=[，。；、,;\n]|$)")


def find_areas(text: str, places: list[Found]) -> list[Found]:
    """A place and the short area name written after it where a firm settles, up to the end
    of the clause: 落户上海张江, 落户深圳前海 (an area the gazetteer does not list)."""
    found = []
    for place in places:
        if place.kind is not Kind.DISTRICT or not _SETTLES.search(
            text[max(0, place.start - 3) : place.start]
        ):
            continue
        area = _AREA_AFTER.match(text[place.end : place.end + 4])
        if area and not _is_verb(area.group(1)):
            end = place.end + len(area.group(1))
            found.append(Found(place.start, end, Kind.DISTRICT, text[place.start : end]))
    return found


def _extend_left(
    text: str,
    tokens: Tokens,
    end: int,
    max_chars: int,
    place_at: dict[int, Found] | None = None,
    verbs_end: bool = True,
    place_end: dict[int, Found] | None = None,
) -> int:
    """Start of the name that ends at ``end``: whole tokens leftwards up to a stop word."""
    start = end
    # Only the tokens before ``end``, found by bisection: scanning from the last token of
    # the article for every suffix match is quadratic in its length.
    offsets, words = tokens.offsets, tokens.words
    last = min(bisect.bisect_left(offsets, end), len(words))
    for i in range(last - 1, -1, -1):
        idx, word = offsets[i], words[i]
        if idx + len(word) > end:  # the token straddles the suffix: take its left part
            word = text[idx:end]
        if not word or not _NAME_CHAR.match(word) or word in lx.LEFT_STOPS:
            break
        if start != end and word.endswith(("企业", "公司", "集团", "龙头")):
            break  # 知名企业|远航集团: a category noun before the name
        if end - idx > max_chars:
            break
        if start != end and (word in _verbs() or (verbs_end and _is_verb(word))):
            break
        start = idx
        if place_at and idx in place_at:
            # a place opens the name (孝感市高新区), with the place written before it (江北某某…)
            outer = (place_end or {}).get(idx)
            if outer is not None and end - outer.start <= max_chars:
                start = outer.start
            break
    return start


@cache
def _verbs() -> frozenset[str]:
    return frozenset(
        (
            *lx.ISSUE_VERBS,
            *lx.LOCATE_VERBS,
            "推进",
            "推动",
            "加快",
            "支持",
            "培育",
            "依托",
            "打造",
            "实施",
            "开展",
            "组织",
            "引进",
            "带动",
            "提升",
            "建立",
            "完善",
            "促进",
            "发展",
            "聚焦",
        )
    )


def _is_verb(word: str) -> bool:
    if word in _verbs():
        return True
    _, tags = _jieba_vocab()
    return tags.get(word, "").startswith("v") and len(word) >= 2


def find_enterprises(text: str, tokens: Tokens) -> list[Found]:
    """Company names by their legal or trade suffix, and members of lists of firms."""
    found = []
    suffixes = "|".join(map(re.escape, lx.COMPANY_SUFFIXES))
    for match in re.finditer(suffixes, text):
        start = _extend_left(text, tokens, match.start(), max_chars=16)
        name = text[start : match.end()]
        stem = name[: -len(match.group())]
        if len(stem) < 2 or lx.NOT_ENTERPRISE.search(stem) or not company_stem(stem):
            continue
        found.append(Found(start, match.end(), Kind.ENTERPRISE, name))
    for match in _FACILITY_OPENS.finditer(text):
        start = _extend_left(text, tokens, match.start(), max_chars=12)
        name = _FACILITY_TAIL.sub("", text[start : match.start()])
        if len(name) >= 2 and not lx.NOT_ENTERPRISE.search(name) and name_like(name):
            found.append(Found(start, start + len(name), Kind.ENTERPRISE, name))
    found.extend(_trade_names(text, tokens))
    found.extend(_listed_firms(text))
    return found


# every offset where a trade suffix starts, overlapping ones too (a lookahead finds them all)
_TRADE_SUFFIX_AT = re.compile("(?=" + "|".join(map(re.escape, sorted(lx.TRADE_SUFFIXES))) + ")")


def _trade_names(text: str, tokens: Tokens) -> Iterator[Found]:
    """远达科技, 晶澜光电: a trade suffix after a proper name, not after a common word."""
    offsets, words = tokens.offsets, tokens.words
    for at in _TRADE_SUFFIX_AT.finditer(text):  # where a suffix could start: few places
        i = bisect.bisect_left(offsets, at.start())
        if i >= len(words) or offsets[i] != at.start() or words[i] not in lx.TRADE_SUFFIXES:
            continue  # no token, or another word, starts there
        idx, word = offsets[i], words[i]
        j, start, proper = i, idx, False
        while j > 0 and idx - offsets[j - 1] <= 8:
            prev_idx, prev = offsets[j - 1], words[j - 1]
            if not _NAME_CHAR.match(prev) or prev in lx.LEFT_STOPS or _is_verb(prev):
                break
            if is_proper(prev) and _tag(prev)[:1] not in {"v", "d", "p", "a"}:
                proper = True
            elif not (prev in lx.TRADE_SUFFIXES or len(prev) == 1):
                break
            start, j = prev_idx, j - 1
        following = words[i + 1] if i + 1 < len(words) else ""
        cue_before = _FIRM_BEFORE.search(text[max(0, start - 6) : start])
        if following and _common_noun(following) and not cue_before:
            continue  # 卓越级智能工厂: a modifier of a common noun, not a firm
        if text.startswith(("产业", "基地"), idx + len(word)):
            continue  # 盐化工产业基地: an industry, not a firm
        end = idx + len(word)
        cue = cue_before or _FIRM_AFTER.match(text[end : end + 12])
        if proper and idx - start >= 2 and cue and name_like(text[start:idx]):
            yield Found(start, end, Kind.ENTERPRISE, text[start:end])


_FIRM_BEFORE = re.compile(r"(企业|龙头|公司|集团|厂商|其中[，,]|如|由|与)$")
_FIRM_AFTER = re.compile(
    r"^(将|已|正|拟|计划|还)?(建成|落户|投资|推出|发布|研发|生产|成为|打造|入选|签约|总部|项目|公司|集团|在|"
    r"的[^，。]{0,8}(项目|基地|工厂|产品|生产线))"
)
_PROPER_TAGS = frozenset({"nr", "nz", "nrt", "nt", "j", "ns", "nrfg"})
_CJK_WORD = re.compile(rf"^[{lx.CJK}]{{2,}}$")


def is_proper(word: str) -> bool:
    """A word that reads as part of a name: unknown to jieba, or a rare proper noun."""
    if not _CJK_WORD.match(word):
        return False
    freq, tags = _jieba_vocab()
    count = freq.get(word) or 0
    if len(word) >= 4 and all((freq.get(part) or 0) > 500 for part in (word[:2], word[2:])):
        return False  # 不断完善: two common words, not a name
    if count == 0:
        return True
    return count < 5 or (tags.get(word, "") in _PROPER_TAGS and count < 500)


def name_like(name: str) -> bool:
    """Whether ``name`` reads as a proper name (远航, 某数据) rather than common words (上市)."""
    import jieba

    place = _place_prefix(name)
    if place and len(name) - len(place) >= 2:
        return True
    words = jieba.lcut(name)
    _, tags = _jieba_vocab()
    if tags.get(words[0], "")[:1] in {"v", "d", "p", "c", "a", "r", "m", "f", "s"}:
        return False  # 深化算力应用, 从加强梯度培育: a phrase, not a name
    if any(tags.get(w, "") in {"v", "vn"} and w not in lx.TRADE_SUFFIXES for w in words):
        return False
    return any(is_proper(word) for word in words)


def company_stem(stem: str) -> bool:
    """Whether ``stem`` + 集团/有限公司 names a firm: a name, or words that are no phrase.

    远航集团 is a firm; 上市公司, 不断完善公司 and 省内上市公司 are not.
    """
    import jieba

    if name_like(stem):
        return True
    freq, tags = _jieba_vocab()
    words = [
        part
        for word in jieba.lcut(stem)
        for part in (
            (word[:2], word[2:])
            if len(word) >= 4 and all((freq.get(p) or 0) > 500 for p in (word[:2], word[2:]))
            else (word,)
        )
    ]
    if len(words) == 1 and (freq.get(stem) or 0) > 1000:
        return False
    for word in words:
        tag = tags.get(word, "")
        if tag[:1] in {"d", "p", "r", "c", "u", "b", "s", "f", "m", "q"}:
            return False
        if tag.startswith("v") and (freq.get(word) or 0) > 1000:
            return False
    return True


def _tag(word: str) -> str:
    return _jieba_vocab()[1].get(word, "")


def _common_noun(word: str) -> bool:
    freq, tags = _jieba_vocab()
    if word in lx.FACILITY_WORDS or word in lx.ZONE_SUFFIXES:
        return False
    return tags.get(word, "") in {"n", "vn", "ng"} and (freq.get(word) or 0) > 500


_DELIMITER = re.compile(r"[，。；：,;:！？《》\n]")


def _list_matches(text: str) -> Iterator[re.Match[str]]:
    """``_ENTERPRISE_LIST`` run only over the clauses that hold a 等: linear in the text."""
    bounds = [m.end() for m in _DELIMITER.finditer(text)]
    seen: set[int] = set()
    for mark in re.finditer("等", text):
        stop = min(len(text), mark.end() + 40)
        if not _AFTER_LIST.match(text, mark.end(), stop):
            continue  # 等方面, 等领域: the list below could only end at another 等
        lo = bounds[bisect.bisect_right(bounds, mark.start()) - 1] if bounds else 0
        lo = lo if lo <= mark.start() else 0
        match = _ENTERPRISE_LIST.search(text, lo, stop)
        if match and match.end(1) == mark.start() and match.start() not in seen:
            seen.add(match.start())
            yield match


def _listed_firms(text: str) -> Iterator[Found]:
    """Each member of ``A、B、C等…企业/项目``, without verbs before or facilities after.

    A list counts when most of its members read as names (远航、华光电气、晶澜光电等5家工厂),
    so that 技术、资金、人才等 is no list of firms.
    """
    for match in _list_matches(text):
        offset = match.start(1)
        items = match.group(1).split("、")
        members = []
        for item in items:
            begin = offset
            offset += len(item) + 1
            name = _LEADING_VERBS.sub("", item.rsplit("的", 1)[-1])
            begin += len(item) - len(name)
            name = _FACILITY_TAIL.sub("", name)
            name = re.split(r"[“\"(（\s]", name)[0]
            name = re.sub(r"[A-Za-z0-9\-]+$", "", name)  # 某港ChatBot: the firm, not its product
            place = _place_prefix(name)
            if place and len(name) - len(place) >= 2:
                begin, name = begin + len(place), name[len(place) :]
                if _gazetteer().province_by_alias(place):  # 湖南将加快某品牌长沙: subject
                    stripped = _LEADING_VERBS.sub("", name)
                    begin, name = begin + len(name) - len(stripped), stripped
            elif len(items) == 1:
                continue  # one item alone is a firm only when a place opens it (咸宁某某四期等项目)
            if len(name) < 2 or not _NAME_CHAR.match(name) or lx.NOT_ENTERPRISE.search(name):
                continue
            if name.endswith(lx.ZONE_SUFFIXES) or re.search(r"\d", name):
                continue
            members.append(Found(begin, begin + len(name), Kind.ENTERPRISE, name))
        if _CATEGORY.search(match.group(0)):
            continue  # 雏鹰、独角兽等高成长企业: kinds of firms, not firms
        if match.group(3) == "个":
            named = sum(1 for m in members if place_opened(text, m))
        else:
            named = sum(1 for m in members if name_like(m.surface) or place_opened(text, m))
        if members and named * 2 >= len(items):
            yield from members


def place_opened(text: str, found: Found) -> bool:
    """Whether a known place is written right before ``found`` (宜昌瑞丰化工)."""
    gazetteer = _gazetteer()
    return any(
        gazetteer.lookup(text[found.start - n : found.start]) for n in (2, 3, 4) if found.start >= n
    )


def _contains_place(text: str) -> bool:
    return bool(_gazetteer().name_index().find(text))


def _place_prefix(name: str) -> str:
    """The longest known place name that opens ``name`` (宜昌 in 宜昌瑞丰化工), or ""."""
    return _gazetteer().place_prefix(name)


_BUILD_AFTER_PLACE = re.compile(
    r"^[^，。；,;]{0,12}?(投资|建设|开工|新建|扩建|设立|布局|投产|建成|落地)"
)
_CLAUSE_START = re.compile(r"[，。；、,;：:\n]")


def find_subject_firms(text: str, places: list[Found]) -> list[Found]:
    """The subject of ``X(将)在 D 投资/建设…`` when it reads as a name: 上汽通用五菱在柳州市…投资.

    Places, departments and common words are no firms (南宁市在…, 企业在…)."""
    gazetteer = _gazetteer()
    place_at = {p.start: p for p in places if p.kind is Kind.DISTRICT}
    found = []
    for match in re.finditer(r"(将|已|拟|计划|正|还|也)?在", text):
        place = place_at.get(match.end())
        if place is None or not _BUILD_AFTER_PLACE.match(text[place.end : place.end + 16]):
            continue
        begin = max(
            (
                m.end()
                for m in _CLAUSE_START.finditer(text, max(0, match.start() - 12), match.start())
            ),
            default=max(0, match.start() - 12),
        )
        name = _LEADING_VERBS.sub("", text[begin : match.start()])
        begin = match.start() - len(name)
        if not (2 <= len(name) <= 10) or not _NAME_CHAR.match(name) or re.search(r"\d", name):
            continue
        if (
            gazetteer.lookup(name)
            or lx.NOT_ENTERPRISE.search(name)
            or name.endswith(("市", "省", "区", "县", "企业"))
        ):
            continue
        if name_like(name) and not _place_prefix(name):
            found.append(Found(begin, match.start(), Kind.ENTERPRISE, name))
    return found


def find_agencies(text: str, places: list[Found]) -> list[Found]:
    """Government departments (省工信厅, 重庆市经济信息委), with the place that opens them."""
    ends = {p.end: p for p in places}
    found = []
    for match in lx.AGENCY.finditer(text):
        start = match.start()
        opener = ends.get(start + 1) or ends.get(start) or _covering(places, start)
        if opener is not None and opener.kind is not Kind.PROVINCE:
            continue  # a city's department (武汉市政府) is not a province's
        if opener is not None:
            start = opener.start
        found.append(Found(start, match.end(), Kind.AGENCY, text[start : match.end()]))
    return found


def _covering(places: list[Found], at: int) -> Found | None:
    """The place whose name runs over ``at`` (广西壮族自治区 over 自治区人民政府)."""
    return next((p for p in places if p.start < at < p.end), None)


_PRIORITY = {Kind.PLAN: 5, Kind.ENTERPRISE: 4, Kind.DISTRICT: 3, Kind.AGENCY: 2, Kind.PROVINCE: 1}


def _select(found: Sequence[Found]) -> list[Found]:
    """Non-overlapping mentions: plans first, then the longest, then by class priority."""
    chosen: list[Found] = []
    taken = bytearray(max((f.end for f in found), default=0))
    ranked = sorted(
        found,
        key=lambda f: (f.kind is not Kind.PLAN, -(f.end - f.start), -_PRIORITY[f.kind], f.start),
    )
    for f in ranked:
        if any(taken[f.start : f.end]):
            continue
        taken[f.start : f.end] = b"\x01" * (f.end - f.start)
        chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def find_abbreviations(
    text: str, contexts: Sequence[str], tokens: Tokens | None = None
) -> list[Found]:
    """One-character province names where the next character makes them a place:
    渝企 (a Chongqing firm), 鄂籍; not 鄂州 or 苏州 (cities), nor 新 in 专精特新企业."""
    if not contexts:
        return []
    gazetteer = _gazetteer()
    tokens = tokens if tokens is not None else Tokens.of(text)
    words = tokens.at
    found = []
    pattern = "|".join(map(re.escape, contexts))
    for match in re.finditer(rf"([{lx.CJK}])(?={pattern})", text):
        at = match.start()
        if (
            at not in words
            or len(words[at]) > 2
            or (len(words[at]) == 2 and words[at][1] not in contexts)
        ):
            continue  # 新 inside 专精特新, 苏 inside 江苏
        province = gazetteer.province_by_alias(match.group(1))
        if province is not None and not gazetteer.lookup(text[at : at + 2]):
            found.append(
                Found(match.start(), match.end(), Kind.PROVINCE, match.group(1), province.code)
            )
    return found


def find_mentions(
    text: str, doc: Doc | None = None, abbreviation_contexts: Sequence[str] = ()
) -> tuple[list[Found], dict[str, str]]:
    """Every mention in ``text`` and the plan abbreviations it introduces."""
    tokens = Tokens.of(text, doc)
    plans, aliases = find_plans(text)
    places = find_places(text, tokens) + find_abbreviations(text, abbreviation_contexts, tokens)
    zones = find_zones(text, tokens, places) + find_areas(text, places)
    enterprises = find_enterprises(text, tokens) + find_subject_firms(text, places)
    agencies = find_agencies(text, places)
    return _select([*plans, *zones, *enterprises, *agencies, *places]), aliases


def normalise(text: str) -> str:
    """The comparison key of a name: NFKC, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class MentionFinder(RuleComponent):
    def __init__(self, name: str, abbreviation_contexts: list[str]) -> None:
        super().__init__(name)
        self.abbreviation_contexts = tuple(abbreviation_contexts)
        # loaded with the pipeline, not on the first article: jieba's tags take a second
        _jieba_vocab()
        _gazetteer().name_index()

    def __call__(self, doc: Doc) -> Doc:
        found, aliases = find_mentions(doc_text(doc), doc, self.abbreviation_contexts)
        spans = []
        for f in found:
            span = doc.char_span(f.start, f.end, label=f.kind.value, alignment_mode="expand")
            if span is None:
                continue
            underscore = span._  # each ``span._`` makes an object: take it once
            underscore.surface = f.surface
            underscore.chars = (f.start, f.end)
            if f.code:
                span.kb_id_ = f.code
            spans.append(span)
        doc.spans[MENTIONS] = spans
        doc._.plan_aliases = aliases
        return doc


@Language.factory(
    "kg_mentions",
    default_config={"abbreviation_contexts": ["企", "商", "籍", "产", "货"]},
    assigns=["doc.spans", "doc._.plan_aliases"],
)
def make_mention_finder(
    nlp: Language, name: str, abbreviation_contexts: list[str]
) -> MentionFinder:
    return MentionFinder(name, abbreviation_contexts)
