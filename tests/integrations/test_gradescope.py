"""Gradescope's autograder zip, run in Gradescope's layout laid out in a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.assignment.paths import resolve_assignment
from autograder.assignment.tasks import load_tasks
from autograder.integrations.gradescope import GradescopeError, export_gradescope, setup_script
from autograder.release.wheel import WHEEL_NAME

HW = "fx_ops"


@pytest.fixture(scope="module")
def export(fixture_kit: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture assignment's zip, written by the command."""
    out = tmp_path_factory.mktemp("export") / "fx.zip"
    cmd = [sys.executable, "-m", "autograder.cli", "export", "gradescope", HW]
    done = subprocess.run(
        cmd + ["--kit", str(fixture_kit), "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _gradescope(export: Path, root: Path, submission: dict[str, str]) -> dict:
    """Unpack as Gradescope does into ``root/source``, put the files in ``root/submission``, run
    ``run_autograder`` with ``root`` as the root, in this environment (no setup.sh)."""
    with zipfile.ZipFile(export) as archive:
        archive.extractall(root / "source")
    for info in zipfile.ZipFile(export).infolist():  # extractall drops the modes
        os.chmod(root / "source" / info.filename, info.external_attr >> 16)
    (root / "submission").mkdir()
    for name, text in submission.items():
        (root / "submission" / name).write_text(text)
    env = dict(os.environ, AUTOGRADER_PYTHON=sys.executable)
    env.pop("AUTOGRADER_KIT", None)
    done = subprocess.run(
        [root / "source" / "run_autograder", str(root)],
        cwd=root / "source",
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_the_zip_holds_the_scripts_the_wheel_the_release_and_the_hidden_tests(export: Path):
    with zipfile.ZipFile(export) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    for script in ("setup.sh", "run_autograder"):
        assert infos[script].external_attr >> 16 == 0o755
    assert WHEEL_NAME in infos and f"kit/assignments/{HW}/ops.py" in infos
    assert f"kit/solutions/{HW}/tests/hidden/test_hidden_ops.py" in infos
    assert not any("mutants" in name or "variants" in name for name in infos)
    assert f'pip install "$SOURCE/{WHEEL_NAME}"' in setup  # the fixture needs no extra
    subprocess.run(["bash", "-n", "-c", setup], check=True)


def test_no_reference_code_is_in_the_zip(export: Path, fixture_kit: Path):
    reference = (fixture_kit / "solutions" / HW / "ops.py").read_text()
    with zipfile.ZipFile(export) as archive:
        for copy in (f"kit/assignments/{HW}/ops.py", f"kit/solutions/{HW}/ops.py"):
            stub = archive.read(copy).decode()
            assert "NotImplementedError('1.1" in stub and stub != reference


def test_the_reference_scores_full_marks_in_gradescopes_layout(
    export: Path, fixture_kit: Path, tmp_path: Path
):
    solution = fixture_kit / "solutions" / HW
    files = {name: (solution / name).read_text() for name in ("ops.py", "scaler.py")}
    results = _gradescope(export, tmp_path, files)
    assert results["score"] == results["max_score"] == 10
    visibility = {t["visibility"] for t in results["tests"]}
    assert visibility == {"visible", "after_published"}  # the hidden tests ran too


def test_the_skeleton_scores_zero_and_an_empty_submission_says_why(
    export: Path, fixture_kit: Path, tmp_path: Path
):
    release = fixture_kit / "assignments" / HW
    files = {name: (release / name).read_text() for name in ("ops.py", "scaler.py")}
    results = _gradescope(export, tmp_path / "skeleton", files)
    assert results["score"] == 0 and results["max_score"] == 10
    assert "not attempted" in results["output"]
    results = _gradescope(export, tmp_path / "empty", {"notes.txt": "nothing\n"})
    assert results["score"] == 0 and results["tests"] == []
    assert "Grading could not run" in results["output"] and "no editable file" in results["output"]


def test_a_solution_line_in_the_release_stops_the_export(own_fixture_kit: Path, tmp_path: Path):
    reference = (own_fixture_kit / "solutions" / HW / "scaler.py").read_text()
    line = next(x for x in reference.splitlines() if "self.factor * x" in x)
    (own_fixture_kit / "assignments" / HW / "notes.md").write_text(f"{line}\n")
    with pytest.raises(GradescopeError, match="solution lines in the export"):
        export_gradescope(resolve_assignment(own_fixture_kit, HW), tmp_path / "fx.zip")
    assert not (tmp_path / "fx.zip").exists()
    shutil.rmtree(own_fixture_kit / "solutions" / HW / "tests" / "hidden")
    with pytest.raises(GradescopeError, match="no hidden tests"):
        export_gradescope(resolve_assignment(own_fixture_kit, HW), tmp_path / "fx.zip")


def test_setup_installs_pytorchs_cpu_build_with_the_torch_extra():
    script = setup_script(("torch", "opencv"))
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in script
    assert f'"$SOURCE/{WHEEL_NAME}[torch,opencv]"' in script
    assert "download.pytorch.org" not in setup_script(("tf",))


def test_setup_fetches_the_data_its_graded_tests_declare():
    assert "data fetch" not in setup_script(("torch",))
    script = setup_script(("torch",), ("fashion-mnist",))
    assert 'data fetch fashion-mnist --kit "$SOURCE/kit" --dir "$ROOT/data"' in script


DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


@pytest.mark.skipif(
    not DEBIAN_FASHION.is_dir(), reason="needs Debian's dataset-fashion-mnist (make data)"
)
def test_hw1_through_setup_and_run_autograder_scores_full_marks_with_its_data(
    kit_root: Path, tmp_path: Path
):
    """HW1's export, set up as Gradescope would (setup.sh into a scratch root, Debian's files
    standing in for the network) on a machine whose data search path is empty: the data land in
    ROOT/data, and run_autograder grades the reference at full marks, Fashion-MNIST test
    included."""
    name = "hw1_mlp_numpy"
    zipped = export_gradescope(resolve_assignment(kit_root, name), tmp_path / "hw1.zip")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root / "source")
        setup = archive.read("setup.sh").decode()
        for info in archive.infolist():
            os.chmod(root / "source" / info.filename, info.external_attr >> 16)
    assert "data fetch fashion-mnist" in setup
    env = dict(os.environ, AUTOGRADER_PYTHON=sys.executable, AUTOGRADER_DATA_PATH="")
    env["AUTOGRADER_DATA_FROM"] = str(DEBIAN_FASHION)
    for key in ("AUTOGRADER_KIT", "AUTOGRADER_DATA_DIR"):
        env.pop(key, None)
    done = subprocess.run(
        ["bash", root / "source" / "setup.sh", str(root)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    copied = sorted(p.name for p in (root / "data" / "fashion-mnist").iterdir())
    assert copied == sorted(p.name for p in DEBIAN_FASHION.glob("*.gz"))

    reference = kit_root / "solutions" / name
    (root / "submission").mkdir()
    for module in load_tasks(reference).editable_files:
        shutil.copy(reference / module, root / "submission" / module)
    del env["AUTOGRADER_DATA_FROM"]
    done = subprocess.run(
        [root / "source" / "run_autograder", str(root)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    fashion = [t for t in results["tests"] if "fashion" in t["name"]]
    assert fashion and all(t["score"] == t["max_score"] for t in fashion), fashion
    assert results["score"] == results["max_score"] == 100
