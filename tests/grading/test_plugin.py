"""The plugin's rules for an assignment's tests, checked when the tests are collected, and the
facts a test records about its run (``autograder.authoring.record``) in its row of results."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment.paths import resolve_assignment
from autograder.authoring.marks import close_facts, open_facts, record
from autograder.grading import GradingError, grade
from autograder.grading.requirements import collect_tests


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


def test_collection_lists_what_each_graded_test_needs(own_fixture_kit):
    """What ``tests/test_assignments.py`` reads to refuse graded tests that need a GPU."""
    _edit_public_test(
        own_fixture_kit, '@graded("1.2", points=3)', '@pytest.mark.gpu\n@graded("1.2", points=3)'
    )
    collected = collect_tests(resolve_assignment(own_fixture_kit, "fx_ops"))
    needs = {t.nodeid.split("::")[-1]: t.needs for t in collected}
    assert needs["test_scaler_apply"] == ("gpu",)
    assert needs["test_scaler_counts_every_call"] == needs["test_add_values[shape0]"] == ()


def test_record_fills_the_running_tests_facts_and_checks_its_argument():
    record(device="cuda:0")  # outside a graded test: nothing to fill, no error
    facts = open_facts()
    record(device="cpu")
    close_facts()
    record(device="cuda:0")
    assert facts.as_dict() == {"device": "cpu"}
    with pytest.raises(TypeError, match="device must be a non-empty string"):
        record(device=0)


@pytest.mark.parametrize("mode", ["inprocess", "proxied"])
def test_facts_a_test_records_reach_its_row_of_results(own_fixture_kit, tmp_path, mode):
    """In both modes the test runs in the grader's process; a fact recorded before a failure
    stays (a learning run that fails on a GPU still says where it ran)."""
    _edit_public_test(own_fixture_kit, " graded,", " graded, record,")
    first = "    s = scaler.Scaler(2.5)\n"
    _edit_public_test(own_fixture_kit, first, '    record(device="cpu")\n' + first)
    hidden = own_fixture_kit / "solutions" / "fx_ops" / "tests" / "hidden" / "test_hidden_ops.py"
    text = hidden.read_text().replace(" graded,", " graded, record,")
    text = text.replace(
        "    a = np.full((2, 3), 1e300)\n",
        '    record(device="cuda:0")\n    check(False, "fails on purpose")\n',
    )
    hidden.write_text(text)
    source = own_fixture_kit / "solutions" / "fx_ops"
    results = grade(own_fixture_kit, "fx_ops", source, tmp_path / "r.json", mode=mode)
    devices = {
        t["name"].rsplit(": ", 1)[-1]: (t["extra_data"]["device"], t["score"] == t["max_score"])
        for t in results["tests"]
        if "device" in t["extra_data"]
    }
    assert devices == {
        "test_scaler_apply": ("cpu", True),
        "test_add_hidden_large_values": ("cuda:0", False),
    }
    assert results["score"] == 8
