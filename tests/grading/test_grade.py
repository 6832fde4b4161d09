"""Grading one submission of the fixture assignment: scores, statuses, messages, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.assignment.patches import apply_patch, load_patches
from autograder.grading import GradingError, grade
from autograder.grading.intake import prepare_workspace
from autograder.grading.results import task_scores
from autograder.grading.run import run_tests


def _student(tmp_path: Path, kit: Path, edits: dict[str, str] | None = None) -> Path:
    """A student's folder: the release's editable files, with some files replaced."""
    folder = tmp_path / "student" / "fx_ops"
    folder.mkdir(parents=True)
    for name in ("ops.py", "scaler.py"):
        shutil.copy(kit / "solutions" / "fx_ops" / name, folder / name)
    for name, text in (edits or {}).items():
        (folder / name).write_text(text)
    return folder.parent


def test_reference_scores_full_marks_in_gradescope_format(fixture_kit: Path, tmp_path: Path):
    out = tmp_path / "results.json"
    results = grade(fixture_kit, "fx_ops", fixture_kit / "solutions" / "fx_ops", out)
    assert json.loads(out.read_text()) == results
    assert results["score"] == results["max_score"] == 10
    assert results["execution_time"] > 0
    for test in results["tests"]:
        assert set(test) == {
            "name",
            "number",
            "score",
            "max_score",
            "status",
            "output",
            "visibility",
            "extra_data",
        }
        assert test["status"] == "passed" and test["score"] == test["max_score"]
        assert test["extra_data"]["status"] == "passed" and test["extra_data"]["duration"] >= 0
    assert set(results) == {"score", "max_score", "execution_time", "output", "tests", "extra_data"}
    visibility = {t["name"]: t["visibility"] for t in results["tests"]}
    assert visibility["1.1 Add arrays: test_add_hidden_large_values"] == "after_published"
    assert visibility["1.1 Add arrays: test_add_values[shape0]"] == "visible"
    assert sum(t["max_score"] for t in results["tests"] if t["number"] == "1.1") == 4


def test_untouched_release_scores_zero_all_not_attempted(fixture_kit: Path, tmp_path: Path):
    results = grade(
        fixture_kit, "fx_ops", fixture_kit / "assignments" / "fx_ops", tmp_path / "r.json"
    )
    assert results["score"] == 0 and results["max_score"] == 10
    assert all(t["output"].startswith("Not attempted: 1.") for t in results["tests"])


def test_syntax_error_fails_only_its_module_with_a_clear_message(fixture_kit, tmp_path):
    sub = _student(tmp_path, fixture_kit, {"ops.py": "def add(a, b:\n    return a\n"})
    results = grade(fixture_kit, "fx_ops", sub, tmp_path / "r.json")
    assert task_scores(results) == {"1.1": 0, "1.2": 6}
    outputs = [t["output"] for t in results["tests"] if t["number"] == "1.1"]
    assert all("SyntaxError" in o and "importing fx_ops.ops failed" in o for o in outputs)
    assert all("ops.py:1" in o for o in outputs)


def test_module_raising_at_import_is_graded(fixture_kit, tmp_path):
    sub = _student(tmp_path, fixture_kit, {"scaler.py": "raise RuntimeError('boom at import')\n"})
    results = grade(fixture_kit, "fx_ops", sub, tmp_path / "r.json")
    assert task_scores(results) == {"1.1": 4, "1.2": 0}
    assert all("boom at import" in t["output"] for t in results["tests"] if t["number"] == "1.2")


def test_hang_is_stopped_by_the_wall_clock_and_other_tasks_still_score(fixture_kit, tmp_path):
    hang = (
        (fixture_kit / "solutions" / "fx_ops" / "scaler.py")
        .read_text()
        .replace("        self.calls += 1\n", "        while True:\n            pass\n")
    )
    sub = _student(tmp_path, fixture_kit, {"scaler.py": hang})
    results = grade(fixture_kit, "fx_ops", sub, tmp_path / "r.json")
    assert task_scores(results) == {"1.1": 4, "1.2": 0}
    outputs = [t["output"] for t in results["tests"] if t["number"] == "1.2"]
    assert all("wall-clock limit of 4 s" in o for o in outputs)


def test_zip_submission_and_files_found_in_nested_folders(fixture_kit, tmp_path):
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        src = fixture_kit / "solutions" / "fx_ops"
        zf.write(src / "ops.py", "deep/inside/fx_ops/ops.py")
        zf.write(src / "scaler.py", "deep/inside/fx_ops/scaler.py")
        zf.writestr("deep/inside/fx_ops/tests/test_ops.py", "raise SystemExit('edited test')\n")
    results = grade(fixture_kit, "fx_ops", archive, tmp_path / "r.json")
    assert results["score"] == 10


def test_missing_file_keeps_the_stub_and_says_so(fixture_kit, tmp_path):
    sub = _student(tmp_path, fixture_kit)
    (sub / "fx_ops" / "scaler.py").unlink()
    results = grade(fixture_kit, "fx_ops", sub, tmp_path / "r.json")
    assert task_scores(results) == {"1.1": 4, "1.2": 0}
    assert results["output"].startswith("Missing from the submission: scaler.py")


@pytest.mark.parametrize(
    "make, problem",
    [
        (lambda p: p / "nothing-here", "does not exist"),
        (lambda p: (p / "bad.zip").write_bytes(b"not a zip") and p / "bad.zip", "not a readable"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "no editable file"),
    ],
)
def test_unusable_submission_is_a_clear_error(fixture_kit, tmp_path, make, problem):
    with pytest.raises(GradingError, match=problem):
        grade(fixture_kit, "fx_ops", make(tmp_path), tmp_path / "r.json")


def test_cli_exit_status(fixture_kit, tmp_path):
    cmd = [sys.executable, "-m", "autograder.cli", "grade", "--kit", str(fixture_kit)]
    ok = subprocess.run(
        cmd
        + [
            "fx_ops",
            str(fixture_kit / "assignments" / "fx_ops"),
            "--out",
            str(tmp_path / "r.json"),
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and "score 0 / 10" in ok.stdout
    bad = subprocess.run(cmd + ["hw9_nothing", str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown assignment 'hw9_nothing'" in bad.stderr


def test_in_process_and_proxied_modes_agree(fixture_kit, tmp_path):
    tests = fixture_kit / "solutions" / "fx_ops" / "tests"
    files = {"ops.py": b"def add(a, b):\n    return a - b\n", "scaler.py": b""}
    sub = prepare_workspace(fixture_kit / "assignments" / "fx_ops", files, tmp_path / "sub")
    outcomes = {}
    for mode in ("inprocess", "proxied"):
        rows = run_tests(tests, sub, tmp_path / f"{mode}.jsonl", mode=mode).rows
        outcomes[mode] = [(r.nodeid, r.status, r.output) for r in rows]
    assert outcomes["inprocess"] == outcomes["proxied"]
    assert any(status == "failed" for _, status, _ in outcomes["proxied"])


def test_hidden_feedback_shows_the_error_but_no_expected_values(fixture_kit, tmp_path):
    sub = _student(tmp_path, fixture_kit, {"ops.py": "def add(a, b):\n    return a * 0 + 1.0\n"})
    results = grade(fixture_kit, "fx_ops", sub, tmp_path / "r.json")
    hidden = [
        t for t in results["tests"] if t["visibility"] == "after_published" and t["number"] == "1.1"
    ][0]
    public = [t for t in results["tests"] if t["visibility"] == "visible" and t["number"] == "1.1"][
        0
    ]
    assert "max abs error" in hidden["output"] and "expected" not in hidden["output"]
    assert "received" in public["output"] and "expected" in public["output"]
    assert "np.full" not in hidden["output"] and "def test" not in hidden["output"]


def test_two_trees_in_one_pytest_run_are_refused(fixture_kit, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            str(fixture_kit / "solutions" / "fx_ops" / "tests"),
            str(fixture_kit / "assignments" / "fx_ops" / "tests"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode != 0 and "two trees in one run" in done.stdout + done.stderr


def test_solutions_and_release_graded_in_separate_processes_in_one_test(fixture_kit, tmp_path):
    scores = {}
    for tree in ("solutions", "assignments"):
        results = grade(
            fixture_kit, "fx_ops", fixture_kit / tree / "fx_ops", tmp_path / f"{tree}.json"
        )
        scores[tree] = results["score"] / results["max_score"]
    assert scores == {"solutions": 1.0, "assignments": 0.0}


@pytest.mark.parametrize("kind", ["mutant", "variant"])
def test_fixture_mutants_fail_their_task_and_variants_score_full(fixture_kit, tmp_path, kind):
    src = fixture_kit / "solutions" / "fx_ops"
    patches = load_patches(src, kind)
    assert patches
    for patch in patches:
        root = apply_patch(src, patch, tmp_path / patch.name)
        results = grade(
            fixture_kit,
            "fx_ops",
            root / "fx_ops",
            tmp_path / f"{patch.name}.json",
            tasks=(patch.task,) if kind == "mutant" else (),
        )
        if kind == "variant":
            assert results["score"] == results["max_score"] == 10, patch.name
            continue
        assert results["score"] < results["max_score"], patch.name
        messages = " ".join(t["output"] for t in results["tests"]).lower()
        assert patch.phrase.lower() in messages, (patch.name, messages)


def test_interrupted_grading_still_writes_results(fixture_kit, tmp_path):
    import signal
    import time

    slow = (
        (fixture_kit / "solutions" / "fx_ops" / "scaler.py")
        .read_text()
        .replace(
            "        self.calls += 1\n",
            "        self.calls += 1\n        import time; time.sleep(3)\n",
        )
    )
    sub = _student(tmp_path, fixture_kit, {"scaler.py": slow})
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "autograder.cli",
            "grade",
            "--kit",
            str(fixture_kit),
            "fx_ops",
            str(sub),
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4.5)  # the first test is done, a slow 1.2 test is running
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "partial results written" in err, err
    results = json.loads(out.read_text())
    statuses = {t["name"]: t["output"] for t in results["tests"]}
    assert len(statuses) == 5
    assert any(o.startswith("Not graded: grading was interrupted") for o in statuses.values())
    assert results["score"] > 0  # what was graded before the interruption counts
    assert results["output"].startswith("Grading was interrupted")


COUNTING = """
import numpy as np

RAISED = 0


class Scaler:
    def __init__(self, factor):
        self.factor, self.calls = factor, 0

    def apply(self, x):
        global RAISED
        RAISED += 1
        raise {kind}(f"raised {{RAISED}} times in this process")
"""


@pytest.mark.parametrize("kind, counts", [("ValueError", [1, 2]), ("SystemExit", [1, 1])])
def test_a_worker_that_answered_is_kept_after_a_failure_and_one_in_doubt_is_not(
    fixture_kit, tmp_path, kind, counts
):
    """Task 1.2 has a public and a hidden test: an exception leaves the worker serving (the
    second test sees the first's count), an exit restarts it from a fresh copy."""
    sub = _student(tmp_path, fixture_kit, {"scaler.py": COUNTING.format(kind=kind)})
    results = grade(fixture_kit, "fx_ops", sub, tmp_path / "r.json")
    outputs = [t["output"] for t in results["tests"] if t["number"] == "1.2"]
    assert [f"raised {n} times" in o for o, n in zip(outputs, counts, strict=True)] == [True] * 2
