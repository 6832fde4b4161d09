"""nbgrader end to end: release through generate_assignment, kit scores in the gradebook.

The fast tests use the fixture kit and never start nbgrader. The HW1 tests share one course built
once per module (nbgrader imports slowly): generate_assignment, five students submitted (the
reference, the untouched release, two mutants and a notebook that silences every exception),
``nbgrader autograde`` while ``autograder grade`` grades the same folders, then
``autograder nbgrader-grade``, ``nbgrader generate_feedback`` and ``nbgrader export``.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.paths import resolve_assignment
from autograder.assignment.tasks import load_tasks
from autograder.classroom.pool import MissingRequirements
from autograder.grading.results import task_scores
from autograder.integrations.nbgrader_course import (
    CourseSettings,
    cell_timeout,
    course_settings,
    measure_reference,
    nbgrader_env,
    release_course,
    write_config,
)
from autograder.integrations.nbgrader_grading import grade_submitted
from autograder.release.build import build_assignment
from autograder.release.errors import ReleaseError
from autograder.release.leak import leak_check
from autograder.release.notebooks import check_test_cells

nbformat = pytest.importorskip("nbformat")

KIT = Path(__file__).resolve().parents[2]
HW = "hw1_mlp_numpy"
AG = [sys.executable, "-m", "autograder.cli"]
MUTANTS = ("linear_bias_grad_averaged", "softmax_without_max_shift")
COURSE_ID = "dlkit-test"

SILENCE = '''import sys

import autograder.integrations.notebook


def _silence(*args, **kwargs):
    """Hide the exception and clear the cell's error, so the kernel replies "ok"."""
    frame = sys._getframe(1)
    while frame is not None:
        result = frame.f_locals.get("result")
        if hasattr(result, "error_in_exec"):
            result.error_in_exec = None
        frame = frame.f_back


get_ipython().set_custom_exc((Exception,), _silence)
autograder.integrations.notebook.check_task = None  # every test cell now raises, silently'''


# ---------------------------------------------------------------- fast: the fixture kit


def _notebook(cells: list[tuple[str, dict]]) -> str:
    """A notebook of code cells with nbgrader metadata (schema 3)."""
    nb = nbformat.v4.new_notebook()
    for source, meta in cells:
        full = {"schema_version": 3, "locked": True, "solution": False, "task": False, **meta}
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": full}))
    return nbformat.writes(nb)


def _test_cell(task: str, points: float, grade_id: str | None = None) -> tuple[str, dict]:
    grade_id = grade_id or "test_" + task.replace(".", "_")
    return (f'check_task("{task}")', {"grade": True, "grade_id": grade_id, "points": points})


@pytest.mark.parametrize(
    "cells, problem",
    [
        ([_test_cell("1.1", 4)], "task 1.2 has no test cell test_1_2"),
        ([_test_cell("1.1", 4), _test_cell("1.2", 5)], "test_1_2 has 5 points, task 1.2 6"),
        ([_test_cell("1.1", 4), _test_cell("1.2", 6), _test_cell("1.2", 1, "extra")], "extra"),
        (
            [_test_cell("1.1", 4), ('check_task("1.1")', _test_cell("1.2", 6)[1])],
            'test_1_2 does not call check_task("1.2"',
        ),
    ],
)
def test_notebook_test_cells_must_agree_with_tasks(fixture_kit: Path, cells, problem):
    assignment = load_tasks(fixture_kit / "solutions" / "fx_ops")
    with pytest.raises(ReleaseError, match=problem.replace("(", r"\(")):
        check_test_cells(assignment, _notebook(cells), "nb.ipynb")
    good = [_test_cell("1.1", 4), _test_cell("1.2", 6)]
    manual = ("answer", {"grade": True, "solution": True, "grade_id": "answer", "points": 3})
    assert check_test_cells(assignment, _notebook([*good, manual]), "nb.ipynb") == 2
    assert check_test_cells(assignment, _notebook([("x = 1", {"grade": False})]), "nb") == 0


