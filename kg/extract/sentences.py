"""kg_sentences: sentence boundaries at 。！？ and at every line break."""

from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract import RuleComponent, doc_text


class SentenceSplitter(RuleComponent):
    def __init__(self, name: str, punct_chars: list[str]) -> None:
        super().__init__(name)
        self.ends = re.compile("[" + re.escape("".join(punct_chars)) + "\n]")

    def __call__(self, doc: Doc) -> Doc:
        """A token opens a sentence when it is the first one, or the first to start after a
        sentence-final character; found on the text, written in one array operation (the
        Token.is_sent_start setter rescans the whole Doc on every call)."""
        if not len(doc):
            return doc
        offsets = doc.to_array([IDX]).reshape(-1)
        ends = numpy.fromiter((m.end() for m in self.ends.finditer(doc_text(doc))), dtype="int64")
        first = numpy.searchsorted(offsets, ends, side="left")
        starts = numpy.full(len(doc), -1, dtype="int64")
        starts[first[first < len(doc)]] = 1
        starts[0] = 1
        doc.from_array([SENT_START], starts.astype("uint64"))
        return doc


@Language.factory(
    "kg_sentences",
    default_config={"punct_chars": ["。", "！", "？", "!", "?"]},
    assigns=["token.is_sent_start"],
)
def make_sentence_splitter(nlp: Language, name: str, punct_chars: list[str]) -> SentenceSplitter:
    return SentenceSplitter(name, punct_chars)
