"""Every assignment: reference full, skeleton zero, mutants caught, variants full, notebook runs.

Each grading runs in processes of its own (``autograder.grading``), proxied like official grading,
so the solutions and the release are never imported into one process.
"""

from __future__ import annotations

import functools
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.paths import assignment_names, resolve_assignment
from autograder.assignment.tasks import load_tasks
from autograder.grading import grade
from autograder.grading.records import TestResult
from autograder.grading.requirements import collect_tests
from autograder.grading.results import task_scores
from autograder.integrations.nbgrader_course import release_course
from autograder.release.errors import ReleaseError
from autograder.runtime.requirements import REQUIREMENTS, unmet

KIT = Path(__file__).resolve().parent.parent
FIXTURE_SOLUTIONS = KIT / "tests" / "fixtures" / "kit" / "solutions"
NAMES = assignment_names(KIT / "solutions")
PATCHES = [
    pytest.param(name, patch, id=f"{name}-{patch.kind}-{patch.name}")
    for name in NAMES
    for kind in ("mutant", "variant")
    for patch in load_patches(KIT / "solutions" / name, kind)
]


@pytest.mark.parametrize("name", NAMES)
def test_reference_scores_full_marks(name: str, graded_reference):
    """Full marks on every test this machine can run; a test needing what it lacks (SST, a GPU)
    scores 0, keeps its points in the maximum and names what is missing."""
    results = graded_reference(name)
    lacking = [REQUIREMENTS[n][0] for n in unmet(list(REQUIREMENTS))]
    failed, missing = [], []
    for t in results["tests"]:
        if t["score"] < t["max_score"]:
            cause = t["extra_data"]["cause"]
            (missing if cause == "missing" else failed).append((t["name"], t["output"]))
    assert failed == []
    for test, output in missing:
        assert any(f"this test needs {what}" in output for what in lacking), test
    assert results["max_score"] == sum(t.points for t in load_tasks(KIT / "solutions" / name).tasks)
    assert results["score"] == results["max_score"] - sum(
        t["max_score"] for t in results["tests"] if t["extra_data"]["cause"] == "missing"
    )


@functools.cache
def collected(name: str) -> tuple[TestResult, ...]:
    """The graded tests of ``name`` as collected (once per session; 5 to 8 s each)."""
    return tuple(collect_tests(resolve_assignment(KIT, name)))


# Data sets that CI's machine cannot have, and why; every other need must be met there.
CANNOT_BE_HAD = {"sst": "nlp.stanford.edu is out of reach of the CI machine (no network)"}


def test_the_whole_kit_releases_through_nbgrader_on_this_cpu_machine(graded_reference, tmp_path):
    """`autograder release --nbgrader` of all five assignments on this CPU-only machine, with the
    references graded once for the session: every reference is at full marks where its data are
    here. A data set CI cannot have (CANNOT_BE_HAD, today only the SST) is the one exception:
    the release refuses and names it, then goes on with --allow-missing."""
    pytest.importorskip("nbgrader")
    references = {name: graded_reference(name) for name in NAMES}
    with ThreadPoolExecutor(max_workers=2) as pool:  # each collection is a process of its own
        declared = {n for tests in pool.map(collected, NAMES) for t in tests for n in t.needs}
    lacking = set(unmet(sorted(declared)))
    assert lacking <= set(CANNOT_BE_HAD), f"this machine lacks {lacking - set(CANNOT_BE_HAD)}"
    short = sorted(n for n, r in references.items() if r["score"] < r["max_score"])
    course = tmp_path / "course"
    if short:
        with pytest.raises(ReleaseError, match="autograder data fetch") as refused:
            release_course(KIT, course, short, references=references)
        assert all(REQUIREMENTS[need][0] in str(refused.value) for need in lacking)
    released = release_course(KIT, course, references=references, allow_missing=True)
    assert [p.name for p in released] == NAMES
    for name in NAMES:
        record = json.loads((course / "autograder" / name / "reference.json").read_text())
        lost = sum(
            t["max_score"]
            for t in references[name]["tests"]
            if t["extra_data"]["cause"] == "missing"
        )
        assert record["score"] == record["max_score"] - lost
        assert lost == 0 or name in short


