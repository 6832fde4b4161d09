"""otter-grader test of task 5.5 of capstone_unet_deepshape: The symmetry penalty through a forward hook (14 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check capstone_unet_deepshape --task 5.5`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "5.5"
points = 14


@test_case(points=14)
def task_5_5():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("capstone_unet_deepshape", "5.5")
