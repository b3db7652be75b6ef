"""notebooks/explore.ipynb: stored small, defines nothing, and runs from top to bottom."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in code_cells(notebook):
        assert cell.outputs == [], cell.source
        assert cell.execution_count is None, cell.source


def test_notebook_defines_no_pipeline_logic():
    """It shows what kg computes: no functions or classes of its own."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    source = "\n".join(cell.source for cell in code_cells(notebook))
    assert "from kg." in source
    for line in source.splitlines():
        assert not line.lstrip().startswith(("def ", "class ", "async def ")), line


@pytest.mark.slow
def test_notebook_runs(tmp_path: Path):
    from nbclient import NotebookClient

    # A copy laid out like the repository (notebooks/ beside seeds/), so the
    # notebook's relative paths work and its out/ folder lands under tmp_path.
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    client = NotebookClient(
        notebook, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    outputs = [output for cell in code_cells(notebook) for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    data = [o.get("data", {}) for o in outputs]
    assert any("image/png" in d for d in data), "no plot"
    assert any("<iframe" in d.get("text/html", "") and "kg.html" in d["text/html"] for d in data)
    tables = [d["text/html"] for d in data if "<table" in d.get("text/html", "")]
    assert any("湖北省" in table for table in tables)  # most connected provinces
    assert (folder / "out" / "kg.ttl").is_file()
    assert (folder / "out" / "kg.html").is_file()