@pytest.mark.parametrize("name", NAMES)
def test_no_graded_test_needs_a_gpu(name: str):
    """A CPU grader can give full marks: no graded test carries a ``gpu`` marker or
    ``requires("gpu")`` (one collection, no submission code runs). Tests that use a GPU where
    there is one (the capstone's learning tests) train on the CPU otherwise."""
    needing = [t.nodeid for t in collected(name) if "gpu" in t.needs]
    assert needing == []


@pytest.mark.parametrize("name", NAMES)
def test_untouched_skeleton_scores_zero_and_every_test_is_not_attempted(name, tmp_path):
    results = grade(KIT, name, KIT / "assignments" / name, tmp_path / "r.json")
    assert results["score"] == 0
    late = [
        t["name"]
        for t in results["tests"]
        if not t["output"].startswith(("Not attempted:", "Not graded: this test needs"))
    ]
    assert late == []


@pytest.mark.parametrize("name", NAMES)
def test_handout_states_the_time_limits_of_tasks_toml(name: str):
    assignment = load_tasks(KIT / "solutions" / name)
    graded = (KIT / "solutions" / name / "README.md").read_text().split("## What is graded")[1]
    for key in ("time_limit", "import_limit", "time_budget"):
        assert f"{getattr(assignment, key):g} s" in graded, key


@pytest.mark.parametrize("name", NAMES)
def test_every_task_has_public_and_hidden_tests_and_mutants(name: str):
    assignment = load_tasks(KIT / "solutions" / name)
    tests = KIT / "solutions" / name / "tests"
    public = "".join(p.read_text() for p in tests.glob("test_*.py"))
    hidden = "".join(p.read_text() for p in (tests / "hidden").glob("test_*.py"))
    mutants = {m.task for m in load_patches(KIT / "solutions" / name, "mutant")}
    for task in assignment.tasks:
        assert f'graded("{task.id}"' in public + hidden, task.id
    assert len(mutants) >= min(5, len(assignment.tasks))
    assert hidden, "hidden tests exist"
    # one naming rule, so a hidden test is known by its name wherever it is seen (the fixture too)
    for solutions in (KIT / "solutions", FIXTURE_SOLUTIONS):
        for path in solutions.glob("*/tests/hidden/*.py"):
            assert path.name.startswith("test_hidden_") or path.name == "__init__.py", path
        for path in solutions.glob("*/tests/test_*.py"):
            assert not path.name.startswith("test_hidden"), f"a hidden test outside hidden/: {path}"


@pytest.mark.parametrize("name, patch", PATCHES)
def test_mutant_fails_its_task_with_its_phrase_and_variant_scores_full(name, patch, tmp_path):
    root = apply_patch(KIT / "solutions" / name, patch, tmp_path / "tree")
    assignment = load_tasks(KIT / "solutions" / name)
    if patch.kind == "variant":
        loses = dict(patch.loses)
        assert set(loses) <= {t.id for t in assignment.tasks}, f"loses: unknown task {loses}"
        results = grade(KIT, name, root / name, tmp_path / "r.json")
        failed = [
            (t["name"], t["output"])
            for t in results["tests"]
            if t["score"] < t["max_score"] and t["number"] not in loses and not _missing(t)
        ]
        assert failed == [], f"variant ({patch.how}) must score full marks outside {sorted(loses)}"
        for task, phrase in loses.items():
            assert task_scores(results)[task] < assignment.task(task).points, (
                f"variant ({patch.how}) was expected to lose points on {task}"
            )
            _assert_a_message_says(results, task, phrase)
        return
    results = grade(KIT, name, root / name, tmp_path / "r.json", tasks=(patch.task,))
    lost = [t for t in results["tests"] if t["score"] < t["max_score"] and not _missing(t)]
    assert lost, f"mutant ({patch.description}) was not caught"
    _assert_a_message_says(results, patch.task, patch.phrase)


def _missing(test: dict) -> bool:
    """A test this machine could not run (its data set or GPU missing): it proves nothing."""
    return test["extra_data"]["cause"] == "missing"


# HW1's 1.9 builds the network from the student's layers, losses and optimisers by design
COMPOSING = {"hw1_mlp_numpy": {"1.9"}}


