"""otter-grader test of task 1.1 of hw1_mlp_numpy: Linear layer (12 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw1_mlp_numpy --task 1.1`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "1.1"
points = 12


@test_case(points=12)
def task_1_1():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw1_mlp_numpy", "1.1")
