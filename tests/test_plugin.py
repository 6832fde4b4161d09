"""The plugin's rules for an assignment's tests, checked when the tests are collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.grading import GradingError, grade


def _edit_public_test(kit: Path, old: str, new: str) -> None:
    path = kit / "solutions" / "fx_ops" / "tests" / "test_ops.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "[(1, 1), (3, 4)])",
            "[(1, 1), (3, 4), (2, 2)])",
            "2 points over 3 cases give shares of 0.666667",
        ),
        ('@graded("1.2", points=3)', '@graded("1.2", points=4)', "tasks.toml says 6"),
    ],
    ids=["inexact_shares", "points_disagree_with_tasks_toml"],
)
def test_tests_whose_points_do_not_add_up_are_refused(own_fixture_kit, tmp_path, old, new, problem):
    _edit_public_test(own_fixture_kit, old, new)
    source = own_fixture_kit / "solutions" / "fx_ops"
    with pytest.raises(GradingError, match="could not be collected") as caught:
        grade(own_fixture_kit, "fx_ops", source, tmp_path / "r.json")
    assert problem in str(caught.value)
