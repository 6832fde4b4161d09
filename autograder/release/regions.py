"""Solution and hidden-test regions, delimited exactly as nbgrader does.

``strip_regions`` turns each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a module
into ``raise NotImplementedError("<task>: <todo>")``, the text of the ``# TODO(<task>): ...``
comment that must stand on the line above the region. ``outside_regions`` finds the lines outside
regions independently of the stripper (for the leak check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograder.assignment.tasks import TASK_ID
from autograder.release.errors import ReleaseError

__all__ = [
    "BEGIN",
    "END",
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "Stripped",
    "outside_regions",
    "resolve_regions",
    "strip_regions",
]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_TODO = re.compile(rf"^\s*# TODO\((?P<task>{TASK_ID})\):\s*(?P<text>.+?)\s*$")


@dataclass(frozen=True)
class Stripped:
    """A module with its solution regions replaced.

    Attributes:
        text: the released text.
        secret: the lines that were inside solution regions.
    """

    text: str
    secret: tuple[str, ...]


def strip_regions(text: str, where: str, task_ids: set[str] | None = None) -> Stripped:
    """Replace every solution region of a module by a ``raise NotImplementedError``.

    Args:
        text: the module's source.
        where: its path, for messages.
        task_ids: the assignment's task ids; a TODO naming another id is an error.

    Raises:
        ReleaseError: unbalanced markers, or a region without its TODO line.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    secret: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == END:
            raise ReleaseError(f"{where}:{i + 1}: {END} without {BEGIN}")
        if line.strip() != BEGIN:
            out.append(line)
            i += 1
            continue
        todo = _TODO.match(lines[i - 1]) if i else None
        if todo is None:
            raise ReleaseError(
                f"{where}:{i + 1}: a solution region needs '# TODO(<task>): <what to do>' above it"
            )
        if task_ids is not None and todo["task"] not in task_ids:
            raise ReleaseError(f"{where}:{i}: TODO names task {todo['task']}, not in tasks.toml")
        indent = line[: len(line) - len(line.lstrip())]
        j = i + 1
        while j < len(lines) and lines[j].strip() != END:
            if lines[j].strip() == BEGIN:
                raise ReleaseError(f"{where}:{j + 1}: nested {BEGIN}")
            secret.append(lines[j])
            j += 1
        if j == len(lines):
            raise ReleaseError(f"{where}:{i + 1}: {BEGIN} without {END}")
        message = f"{todo['task']}: {todo['text']}"
        out.append(f"{indent}raise NotImplementedError({message!r})\n")
        i = j + 1
    return Stripped("".join(out), tuple(secret))


def outside_regions(text: str) -> list[str]:
    """Lines outside solution and hidden-test regions, found independently of the stripper."""
    depth, out = 0, []
    for line in text.splitlines():
        if line.strip() in (BEGIN, HIDDEN_BEGIN):
            depth += 1
        elif line.strip() in (END, HIDDEN_END):
            depth -= 1
        elif depth == 0:
            out.append(line)
    return out


def resolve_regions(text: str, where: str) -> str:
    """Keep the solution of every region, without its markers and its TODO line.

    For a module one assignment provides to a later one (its reference code, released on
    purpose once the earlier assignment is due).

    Raises:
        ReleaseError: unbalanced markers.
    """
    strip_regions(text, where)  # the same checks of the markers
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    for i, line in enumerate(lines):
        marker = line.strip() in (BEGIN, END)
        todo_above = i + 1 < len(lines) and lines[i + 1].strip() == BEGIN and _TODO.match(line)
        if not marker and not todo_above:
            out.append(line)
    return "".join(out)
