"""``autograder new``: a scaffolded assignment releases, grades full and zero, and mutates.

One numpy assignment is scaffolded with the command into a temporary kit holding only it, and
shared by the tests of this file (about 45 s in all on a busy 2-core machine). The torch and tf
templates are rendered and released here; grading them takes 17 s and 25 s each, so they were
graded by hand (reference 10 / 10, skeleton 0, mutant caught, variant 10 / 10).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.assignment.patches import load_patches
from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import load_tasks
from autograder.cli import main
from autograder.grading import grade
from autograder.release.build import check_release, kit_leaks, release
from autograder.release.handout import check_handout
from autograder.release.notebooks import check_test_cells
from autograder.release.scaffold import TEMPLATES, ScaffoldError, check_name, scaffold
from autograder.release.wheel import build_wheel

AG = [sys.executable, "-m", "autograder.cli"]
NAME = "hw9_softmax"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kit of one assignment, scaffolded by ``autograder new`` and released."""
    root = tmp_path_factory.mktemp("scaffold-kit")
    done = CliRunner().invoke(main, ["new", NAME, "--kit", str(root)])
    assert done.exit_code == 0, done.output
    assert f"wrote {root / 'solutions' / NAME}" in done.output
    release(root)
    return root


def test_the_scaffold_has_every_file_of_an_assignment(kit: Path):
    src = kit / "solutions" / NAME
    files = sorted(str(p.relative_to(src)) for p in src.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "__init__.py",
        "activations.py",
        f"{NAME}.ipynb",
        "mutants/equivalent.toml",
        "mutants/softmax_without_max_shift.toml",
        "tasks.toml",
        "tests/hidden/test_hidden_activations.py",
        "tests/test_activations.py",
        "variants/softmax_via_logsumexp.toml",
    ]
    assignment = load_tasks(src)
    assert [t.id for t in assignment.tasks] == ["1.1"] and assignment.forbidden
    check_handout(assignment)
    assert check_test_cells(assignment, (src / f"{NAME}.ipynb").read_text(), NAME) == 1
    assert [p.task for p in load_patches(src, "mutant")] == ["1.1"]
    assert len(load_patches(src, "variant")) == 1
    for test in ("tests/test_activations.py", "tests/hidden/test_hidden_activations.py"):
        assert "from autograder.authoring import" in (src / test).read_text()
    assert NAME in assignment_names(kit / "solutions")  # found as any assignment is


def test_the_scaffold_passes_ruff(kit: Path):
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    src = kit / "solutions" / NAME
    for cmd in ([ruff, "check", "--no-cache", str(src)], [ruff, "format", "--check", str(src)]):
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).parents[2])
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_release_of_the_scaffold_is_up_to_date_through_the_command(kit: Path):
    assert check_release(kit) == []
    done = CliRunner().invoke(main, ["release", "--check", "--kit", str(kit)])
    assert done.exit_code == 0 and "up to date" in done.output, done.output


def test_the_reference_scores_full_marks_and_the_skeleton_zero(kit: Path, tmp_path: Path):
    reference = grade(kit, NAME, kit / "solutions" / NAME, tmp_path / "reference.json")
    assert reference["score"] == reference["max_score"] == 10
    skeleton = grade(kit, NAME, kit / "assignments" / NAME, tmp_path / "skeleton.json")
    assert skeleton["score"] == 0
    assert all(t["output"].startswith("Not attempted:") for t in skeleton["tests"])


def test_autograder_mutate_runs_on_the_scaffold(kit: Path, tmp_path: Path):
    own = tmp_path / "kit"
    shutil.copytree(kit, own)
    done = subprocess.run(
        [*AG, "mutate", NAME, "--kit", str(own)], capture_output=True, text=True, cwd=own
    )
    assert done.returncode == 0, done.stdout + done.stderr  # no survivor
    report = (own / "solutions" / NAME / "mutation-report.md").read_text()
    assert "| 1.1 | Numerically stable softmax |" in report and "100.0 %" in report


def test_the_templates_stay_out_of_the_wheel(kit: Path, tmp_path: Path):
    """The templates hold the scaffold's reference: the leak check finds it in them, so the
    wheel must leave them out (and does, checked against the scaffolded kit)."""
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    leaks = kit_leaks(copy, kit / "solutions")
    assert any("activations.py.tmpl" in leak for leak in leaks)
    wheel = build_wheel(kit, tmp_path / "wheel")  # raises on a leak
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "autograder/release/scaffold.py" in names
    assert not [n for n in names if n.endswith(".tmpl") or "/templates/" in n]


@pytest.mark.parametrize("framework", ["torch", "tf"])
def test_the_torch_and_tf_scaffolds_release(framework: str, tmp_path: Path):
    name = f"hw9_{framework}_softmax"
    src = scaffold(tmp_path, name, framework)
    release(tmp_path)
    assert check_release(tmp_path) == []
    stub = (tmp_path / "assignments" / name / "activations.py").read_text()
    assert f"import {'torch' if framework == 'torch' else 'tensorflow as tf'}" in stub
    assert 'raise NotImplementedError("1.1:' in stub and "BEGIN SOLUTION" not in stub
    assignment = load_tasks(src)
    assert assignment.extras == (framework,) and assignment.preload
    assert f'[{framework}]"' in (src / "README.md").read_text()  # the install line's extras


@pytest.mark.parametrize(
    "name, problem",
    [
        ("Hw9", "not a valid assignment name"),
        ("9hw", "not a valid assignment name"),
        ("hw-9", "not a valid assignment name"),
        ("class", "not a valid assignment name"),
        ("numpy", "popular or installed package"),
        ("datasets", "popular or installed package"),
        ("json", "popular or installed package"),
        (NAME, "already an assignment"),
    ],
)
def test_a_bad_name_is_refused(kit: Path, name: str, problem: str):
    with pytest.raises(ScaffoldError, match=problem):
        check_name(kit, name)


def test_new_refuses_an_existing_folder_and_an_unknown_framework(tmp_path: Path):
    (tmp_path / "solutions" / "hw9_taken").mkdir(parents=True)
    runner = CliRunner()
    done = runner.invoke(main, ["new", "hw9_taken", "--kit", str(tmp_path)])
    assert done.exit_code == 2 and "already exists" in done.output
    done = runner.invoke(main, ["new", "hw9_x", "--framework", "jax", "--kit", str(tmp_path)])
    assert done.exit_code == 2 and "'jax' is not one of" in done.output
    assert sorted(p.name for p in (tmp_path / "solutions").iterdir()) == ["hw9_taken"]
