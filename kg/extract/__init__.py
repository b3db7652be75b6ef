"""policy-kg's spaCy components, registered on import.

Each step is a ``@Language.factory``; state lives on spaCy's own slots
(``doc.spans["kg_mentions"]``, ``span.label_``, ``span.kb_id_``) and on the
extensions declared here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.tokens import Doc, Span
from spacy.util import minibatch, raise_error

from kg.nlp import TEXT_KEY

MENTIONS = "kg_mentions"  # doc.spans key of every mention

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)  # kg.types.Article
    Doc.set_extension("statements", default=None)  # list[kg.types.Statement]
    Doc.set_extension("plan_aliases", default=None)  # abbreviation -> full title
    Doc.set_extension("provinces", default=None)  # province codes named, most named first
    Doc.set_extension("mentions", default=None)  # list[kg.types.Mention] after kg_resolve
    Span.set_extension("surface", default=None)  # exact text (spans align to tokens)
    Span.set_extension("chars", default=None)  # exact (start, end) in doc.text
    Span.set_extension("entity", default=None)  # kg.types.Entity after kg_resolve


class RuleComponent:
    """A rule step of the pipeline: ``__call__`` reads and annotates one Doc.

    ``pipe`` runs the step over a batch of Docs before handing them on, so each step's
    tables (jieba's dictionary, the gazetteer's automaton, the rules' patterns) stay warm
    in the CPU cache while it works; a Doc at a time through every step is 10–15 %
    slower.  A Doc whose step fails goes to the pipeline's error handler, as spaCy does
    for components without ``pipe``.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._error_handler: Callable = raise_error

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            done = []
            for doc in batch:
                try:
                    done.append(self(doc))
                except Exception as error:
                    self._error_handler(self.name, self, [doc], error)
            yield from done

    def set_error_handler(self, error_handler: Callable) -> None:
        self._error_handler = error_handler

    def get_error_handler(self) -> Callable:
        return self._error_handler


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy joins every token's text on each access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:  # a Doc from another tokenizer
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def span_text(span: Span) -> str:
    """``span.text``, cut from the Doc's text: Span.text joins its tokens on each access."""
    return doc_text(span.doc)[span.start_char : span.end_char]


from kg.extract import mentions, relations, resolve, sentences, targets  # noqa: E402

COMPONENTS = ("kg_sentences", "kg_mentions", "kg_resolve", "kg_relations", "kg_targets")
__all__ = [
    "COMPONENTS",
    "MENTIONS",
    "RuleComponent",
    "doc_text",
    "mentions",
    "relations",
    "resolve",
    "sentences",
    "span_text",
    "targets",
]
