"""The handout's generated parts, the task table and the "not allowed" list, from tasks.toml.

A handout (``solutions/<hw>/README.md``) marks each generated part with two HTML comments, which
do not show once the Markdown is rendered::

    <!-- BEGIN GENERATED tasks (from tasks.toml: autograder release --handouts) -->
    | id | title | points |
    | --- | --- | --- |
    | 1.1 | Stable softmax | 10 |

    Total: 10 points.
    <!-- END GENERATED tasks -->

``tasks`` is the task table (``task_table``) and ``forbidden`` the list of built-ins a task may
not use (``forbidden_list``: the assignment's default list, then each task's own entries).
``check_handout``, a step of every release, fails when a part differs from what tasks.toml gives,
naming the rows or entries that disagree, and when tasks.toml forbids something but the handout
has no ``forbidden`` part; ``write_handout`` (``autograder release --handouts``) rewrites the
parts in place. Task-table rows ``| <id> | <title> | <points> |`` are checked with or without
markers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from autograder.assignment.tasks import TASK_ID, Assignment
from autograder.release.errors import ReleaseError

__all__ = [
    "GENERATED",
    "check_handout",
    "forbidden_list",
    "generated_part",
    "task_table",
    "write_handout",
]

_ROW = re.compile(rf"^\|\s*({TASK_ID})\s*\|\s*([^|]*?)\s*\|\s*([\d.]+)\s*\|")
_PART = re.compile(
    r"^<!-- BEGIN GENERATED (\w+)\b[^\n]*-->\n(.*?)^<!-- END GENERATED \1 -->$", re.S | re.M
)
_EVERY = "every task"
_HOW = "run 'autograder release --handouts' to regenerate it"


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def task_table(assignment: Assignment) -> str:
    """The task table: one row per task, then the total."""
    rows = ["| id | title | points |", "| --- | --- | --- |"]
    rows += [f"| {t.id} | {t.title} | {t.points:g} |" for t in assignment.tasks]
    return "\n".join([*rows, "", f"Total: {assignment.total_points:g} points."])


def forbidden_list(assignment: Assignment) -> str:
    """The "not allowed" list: one line for the default list, one per task (tasks of one file
    with the same own entries share a line)."""
    lines = []
    if assignment.forbidden:
        files = _names(assignment.editable_files)
        lines.append(f"- {_EVERY} ({files}): {_names(assignment.forbidden)}")
    groups: list[tuple[list[str], str, tuple[str, ...]]] = []
    for task in assignment.tasks:
        own = assignment.own_forbidden(task)
        if not own:
            continue
        if groups and groups[-1][1:] == (task.module, own):
            groups[-1][0].append(task.id)
        else:
            groups.append(([task.id], task.module, own))
    for ids, module, own in groups:
        lines.append(f"- {', '.join(ids)} (`{module}.py`): {_names(own)}")
    return "\n".join(lines or ["- nothing: no library function is forbidden"])


GENERATED: dict[str, Callable[[Assignment], str]] = {
    "tasks": task_table,
    "forbidden": forbidden_list,
}


def generated_part(name: str, assignment: Assignment) -> str:
    """The part ``name`` of ``GENERATED`` between its two markers, as a handout holds it."""
    return (
        f"<!-- BEGIN GENERATED {name} (from tasks.toml: autograder release --handouts) -->\n"
        f"{GENERATED[name](assignment)}\n<!-- END GENERATED {name} -->"
    )


def _stated(body: str, assignment: Assignment) -> dict[str, set[str]]:
    """Task id -> the names a "not allowed" list forbids it."""
    every: set[str] = set()
    per_task: dict[str, set[str]] = {t.id: set() for t in assignment.tasks}
    for line in body.splitlines():
        scope, _, rest = line.removeprefix("- ").partition(": ")
        names = set(re.findall(r"`([^`]+)`", rest))
        if scope.startswith(_EVERY):
            every |= names
        for task_id in re.findall(TASK_ID, scope.split("(")[0]):
            per_task.setdefault(task_id, set()).update(names)
    return {task_id: names | every for task_id, names in per_task.items()}


def _forbidden_problems(body: str, assignment: Assignment) -> list[str]:
    stated = _stated(body, assignment)
    problems = []
    for task in assignment.tasks:
        want, said = set(task.forbidden), stated.pop(task.id)
        if want - said:
            problems.append(
                f"task {task.id}: tasks.toml forbids {', '.join(sorted(want - said))}, which "
                "the handout's not-allowed list omits"
            )
        if said - want:
            problems.append(
                f"task {task.id}: the handout's not-allowed list names "
                f"{', '.join(sorted(said - want))}, which tasks.toml does not forbid"
            )
    problems += [f"the not-allowed list names task {t}, not in tasks.toml" for t in stated]
    return problems


def _parts(text: str) -> dict[str, re.Match[str]]:
    return {m[1]: m for m in _PART.finditer(text)}


def check_handout(assignment: Assignment) -> None:
    """Fail unless the handout's task table and "not allowed" list agree with tasks.toml.

    Raises:
        ReleaseError: no handout; a task row, a forbidden entry or a generated part that
            disagrees with tasks.toml (each named); forbidden entries without a ``forbidden``
            part; an unknown generated part.
    """
    handout = assignment.path / "README.md"
    if not handout.is_file():
        raise ReleaseError(f"{assignment.id}: no handout README.md")
    text = handout.read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        m = _ROW.match(line)
        if m:
            found[m[1]] = (m[2], float(m[3]))
    want = {t.id: (t.title, float(t.points)) for t in assignment.tasks}
    if found != want:
        diff = sorted(set(found.items()) ^ set(want.items()))
        raise ReleaseError(
            f"{handout}: the task table disagrees with tasks.toml: {diff} "
            "(rows are '| id | title | points |')"
        )
    parts = _parts(text)
    unknown = sorted(set(parts) - set(GENERATED))
    if unknown:
        raise ReleaseError(f"{handout}: unknown generated part(s) {unknown}: {sorted(GENERATED)}")
    if "forbidden" not in parts and any(t.forbidden for t in assignment.tasks):
        every = sorted({n for t in assignment.tasks for n in t.forbidden})
        raise ReleaseError(
            f"{handout}: tasks.toml forbids {', '.join(every)}, but the handout has no "
            "not-allowed list: put the lines '<!-- BEGIN GENERATED forbidden -->' and "
            f"'<!-- END GENERATED forbidden -->' where it belongs and {_HOW}"
        )
    if "forbidden" in parts:
        problems = _forbidden_problems(parts["forbidden"][2], assignment)
        if problems:
            raise ReleaseError(
                f"{handout}: the not-allowed list disagrees with tasks.toml: "
                + "; ".join(problems)
                + f" ({_HOW})"
            )
    for name, match in parts.items():
        if match[2].rstrip("\n") != GENERATED[name](assignment):
            raise ReleaseError(f"{handout}: the generated part {name!r} is out of date: {_HOW}")


def write_handout(assignment: Assignment) -> Path | None:
    """Rewrite the handout's generated parts from tasks.toml; the handout if it changed.

    Raises:
        ReleaseError: no handout, or an unknown generated part.
    """
    handout = assignment.path / "README.md"
    if not handout.is_file():
        raise ReleaseError(f"{assignment.id}: no handout README.md")
    text = handout.read_text(encoding="utf-8")
    unknown = sorted(set(_parts(text)) - set(GENERATED))
    if unknown:
        raise ReleaseError(f"{handout}: unknown generated part(s) {unknown}: {sorted(GENERATED)}")

    def fill(match: re.Match[str]) -> str:
        head, tail = match[0].split("\n", 1)[0], f"<!-- END GENERATED {match[1]} -->"
        return f"{head}\n{GENERATED[match[1]](assignment)}\n{tail}"

    new = _PART.sub(fill, text)
    if new == text:
        return None
    handout.write_text(new, encoding="utf-8")
    return handout
