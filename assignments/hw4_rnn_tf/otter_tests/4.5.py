"""otter-grader test of task 4.5 of hw4_rnn_tf: Sentence classifier (16 points).

Generated from tasks.toml by `autograder release`; edit tasks.toml, not this file. It runs the
public tests of the task in a separate process, as `autograder check hw4_rnn_tf --task 4.5`
does, and fails with the same messages.
"""

from otter.test_files import test_case

OK_FORMAT = False

name = "4.5"
points = 16


@test_case(points=16)
def task_4_5():
    from autograder.integrations.otter import assert_task_passes

    assert_task_passes("hw4_rnn_tf", "4.5")
