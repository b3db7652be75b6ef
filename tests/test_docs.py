"""Contract tests against drift: commands, README and component names stay in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_docs_every_command_has_help_with_example_and_is_in_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"kg {name}" in README


def test_docs_readme_first_two_commands_build_and_test():
    blocks = [b for b in README.split("```") if b.strip().startswith(("bash", "sh"))]
    commands = [line for b in blocks for line in b.splitlines()[1:] if line.strip()]
    assert commands[0].startswith("pip install -e .") and "kg build seeds -o exports" in commands[0]
    assert commands[1].startswith('pip install -e ".[test]"') and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci


def test_docs_components_match_config():
    from spacy.util import load_config

    from kg.extract import COMPONENTS
    from kg.nlp import DEFAULT_CONFIG

    assert tuple(load_config(DEFAULT_CONFIG)["nlp"]["pipeline"]) == COMPONENTS
