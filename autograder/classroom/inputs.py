"""Where a class's submissions are: three layouts, one list of (student, submission).

- a folder of submissions: one folder or ``.zip`` per student, named after the student;
- nbgrader's ``submitted/<student>/<assignment>/`` (the course folder or its ``submitted/``);
- a Gradescope submissions export, unzipped: ``submission_<id>/`` folders and
  ``submission_metadata.yml``, which names each submission's students (a group submission's
  students are joined with ``+``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from autograder.grading.errors import GradingError

__all__ = ["Submission", "find_submissions"]


@dataclass(frozen=True)
class Submission:
    """One student's submission.

    Attributes:
        student: the student's name in the gradebook (a file name: no ``/``).
        path: the folder or zip to grade.
        layout: ``folders``, ``nbgrader`` or ``gradescope``.
    """

    student: str
    path: Path
    layout: str


def _safe(name: str) -> str:
    """A student name usable as a folder name."""
    cleaned = re.sub(r"[^\w.@+-]+", "_", name).strip("._")
    return cleaned or "unnamed"


def _folders(folder: Path) -> list[Submission]:
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix == ".zip":
            student = path.stem if path.suffix == ".zip" else path.name
            found.append(Submission(_safe(student), path, "folders"))
    return found


def _nbgrader(submitted: Path, name: str) -> list[Submission]:
    return [
        Submission(_safe(p.parent.name), p, "nbgrader")
        for p in sorted(submitted.glob(f"*/{name}"))
        if p.is_dir()
    ]


def _submitter_name(person: dict) -> str:
    for key in (":sid", ":email", ":name", "sid", "email", "name"):
        value = person.get(key)
        if value not in (None, ""):
            return str(value)
    return "unnamed"


def _gradescope(folder: Path) -> list[Submission]:
    metadata = folder / "submission_metadata.yml"
    try:
        table = yaml.safe_load(metadata.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GradingError(f"{metadata} cannot be read: {exc}") from None
    if not isinstance(table, dict):
        raise GradingError(f"{metadata}: expected a mapping of submission folders to students")
    found, seen = [], set()
    for key, record in sorted(table.items()):
        people = (record or {}).get(":submitters") or (record or {}).get("submitters") or []
        names = sorted(_submitter_name(p) for p in people if isinstance(p, dict))
        student = _safe("+".join(names) if names else str(key))
        if student in seen:  # two submissions of one student: keep both, told apart
            student = f"{student}.{_safe(str(key))}"
        seen.add(student)
        path = folder / str(key)
        found.append(Submission(student, path, "gradescope"))
    return found


def find_submissions(folder: Path, name: str) -> list[Submission]:
    """The submissions in ``folder``, whichever of the three layouts it has.

    Raises:
        GradingError: no submissions, or a Gradescope export whose metadata cannot be read.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise GradingError(f"{folder} is not a folder of submissions")
    if (folder / "submission_metadata.yml").is_file():
        found = _gradescope(folder)
    elif folder.name == "submitted" or (folder / "submitted").is_dir():
        submitted = folder if folder.name == "submitted" else folder / "submitted"
        found = _nbgrader(submitted, name)
        if not found:
            raise GradingError(f"no submissions in {submitted}/<student>/{name}/ (nbgrader)")
    else:
        found = _folders(folder)
    if not found:
        raise GradingError(f"no submissions (folders or .zip files) in {folder}")
    return found
