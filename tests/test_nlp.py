"""The pipeline's own tokenizer and how its rule steps run over batches of Docs."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.extract.mentions
from kg.nlp import TEXT_KEY, JiebaTokenizer, make_nlp
from kg.pipeline import extract
from kg.types import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def spacy_tokenizer():
    """spaCy's own Chinese tokenizer with the jieba segmenter: what ours must match."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}}).tokenizer


def _tokens(doc) -> list[tuple[str, str]]:
    return [(token.text, token.whitespace_) for token in doc]


EDGES = [
    "",
    " ",
    "\n\n",
    "  湖北省发布计划",
    "湖北省发布计划  ",
    "到2027年 ,培育 10家\t企业。\r\n\r\n第二段",
    "Apple 与 华为 签约  \n 两个空格",
    "a  b   c",
    "《武汉市 行动方案》 印发",
]


@pytest.mark.parametrize("text", EDGES)
def test_nlp_tokenizer_matches_spacy_on_white_space(nlp, spacy_tokenizer, text):
    doc = nlp.make_doc(text)
    assert _tokens(doc) == _tokens(spacy_tokenizer(text))
    assert doc.text == text
    assert doc.user_data[TEXT_KEY] == text


def test_nlp_tokenizer_matches_spacy_on_the_seeds(nlp, spacy_tokenizer):
    pages = sorted(SEEDS.glob("*.txt"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _tokens(nlp.make_doc(text)) == _tokens(spacy_tokenizer(text)), page.name


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="湖北省武汉市企业发布计划年 \n\t\r　AZaz09.,、。", max_size=60))
def test_nlp_tokenizer_matches_spacy_on_any_text(nlp, spacy_tokenizer, text):
    assert _tokens(nlp.make_doc(text)) == _tokens(spacy_tokenizer(text))


def test_nlp_pipeline_round_trips_through_disk(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert isinstance(loaded.tokenizer, JiebaTokenizer)
    assert loaded.pipe_names == nlp.pipe_names
    text = "湖北省印发《湖北省制造业高质量发展行动计划》。"
    assert _tokens(loaded(text)) == _tokens(nlp(text))


def test_nlp_saved_pipeline_loads_with_spacy_alone(nlp, tmp_path):
    """The entry points in pyproject.toml: spacy.load finds our tokenizer and components
    in a process that never imported kg."""
    nlp.to_disk(tmp_path / "pipeline")
    script = (
        "import sys, spacy\n"
        "assert 'kg' not in sys.modules\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp('湖北省印发《湖北省制造业高质量发展行动计划》，到2027年培育100家链主企业。')\n"
        "print(type(nlp.tokenizer).__name__, len(doc._.statements))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "pipeline")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["JiebaTokenizer", "2"]


def _article(index: int, text: str) -> Article:
    return Article(id=f"a{index}", source="corpus.md", index=index, title="", text=text)


def test_nlp_a_failing_step_costs_one_article(nlp, monkeypatch, caplog):
    real = kg.extract.mentions.find_mentions

    def fails_on_marker(text, *args, **kwargs):
        if "故障" in text:
            raise ValueError("a rule broke")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(kg.extract.mentions, "find_mentions", fails_on_marker)
    articles = [
        _article(0, "湖北省印发《湖北省制造业高质量发展行动计划》。"),
        _article(1, "故障：湖南省印发《湖南省数字经济发展行动计划》。"),
        _article(2, "江西省印发《江西省低空经济发展行动计划》。"),
    ]
    with caplog.at_level(logging.WARNING, logger="kg.pipeline"):
        facts = list(extract(articles, nlp, batch_size=2))
    assert [f.article.id for f in facts] == ["a0", "a2"]
    assert [f.article.id for f in facts if f.statements] == ["a0", "a2"]
    [warning] = [r.getMessage() for r in caplog.records]
    assert "corpus.md #1" in warning and "kg_mentions failed" in warning
    assert "a rule broke" in warning


def test_nlp_batches_give_the_same_facts_as_one_doc_at_a_time(nlp):
    pages = sorted(SEEDS.glob("*.txt"))[:2]
    articles = [
        _article(i, page.read_text(encoding="utf-8")[:4000]) for i, page in enumerate(pages)
    ]
    batched = list(extract(articles, nlp, batch_size=64))
    single = list(extract(articles, nlp, batch_size=1))
    assert batched == single
    assert any(f.statements for f in batched)


def test_nlp_a_config_with_spacys_tokenizer_still_works(tmp_path):
    from kg.nlp import DEFAULT_CONFIG

    config = DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        '@tokenizers = "kg.JiebaTokenizer.v1"',
        '@tokenizers = "spacy.zh.ChineseTokenizer"\nsegmenter = "jieba"',
    )
    path = tmp_path / "config.cfg"
    path.write_text(config, encoding="utf-8")
    other = make_nlp(path)
    assert not isinstance(other.tokenizer, JiebaTokenizer)
    text = "湖北省印发《湖北省制造业高质量发展行动计划》，到2027年培育100家链主企业。"
    [facts] = list(extract([_article(0, text)], other))
    relations = {s.relation.value for s in facts.statements}
    assert {"issues", "targets"} <= relations


def test_nlp_sentences_with_mentions_pairs_each_mention_with_its_sentence(nlp):
    from kg.extract.relations import doc_mentions, sentences_with_mentions

    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    doc = nlp(text[:6000])
    pairs = list(sentences_with_mentions(doc))
    assert [s for s, _ in pairs] == list(doc.sents)
    for sentence, mentions in pairs:
        assert all(sentence.start_char <= m.start < sentence.end_char for m in mentions)
    inside = [
        m for m in doc_mentions(doc) if any(s.start_char <= m.start < s.end_char for s in doc.sents)
    ]
    assert [m for _, mentions in pairs for m in mentions] == inside
    assert inside
