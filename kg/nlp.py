"""The spaCy pipeline: blank Chinese with the jieba segmenter and our registered components."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_config, registry
from spacy.vocab import Vocab

from kg.errors import InputError

DEFAULT_CONFIG = Path(__file__).with_name("default_config.cfg")
TEXT_KEY = "kg_text"  # doc.user_data key of the text a Doc was made from
WORDS_KEY = "kg_words"  # doc.user_data key of its tokens' texts, in order


@cache
def _quiet_jieba() -> None:
    """jieba logs at import and keeps its dictionary in global state: set it up once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.initialize()


class JiebaTokenizer:
    """Text → Doc with jieba's words: the tokens of spaCy's ``spacy.zh.ChineseTokenizer``
    (segmenter "jieba"), made in one pass.

    spaCy's tokenizer realigns the words with the text by searching the rest of the text
    for each word (quadratic in a long article) and the rules later join the Doc's text
    back from its tokens; jieba's words already spell the text, so this one only folds
    whitespace the way spaCy does and keeps the text and the words on the Doc (``doc.user_data``).
    """

    def __init__(self, vocab: Vocab) -> None:
        _quiet_jieba()
        import jieba

        self.vocab = vocab
        self.segmenter = jieba.dt  # the global dictionary, with any words a user added

    def __call__(self, text: str) -> Doc:
        words, spaces = words_and_spaces(self.segmenter.cut(text, cut_all=False))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[TEXT_KEY] = text
        doc.user_data[WORDS_KEY] = words
        return doc

    def pipe(self, texts: Iterable[str]) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # the tokenizer has no state of its own to save with a pipeline
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> JiebaTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path, **kwargs) -> JiebaTokenizer:
        return self


def words_and_spaces(words: Iterable[str]) -> tuple[list[str], list[bool]]:
    """Words that spell a text → spaCy's words and trailing-space flags: a run of
    whitespace is one token, except that one space right after a word is that word's
    trailing space (what ``spacy.util.get_words_and_spaces`` makes of the same words)."""
    out: list[str] = []
    spaces: list[bool] = []
    gap = ""
    for word in words:
        if word.isspace():
            gap += word
            continue
        if gap:
            _fold_gap(gap, out, spaces)
            gap = ""
        if word:
            out.append(word)
            spaces.append(False)
    if gap:
        _fold_gap(gap, out, spaces)
    return out, spaces


def _fold_gap(gap: str, words: list[str], spaces: list[bool]) -> None:
    if words and gap[0] == " ":  # the last token is a word: a gap never follows a gap
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


@registry.tokenizers("kg.JiebaTokenizer.v1")
def create_jieba_tokenizer():
    def make(nlp: Language) -> JiebaTokenizer:
        return JiebaTokenizer(nlp.vocab)

    return make


def make_nlp(config_path: Path | None = None) -> Language:
    """A pipeline built from ``config_path`` (default: kg/default_config.cfg).

    A config that cannot be read or does not make a pipeline raises InputError (one
    line: the file and spaCy's reason)."""
    _quiet_jieba()
    import kg.extract  # noqa: F401  registers the components

    path = config_path or DEFAULT_CONFIG
    try:
        return spacy.blank("zh", config=load_config(path))
    except Exception as error:  # spaCy's config errors come in many classes
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(str(path), f"not a pipeline config: {reason[:300]}") from None


@cache
def default_nlp() -> Language:
    """The default pipeline, built once per process."""
    return make_nlp()
