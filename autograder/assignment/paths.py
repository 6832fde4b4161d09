"""The one place that finds a kit and an assignment's folders.

A kit holds ``solutions/<hw>/`` (instructors only) and ``assignments/<hw>/`` (the release); a
student's copy is an assignment folder anywhere; an assignment folder is one with a tasks.toml.

A command resolves its assignment once, at its entry (``resolve_assignment``: the folders and
the release's tasks.toml, read once), and passes the ``ResolvedAssignment`` down: the lower
layers (the requirements check, each grading, the fingerprint, the gradebook) take that value,
never the name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.tasks import Assignment, TasksError, is_assignment, load_tasks

__all__ = [
    "AssignmentError",
    "ResolvedAssignment",
    "assignment_names",
    "assignment_of",
    "find_assignment",
    "find_kit",
    "resolve_assignment",
]


class AssignmentError(LookupError):
    """An assignment or kit that cannot be found or read; the message says what to do."""


@dataclass(frozen=True)
class ResolvedAssignment:
    """One assignment of a kit, resolved once at a command's entry and passed down.

    Attributes:
        kit: the kit's root.
        name: the assignment's package name, e.g. ``hw1_mlp_numpy``.
        solution: ``solutions/<hw>`` (tests, hidden tests), or None on a student's machine.
        release: ``assignments/<hw>`` (the provided files a submission is laid over).
        assignment: its tasks and limits, from the release's tasks.toml.
    """

    kit: Path
    name: str
    solution: Path | None
    release: Path
    assignment: Assignment

    @property
    def tests(self) -> Path:
        """The tests grading runs: the solution's (hidden ones included), else the release's."""
        return (self.solution or self.release) / "tests"


def find_kit(start: Path | None = None) -> Path:
    """The kit's root: ``$AUTOGRADER_KIT``, a parent of ``start`` (or the current folder) holding
    ``solutions/`` or ``assignments/``, or the folder above this package."""
    env = os.environ.get("AUTOGRADER_KIT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "solutions").is_dir() or (folder / "assignments").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def assignment_names(folder: Path) -> list[str]:
    """The assignments directly in ``folder`` (e.g. ``solutions/``), sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if is_assignment(p))


def resolve_assignment(kit: Path, name: str) -> ResolvedAssignment:
    """Locate an assignment in a kit and read its tasks; a clear error names the assignments
    there are. A command calls it once, at its entry.

    Raises:
        AssignmentError: no such assignment, its release is missing, or its tasks.toml is bad.
    """
    solution = kit / "solutions" / name
    release = kit / "assignments" / name
    known = sorted(
        set(assignment_names(kit / "solutions")) | set(assignment_names(kit / "assignments"))
    )
    if name not in known:
        raise AssignmentError(f"unknown assignment {name!r} in {kit} (known: {', '.join(known)})")
    if not is_assignment(release):
        raise AssignmentError(f"{release} is missing: run 'autograder release' first")
    try:
        assignment = load_tasks(release)
    except TasksError as exc:
        raise AssignmentError(str(exc)) from None
    return ResolvedAssignment(
        kit, name, solution if is_assignment(solution) else None, release, assignment
    )


def find_assignment(name: str | None = None, start: str | Path | None = None) -> Path:
    """A copy of an assignment: ``start`` itself, a folder ``name`` below it or below its
    ``assignments/``, or a parent.

    Args:
        name: the assignment's package name; any assignment folder when None.
        start: where to look from (a notebook's folder, the student's shell); the current
            folder by default.

    Raises:
        AssignmentError: no such folder with a tasks.toml.
    """
    here = Path(start or os.getcwd()).resolve()
    below = [here / name, here / "assignments" / name] if name else []
    for folder in [here, *below, *here.parents]:
        if (name is None or folder.name == name) and is_assignment(folder):
            return folder
    what = f"the assignment {name!r}" if name else "an assignment (a folder with tasks.toml)"
    raise AssignmentError(
        f"cannot find {what} from {here}: run from its folder or the folder above it"
    )


def assignment_of(path: Path, levels: int = 4) -> Path | None:
    """The assignment folder (with tasks.toml and tests/) that a test file at ``path`` is in."""
    for parent in list(Path(path).parents)[:levels]:
        if is_assignment(parent) and (parent / "tests").is_dir():
            return parent
    return None
