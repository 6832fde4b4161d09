"""otter-grader test of task 3.6 of hw3_cnn_tf: Every layer's output (10 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw3_cnn_tf --task 3.6`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "3.6"
points = 10


@test_case(points=10)
def task_3_6():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw3_cnn_tf", "3.6")
