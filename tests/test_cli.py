"""The `kg` command, run for real with click's CliRunner on files under tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal

from kg.cli import cli
from kg.namespaces import KG

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli-seeds")
    result = CliRunner().invoke(cli, ["build", str(ROOT / "seeds"), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def label_pairs(graph: Graph, predicate) -> set[tuple[str, str]]:
    from rdflib import RDFS

    return {
        (str(graph.value(s, RDFS.label)), str(graph.value(o, RDFS.label)))
        for s, o in graph.subject_objects(predicate)
    }


def test_cli_build_seeds_states_real_facts(seeds_out):
    graph = Graph().parse(seeds_out / "kg.ttl")
    issues = label_pairs(graph, KG.issues)
    assert ("重庆市", "重庆市推动优质中小企业梯度培育改革工作方案") in issues
    assert ("安徽省", "安徽省企业技术改造促进条例") in issues
    locations = label_pairs(graph, KG.locatesIn)
    assert any(firm == "程力集团" and "东津新区" in place for firm, place in locations)
    values = {(m, v) for m, v in graph.subject_objects(KG.value)}
    assert any(v == Literal(86000) or v.toPython() == 86000 for _, v in values)


def test_cli_build_writes_html_and_validates(seeds_out):
    html = (seeds_out / "kg.html").read_text(encoding="utf-8")
    assert "重庆市" in html and "<script" in html


def test_cli_build_is_deterministic(seeds_out, tmp_path):
    copy = tmp_path / "pages"
    shutil.copytree(ROOT / "seeds", copy)
    result = CliRunner().invoke(
        cli, ["build", str(copy), "-o", str(tmp_path / "again"), "--quiet", "--no-html"]
    )
    assert result.exit_code == 0, result.output
    first = (seeds_out / "kg.ttl").read_text(encoding="utf-8")
    again = (tmp_path / "again" / "kg.ttl").read_text(encoding="utf-8")
    # sources differ only in the folder name they were read from
    assert again.replace(str(copy.as_posix()), "seeds") == first.replace(
        str((ROOT / "seeds").as_posix()), "seeds"
    )


def test_cli_exports_are_up_to_date(tmp_path):
    """exports/ is the README's first command run on seeds/: rebuilding gives the same bytes."""
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, ["build", "seeds", "-o", str(tmp_path), "--quiet"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    for name in ("kg.ttl", "kg.html"):
        assert (tmp_path / name).read_bytes() == (ROOT / "exports" / name).read_bytes(), (
            f"exports/{name} is stale: run `kg build seeds -o exports`"
        )


def test_cli_build_summary_table(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# 湖北发布新政\n\n本报讯 湖北省印发《湖北省制造业升级行动方案》。\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", str(page), "-o", str(tmp_path / "out"), "--no-html"])
    assert result.exit_code == 0, result.output
    for row in ("articles read", "facts: issues", "triples written", "seconds"):
        assert row in result.output


def test_cli_build_missing_input_is_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope" in result.output and "no such file or folder" in result.output
    assert "Traceback" not in result.output


def _targets_built_with(tmp_path: Path, config: Path | None) -> set[str]:
    page = tmp_path / "page.txt"
    page.write_text(
        "湖北省印发《湖北省制造业升级行动计划》。\n计划提出，到2027年培育100家链主企业。\n",
        encoding="utf-8",
    )
    out = tmp_path / ("custom" if config else "default")
    args = ["build", str(page), "-o", str(out), "--quiet", "--no-html", "--no-cache"]
    result = CliRunner().invoke(cli, args + (["--config", str(config)] if config else []))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out / "kg.ttl")
    return {str(graph.value(metric, KG.indicator)) for metric in graph.objects(None, KG.targets)}


def test_cli_build_with_another_pipeline_config(tmp_path):
    from kg.nlp import DEFAULT_CONFIG

    config = tmp_path / "config.cfg"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert "passage_sentences = 30" in text
    config.write_text(text.replace("passage_sentences = 30", "passage_sentences = 0"), "utf-8")
    assert _targets_built_with(tmp_path, None) == {"培育链主企业"}
    assert _targets_built_with(tmp_path, config) == set()  # the goal is one sentence later


def test_cli_build_bad_config_is_one_line_error(tmp_path):
    config = tmp_path / "broken.cfg"
    config.write_text('[nlp]\npipeline = ["no_such_step"]\n', encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("湖北省印发《湖北省制造业升级行动计划》。", encoding="utf-8")
    args = ["build", str(page), "-o", str(tmp_path / "out"), "--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: {config}: not a pipeline config:")
    assert not (tmp_path / "out" / "kg.ttl").exists()


def test_cli_validate_catches_a_broken_graph(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix kg: <https://w3id.org/policy-kg/ontology#> .\n"
        '<urn:x:m> a kg:Metric ; kg:unit "家" .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "value" in result.output
