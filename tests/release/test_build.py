"""The release: regions stripped with their task's TODO, deterministic, checked, leak-free."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.release.build import build_assignment, check_release, release, released_files
from autograder.release.errors import ReleaseError
from autograder.release.leak import leak_check
from autograder.release.regions import strip_regions

SOURCE = """def f(x):
    out = None
    # TODO(1.1): double x.
    ### BEGIN SOLUTION
    out = 2 * x
    ### END SOLUTION
    return out
"""


def test_region_becomes_a_raise_naming_task_and_todo():
    stripped = strip_regions(SOURCE, "m.py", {"1.1"})
    assert "out = 2 * x" not in stripped.text
    assert "    raise NotImplementedError('1.1: double x.')\n" in stripped.text
    assert "# TODO(1.1): double x." in stripped.text and "return out" in stripped.text
    assert stripped.secret == ("    out = 2 * x\n",)


@pytest.mark.parametrize(
    "text, problem",
    [
        (SOURCE.replace("    # TODO(1.1): double x.\n", ""), "needs '# TODO"),
        (SOURCE.replace("    ### END SOLUTION\n", ""), "without ### END"),
        (SOURCE.replace("    ### BEGIN SOLUTION\n", ""), "without ### BEGIN"),
        (SOURCE.replace("TODO(1.1)", "TODO(9.9)"), "not in tasks.toml"),
    ],
)
def test_malformed_regions_are_refused(text, problem):
    with pytest.raises(ReleaseError, match=problem.replace("(", r"\(")):
        strip_regions(text, "m.py", {"1.1"})


def test_hidden_tests_mutants_and_variants_are_not_released(fixture_kit: Path):
    files = {str(p) for p in released_files(fixture_kit / "solutions" / "fx_ops")}
    assert "tests/test_ops.py" in files and "ops.py" in files
    assert not any(f.startswith(("tests/hidden", "mutants", "variants")) for f in files)
    released = fixture_kit / "assignments" / "fx_ops"
    assert not (released / "tests" / "hidden").exists() and not (released / "mutants").exists()


def test_the_mutation_report_is_not_released(own_fixture_kit: Path):
    """Its diffs show solution lines."""
    (own_fixture_kit / "solutions" / "fx_ops" / "mutation-report.md").write_text("# report\n")
    files = {str(p) for p in released_files(own_fixture_kit / "solutions" / "fx_ops")}
    assert "mutation-report.md" not in files and "README.md" in files


def test_release_is_deterministic_and_check_passes(own_fixture_kit: Path, tmp_path: Path):
    release(own_fixture_kit, out=tmp_path / "again")
    for path in (own_fixture_kit / "assignments").rglob("*"):
        if path.is_file():
            twin = tmp_path / "again" / path.relative_to(own_fixture_kit / "assignments")
            assert twin.read_bytes() == path.read_bytes(), path
    assert check_release(own_fixture_kit) == []


def test_check_names_hand_edited_missing_and_extra_files(own_fixture_kit: Path):
    released = own_fixture_kit / "assignments" / "fx_ops"
    (released / "ops.py").write_text("# edited by hand\n")
    (released / "README.md").unlink()
    (released / "notes.txt").write_text("extra\n")
    differ = check_release(own_fixture_kit)
    assert differ == [
        "assignments/fx_ops/README.md",
        "assignments/fx_ops/notes.txt",
        "assignments/fx_ops/ops.py",
    ]


def test_release_check_command_exits_1_when_out_of_date(own_fixture_kit: Path):
    (own_fixture_kit / "assignments" / "fx_ops" / "scaler.py").write_text("x = 1\n")
    cmd = [sys.executable, "-m", "autograder.cli", "release", "--check"]
    done = subprocess.run(cmd + ["--kit", str(own_fixture_kit)], capture_output=True, text=True)
    assert done.returncode == 1 and "assignments/fx_ops/scaler.py" in done.stdout
    release(own_fixture_kit)
    done = subprocess.run(cmd + ["--kit", str(own_fixture_kit)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_leak_check_finds_a_solution_line_and_a_hidden_test_line(tmp_path: Path, fixture_kit):
    src = fixture_kit / "solutions" / "fx_ops"
    secret, public = build_assignment(src, tmp_path / "fx_ops")
    assert leak_check(tmp_path / "fx_ops", secret, public) == []
    with open(tmp_path / "fx_ops" / "scaler.py", "a") as fh:
        fh.write("        out = self.factor * x\n")
    with open(tmp_path / "fx_ops" / "tests" / "test_ops.py", "a") as fh:
        fh.write("    a = np.full((2, 3), 1e300)\n")
    leaks = leak_check(tmp_path / "fx_ops", secret, public)
    assert len(leaks) == 2
    assert any("scaler.py" in x for x in leaks) and any("test_ops.py" in x for x in leaks)


def test_handout_table_must_match_tasks(own_fixture_kit: Path):
    readme = own_fixture_kit / "solutions" / "fx_ops" / "README.md"
    readme.write_text(readme.read_text().replace("| 1.2 | Scaler | 6 |", "| 1.2 | Scaler | 5 |"))
    with pytest.raises(ReleaseError, match="task table disagrees"):
        release(own_fixture_kit)


def test_notebooks_go_through_nbgrader(own_fixture_kit: Path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbgrader")
    nb = nbformat.v4.new_notebook()
    meta = {"schema_version": 3, "grade": False, "locked": False, "solution": True}
    code = "def g():\n    ### BEGIN SOLUTION\n    return 'secret answer 42'\n    ### END SOLUTION\n"
    nb.cells = [
        nbformat.v4.new_markdown_cell("Intro", metadata={}),
        nbformat.v4.new_code_cell(code, metadata={"nbgrader": dict(meta, grade_id="g1")}),
    ]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="printed output")]
    path = own_fixture_kit / "solutions" / "fx_ops" / "fx_ops.ipynb"
    path.write_text(nbformat.writes(nb))
    release(own_fixture_kit)
    text = (own_fixture_kit / "assignments" / "fx_ops" / "fx_ops.ipynb").read_text()
    out = json.loads(text)
    assert "secret answer 42" not in text and "printed output" not in text
    assert "raise NotImplementedError()" in "".join(out["cells"][1]["source"])
    assert check_release(own_fixture_kit) == []


def test_the_kits_own_release_is_in_sync(kit_root: Path):
    assert (kit_root / "solutions").is_dir()
    assert check_release(kit_root) == [], "run 'autograder release' and commit assignments/"


def test_fixture_kit_is_not_copied_around(kit_root: Path):
    # the fixture's release exists only in temporary folders
    assert not (kit_root / "tests" / "fixtures" / "kit" / "assignments").exists()
    shutil.rmtree(
        kit_root / "tests" / "fixtures" / "kit" / "solutions" / "fx_ops" / "__pycache__",
        ignore_errors=True,
    )


def _later_assignment(kit: Path, test_line: str = "") -> Path:
    """A second fixture assignment, fx_next, whose ``given.py`` links to fx_ops's ``ops.py``."""
    src = kit / "solutions" / "fx_next"
    (src / "tests").mkdir(parents=True)
    (src / "__init__.py").write_text('"""Fixture: a later assignment."""\n')
    (src / "tasks.toml").write_text(
        '[assignment]\nid = "fx_next"\ntitle = "Later"\ntime_limit = 4.0\n\n'
        '[[tasks]]\nid = "2.1"\ntitle = "Twice"\npoints = 2\nmodule = "more"\n'
    )
    (src / "README.md").write_text(
        "# Later\n\n| task | title | points |\n| --- | --- | --- |\n| 2.1 | Twice | 2 |\n"
    )
    (src / "more.py").write_text(
        "from .given import add\n\n\ndef twice(a):\n    out = None\n"
        "    # TODO(2.1): add a to itself with the provided add.\n"
        "    ### BEGIN SOLUTION\n    out = add(a, a)\n    ### END SOLUTION\n    return out\n"
    )
    (src / "given.py").symlink_to(Path("..") / "fx_ops" / "ops.py")
    (src / "tests" / "test_more.py").write_text(
        "import numpy as np\n\nfrom autograder.authoring import graded, submission\n"
        "from autograder.authoring import assert_close\n\nmore = submission('fx_next.more')\n\n\n"
        "@graded('2.1', points=2)\ndef test_twice():\n"
        "    assert_close(more.twice(np.arange(3.0)), 2 * np.arange(3.0), name='twice(a)')\n"
        + test_line
    )
    return src


