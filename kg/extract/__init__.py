"""policy-kg's spaCy components, registered on import.

Each step is a ``@Language.factory``; state lives on spaCy's own slots
(``doc.spans["kg_mentions"]``, ``span.label_``, ``span.kb_id_``) and on the
extensions declared here.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

MENTIONS = "kg_mentions"  # doc.spans key of every mention

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)  # kg.types.Article
    Doc.set_extension("statements", default=None)  # list[kg.types.Statement]
    Doc.set_extension("plan_aliases", default=None)  # abbreviation -> full title
    Doc.set_extension("provinces", default=None)  # province codes named, most named first
    Span.set_extension("surface", default=None)  # exact text (spans align to tokens)
    Span.set_extension("chars", default=None)  # exact (start, end) in doc.text
    Span.set_extension("entity", default=None)  # kg.types.Entity after kg_resolve


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy joins every token's text on each access."""
    text = doc.user_data.get("kg_text")
    if text is None:
        text = doc.user_data["kg_text"] = doc.text
    return text


def span_text(span: Span) -> str:
    """``span.text``, cut from the Doc's text: Span.text joins its tokens on each access."""
    return doc_text(span.doc)[span.start_char : span.end_char]


from kg.extract import mentions, relations, resolve, sentences, targets  # noqa: E402

COMPONENTS = ("kg_sentences", "kg_mentions", "kg_resolve", "kg_relations", "kg_targets")
__all__ = [
    "COMPONENTS",
    "MENTIONS",
    "doc_text",
    "mentions",
    "relations",
    "resolve",
    "sentences",
    "span_text",
    "targets",
]
