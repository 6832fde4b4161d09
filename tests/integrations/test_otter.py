"""otter-grader: one generated test file per task, and ``grader.check`` in an executed notebook."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.tasks import load_tasks
from autograder.release.otter_files import OTTER_DIR, otter_test_file

otter = pytest.importorskip("otter")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

KIT = Path(__file__).resolve().parents[2]
HW = "hw1_mlp_numpy"
TASK = "1.2"
MUTANT = "relu_backward_masks_grad_out"


def test_one_otter_file_per_task_generated_from_tasks_toml(fixture_kit: Path):
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    assignment = load_tasks(fixture_kit / "solutions" / "fx_ops")
    folder = fixture_kit / "assignments" / "fx_ops" / OTTER_DIR
    assert sorted(p.name for p in folder.iterdir()) == ["1.1.py", "1.2.py"]
    assert not (fixture_kit / "solutions" / "fx_ops" / OTTER_DIR).exists()
    for task in assignment.tasks:
        path = folder / f"{task.id}.py"
        assert path.read_text() == otter_test_file(assignment, task)
        parsed = create_test_file(str(path), NBMetadataConfig())
        assert parsed.name == task.id and len(parsed.test_cases) == 1
        assert parsed.possible == task.points and not parsed.test_cases[0].hidden


def _copy(modules: Path, dest: Path) -> Path:
    """A student's copy of HW1: the release with the editable modules taken from ``modules``."""
    folder = dest / HW
    shutil.copytree(KIT / "assignments" / HW, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in load_tasks(folder).editable_files:
        shutil.copyfile(modules / name, folder / name)
    return folder


def _check_in_notebook(folder: Path) -> str:
    """Execute a notebook in ``folder`` that runs otter's check of TASK; its text output."""
    setup = f'import otter\n\ngrader = otter.Notebook(tests_dir="{OTTER_DIR}")'
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell(f'grader.check("{TASK}")'),
    ]
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    outputs = nb.cells[1].outputs
    assert [o.output_type for o in outputs] == ["execute_result"], outputs
    return outputs[0]["data"]["text/plain"]


def test_otter_check_passes_for_the_reference_and_fails_for_a_mutant_with_kit_messages(
    tmp_path: Path,
):
    reference = _copy(KIT / "solutions" / HW, tmp_path / "reference")
    assert _check_in_notebook(reference).strip() == f"{TASK} results: All test cases passed!"

    patch = next(p for p in load_patches(KIT / "solutions" / HW, "mutant") if p.name == MUTANT)
    assert patch.task == TASK
    with tempfile.TemporaryDirectory() as tmp:
        mutant = _copy(apply_patch(KIT / "solutions" / HW, patch, Path(tmp)) / HW, tmp_path / "m")
    shown = _check_in_notebook(mutant)
    assert "❌ Test case failed" in shown and "AssertionError" in shown
    check = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "check", HW, "--task", TASK],
        cwd=mutant.parent,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 1
    lines = [line.strip() for line in check.stdout.splitlines() if line.strip()]
    assert any(patch.phrase in line for line in lines)
    for line in lines:
        assert line in shown, line
