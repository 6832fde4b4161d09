"""otter-grader test of task 2.8 of hw2_cnn_numpy: LeNet on digits (16 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw2_cnn_numpy --task 2.8`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "2.8"
points = 16


@test_case(points=16)
def task_2_8():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw2_cnn_numpy", "2.8")
