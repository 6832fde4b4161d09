"""otter-grader test of task 5.3 of capstone_unet_deepshape: The U-Net and its averaging head (16 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check capstone_unet_deepshape --task 5.3`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "5.3"
points = 16


@test_case(points=16)
def task_5_3():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("capstone_unet_deepshape", "5.3")
