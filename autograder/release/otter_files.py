"""otter-grader test files: one exception-based file per task, generated from tasks.toml.

The release writes ``otter_tests/<task>.py`` into each assignment; each calls
``autograder.integrations.otter.assert_task_passes`` when otter runs it.
"""

from __future__ import annotations

from autograder.assignment.tasks import Assignment, Task

__all__ = ["OTTER_DIR", "otter_test_file", "otter_test_files"]

OTTER_DIR = "otter_tests"

_TEMPLATE = '''"""otter-grader test of task {id} of {assignment}: {title} ({points} points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check {assignment} --task {id}`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "{id}"
points = {points}


@test_case(points={points})
def task_{ident}():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("{assignment}", "{id}")
'''


def otter_test_file(assignment: Assignment, task: Task) -> str:
    """The text of the otter test file of one task."""
    return _TEMPLATE.format(
        id=task.id,
        ident=task.id.replace(".", "_"),
        assignment=assignment.id,
        title=task.title,
        points=f"{task.points:g}",
    )


def otter_test_files(assignment: Assignment) -> dict[str, str]:
    """Every otter test file of an assignment: relative path (``otter_tests/1.2.py``) to text."""
    return {f"{OTTER_DIR}/{t.id}.py": otter_test_file(assignment, t) for t in assignment.tasks}