def test_a_module_provided_from_an_earlier_assignment_is_its_reference(own_fixture_kit: Path):
    from autograder.grading import grade
    from autograder.grading.results import task_scores

    _later_assignment(own_fixture_kit)
    release(own_fixture_kit)
    given = (own_fixture_kit / "assignments" / "fx_next" / "given.py").read_text()
    assert "out = np.add(a, b)" in given and "BEGIN SOLUTION" not in given
    assert (
        "TODO(1.1)" not in given
        and not (own_fixture_kit / "assignments" / "fx_next" / "given.py").is_symlink()
    )
    stubbed = (own_fixture_kit / "assignments" / "fx_ops" / "ops.py").read_text()
    assert "out = np.add(a, b)" not in stubbed and "NotImplementedError('1.1:" in stubbed
    assert (
        "raise NotImplementedError('2.1:"
        in (own_fixture_kit / "assignments" / "fx_next" / "more.py").read_text()
    )
    assert check_release(own_fixture_kit) == []
    solution = own_fixture_kit / "solutions" / "fx_next"
    results = grade(own_fixture_kit, "fx_next", solution, own_fixture_kit / "r.json")
    assert task_scores(results) == {"2.1": 2}
    skeleton = own_fixture_kit / "assignments" / "fx_next"
    assert grade(own_fixture_kit, "fx_next", skeleton, own_fixture_kit / "s.json")["score"] == 0


def test_lines_of_another_assignment_are_leaks_unless_provided(own_fixture_kit: Path):
    hidden = (own_fixture_kit / "solutions" / "fx_ops" / "tests" / "hidden").rglob("*.py")
    secret = next(
        line
        for path in hidden
        for line in path.read_text().splitlines()
        if "assert_close(" in line and len(line.strip()) > 20
    )
    src = _later_assignment(own_fixture_kit, test_line="\n\ndef _copied():\n" + secret + "\n")
    with pytest.raises(ReleaseError, match="from another assignment"):
        release(own_fixture_kit, ["fx_next"])
    (src / "given.py").unlink()
    (src / "given.py").symlink_to(Path("/etc/hostname"))
    with pytest.raises(ReleaseError, match="must lead to a module of another assignment"):
        release(own_fixture_kit, ["fx_next"])
