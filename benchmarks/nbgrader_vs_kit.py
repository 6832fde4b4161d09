"""Time ``nbgrader autograde`` against ``autograder nbgrader-grade`` for the same submissions.

Run by hand: ``python benchmarks/nbgrader_vs_kit.py [assignment] [mutants]``. It lays out an
nbgrader course in a temporary folder, submits the reference, the untouched release and the
first ``mutants`` mutants (3 by default), then times, one after the other on an otherwise idle
machine:

- ``nbgrader autograde``: every notebook executed, its test cells grading with the hidden tests
  (the first test cell grades every task, the others reuse it);
- ``autograder nbgrader-grade --jobs 1`` and ``--jobs 2``: the kit's grading of the same folders
  (no cache), then the scores written into the gradebook.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.tasks import load_tasks
from autograder.integrations.nbgrader_course import course_settings, nbgrader_env, release_course

KIT = Path(__file__).resolve().parent.parent


def _submit(course: Path, name: str, student: str, modules: Path) -> None:
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True)
    release = course / "release" / name
    for notebook in release.glob("*.ipynb"):
        shutil.copyfile(notebook, folder / notebook.name)
    for module in load_tasks(release).editable_files:
        shutil.copyfile(modules / module, folder / module)


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=nbgrader_env(), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "hw1_mlp_numpy"
    n_mutants = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        start = time.perf_counter()
        release_course(KIT, course, [name])
        settings = course_settings(KIT, course)
        print(f"release --nbgrader: {time.perf_counter() - start:.1f} s; reference graded in")
        print(f"{settings.measured[name]:.1f} s, so {settings.cell_timeout} s per cell")
        _submit(course, name, "reference", KIT / "solutions" / name)
        _submit(course, name, "untouched", course / "release" / name)
        for patch in load_patches(KIT / "solutions" / name, "mutant")[:n_mutants]:
            with tempfile.TemporaryDirectory() as mtmp:
                root = apply_patch(KIT / "solutions" / name, patch, Path(mtmp))
                _submit(course, name, patch.name, root / name)
        n = len(list((course / "submitted").iterdir()))
        autograde = _timed([sys.executable, "-m", "nbgrader", "autograde", name], course)
        kit = {}
        for jobs in (1, 2):
            shutil.rmtree(course / "autograder" / name / "graded", ignore_errors=True)
            cmd = [sys.executable, "-m", "autograder.cli", "nbgrader-grade", str(course), name]
            kit[jobs] = _timed([*cmd, "--jobs", str(jobs), "--kit", str(KIT)], course)
        print(f"{n} submissions of {name}")
        rows = [("nbgrader autograde", autograde)]
        rows += [(f"autograder nbgrader-grade --jobs {j}", s) for j, s in kit.items()]
        for label, seconds in rows:
            print(f"{label:<36} {seconds:7.1f} s  {seconds / n:6.1f} s a submission")


if __name__ == "__main__":
    main()
