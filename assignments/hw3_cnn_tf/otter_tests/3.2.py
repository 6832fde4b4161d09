"""otter-grader test of task 3.2 of hw3_cnn_tf: Dropout (14 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw3_cnn_tf --task 3.2`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "3.2"
points = 14


@test_case(points=14)
def task_3_2():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw3_cnn_tf", "3.2")
