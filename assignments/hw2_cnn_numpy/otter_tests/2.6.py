"""otter-grader test of task 2.6 of hw2_cnn_numpy: Convolution, pooling and flatten layers (14 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw2_cnn_numpy --task 2.6`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "2.6"
points = 14


@test_case(points=14)
def task_2_6():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw2_cnn_numpy", "2.6")
