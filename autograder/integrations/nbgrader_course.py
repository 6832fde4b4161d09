"""Release assignments through nbgrader: an nbgrader course laid out from the kit.

``autograder release --nbgrader COURSE [NAMES]`` runs these steps for each assignment:

1. ``layout_source``: ``COURSE/source/<hw>/`` holds a fresh kit release of the assignment (stripped
   modules, provided files, public tests, otter tests) with the SOURCE notebook from solutions/.
   nbgrader copies every file that is not a notebook into its release as it is, so nothing in
   source/ but the notebook's own solution regions and hidden tests is secret;
2. ``measure_reference``: the kit grades the reference solution (it must score full marks); the
   time sets nbgrader's per-cell timeout, since under autograde the first test cell grades it all;
3. ``write_config``: ``nbgrader_config.py`` (course id, timeout, the kit's markers, the editable
   modules that autograde must keep, where the kit is);
4. ``run_nbgrader("generate_assignment", <hw>, "--force")`` with nbgrader's executables on PATH;
5. ``leak_check`` over every file of ``COURSE/release/<hw>/``.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import is_assignment, load_tasks
from autograder.grading.grade import grade
from autograder.grading.records import read_tests
from autograder.release.build import build_assignment
from autograder.release.errors import ReleaseError
from autograder.release.leak import leak_check
from autograder.runtime.causes import Cause

__all__ = [
    "CourseSettings",
    "NbgraderError",
    "cell_timeout",
    "course_settings",
    "layout_source",
    "measure_reference",
    "nbgrader_env",
    "release_course",
    "run_nbgrader",
    "write_config",
]

DEFAULT_TIMEOUT = 120
_BEGIN, _END = "# BEGIN autograder", "# END autograder"


class NbgraderError(RuntimeError):
    """An nbgrader command failed."""


@dataclass(frozen=True)
class CourseSettings:
    """What the kit writes into an nbgrader course's ``nbgrader_config.py``.

    Attributes:
        course_id: nbgrader's course id (also the gradebook's).
        kit: the instructor's kit; test cells find the hidden tests there under autograde.
        cell_timeout: seconds per notebook cell (nbgrader's ``Execute.timeout``).
        editable: assignment -> its student-editable modules, which autograde must not replace by
            the source versions (the stubs).
        measured: assignment -> seconds the kit took to grade its reference solution.
    """

    course_id: str
    kit: Path
    cell_timeout: int = DEFAULT_TIMEOUT
    editable: dict[str, tuple[str, ...]] = field(default_factory=dict)
    measured: dict[str, float] = field(default_factory=dict)


def nbgrader_env() -> dict[str, str]:
    """This environment with this interpreter's scripts folder (nbgrader, alembic) first on PATH."""
    scripts = str(Path(sys.executable).parent)
    return dict(os.environ, PATH=os.pathsep.join([scripts, os.environ.get("PATH", "")]))


def run_nbgrader(course: Path, *args: str, timeout: float | None = None) -> str:
    """Run ``nbgrader ARGS`` in the course folder; return its output.

    Raises:
        NbgraderError: nbgrader exited with an error (the message ends with its output).
    """
    cmd = [sys.executable, "-m", "nbgrader", *args]
    done = subprocess.run(
        cmd,
        cwd=course,
        env=nbgrader_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise NbgraderError(f"nbgrader {' '.join(args)} failed:\n{output[-4000:]}")
    return output


def layout_source(kit: Path, course: Path, name: str) -> tuple[list[str], list[str]]:
    """Write ``COURSE/source/<name>/``: the kit's release with the source notebooks.

    Returns:
        The secret and public lines of the assignment (``autograder.release.build_assignment``),
        for the leak check of nbgrader's release.
    """
    src = kit / "solutions" / name
    if not is_assignment(src):
        raise ReleaseError(f"no assignment {name!r} in {kit / 'solutions'}")
    notebooks = sorted(src.glob("*.ipynb"))
    if not notebooks:
        raise ReleaseError(f"{src} has no notebook for nbgrader to release")
    target = course / "source" / name
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / name
        secret, public = build_assignment(src, staged)
        for released in staged.glob("*.ipynb"):
            released.unlink()
        for notebook in notebooks:
            shutil.copyfile(notebook, staged / notebook.name)
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, target)
    return secret, public


def cell_timeout(seconds: float) -> int:
    """Seconds per cell from the reference's grading time: 4 times it in whole tens, 60 at least."""
    return max(60, 10 * math.ceil(4 * seconds / 10))


def measure_reference(
    kit: Path,
    course: Path,
    name: str,
    *,
    allow_missing: bool = False,
    graded: dict | None = None,
) -> float:
    """Grade the reference solution with the kit; record and return the seconds it took.

    Args:
        kit: the instructor's kit.
        course: the nbgrader course folder.
        name: the assignment.
        allow_missing: accept points lost only because this machine lacks what a test needs (a
            data set): they stay in the maximum, and every student's notebook loses them too.
        graded: the reference's results.json from ``autograder grade`` of this kit, used instead
            of grading it again (its ``execution_time`` is the time recorded).

    Raises:
        ReleaseError: the reference does not score full marks (where that is only for want of
            a data set, the message names it and how to fetch it).
    """

    folder = course / "autograder" / name
    folder.mkdir(parents=True, exist_ok=True)
    if graded is None:
        start = time.monotonic()
        with tempfile.TemporaryDirectory() as tmp:
            graded = grade(kit, name, kit / "solutions" / name, Path(tmp) / "results.json")
        seconds = round(time.monotonic() - start, 2)
    else:
        seconds = round(float(graded["execution_time"]), 2)
    lost = [t for t in read_tests(graded) if t.score < t.max_score]
    lacking = [t for t in lost if t.cause is Cause.MISSING]
    if lost and (len(lacking) < len(lost) or not allow_missing):
        where = (
            ""
            if len(lacking) < len(lost)
            else (
                "\nOnly for want of what this machine lacks: fetch it (`autograder data fetch "
                f"{name}`), or pass --allow-missing to release anyway (students lose those points "
                "in their notebooks' scores too)."
            )
        )
        raise ReleaseError(
            f"{name}: the reference scores {graded['score']:g} / {graded['max_score']:g}; "
            f"fix the solutions before releasing:\n{graded['output']}{where}"
        )
    record = {"seconds": seconds, "score": graded["score"], "max_score": graded["max_score"]}
    (folder / "reference.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return seconds


def course_settings(
    kit: Path, course: Path, course_id: str | None = None, timeout: int | None = None
) -> CourseSettings:
    """The settings of a course from what it holds: ``source/*/tasks.toml``, the measurements.

    Args:
        kit: the instructor's kit.
        course: the nbgrader course folder.
        course_id: nbgrader's course id; the one recorded before, else the folder's name.
        timeout: seconds per cell; by default from the references' grading times.
    """
    record_path = course / "autograder" / "course.json"
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.is_file() else {}
    course_id = course_id or record.get("course_id") or course.resolve().name
    editable, measured = {}, {}
    for name in assignment_names(course / "source"):
        editable[name] = load_tasks(course / "source" / name).editable_files
        reference = course / "autograder" / name / "reference.json"
        if reference.is_file():
            measured[name] = json.loads(reference.read_text(encoding="utf-8"))["seconds"]
    if timeout is None:
        timeout = max([cell_timeout(s) for s in measured.values()] or [DEFAULT_TIMEOUT])
    return CourseSettings(course_id, kit.resolve(), int(timeout), editable, measured)


def _config_block(settings: CourseSettings) -> str:
    measured = ", ".join(f"{n} {s:g} s" for n, s in sorted(settings.measured.items()))
    editable = {name: list(files) for name, files in sorted(settings.editable.items())}
    lines = [
        f"{_BEGIN} (written by `autograder release --nbgrader`; rerun it, do not edit here)",
        "import os  # noqa: E402",
        "",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {settings.course_id!r}",
        "# the kit marks solution regions and hidden tests as nbgrader does by default",
        'c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"',
        'c.ClearSolutions.end_solution_delimeter = "END SOLUTION"',
        "c.ClearSolutions.enforce_metadata = True",
        'c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"',
        'c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"',
        "c.ClearHiddenTests.enforce_metadata = True",
        "# seconds per cell: under autograde the first test cell grades every task; the kit",
        f"# graded the references in: {measured or 'not measured'}",
        f"c.Execute.timeout = {settings.cell_timeout}",
        "# the notebooks test the students' own modules: autograde must not put the stubs back",
        f"c.Autograde.exclude_overwriting = {json.dumps(editable)}",
        "# the test cells find the hidden tests in the instructor's kit",
        f"os.environ.setdefault('AUTOGRADER_KIT', {str(settings.kit)!r})",
        _END,
    ]
    return "\n".join(lines) + "\n"


def write_config(course: Path, settings: CourseSettings) -> Path:
    """Write the kit's block of ``COURSE/nbgrader_config.py``, keeping anything else in the file.

    Also records the course id and the kit in ``COURSE/autograder/course.json``.
    """
    path = course / "nbgrader_config.py"
    block = _config_block(settings)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if _BEGIN in text and _END in text:
        head, rest = text.split(_BEGIN, 1)
        text = head + block + rest.split(_END, 1)[1].lstrip("\n")
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + block
    course.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    record = {"course_id": settings.course_id, "kit": str(settings.kit)}
    (course / "autograder").mkdir(exist_ok=True)
    (course / "autograder" / "course.json").write_text(
        json.dumps(record, indent=2) + "\n", encoding="utf-8"
    )
    return path


def release_course(
    kit: Path,
    course: Path,
    names: list[str] | None = None,
    *,
    course_id: str | None = None,
    timeout: int | None = None,
    allow_missing: bool = False,
    references: dict[str, dict] | None = None,
) -> list[Path]:
    """Lay out an nbgrader course for the assignments and run ``generate_assignment`` on each.

    Args:
        kit: the kit's root (with solutions/).
        course: the nbgrader course folder (created if missing).
        names: the assignments; all that have a notebook by default.
        course_id: nbgrader's course id (default: recorded before, else the folder's name).
        timeout: seconds per cell; measured from the reference's grading when not given.
        allow_missing: release even where the reference loses points only because this machine
            lacks a data set (see :func:`measure_reference`).
        references: assignment -> its reference's results.json, already graded with this kit.

    Returns:
        The released folders, ``COURSE/release/<hw>``.

    Raises:
        ReleaseError: a release step failed, the reference does not score full marks, or a
            released file holds a solution or hidden-test line.
        NbgraderError: nbgrader failed.
    """
    course = course.resolve()
    solutions = kit / "solutions"
    names = names or [
        n for n in assignment_names(solutions) if any((solutions / n).glob("*.ipynb"))
    ]
    lines = {name: layout_source(kit, course, name) for name in names}
    if timeout is None:
        for name in names:
            graded = (references or {}).get(name)
            measure_reference(kit, course, name, allow_missing=allow_missing, graded=graded)
    write_config(course, course_settings(kit, course, course_id, timeout))
    released = []
    for name in names:
        run_nbgrader(course, "generate_assignment", name, "--force")
        folder = course / "release" / name
        leaks = leak_check(folder, *lines[name])
        if (folder / "tests" / "hidden").exists():
            leaks.append(f"{folder / 'tests' / 'hidden'}: hidden tests released")
        if leaks:
            shutil.rmtree(folder)
            raise ReleaseError(
                f"{name}: solution or hidden lines in nbgrader's release (removed):\n"
                + "\n".join(leaks)
            )
        released.append(folder)
    return released
