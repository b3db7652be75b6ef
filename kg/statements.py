"""The seam between NLP and RDF: a processed spaCy Doc → the facts of its article.

Above this module tests build Docs; below it they build ArticleFacts by hand.
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.extract import MENTIONS
from kg.extract.relations import evidence_of
from kg.types import ArticleFacts, Kind, Mentioned, Statement


def doc_to_facts(doc: Doc) -> ArticleFacts:
    """Mentions (one per entity, at its first sentence) and statements (each once) of ``doc``."""
    article = doc._.article
    mentions: dict[tuple[Kind, str], Mentioned] = {}
    for span in doc.spans[MENTIONS]:
        entity = span._.entity
        if entity is None or (entity.kind, entity.key) in mentions:
            continue
        sentence = doc[span.start].sent
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
