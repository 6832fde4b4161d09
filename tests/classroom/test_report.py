"""The class report: what it reads from a graded folder, what it shows, and that a browser
loads it offline without an error and decodes the histogram."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.assignment.paths import resolve_assignment
from autograder.classroom.page import page
from autograder.classroom.pool import grade_class
from autograder.classroom.report import read_graded, summarise, write_report
from autograder.cli import main

TASKS = {"1.1": ("Add arrays", 4.0), "1.2": ("Scaler", 6.0)}
PROTECTIONS = {"namespaces": "on", "cgroup": "on", "memory": "cgroup"}


def _test(task: str, name: str, points: float, status: str, output: str, duration: float) -> dict:
    passed = status == "passed"
    return {
        "name": f"{task} {TASKS[task][0]}: {name}",
        "number": task,
        "score": points if passed else 0.0,
        "max_score": points,
        "status": "passed" if passed else "failed",
        "output": output,
        "visibility": "visible",
        "extra_data": {"status": status, "duration": duration},
    }


def _results(statuses: dict[str, tuple[str, str]], protections=PROTECTIONS, durations=True):
    """results.json with the tests test_add (1.1, 4 points) and test_apply (1.2, 6 points)."""
    tests = [
        _test("1.1", "test_add", 4.0, *statuses["add"], 0.5),
        _test("1.2", "test_apply", 6.0, *statuses["apply"], 2.0),
    ]
    if not durations:
        for t in tests:
            del t["extra_data"]
    return {
        "score": sum(t["score"] for t in tests),
        "max_score": 10.0,
        "execution_time": 3.0,
        "output": "",
        "tests": tests,
        "extra_data": {"protections": protections},
    }


PASS = ("passed", "")
WRONG = ("failed", "add(a, b): 3 of 4 values differ\nreceived 1, expected 2")


@pytest.fixture()
def graded(tmp_path: Path) -> Path:
    """A graded folder written by hand: every status the pool writes, a gradebook with reasons."""
    out = tmp_path / "graded"
    results = {
        "full": _results({"add": PASS, "apply": PASS}),
        "wrong": _results({"add": WRONG, "apply": PASS}),
        "wrong2": _results({"add": WRONG, "apply": ("not_attempted", "Not attempted: 1.2: ...")}),
        "other": _results(
            {"add": ("failed", "add returned None"), "apply": PASS},
            protections={"namespaces": "off: no user namespaces", "cgroup": "on"},
        ),
        "slow": _results({"add": PASS, "apply": ("not_graded", "Not run: the submission used")}),
    }
    for student, data in results.items():
        (out / student).mkdir(parents=True)
        (out / student / "results.json").write_text(json.dumps(data))
    (out / "broken").mkdir()
    (out / "broken" / "error.txt").write_text("broken.zip is not a readable zip file\n")
    rows = [
        ("full", "graded", ""),
        ("wrong", "cached", ""),
        ("wrong2", "graded", ""),
        ("other", "graded", ""),
        ("slow", "timed_out", "the submission used up its grading time of 90 s"),
        ("broken", "unreadable", ""),
        ("gone", "crashed", "the grader's worker died"),
    ]
    with open(out / "gradebook.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "1.1", "1.2", "total", "max_score", "status", "reason"])
        for student, status, reason in rows:
            writer.writerow([student, "", "", "", "", status, reason])
    return out


def test_the_summary_counts_tasks_failures_problems_and_protections(graded: Path):
    report = summarise("fx_ops", read_graded(graded))
    assert sorted(report.scores) == [0.0, 4.0, 6.0, 6.0, 10.0]
    tasks = {t.id: (t.title, t.points, sorted(t.earned), t.untouched) for t in report.tasks}
    assert tasks == {
        "1.1": ("Add arrays", 4.0, [0.0, 0.0, 0.0, 4.0, 4.0], 0),
        "1.2": ("Scaler", 6.0, [0.0, 0.0, 6.0, 6.0, 6.0], 1),
    }
    add = next(t for t in report.tests if t.name.endswith("test_add"))
    assert (add.runs, add.failed, add.not_attempted) == (5, 3, 0)
    assert add.messages.most_common(1) == [("add(a, b): 3 of 4 values differ", 2)]
    apply = next(t for t in report.tests if t.name.endswith("test_apply"))
    assert (apply.failed, apply.not_attempted) == (1, 1)
    problems = {e.student: (e.status, e.reason) for e in report.problems}
    assert problems == {
        "slow": ("timed_out", "the submission used up its grading time of 90 s"),
        "broken": ("unreadable", "broken.zip is not a readable zip file"),
        "gone": ("crashed", "the grader's worker died"),
    }
    assert report.protections_off == {"namespaces": {"off: no user namespaces": ["other"]}}


def test_the_page_shows_each_section(graded: Path):
    text = write_report(graded, "fx_ops").read_text()
    assert '<img id="histogram"' in text and "data:image/png;base64," in text
    assert "add(a, b): 3 of 4 values differ" in text and "(2 of 3)" in text
    assert "received 1, expected 2" not in text  # the first line only
    for word in ["timed_out", "crashed", "unreadable", "off: no user namespaces"]:
        assert word in text
    assert "<th>mean s</th>" in text  # per-test durations
    assert not re.search(r'(?:src|href)="(?!data:|#)', text)  # nothing to fetch


def test_without_per_test_durations_the_slowest_submissions_are_shown(tmp_path: Path):
    (tmp_path / "a").mkdir()
    data = _results({"add": PASS, "apply": WRONG}, durations=False)
    (tmp_path / "a" / "results.json").write_text(json.dumps(data))
    report = summarise("fx_ops", read_graded(tmp_path))  # no gradebook: graded
    assert [e.status for e in report.entries] == ["graded"]
    apply = next(t for t in report.tests if t.name.endswith("test_apply"))
    assert apply.failed == 1  # read from Gradescope's status and output
    assert "slowest submissions" in write_report(tmp_path, "fx_ops").read_text()


def test_a_class_graded_by_the_pool(fixture_kit: Path, tmp_path: Path):
    """The report reads what grade_class writes: results with extra_data, error.txt."""
    subs = tmp_path / "subs"
    shutil.copytree(fixture_kit / "solutions" / "fx_ops", subs / "ref")
    shutil.copytree(fixture_kit / "assignments" / "fx_ops", subs / "stub")
    (subs / "broken.zip").write_text("not a zip")
    grade_class(
        resolve_assignment(fixture_kit, "fx_ops"), subs, tmp_path / "graded", progress=False
    )
    report = summarise("fx_ops", read_graded(tmp_path / "graded"))
    assert sorted(report.scores) == [0.0, 10.0]
    assert [e.student for e in report.problems] == ["broken"]
    assert all(t.not_attempted == 1 and t.failed == 0 for t in report.tests)
    assert [(t.id, t.untouched) for t in report.tasks] == [("1.1", 1), ("1.2", 1)]
    assert all(t.durations and len(t.durations) == 2 for t in report.tests)


def test_chromium_loads_the_report_offline_and_decodes_the_histogram(
    graded: Path, tmp_path, chromium
):
    attributes = chromium(write_report(graded, "fx_ops"))
    assert attributes.get("data-loaded") == "1"
    assert attributes.get("data-errors") == ""
    assert attributes.get("data-images") == "1"  # the histogram, decoded

    bad = tmp_path / "bad.html"  # the same check sees a script error and a blocked request
    bad.write_text(
        page("bad", ['<img src="https://example.org/a.png">', "<script>nope();</script>"])
    )
    attributes = chromium(bad)
    assert "nope is not defined" in attributes["data-errors"]
    assert "blocked https://example.org/a.png" in attributes["data-errors"]
    assert attributes["data-images"] == "0"


def test_the_command_writes_the_page_and_an_empty_folder_is_no_error(graded: Path, tmp_path):
    result = CliRunner().invoke(main, ["report", "fx_ops", str(graded)])
    assert result.exit_code == 0, result.output
    assert result.output == f"report: {graded / 'report.html'}\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    text = write_report(empty, "fx_ops", out=tmp_path / "r.html").read_text()
    assert "0 submissions" in text and "No submission has results." in text


def test_the_devices_the_tests_recorded_are_counted(tmp_path: Path):
    """The capstone's learning tests record where they trained (``extra_data.device``)."""
    for student, device in [("a", "cpu"), ("b", "cuda:0"), ("c", "cpu")]:
        data = _results({"add": PASS, "apply": PASS})
        data["tests"][1]["extra_data"]["device"] = device
        (tmp_path / student).mkdir()
        (tmp_path / student / "results.json").write_text(json.dumps(data))
    report = summarise("fx_ops", read_graded(tmp_path))
    devices = {t.name.rsplit(": ", 1)[-1]: dict(t.devices) for t in report.tests}
    assert devices == {"test_add": {}, "test_apply": {"cpu": 2, "cuda:0": 1}}
    text = write_report(tmp_path, "fx_ops").read_text()
    assert "<h2>Devices</h2>" in text and "cpu: 2, cuda:0: 1" in text


def test_no_devices_section_where_no_test_recorded_one(graded: Path):
    assert "<h2>Devices</h2>" not in write_report(graded, "fx_ops").read_text()
