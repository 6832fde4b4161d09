"""otter-grader test of task 3.3 of hw3_cnn_tf: The CNN (16 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw3_cnn_tf --task 3.3`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "3.3"
points = 16


@test_case(points=16)
def task_3_3():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw3_cnn_tf", "3.3")