@pytest.mark.parametrize(
    "module, breakage, loses",
    [
        ("layers", "raise ImportError('broken on purpose')\n", {"1.1", "1.2", "1.3"}),
        (
            "layers",
            "class Linear:\n    def __init__(self, *a, **k):\n        raise ValueError\n",
            {"1.1"},
        ),
        ("optim", "def broken(:\n", {"1.7", "1.8"}),
    ],
    ids=["layers-does-not-import", "layers-linear-broken", "optim-syntax-error"],
)
def test_a_broken_hw1_module_costs_only_its_own_tasks(module, breakage, loses, tmp_path):
    """Points follow the task that is wrong: the other modules' tasks keep full marks."""
    name = "hw1_mlp_numpy"
    submission = tmp_path / name
    shutil.copytree(KIT / "solutions" / name, submission, ignore=shutil.ignore_patterns("tests"))
    if "Linear" in breakage:  # the rest of layers.py stays correct
        breakage = (submission / "layers.py").read_text() + "\n\n" + breakage
    (submission / f"{module}.py").write_text(breakage)
    results = grade(KIT, name, submission, tmp_path / "r.json")
    scores = task_scores(results)
    for task in load_tasks(KIT / "solutions" / name).tasks:
        if task.id in loses:
            assert scores[task.id] < task.points, task.id
        elif task.id not in COMPOSING[name]:
            assert scores[task.id] == task.points, (task.id, results["output"])


def _assert_a_message_says(results: dict, task: str, phrase: str) -> None:
    """Some test of ``task`` that lost points has ``phrase`` in its message (any case)."""
    messages = [
        t["output"]
        for t in results["tests"]
        if t["number"] == task and t["score"] < t["max_score"] and not _missing(t)
    ]
    assert any(phrase.lower() in m.lower() for m in messages), (phrase, messages)


@pytest.mark.parametrize(
    "name", [n for n in NAMES if (KIT / "solutions" / n / f"{n}.ipynb").exists()]
)
def test_notebook_runs_top_to_bottom_on_the_reference(name: str, tmp_path: Path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    # a copy of the kit's solutions and release: the notebook writes checkpoints and logs
    for tree in ("solutions", "assignments"):
        shutil.copytree(KIT / tree, tmp_path / tree, ignore=shutil.ignore_patterns("__pycache__"))
    folder = tmp_path / "solutions" / name
    if name == "capstone_unet_deepshape":  # its cell for the published DeepSHAPE files runs too
        monkeypatch.setenv("DEEPSHAPE_DATA", str(_published_deepshape_copy(tmp_path / "ds")))
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    if name == "capstone_unet_deepshape":
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells}
        # the epoch is chosen on training windows set aside, never on the test windows
        assert "(codes[val], data.targets[val])" in cells["train"].source
        assert "(codes[test], data.targets[test])" not in cells["train"].source
        said = "".join(o.get("text", "") for o in cells["published"].outputs)
        assert "test windows: masked accuracy" in said, said


def _published_deepshape_copy(root: Path) -> Path:
    """A small stand-in for DeepSHAPE's ``partial_data``, laid out as the published files (CRLF,
    a tab before every value, exact zeros): transcripts of two embedded windows each, their
    reactivities clipped to [0, 1]."""
    from autograder.topics.deepshape.data import folded_rna

    data = folded_rna(600, 64, 0, generate=False)
    for part, start, count in (("train", 0, 5), ("test", 10, 2)):
        folder = root / "3_invitro" / part
        folder.mkdir(parents=True)
        seqs, values = [], []
        for k in range(start, start + 2 * count, 2):
            header = f">1:{1000 * k}-{1000 * k + 128}\r\n"
            r = np.nan_to_num(np.concatenate(data.reactivity[k : k + 2]), nan=0.0)
            seqs.append(header + "".join(data.sequences[k : k + 2]).replace("U", "T") + "\r\n")
            values.append(header + "".join(f"\t{v:.3f}" for v in np.clip(r, 0, 1)) + "\r\n")
        (folder / "sequences3.txt").write_bytes("".join(seqs).encode())
        (folder / "annotations3.txt").write_bytes("".join(values).encode())
    return root
