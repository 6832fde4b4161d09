"""Similarity: a copy with renamed variables and reordered functions ranks first, an honest pair
that kept the same provided code ranks low, from a submissions folder or a graded one."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.assignment.paths import resolve_assignment
from autograder.classroom.similarity import SimilarityError, read_codes, similarity
from autograder.cli import main

pytest.importorskip("copydetect")


def _pair(result, a: str, b: str):
    return next(p for p in result.pairs if {p.a, p.b} == {a, b})


def test_the_renamed_and_reordered_copy_ranks_first(
    fixture_kit: Path, class_folder: Path, tmp_path: Path
):
    result = similarity(
        resolve_assignment(fixture_kit, "fx_ops"), class_folder, out=tmp_path / "s.html"
    )
    assert len(result.pairs) == 6 and result.notes == []
    first = result.pairs[0]
    assert {first.a, first.b} == {"alice", "bob"}
    assert first.score > 0.8 and min(first.share_a, first.share_b) > 0.8
    honest = _pair(result, "carol", "dave")
    assert honest.score < 0.1
    assert result.pairs.index(honest) >= 3
    assert all(p.score < first.score / 2 for p in result.pairs[1:])


def test_the_starter_code_never_counts(fixture_kit: Path, tmp_path: Path):
    """Two untouched releases, and a release beside a submission, have nothing in common."""
    subs = tmp_path / "subs"
    for student in ("x", "y"):
        shutil.copytree(fixture_kit / "assignments" / "fx_ops", subs / student)
    shutil.copytree(fixture_kit / "solutions" / "fx_ops", subs / "ref")
    result = similarity(resolve_assignment(fixture_kit, "fx_ops"), subs, out=tmp_path / "s.html")
    assert [(p.score, p.tokens) for p in result.pairs] == [(0.0, 0)] * 3


def test_the_page_shows_matching_regions_side_by_side_offline(
    fixture_kit: Path, class_folder: Path, tmp_path: Path
):
    page = similarity(
        resolve_assignment(fixture_kit, "fx_ops"), class_folder, out=tmp_path / "s.html"
    ).page
    text = page.read_text()
    assert not re.search(r'(?:src|href)="(?!data:|#)', text)  # nothing to fetch
    assert '<div class="side">' in text
    left = re.search(r"<b>alice</b><pre>(.*?)</pre>", text, re.S).group(1)
    right = re.search(r"<b>bob</b><pre>(.*?)</pre>", text, re.S).group(1)
    assert '<mark class="a">' in left and '<mark class="b">' in right
    marked = "".join(re.findall(r'<mark class="a">(.*?)</mark>', left, re.S))
    assert "_add_rows(left, right)" in marked  # the student's own code
    assert "def describe" not in marked  # the provided code's lines are never marked


def test_a_graded_folder_reads_its_students_code_from_the_submissions_beside_it(
    fixture_kit: Path, class_folder: Path, tmp_path: Path
):
    subs = tmp_path / "submissions"
    shutil.copytree(class_folder, subs)
    bob = subs / "bob"
    with zipfile.ZipFile(subs / "bob.zip", "w") as archive:  # a zip is read like grading reads it
        for path in bob.iterdir():
            archive.write(path, f"fx_ops/{path.name}")
    shutil.rmtree(bob)
    graded = tmp_path / "graded"
    for student in ("alice", "bob", "carol", "dave", "eve"):
        (graded / student).mkdir(parents=True)
        (graded / student / "results.json").write_text('{"tests": []}')
    (graded / "gradebook.csv").write_text("student,status\n")
    codes, stubs, notes = read_codes(resolve_assignment(fixture_kit, "fx_ops"), graded)
    assert sorted(codes) == ["alice", "bob", "carol", "dave"] and set(stubs) == {
        "ops.py",
        "scaler.py",
    }
    assert notes == [f"eve: no code in {graded / 'eve'} nor in a submissions folder"]
    result = similarity(resolve_assignment(fixture_kit, "fx_ops"), graded)
    assert result.page == graded / "similarity.html"
    assert {result.pairs[0].a, result.pairs[0].b} == {"alice", "bob"}

    with pytest.raises(SimilarityError, match="nothing to compare"):
        shutil.rmtree(subs)
        similarity(resolve_assignment(fixture_kit, "fx_ops"), graded)


def test_the_command_prints_the_top_pairs(fixture_kit: Path, class_folder: Path, tmp_path: Path):
    out = tmp_path / "similar.html"
    args = ["similarity", "fx_ops", str(class_folder), "--kit", str(fixture_kit), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--top", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.match(r"\s*1\. alice\s+bob\s+9\d %", lines[0]), lines[0]
    assert len(lines) == 3 and lines[2] == f"similarity: {out}" and out.is_file()
    bad = CliRunner().invoke(
        main, ["similarity", "fx_ops", str(tmp_path), "--kit", str(fixture_kit)]
    )
    assert bad.exit_code == 2 and "nothing to compare" in bad.output


def test_chromium_loads_the_similarity_page_without_an_error(
    fixture_kit: Path, class_folder: Path, tmp_path: Path, chromium
):
    page = similarity(
        resolve_assignment(fixture_kit, "fx_ops"), class_folder, out=tmp_path / "s.html"
    ).page
    attributes = chromium(page)
    assert attributes.get("data-loaded") == "1" and attributes.get("data-errors") == ""
