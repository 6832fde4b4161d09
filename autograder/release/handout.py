"""The handout's task table must agree with tasks.toml."""

from __future__ import annotations

import re

from autograder.assignment.tasks import TASK_ID, Assignment
from autograder.release.errors import ReleaseError

__all__ = ["check_handout"]

_ROW = re.compile(rf"^\|\s*({TASK_ID})\s*\|\s*([^|]*?)\s*\|\s*([\d.]+)\s*\|")


def check_handout(assignment: Assignment) -> None:
    """Fail unless the handout's task table lists exactly the tasks of tasks.toml.

    The table has rows ``| <id> | <title> | <points> |``.
    """
    handout = assignment.path / "README.md"
    if not handout.is_file():
        raise ReleaseError(f"{assignment.id}: no handout README.md")
    found = {}
    for line in handout.read_text(encoding="utf-8").splitlines():
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
