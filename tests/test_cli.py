"""The student's and the instructor's commands: check, pack, grade-class, demo."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

AG = [sys.executable, "-m", "autograder.cli"]


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(AG + args, capture_output=True, text=True, cwd=cwd)


def test_check_shows_a_table_by_task_for_the_skeleton_and_the_solution(fixture_kit: Path):
    skeleton = _run(["check", "fx_ops"], cwd=fixture_kit / "assignments")
    assert skeleton.returncode == 1
    assert "1.1    Add arrays" in skeleton.stdout and "not attempted" in skeleton.stdout
    assert "0 / 2" in skeleton.stdout  # public points of task 1.1 only
    solved = _run(
        ["check", "fx_ops", "--task", "1.2", "--path", str(fixture_kit / "solutions" / "fx_ops")],
        cwd=fixture_kit,
    )
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "1.2" in solved.stdout and "1.1    Add" not in solved.stdout


def test_check_reports_a_failing_task_with_its_message(own_fixture_kit: Path):
    ops = own_fixture_kit / "assignments" / "fx_ops" / "ops.py"
    ops.write_text(
        ops.read_text().replace(
            "    raise NotImplementedError('1.1: add a and b element-wise.')", "    out = a - b"
        )
    )
    done = _run(["check", "fx_ops"], cwd=own_fixture_kit / "assignments" / "fx_ops")
    assert done.returncode == 1
    assert "add(a, b): " in done.stdout and "max abs error" in done.stdout


def test_check_unknown_folder_and_task_are_clear_errors(fixture_kit: Path, tmp_path: Path):
    done = _run(["check", "fx_ops"], cwd=tmp_path)
    assert done.returncode == 2 and "cannot find your copy of fx_ops" in done.stderr
    done = _run(["check", "fx_ops", "--task", "7.7"], cwd=fixture_kit / "assignments")
    assert done.returncode == 2 and "no task '7.7'" in done.stderr


def test_pack_zips_only_editable_files_and_names_untouched_tasks(own_fixture_kit, tmp_path):
    folder = own_fixture_kit / "assignments" / "fx_ops"
    (folder / "ops.py").write_text("def add(a, b):\n    return a + b\n")
    done = _run(["pack", "fx_ops", "--out", str(tmp_path / "s.zip")], cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "still untouched stubs in tasks: 1.2" in done.stdout
    with zipfile.ZipFile(tmp_path / "s.zip") as zf:
        assert sorted(zf.namelist()) == ["fx_ops/ops.py", "fx_ops/scaler.py"]
    graded = _run(
        [
            "grade",
            "--kit",
            str(own_fixture_kit),
            "fx_ops",
            str(tmp_path / "s.zip"),
            "--out",
            str(tmp_path / "r.json"),
        ],
        cwd=tmp_path,
    )
    assert graded.returncode == 0 and "score 4 / 10" in graded.stdout


def test_grade_class_writes_gradebook_and_resumes(fixture_kit: Path, tmp_path: Path):
    subs = tmp_path / "subs"
    for name, tree in (("ada", "solutions"), ("bob", "assignments")):
        (subs / name / "fx_ops").mkdir(parents=True)
        for f in ("ops.py", "scaler.py"):
            (subs / name / "fx_ops" / f).write_bytes(
                (fixture_kit / tree / "fx_ops" / f).read_bytes()
            )
    (subs / "cat.zip").write_bytes(b"broken")
    args = [
        "grade-class",
        "--kit",
        str(fixture_kit),
        "fx_ops",
        str(subs),
        "--out",
        str(tmp_path / "graded"),
    ]
    first = _run(args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    with open(tmp_path / "graded" / "gradebook.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["student"], r["1.1"], r["1.2"], r["total"], r["status"]) for r in rows] == [
        ("ada", "4", "6", "10", "graded"),
        ("bob", "0", "0", "0", "graded"),
        ("cat", "", "", "", "unreadable"),
    ]
    assert "not a readable zip" in rows[2]["reason"]
    assert "not a readable zip" in (tmp_path / "graded" / "cat" / "error.txt").read_text()
    second = _run(args, cwd=tmp_path)
    assert "cached" in second.stdout and second.stdout.count("cached") == 2


def test_demo_grades_reference_skeleton_and_mutants(own_fixture_kit: Path, tmp_path: Path):
    done = _run(
        ["demo", "fx_ops", "--kit", str(own_fixture_kit), "--out", str(tmp_path / "d")],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "10/10" in lines["reference"] and "0/10" in lines["skeleton"]
    assert "mutant-add_subtracts" in lines and "10/10" not in lines["mutant-add_subtracts"]


def test_make_demo_and_make_test_fetch_the_data_before_grading(kit_root: Path):
    """The README's two commands get the graded tests' data sets first (Debian's package as root,
    then `autograder data fetch`), so the demo's reference shows full marks where they can be
    had."""
    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    for target, fetch, then in (
        ("demo", "autograder data fetch hw1_mlp_numpy", "autograder demo hw1_mlp_numpy"),
        ("test", "autograder data fetch", "pytest"),
    ):
        done = subprocess.run(
            ["make", "-n", target], cwd=kit_root, capture_output=True, text=True, check=True
        )
        lines = done.stdout.splitlines()
        first = next(i for i, line in enumerate(lines) if fetch in line)
        assert "dataset-fashion-mnist" in "\n".join(lines[:first]), target
        assert any(then in line for line in lines[first + 1 :]), target
