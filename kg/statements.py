"""The seam between NLP and RDF: a processed spaCy Doc → the facts of its article.

Above this module tests build Docs; below it they build ArticleFacts by hand.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from kg.extract import MENTIONS
from kg.extract.relations import evidence_of
from kg.types import ArticleFacts, Kind, Mentioned, Statement


def doc_to_facts(doc: Doc) -> ArticleFacts:
    """Mentions (one per entity, at its first sentence) and statements (each once) of ``doc``."""
    article = doc._.article
    sentences = list(doc.sents) if len(doc) else []
    starts = [sentence.start for sentence in sentences]
    mentions: dict[tuple[Kind, str], Mentioned] = {}
    for span in doc.spans[MENTIONS]:
        entity = span._.entity
        if entity is None or (entity.kind, entity.key) in mentions:
            continue
        # the sentence by bisection: Token.sent walks the tokens out to both ends
        sentence = sentences[bisect_right(starts, span.start) - 1]
        mentions[(entity.kind, entity.key)] = Mentioned(entity, evidence_of(doc, sentence))
    statements: dict[tuple, Statement] = {}
    for statement in doc._.statements or []:
        key = (
            statement.subject.kind,
            statement.subject.key,
            statement.relation,
            statement.object.kind,
            statement.object.key,
            statement.evidence.start,
        )
        statements.setdefault(key, statement)
    return ArticleFacts(article, list(mentions.values()), list(statements.values()))