def test_check_task_scales_the_public_points_and_writes_nothing_to_stderr(own_fixture_kit):
    folder = own_fixture_kit / "assignments" / "fx_ops"
    shutil.copy(own_fixture_kit / "solutions" / "fx_ops" / "ops.py", folder / "ops.py")
    code = (
        "from autograder.integrations.notebook import check_task\n"
        "print('VALUES', check_task('1.1'), check_task('1.2'), check_task('1.1', hidden=True))"
    )
    env = dict(nbgrader_env(), AUTOGRADER_KIT=str(own_fixture_kit))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "VALUES 4.0 0.0 4.0" in done.stdout  # 1.1 solved, 1.2 untouched; 1.1 is 4 points
    assert "Not attempted: 1.2" in done.stdout and "Score for task 1.2: 0 / 6" in done.stdout
    assert "public and hidden tests" in done.stdout
    assert "test_add_hidden_large_values" in done.stdout


def test_hidden_tests_need_the_instructors_kit(fixture_kit: Path, tmp_path: Path):
    student = tmp_path / "fx_ops"
    shutil.copytree(fixture_kit / "assignments" / "fx_ops", student)
    code = "from autograder.integrations.notebook import check_task\ncheck_task('1.1', hidden=True)"
    env = dict(nbgrader_env(), AUTOGRADER_KIT=str(tmp_path))  # a kit without solutions/
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=student, capture_output=True, text=True, env=env
    )
    assert done.returncode == 1
    assert "they are only in the instructor's kit" in " ".join(done.stderr.split())


