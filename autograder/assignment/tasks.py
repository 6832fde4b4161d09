"""An assignment's ``tasks.toml``: the one list of its tasks, points and student-editable modules.

Example::

    [assignment]
    id = "hw1_mlp_numpy"
    title = "A multilayer perceptron in numpy"
    time_limit = 60.0
    forbidden = ["scipy.special.softmax"]   # every task's default list; a task may add its own

    [[tasks]]
    id = "1.1"
    title = "Linear layer"
    points = 10
    module = "layers"
    names = ["Linear"]
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["TASK_ID", "Assignment", "Task", "TasksError", "is_assignment", "load_tasks", "task_key"]

TASK_ID = r"\d+(?:\.\d+)*"  # a task id, "1" or "1.2" or "2.3.1"; every pattern builds on it
_TASK_ID = re.compile(f"^{TASK_ID}$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EXTRA = re.compile(r"^[a-z][a-z0-9-]*$")
_FORBIDDEN = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+(\.\*)?$")
_FORBIDDEN_HINT = (
    "write a dotted path that starts with tf. or keras. or torch. (or another module), like "
    "'tf.nn.moments'"
)


class TasksError(ValueError):
    """A tasks.toml that does not describe a valid assignment."""


@dataclass(frozen=True)
class Task:
    """One task.

    Attributes:
        id: dotted number, e.g. ``"1.2"``.
        title: short title for tables.
        points: the task's total points; the graded tests of the task add up to it.
        module: the student-editable module (without ``.py``) the task lives in.
        names: the classes and functions the task covers.
        forbidden: library functions and classes the task's module may not use, written as their
            public path (``"tf.nn.moments"``, ``"keras.layers.Dropout"``; a trailing ``.*``
            forbids everything below a module). ``tf.keras.X`` is the same as ``keras.X`` and
            ``tf.compat.v1.X`` / ``tf.compat.v2.X`` the same as ``tf.X``: list each thing once.
            It holds the assignment's default list (``[assignment] forbidden``) first, then the
            task's own entries.
    """

    id: str
    title: str
    points: float
    module: str
    names: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    """An assignment as described by its tasks.toml.

    Attributes:
        id: the package name, e.g. ``hw1_mlp_numpy``.
        title: the handout's title.
        tasks: the tasks in order.
        time_limit: default wall-clock seconds per test.
        time_budget: wall-clock seconds for grading one submission's tests in official grading;
            the tests not run when it is used up score 0. Set it from the reference's measured
            grading time with a wide margin, and state it in the handout.
        import_limit: seconds for the first import of a student module in a worker (apart from
            the test's limit); a module whose import takes longer is not imported again.
        memory_mb: resident-memory limit of the worker's process tree in official grading.
        preload: modules every worker imports before the submission's (a framework such as
            ``tensorflow``): a spare worker is then kept ready, so that the restart after a
            failing test does not pay for the import again.
        extras: the kit's optional dependencies (pyproject.toml's extras, e.g. ``["torch"]``)
            that the assignment's tests and oracles need: the handout's install line and the
            Gradescope export's ``setup.sh`` install the wheel with them.
        forbidden: the default list of forbidden built-ins, which every task inherits (each
            task's ``forbidden`` starts with it); the handout's "not allowed" list is generated
            from it and the tasks' own entries.
        path: the assignment's folder.
    """

    id: str
    title: str
    tasks: tuple[Task, ...]
    time_limit: float = 60.0
    time_budget: float = 600.0
    import_limit: float = 20.0
    memory_mb: int = 3072
    preload: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    path: Path = field(default=Path("."), compare=False)

    @property
    def editable_files(self) -> tuple[str, ...]:
        """Files a student edits, relative to the assignment folder, in task order."""
        seen: dict[str, None] = {}
        for task in self.tasks:
            seen.setdefault(f"{task.module}.py")
        return tuple(seen)

    @property
    def total_points(self) -> float:
        """The sum of all tasks' points."""
        return sum(t.points for t in self.tasks)

    def own_forbidden(self, task: Task) -> tuple[str, ...]:
        """What ``task`` forbids beyond the assignment's default list."""
        return tuple(n for n in task.forbidden if n not in self.forbidden)

    def task(self, task_id: str) -> Task:
        """The task with this id."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        known = ", ".join(t.id for t in self.tasks)
        raise TasksError(f"{self.id} has no task {task_id!r} (tasks: {known})")


def task_key(task_id: str) -> list[int]:
    """Sort key of a task id: "1.10" after "1.9"."""
    return [int(part) for part in task_id.split(".")]


def is_assignment(folder: Path) -> bool:
    """Whether ``folder`` is an assignment (it holds a tasks.toml)."""
    return (Path(folder) / "tasks.toml").is_file()


def _take(table: dict[str, Any], cls: type, where: str, **extra: Any) -> Any:
    names = {f.name for f in dataclasses.fields(cls)} - set(extra) - {"path"}
    unknown = set(table) - names
    if unknown:
        raise TasksError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(names)}")
    try:
        return cls(**table, **extra)
    except TypeError as exc:
        raise TasksError(f"{where}: {exc}") from None


def load_tasks(folder: str | Path) -> Assignment:
    """Read and validate ``<folder>/tasks.toml``.

    Raises:
        TasksError: the file is missing, malformed, has unknown keys, duplicate or malformed ids,
            or a task whose module is not a file of the assignment.
    """
    folder = Path(folder)
    path = folder / "tasks.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TasksError(f"{folder} is not an assignment: it has no tasks.toml") from None
    except tomllib.TOMLDecodeError as exc:
        raise TasksError(f"{path}: {exc}") from None
    unknown = set(data) - {"assignment", "tasks"}
    if unknown:
        raise TasksError(f"{path}: unknown table(s) {sorted(unknown)}")
    table = dict(data.get("assignment", {}))
    default = tuple(table.get("forbidden", ()))
    for name in default:
        if not isinstance(name, str) or not _FORBIDDEN.match(name):
            raise TasksError(f"{path} [assignment]: forbids {name!r}: {_FORBIDDEN_HINT}")
    tasks = []
    for i, raw in enumerate(data.get("tasks", [])):
        raw = dict(raw)
        raw["names"] = tuple(raw.get("names", ()))
        raw["forbidden"] = tuple(dict.fromkeys((*default, *raw.get("forbidden", ()))))
        task = _take(raw, Task, f"{path} task {i + 1}")
        if not _TASK_ID.match(str(task.id)):
            raise TasksError(f"{path}: task id {task.id!r} is not a dotted number like '1.2'")
        if not _IDENT.match(task.module) or not (folder / f"{task.module}.py").is_file():
            raise TasksError(f"{path}: task {task.id} names module {task.module!r}, not a file")
        if not task.points > 0:
            raise TasksError(f"{path}: task {task.id} needs positive points")
        for name in task.forbidden:
            if not isinstance(name, str) or not _FORBIDDEN.match(name):
                raise TasksError(f"{path}: task {task.id} forbids {name!r}: {_FORBIDDEN_HINT}")
        tasks.append(task)
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        raise TasksError(f"{path}: duplicate task ids")
    if not tasks:
        raise TasksError(f"{path}: no [[tasks]]")
    table["preload"] = tuple(table.get("preload", ()))
    table["forbidden"] = default
    table["extras"] = tuple(table.get("extras", ()))
    assignment = _take(table, Assignment, f"{path} [assignment]", tasks=tuple(tasks))
    for key in ("time_limit", "time_budget", "import_limit", "memory_mb"):
        if not getattr(assignment, key) > 0:
            raise TasksError(f"{path} [assignment]: {key} must be positive")
    for extra in assignment.extras:
        if not _EXTRA.match(extra):
            raise TasksError(f"{path} [assignment]: extra {extra!r} is not a name like 'torch'")
    if assignment.id != folder.name:
        raise TasksError(f"{path}: id {assignment.id!r} differs from the folder {folder.name!r}")
    return dataclasses.replace(assignment, path=folder)
