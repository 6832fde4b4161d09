"""tasks.toml: the one list of an assignment's tasks, read and validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment.paths import AssignmentError, assignment_of, find_assignment
from autograder.assignment.tasks import TasksError, load_tasks, task_key


def _write_tasks(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "m.py").write_text("")
    (folder / "tasks.toml").write_text(body)
    return folder


GOOD = (
    '[assignment]\nid = "demo_hw"\ntitle = "t"\n[[tasks]]\nid = "1.1"\ntitle = "a"\n'
    'points = 2\nmodule = "m"\n'
)


def test_tasks_toml_loads_and_rejects_unknown_keys(tmp_path: Path):
    assignment = load_tasks(_write_tasks(tmp_path / "demo_hw", GOOD))
    assert assignment.editable_files == ("m.py",) and assignment.total_points == 2
    assert assignment.task("1.1").forbidden == () and assignment.extras == ()
    with pytest.raises(TasksError, match="unknown key"):
        load_tasks(
            _write_tasks(
                tmp_path / "demo2", GOOD.replace('id = "demo_hw"', 'id = "demo2"\ncolour = 1')
            )
        )


@pytest.mark.parametrize(
    "change, problem",
    [
        (('id = "1.1"', 'id = "one"'), "not a dotted number"),
        (('module = "m"', 'module = "nope"'), "not a file"),
        (("points = 2", "points = 0"), "positive points"),
        (('id = "demo_hw"', 'id = "other"'), "differs from the folder"),
        (('title = "t"', 'title = "t"\ntime_budget = 0'), "time_budget must be positive"),
        (('title = "t"', 'title = "t"\nimport_limit = -1'), "import_limit must be positive"),
        (("points = 2", 'points = 2\nforbidden = ["moments"]'), "forbids 'moments'"),
        (("points = 2", 'points = 2\nforbidden = ["tf.nn.*.x"]'), "write a dotted path"),
        (('title = "t"', 'title = "t"\nextras = ["torch[cpu]"]'), "not a name like 'torch'"),
    ],
)
def test_tasks_toml_errors_are_clear(tmp_path: Path, change, problem):
    folder = _write_tasks(tmp_path / "demo_hw", GOOD.replace(*change))
    with pytest.raises(TasksError, match=problem):
        load_tasks(folder)


def test_task_ids_sort_by_number():
    assert sorted(["1.10", "1.9", "2", "1.2.1"], key=task_key) == ["1.2.1", "1.9", "1.10", "2"]


def test_an_assignment_is_found_from_its_folder_below_or_above(tmp_path: Path):
    folder = _write_tasks(tmp_path / "demo_hw", GOOD)
    (folder / "tests").mkdir()
    assert find_assignment("demo_hw", tmp_path) == folder
    assert find_assignment("demo_hw", folder / "tests") == folder
    assert find_assignment(None, folder) == folder
    assert assignment_of(folder / "tests" / "test_x.py") == folder
    with pytest.raises(AssignmentError, match="cannot find the assignment 'other'"):
        find_assignment("other", tmp_path)


def test_every_task_inherits_the_assignments_default_forbidden_list(tmp_path: Path):
    body = GOOD.replace('title = "t"\n', 'title = "t"\nforbidden = ["tf.nn.moments"]\n', 1)
    body += '[[tasks]]\nid = "1.2"\ntitle = "b"\npoints = 1\nmodule = "m"\n'
    body += 'forbidden = ["tf.nn.dropout", "tf.nn.moments"]\n'
    assignment = load_tasks(_write_tasks(tmp_path / "demo_hw", body))
    assert assignment.forbidden == ("tf.nn.moments",)
    assert assignment.task("1.1").forbidden == ("tf.nn.moments",)
    assert assignment.task("1.2").forbidden == ("tf.nn.moments", "tf.nn.dropout")
    assert assignment.own_forbidden(assignment.task("1.2")) == ("tf.nn.dropout",)


@pytest.mark.parametrize(
    "change, problem",
    [
        (('title = "t"', 'title = "t"\nforbidden = ["moments"]'), r"\[assignment\]: forbids"),
        (('title = "t"', 'title = "t"\nforbidden = [3]'), r"\[assignment\]: forbids 3"),
        (('title = "t"', 'title = "t"\nforbiden = ["tf.nn.moments"]'), "unknown key"),
        (("points = 2", 'points = 2\nforbiden = ["tf.nn.moments"]'), "unknown key"),
    ],
)
def test_a_bad_default_forbidden_list_and_unknown_keys_are_refused(tmp_path, change, problem):
    with pytest.raises(TasksError, match=problem):
        load_tasks(_write_tasks(tmp_path / "demo_hw", GOOD.replace(*change)))
