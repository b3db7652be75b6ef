"""kg_sentences: sentence boundaries at 。！？ and at every line break."""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc


class SentenceSplitter:
    def __init__(self, punct_chars: list[str]) -> None:
        self.punct_chars = set(punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        # One array write: Token.is_sent_start's setter rescans the whole Doc on every call.
        starts = numpy.empty(len(doc), dtype="int64")
        start_next = True
        for i, token in enumerate(doc):
            starts[i] = 1 if start_next else -1
            text = token.text
            start_next = "\n" in text or (text[-1:] in self.punct_chars if text else False)
        if len(doc):
            doc.from_array([SENT_START], starts.astype("uint64"))
        return doc


@Language.factory(
    "kg_sentences",
    default_config={"punct_chars": ["。", "！", "？", "!", "?"]},
    assigns=["token.is_sent_start"],
)
def make_sentence_splitter(nlp: Language, name: str, punct_chars: list[str]) -> SentenceSplitter:
    return SentenceSplitter(punct_chars)
