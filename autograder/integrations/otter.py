"""What otter-grader's test files call: the public tests of one task, as ``autograder check``.

The release writes ``otter_tests/<task>.py`` into each assignment
(``autograder.release.otter_files``). In a notebook in the assignment's folder::

    import otter
    grader = otter.Notebook(tests_dir="otter_tests")
    grader.check("1.2")

runs the public tests of task 1.2 in a separate process (so edits saved to the modules are seen),
exactly as ``autograder check <hw> --task 1.2`` does, and fails with the same table and messages.
"""

from __future__ import annotations

from autograder.assignment.paths import find_assignment
from autograder.grading.check import check_folder

__all__ = ["assert_task_passes"]


def assert_task_passes(name: str, task_id: str) -> None:
    """Run the public tests of one task on the copy of assignment ``name`` found from here.

    Raises:
        AssertionError: a test of the task did not pass; the message is what
            ``autograder check <name> --task <task_id>`` prints.
    """
    result = check_folder(find_assignment(name), (task_id,), stop_slow_imports=True)
    if result.failing:
        raise AssertionError("\n".join(result.lines()))
