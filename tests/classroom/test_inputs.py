"""The three layouts of a class: folders or zips, nbgrader's submitted/, a Gradescope export."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.assignment.paths import resolve_assignment
from autograder.classroom.inputs import find_submissions
from autograder.classroom.pool import grade_class
from autograder.grading.errors import GradingError

METADATA = """\
submission_101:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
    :email: ada@example.edu
  :created_at: 2026-11-20 10:00:00.000000000 -08:00
  :score: 0.0
submission_102:
  :submitters:
  - :name: Bob
    :email: bob@example.edu
  - :name: Cy
    :sid: '77'
submission_103:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1815'
"""


def test_a_folder_of_folders_and_zips(tmp_path: Path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "bob.zip").write_bytes(b"")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "notes.txt").write_text("not a submission")
    found = [(s.student, s.path.name, s.layout) for s in find_submissions(tmp_path, "hw")]
    assert found == [("ada", "ada", "folders"), ("bob", "bob.zip", "folders")]


@pytest.mark.parametrize("given", ["course", "course/submitted"])
def test_nbgrader_submitted_layout(tmp_path: Path, given: str):
    for student in ("alice", "bob"):
        (tmp_path / "course" / "submitted" / student / "hw").mkdir(parents=True)
    (tmp_path / "course" / "submitted" / "carol" / "other_hw").mkdir(parents=True)
    found = find_submissions(tmp_path / given, "hw")
    assert [(s.student, s.path.parent.name, s.layout) for s in found] == [
        ("alice", "alice", "nbgrader"),
        ("bob", "bob", "nbgrader"),
    ]
    with pytest.raises(GradingError, match="submitted/<student>/nothing/"):
        find_submissions(tmp_path / given, "nothing")


def test_gradescope_export_names_students_from_its_metadata(tmp_path: Path):
    (tmp_path / "submission_metadata.yml").write_text(METADATA)
    found = find_submissions(tmp_path, "hw")
    assert [(s.student, s.path.name, s.layout) for s in found] == [
        ("1815", "submission_101", "gradescope"),
        ("77+bob@example.edu", "submission_102", "gradescope"),
        ("1815.submission_103", "submission_103", "gradescope"),  # a second one is kept apart
    ]
    (tmp_path / "submission_metadata.yml").write_text("- not: [a mapping")
    with pytest.raises(GradingError, match="submission_metadata.yml"):
        find_submissions(tmp_path, "hw")


def test_a_gradescope_export_is_graded_with_its_students(fixture_kit: Path, tmp_path: Path):
    export = tmp_path / "export"
    (export / "submission_101").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(METADATA)
    for name in ("ops.py", "scaler.py"):  # Gradescope keeps the files as uploaded, flat
        source = fixture_kit / "solutions" / "fx_ops" / name
        (export / "submission_101" / name).write_bytes(source.read_bytes())
    results = grade_class(
        resolve_assignment(fixture_kit, "fx_ops"), export, tmp_path / "graded", progress=False
    )
    summary = [(r.student, r.status.value, r.results and r.results["score"]) for r in results]
    assert summary == [
        ("1815", "graded", 10),
        ("1815.submission_103", "unreadable", None),  # in the metadata, no folder
        ("77+bob@example.edu", "unreadable", None),
    ]
    assert "does not exist" in results[1].message
