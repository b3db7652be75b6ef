"""The spaCy pipeline: blank Chinese with the jieba segmenter and our registered components."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import load_config

DEFAULT_CONFIG = Path(__file__).with_name("default_config.cfg")


@cache
def _quiet_jieba() -> None:
    """jieba logs at import and keeps its dictionary in global state: set it up once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    jieba.initialize()


def make_nlp(config_path: Path | None = None) -> Language:
    """A pipeline built from ``config_path`` (default: kg/default_config.cfg)."""
    _quiet_jieba()
    import kg.extract  # noqa: F401  registers the components

    config = load_config(config_path or DEFAULT_CONFIG)
    return spacy.blank("zh", config=config)


@cache
def default_nlp() -> Language:
    """The default pipeline, built once per process."""
    return make_nlp()
