"""otter-grader test files: one exception-based file per task, generated from tasks.toml.

The release writes ``otter_tests/<task>.py`` into each assignment. In a notebook in the
assignment's folder::

    import otter
    grader = otter.Notebook(tests_dir="otter_tests")
    grader.check("1.2")

runs the public tests of task 1.2 in a separate process (so edits saved to the modules are seen),
exactly as ``autograder check <hw> --task 1.2`` does, and fails with the same table and messages.
"""

from __future__ import annotations

from autograder.tasks import Assignment, Task

__all__ = ["OTTER_DIR", "assert_task_passes", "otter_test_file", "otter_test_files"]

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
    from autograder.otter import assert_task_passes

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


def assert_task_passes(name: str, task_id: str) -> None:
    """Run the public tests of one task on the copy of assignment ``name`` found from here.

    Raises:
        AssertionError: a test of the task did not pass; the message is what
            ``autograder check <name> --task <task_id>`` prints.
    """
    from autograder.checking import check_folder
    from autograder.notebook import find_assignment

    result = check_folder(find_assignment(name), (task_id,), stop_slow_imports=True)
    if result.failing:
        raise AssertionError("\n".join(result.lines()))
