"""kg.cache: incremental builds that extract only the articles not built before."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

from kg.cache import CACHE_DIR, SOURCES, FactsCache, extractor_version, sources_digest
from kg.pipeline import build, read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

NEW_ARTICLE = (
    "## 安徽发布智能网联汽车产业发展行动方案\n\n"
    "本报讯 近日，安徽省人民政府印发《安徽省智能网联汽车产业发展行动方案(2025-2027年)》，"
    "提出到2027年，全省智能网联汽车产量达到150万辆。\n\n"
    "奇瑞汽车股份有限公司在芜湖经济技术开发区投资建设智能网联汽车研发中心。\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The seeds built once with the cache on: the output folder."""
    out = tmp_path_factory.mktemp("cached")
    build([SEEDS], out, html=False, validate=False)
    return out


def _copy_build(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    return out


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    return corpus


def test_cache_facts_pickle_round_trip(built):
    """ArticleFacts go through pickle unchanged: the cache and the workers rely on it."""
    with FactsCache(built / CACHE_DIR, extractor_version()) as cache:
        entries = cache.get(read_articles([SEEDS]))
    assert len(entries) == 30
    for entry in entries.values():
        facts = entry.facts
        assert pickle.loads(pickle.dumps(facts, protocol=5)) == facts
        copy = pickle.loads(pickle.dumps(entry))  # as a worker sends it
        assert (copy.facts, copy.ntriples) == (facts, entry.ntriples)
        assert (copy.entity_keys, copy.fact_keys) == (entry.entity_keys, entry.fact_keys)


def test_cache_rebuild_extracts_only_new_articles(built, tmp_path, monkeypatch):
    out = _copy_build(built, tmp_path)
    corpus = _corpus(tmp_path)
    (corpus / "new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    extracted = []
    import kg.parallel

    real = kg.parallel.extract_entries
    monkeypatch.setattr(
        kg.parallel,
        "extract_entries",
        lambda articles, *args: extracted.extend(articles) or real(articles, *args),
    )
    report = build([corpus], out, html=False, validate=False)
    assert report.articles == 31
    assert report.cached == 30
    assert [a.source for a in extracted] == [(corpus / "new.md").as_posix()]
    # and the graph is the one a build without the cache makes
    fresh = build([corpus], tmp_path / "fresh", html=False, validate=False, cache=False)
    assert fresh.cached == 0
    assert (out / "kg.ttl").read_bytes() == (tmp_path / "fresh" / "kg.ttl").read_bytes()


def test_cache_rebuild_does_not_split_pages_again(built, tmp_path, monkeypatch):
    out = _copy_build(built, tmp_path)
    import kg.pages

    split = []
    real = kg.pages.split_articles
    monkeypatch.setattr(
        kg.pages, "split_articles", lambda doc, *args: split.append(doc) or real(doc, *args)
    )
    report = build([SEEDS], out, html=False, validate=False)
    assert (report.articles, report.cached, split) == (30, 30, [])


def test_cache_moved_files_keep_facts_and_name_the_new_source(built, tmp_path):
    """The same text in another file is a cache hit; its triples name the file it is in now."""
    out = _copy_build(built, tmp_path)
    corpus = tmp_path / "renamed"
    corpus.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, corpus / f"page-{path.name}")
    report = build([corpus], out, html=False, validate=False)
    assert report.cached == 30
    turtle = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "page-000_" in turtle and "seeds/000_" not in turtle
    build([corpus], tmp_path / "fresh", html=False, validate=False, cache=False)
    assert (out / "kg.ttl").read_bytes() == (tmp_path / "fresh" / "kg.ttl").read_bytes()


def test_cache_off_writes_no_cache(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(NEW_ARTICLE, encoding="utf-8")
    report = build([page], tmp_path / "out", html=False, validate=False, cache=False)
    assert report.articles == 1
    assert not (tmp_path / "out" / CACHE_DIR).exists()


def test_cache_other_versions_are_dropped(built, tmp_path):
    out = _copy_build(built, tmp_path)
    with FactsCache(out / CACHE_DIR, "another-version") as cache:
        assert cache.count() == 0
        assert cache.get(read_articles([SEEDS])) == {}


@pytest.mark.parametrize("config", [None, '[nlp]\nlang = "zh"\n'])
def test_cache_version_is_stable(config):
    assert extractor_version(config) == extractor_version(config)


def test_cache_version_changes_with_config():
    assert extractor_version("a") != extractor_version("b") != extractor_version()


def test_cache_version_changes_with_a_rule(tmp_path):
    """Editing any extraction source (here a rule module) gives another version."""
    package = Path(sources_digest.__wrapped__.__defaults__[0])
    root = tmp_path / "kg"
    for pattern in SOURCES:
        for path in package.glob(pattern):
            target = root / path.relative_to(package)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    before = sources_digest.__wrapped__(root)
    rule = root / "extract" / "relations.py"
    rule.write_text(re.sub(r"\n$", "\n# a new rule\n", rule.read_text(encoding="utf-8")))
    assert sources_digest.__wrapped__(root) != before
