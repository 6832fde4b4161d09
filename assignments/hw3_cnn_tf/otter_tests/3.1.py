"""otter-grader test of task 3.1 of hw3_cnn_tf: Batch normalisation (28 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw3_cnn_tf --task 3.1`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "3.1"
points = 28


@test_case(points=28)
def task_3_1():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw3_cnn_tf", "3.1")