def test_config_block_is_rewritten_in_place_and_keeps_the_instructors_lines(tmp_path: Path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.Exchange.root = '/srv/x'\n")
    settings = CourseSettings("c1", tmp_path, 80, {"hw": ("a.py", "b.py")}, {"hw": 19.5})
    write_config(course, settings)
    write_config(course, CourseSettings("c2", tmp_path, 90, {"hw": ("a.py",)}))
    text = (course / "nbgrader_config.py").read_text()
    assert text.count("# BEGIN autograder") == 1 and "c.Exchange.root = '/srv/x'" in text
    assert "course_id = 'c2'" in text and "c.Execute.timeout = 90" in text
    assert 'exclude_overwriting = {"hw": ["a.py"]}' in text
    compile(text, "nbgrader_config.py", "exec")  # valid Python
    assert json.loads((course / "autograder" / "course.json").read_text())["course_id"] == "c2"
    assert [cell_timeout(s) for s in (1.0, 19.5, 40.2)] == [60, 80, 170]


def test_reference_is_measured_and_a_failing_reference_is_refused(own_fixture_kit, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(own_fixture_kit / "assignments" / "fx_ops", course / "source" / "fx_ops")
    seconds = measure_reference(own_fixture_kit, course, "fx_ops")
    record = json.loads((course / "autograder" / "fx_ops" / "reference.json").read_text())
    assert record["seconds"] == seconds > 0 and record["score"] == record["max_score"] == 10
    settings = course_settings(own_fixture_kit, course)
    assert settings.cell_timeout == cell_timeout(seconds)
    assert settings.measured == {"fx_ops": seconds}
    assert settings.editable == {"fx_ops": ("ops.py", "scaler.py")}
    ops = own_fixture_kit / "solutions" / "fx_ops" / "ops.py"
    ops.write_text(ops.read_text().replace("out = np.add(a, b)", "out = a - b"))
    with pytest.raises(ReleaseError, match="the reference scores 6 / 10"):
        measure_reference(own_fixture_kit, course, "fx_ops")
    with pytest.raises(ReleaseError, match="has no notebook"):
        release_course(own_fixture_kit, course, ["fx_ops"], timeout=60)


def test_a_reference_short_only_of_a_data_set_is_released_when_allowed(kit_lacking_sst, tmp_path):
    course = tmp_path / "course"
    with pytest.raises(ReleaseError, match="7 / 10") as refused:
        measure_reference(kit_lacking_sst, course, "fx_ops")
    assert "autograder data fetch fx_ops" in str(refused.value)
    assert "--allow-missing" in str(refused.value)
    assert measure_reference(kit_lacking_sst, course, "fx_ops", allow_missing=True) > 0
    graded = json.loads((course / "autograder" / "fx_ops" / "reference.json").read_text())
    assert (graded["score"], graded["max_score"]) == (7, 10)
    ops = kit_lacking_sst / "solutions" / "fx_ops" / "ops.py"
    ops.write_text(ops.read_text().replace("out = np.add(a, b)", "out = a - b"))
    with pytest.raises(ReleaseError, match="3 / 10") as refused:  # a real fault is never allowed
        measure_reference(kit_lacking_sst, course, "fx_ops", allow_missing=True)
    assert "--allow-missing" not in str(refused.value)


def test_submitted_folders_are_graded_once_with_a_line_per_student(fixture_kit, tmp_path):
    course = tmp_path / "course"
    for student, source in (("alice", "solutions"), ("bob", "assignments")):
        folder = course / "submitted" / student / "fx_ops"
        folder.mkdir(parents=True)
        for name in ("ops.py", "scaler.py"):
            shutil.copy(fixture_kit / source / "fx_ops" / name, folder / name)
    lines: list[str] = []
    results = grade_submitted(
        resolve_assignment(fixture_kit, "fx_ops"), course, report=lines.append
    )
    assert [(r.student, r.status, r.results["score"]) for r in results] == [
        ("alice", "graded", 10),
        ("bob", "graded", 0),
    ]
    assert sorted(line.split("] ")[1].split(" (")[0] for line in lines) == [
        "alice: 10 / 10",
        "bob: 0 / 10",
    ]
    assert (course / "autograder" / "fx_ops" / "graded" / "alice" / "results.json").is_file()
    rows = list(csv.DictReader((course / "autograder" / "fx_ops" / "gradebook.csv").open()))
    assert [(r["student"], r["1.1"], r["total"]) for r in rows] == [
        ("alice", "4", "10"),
        ("bob", "0", "0"),
    ]
    again = grade_submitted(resolve_assignment(fixture_kit, "fx_ops"), course, students=("bob",))
    assert [(r.student, r.status, r.cached) for r in again] == [("bob", "graded", True)]


def test_nbgrader_grade_refuses_a_machine_that_lacks_a_need_unless_allowed(
    kit_lacking_sst: Path, tmp_path: Path
):
    course = tmp_path / "course"
    folder = course / "submitted" / "alice" / "fx_ops"
    shutil.copytree(kit_lacking_sst / "solutions" / "fx_ops", folder)
    with pytest.raises(MissingRequirements, match="lacks sst") as refused:
        grade_submitted(resolve_assignment(kit_lacking_sst, "fx_ops"), course)
    assert "3 points" in str(refused.value) and not (course / "autograder").exists()
    lines: list[str] = []
    (alice,) = grade_submitted(
        resolve_assignment(kit_lacking_sst, "fx_ops"),
        course,
        allow_missing=True,
        report=lines.append,
    )
    assert "lacks sst" in lines[0] and lines[-1].startswith("[1/1] alice: 7 / 10")
    assert (alice.results["score"], alice.results["max_score"]) == (7, 10)
    cmd = [*AG, "nbgrader-grade", str(course), "fx_ops", "--kit", str(kit_lacking_sst)]
    refused = subprocess.run(cmd, capture_output=True, text=True)
    assert refused.returncode == 2 and "lacks sst" in refused.stderr
    assert "--allow-missing" in refused.stderr
    allowed = subprocess.run([*cmd, "--allow-missing"], capture_output=True, text=True)
    assert "lacks sst" in allowed.stdout  # told, then graded (this course has no gradebook.db
    assert "[1/1] alice: 7 / 10" in allowed.stdout  # for the scores, a later step refuses)


def test_cli_errors_are_clear(fixture_kit: Path, tmp_path: Path):
    course = tmp_path / "course"
    cmd = [*AG, "release", "fx_ops", "--nbgrader", str(course), "--kit", str(fixture_kit)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 2 and "has no notebook for nbgrader" in done.stderr
    course.mkdir()
    cmd = [*AG, "nbgrader-grade", str(course), "fx_ops", "--kit", str(fixture_kit)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 2 and "no submissions in" in done.stderr


# ---------------------------------------------------------------- HW1 through real nbgrader


@dataclass(frozen=True)
class Course:
    """The HW1 course after autograde and the kit's grading.

    Attributes:
        root: the course folder.
        kit: per student, the per-task scores of ``autograder grade`` (results.json).
        notebook: per student, the test cells' scores after ``nbgrader autograde``.
        gradebook: per student, the test cells' scores after ``autograder nbgrader-grade``.
        cli: the output of ``autograder nbgrader-grade``.
        seconds: wall-clock seconds of each step.
    """

    root: Path
    kit: dict[str, dict[str, float]]
    notebook: dict[str, dict[str, float]]
    gradebook: dict[str, dict[str, float]]
    cli: str
    seconds: dict[str, float]


def _submit(course: Path, student: str, modules: Path, notebook: str | None = None) -> Path:
    """What nbgrader collects: the released notebook (or another) and the student's modules."""
    folder = course / "submitted" / student / HW
    folder.mkdir(parents=True)
    release = course / "release" / HW
    text = notebook or (release / f"{HW}.ipynb").read_text(encoding="utf-8")
    (folder / f"{HW}.ipynb").write_text(text, encoding="utf-8")
    for name in load_tasks(release).editable_files:
        shutil.copyfile(modules / name, folder / name)
    return folder


def _gradebook_scores(course: Path) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        return {
            sub.student.id: {g.name: g.score for nb in sub.notebooks for g in nb.grades}
            for sub in gb.assignment_submissions(HW)
        }


def _kit_grade_all(course: Path, students: list[str], out: dict[str, dict[str, float]]) -> None:
    """``autograder grade`` of each submitted folder, into the place nbgrader-grade reads."""
    for student in students:
        target = course / "autograder" / HW / "graded" / student / "results.json"
        sub = course / "submitted" / student / HW
        cmd = [*AG, "grade", HW, str(sub), "--out", str(target), "--kit", str(KIT)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        out[student] = task_scores(json.loads(target.read_text()))


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    pytest.importorskip("nbgrader")
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    seconds: dict[str, float] = {}
    start = time.monotonic()
    release_course(KIT, root, [HW], course_id=COURSE_ID, timeout=600)
    seconds["generate_assignment"] = time.monotonic() - start

    _submit(root, "reference", KIT / "solutions" / HW)
    _submit(root, "untouched", root / "release" / HW)
    patches = {p.name: p for p in load_patches(KIT / "solutions" / HW, "mutant")}
    for name in MUTANTS:
        with tempfile.TemporaryDirectory() as tmp:
            _submit(root, name, apply_patch(KIT / "solutions" / HW, patches[name], Path(tmp)) / HW)
    nb = nbformat.read(root / "release" / HW / f"{HW}.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell(SILENCE))  # right after use_assignment
    _submit(root, "silencer", root / "release" / HW, nbformat.writes(nb))

    # nbgrader autograde and the kit's grading of the same folders run side by side
    students = sorted(p.name for p in (root / "submitted").iterdir())
    kit: dict[str, dict[str, float]] = {}
    timer = {"kit": time.monotonic()}

    def kit_side() -> None:
        _kit_grade_all(root, students, kit)
        timer["kit"] = time.monotonic() - timer["kit"]

    thread = threading.Thread(target=kit_side)
    thread.start()
    start = time.monotonic()
    autograde = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", HW],
        cwd=root,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    seconds["nbgrader autograde (alongside the kit)"] = time.monotonic() - start
    thread.join()
    seconds["autograder grade x5 (alongside nbgrader)"] = timer["kit"]
    assert autograde.returncode == 0, autograde.stdout[-3000:] + autograde.stderr[-3000:]
    assert sorted(kit) == students
    notebook = _gradebook_scores(root)

    start = time.monotonic()
    cli = subprocess.run(
        [*AG, "nbgrader-grade", str(root), HW, "--kit", str(KIT)], capture_output=True, text=True
    )
    seconds["autograder nbgrader-grade (cached)"] = time.monotonic() - start
    assert cli.returncode == 0, cli.stdout + cli.stderr
    start = time.monotonic()
    readers = [  # both only read the gradebook: side by side
        subprocess.Popen(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=root,
            env=nbgrader_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for args in (["generate_feedback", HW], ["export"])
    ]
    for proc in readers:
        log, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, log[-3000:]
    seconds["nbgrader generate_feedback + export"] = time.monotonic() - start
    print("\n".join(f"{k}: {v:.1f} s" for k, v in seconds.items()))
    return Course(root, kit, notebook, _gradebook_scores(root), cli.stdout, seconds)


def _tests(scores: dict[str, float]) -> dict[str, float]:
    """The autograded test cells only (task id -> score), without manually graded cells."""
    return {k[5:].replace("_", "."): v for k, v in scores.items() if k.startswith("test_")}


def test_generate_assignment_releases_no_solution_code_or_hidden_test(course: Course, tmp_path):
    release = course.root / "release" / HW
    secret, public = build_assignment(KIT / "solutions" / HW, tmp_path / HW)
    assert leak_check(release, secret, public) == []
    assert not (release / "tests" / "hidden").exists()
    assert sorted(p.name for p in (release / "otter_tests").iterdir()) == [
        f"{t.id}.py" for t in load_tasks(KIT / "solutions" / HW).tasks
    ]
    for path in (p for p in release.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "hidden = True"):
            assert marker not in text, path
    nb = nbformat.read(release / f"{HW}.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    config = (course.root / "nbgrader_config.py").read_text()
    assert "c.Execute.timeout = 600" in config and '"hw1_mlp_numpy": ["layers.py"' in config


def test_kit_scores_in_gradebook_equal_autograder_grade(course: Course):
    tasks = {t.id: t.points for t in load_tasks(KIT / "solutions" / HW).tasks}
    assert course.kit["reference"] == tasks
    assert course.kit["untouched"] == course.kit["silencer"] == dict.fromkeys(tasks, 0.0)
    patches = {p.name: p for p in load_patches(KIT / "solutions" / HW, "mutant")}
    for name in MUTANTS:
        task = patches[name].task
        assert course.kit[name][task] < tasks[task], name
    for student, scores in course.kit.items():
        assert _tests(course.gradebook[student]) == pytest.approx(scores), student
    assert "[5/5]" in course.cli and "cached" in course.cli


def test_nbgrader_autograde_gives_the_same_scores_on_honest_work(course: Course):
    for student in ("reference", "untouched", *MUTANTS):
        assert _tests(course.notebook[student]) == pytest.approx(course.kit[student]), student
    for student in ("reference", *MUTANTS):
        nb = nbformat.read(course.root / "autograded" / student / HW / f"{HW}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_"):
                kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
                assert ("stream", "stderr") not in kinds and ("error", None) not in kinds
                assert kinds[-1] == ("execute_result", None), (student, kinds)


def test_exception_silencing_notebook_gets_no_points_from_the_kit(course: Course):
    fooled = sum(_tests(course.notebook["silencer"]).values())
    assert fooled == 100, "the silenced test cells no longer fool nbgrader; keep the kit's check"
    assert sum(_tests(course.gradebook["silencer"]).values()) == 0
    assert "silencer: the notebook's test cells gave 100, the kit gives 0" in course.cli
    assert course.gradebook["silencer"]["observations"] == 0  # manual cell left to nbgrader


def test_feedback_and_export_show_the_kits_scores(course: Course):
    rows = {r["student_id"]: r for r in csv.DictReader((course.root / "grades.csv").open())}
    for student, scores in course.kit.items():
        assert float(rows[student]["raw_score"]) == pytest.approx(sum(scores.values()))
    html = (course.root / "feedback" / "silencer" / HW / f"{HW}.html").read_text()
    assert "Score: 0.0 / 100.0" in html
