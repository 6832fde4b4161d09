"""A task's forbidden built-ins: found in the source, recorded when called, and only that task
loses its points (the fixture's task 1.1 forbids ``numpy.add``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.grading import grade
from autograder.grading.intake import prepare_workspace
from autograder.grading.results import task_scores
from autograder.grading.run import run_tests

FORBID = 'module = "ops"\nforbidden = ["numpy.add"]'


@pytest.fixture()
def kit(own_fixture_kit: Path) -> Path:
    for tree in ("solutions", "assignments"):
        path = own_fixture_kit / tree / "fx_ops" / "tasks.toml"
        path.write_text(path.read_text().replace('module = "ops"', FORBID))
    return own_fixture_kit


def _submission(kit: Path, tmp_path: Path, ops: str) -> Path:
    files = {
        "ops.py": ops.encode(),
        "scaler.py": (kit / "solutions" / "fx_ops" / "scaler.py").read_bytes(),
    }
    return prepare_workspace(kit / "assignments" / "fx_ops", files, tmp_path / "sub")


ALIASED = "from numpy import add as plus\n\ndef add(a, b):\n    return plus(a, b)\n"
DYNAMIC = "import numpy as np\n\ndef add(a, b):\n    return getattr(np, 'ad' + 'd')(a, b)\n"
ALLOWED = "import numpy as np\n\ndef add(a, b):\n    return np.asarray(a) + b\n"


@pytest.mark.parametrize(
    "ops, where",
    [(ALIASED, "ops.py line 1"), (DYNAMIC, "ops.py line 4")],
    ids=["named-in-the-source", "called-under-another-name"],
)
def test_a_forbidden_built_in_fails_its_task_only_with_its_name_and_line(kit, tmp_path, ops, where):
    results = grade(kit, "fx_ops", _submission(kit, tmp_path, ops), tmp_path / "r.json")
    scores = task_scores(results)
    assert scores == {"1.1": 0, "1.2": 6}
    for test in (t for t in results["tests"] if t["number"] == "1.1"):
        assert f"1.1 uses a forbidden built-in: numpy.add ({where})" in test["output"]


def test_the_same_result_without_the_built_in_scores_full(kit, tmp_path):
    results = grade(kit, "fx_ops", _submission(kit, tmp_path, ALLOWED), tmp_path / "r.json")
    assert results["score"] == results["max_score"] == 10


def test_students_see_the_same_verdict_in_process(kit, tmp_path):
    sub = _submission(kit, tmp_path, DYNAMIC)
    tests = kit / "solutions" / "fx_ops" / "tests"
    outcomes = {}
    for mode in ("inprocess", "proxied"):
        rows = run_tests(tests, sub, tmp_path / f"{mode}.jsonl", mode=mode).rows
        outcomes[mode] = [(r.nodeid, r.status, r.output) for r in rows]
    assert outcomes["inprocess"] == outcomes["proxied"]
    assert any("forbidden built-in: numpy.add" in m for _, _, m in outcomes["inprocess"])
    shutil.rmtree(sub)
