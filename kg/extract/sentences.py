"""kg_sentences: sentence boundaries at 。！？ and at every line break."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


class SentenceSplitter:
    def __init__(self, punct_chars: list[str]) -> None:
        self.punct_chars = set(punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        start_next = True
        for token in doc:
            token.is_sent_start = start_next
            text = token.text
            start_next = "\n" in text or (text[-1:] in self.punct_chars if text else False)
        return doc


@Language.factory(
    "kg_sentences",
    default_config={"punct_chars": ["。", "！", "？", "!", "?"]},
    assigns=["token.is_sent_start"],
)
def make_sentence_splitter(nlp: Language, name: str, punct_chars: list[str]) -> SentenceSplitter:
    return SentenceSplitter(punct_chars)
