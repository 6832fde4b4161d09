"""The handout audits: every convention a handout states, the task it belongs to, the test that
checks it (``solutions/<hw>/tests/hidden/AUDIT.md``, never released: the hidden folder is not).

A row whose test was renamed or deleted, whose task left tasks.toml, whose test is graded on
another task, or whose quoted sentence is no longer in the handout, fails here: the table cannot
drift from the tests and the handout it audits.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import load_tasks
from autograder.release.build import released_files

KIT = Path(__file__).resolve().parents[2]
AUDIT = Path("tests") / "hidden" / "AUDIT.md"
HEADER = ("sentence", "task", "test")
_TEST_ID = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
_TASK_ID = re.compile(r"\d+\.\d+")


@dataclass(frozen=True)
class Row:
    line: int
    sentence: str
    tasks: tuple[str, ...]
    tests: tuple[tuple[str, str], ...]  # (file relative to the assignment, function)


def _cells(line: str) -> list[str]:
    """The cells of a markdown table row; ``\\|`` is a literal bar inside a cell."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def audit_rows(text: str) -> list[Row]:
    """The rows of every audit table of ``text``: a table whose first three columns are
    ``sentence | task | test`` (more columns, a note, may follow)."""
    rows, in_table = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if tuple(c.lower() for c in cells[:3]) == HEADER:
            in_table = True
            continue
        if not in_table or set("".join(cells)) <= set("-: "):
            continue
        sentence, task, test = (cells + ["", "", ""])[:3]
        rows.append(
            Row(
                number,
                sentence.strip('"“”'),
                tuple(_TASK_ID.findall(task)),
                tuple(_TEST_ID.findall(test)),
            )
        )
    return rows


def _normal(text: str) -> str:
    """Markdown's code and emphasis marks dropped (on both sides: ``*`` of a formula too), runs of
    white space made one space."""
    return " ".join(text.replace("`", "").replace("*", "").split())


def graded_tests(path: Path) -> dict[str, set[str]]:
    """Module-level test functions of ``path`` -> the task ids their ``@graded`` names."""
    out: dict[str, set[str]] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        out[node.name] = {
            d.args[0].value
            for d in node.decorator_list
            if isinstance(d, ast.Call)
            and getattr(d.func, "id", getattr(d.func, "attr", None)) == "graded"
            and d.args
            and isinstance(d.args[0], ast.Constant)
        }
    return out


def audit_problems(folder: Path) -> list[str]:
    """What is wrong with the audit table of the assignment in ``folder``."""
    path = folder / AUDIT
    if not path.is_file():
        return [f"{path}: no audit table"]
    rows = audit_rows(path.read_text(encoding="utf-8"))
    if not rows:
        return [f"{path}: no row under a '| sentence | task | test |' header"]
    tasks = {t.id for t in load_tasks(folder).tasks}
    handout = _normal((folder / "README.md").read_text(encoding="utf-8"))
    problems, defined = [], {}
    for row in rows:
        where = f"{path.name}:{row.line}"
        if not row.tasks:
            problems.append(f"{where}: no task id")
        problems += [f"{where}: task {t} is not in tasks.toml" for t in row.tasks if t not in tasks]
        if not row.tests:
            problems.append(f"{where}: no test (`tests/<file>.py::<function>`)")
        if _normal(row.sentence) not in handout:
            problems.append(f"{where}: the handout does not say {row.sentence!r}")
        for file, function in row.tests:
            if file not in defined:
                test_file = folder / file
                defined[file] = graded_tests(test_file) if test_file.is_file() else None
            if defined[file] is None:
                problems.append(f"{where}: {file} does not exist")
            elif function not in defined[file]:
                problems.append(f"{where}: {file} defines no {function}")
            elif not defined[file][function] & set(row.tasks):
                problems.append(
                    f"{where}: {file}::{function} is graded on {sorted(defined[file][function])}, "
                    f"not on {list(row.tasks)}"
                )
    return problems


@pytest.mark.parametrize("name", assignment_names(KIT / "solutions"))
def test_every_audit_row_names_a_task_and_a_test_that_exist(name: str):
    assert audit_problems(KIT / "solutions" / name) == []


@pytest.mark.parametrize("name", assignment_names(KIT / "solutions"))
def test_the_audit_is_never_released(name: str):
    assert AUDIT not in released_files(KIT / "solutions" / name)


def _synthetic(tmp_path: Path, rows: str) -> Path:
    folder = tmp_path / "hw"
    (folder / "tests" / "hidden").mkdir(parents=True)
    (folder / "tasks.toml").write_text(
        '[assignment]\nid = "hw"\ntitle = "t"\n\n'
        '[[tasks]]\nid = "1.1"\ntitle = "t"\npoints = 2\nmodule = "m"\nnames = ["f"]\n'
    )
    (folder / "m.py").write_text("def f():\n    pass\n")
    (folder / "README.md").write_text("# hw\n\n`f` returns a **float64** array.\n")
    (folder / "tests" / "test_m.py").write_text(
        '@graded("1.1", points=2)\ndef test_f():\n    pass\n\n\ndef helper():\n    pass\n'
    )
    (folder / AUDIT).write_text(
        "# audit\n\n| sentence | task | test |\n| --- | --- | --- |\n" + rows + "\n"
    )
    return folder


def test_a_correct_synthetic_table_passes(tmp_path: Path):
    row = '| "`f` returns a float64 array" | 1.1 | `tests/test_m.py::test_f` |'
    folder = _synthetic(tmp_path, row)
    assert audit_problems(folder) == []


@pytest.mark.parametrize(
    "row, problem",
    [
        ('| "returns a float64" | 1.1 | `tests/test_m.py::test_g` |', "defines no test_g"),
        ('| "returns a float64" | 1.1 | `tests/test_x.py::test_f` |', "test_x.py does not exist"),
        ('| "returns a float64" | 1.2 | `tests/test_m.py::test_f` |', "1.2 is not in tasks.toml"),
        ('| "returns a float64" | 1.1 | none |', "no test"),
        ('| "returns a float32" | 1.1 | `tests/test_m.py::test_f` |', "does not say"),
        ('| "returns a float64" | 1.1 | `tests/test_m.py::helper` |', "graded on []"),
    ],
)
def test_a_wrong_synthetic_row_fails(tmp_path: Path, row: str, problem: str):
    problems = audit_problems(_synthetic(tmp_path, row))
    assert problems and any(problem in p for p in problems), problems


def test_an_assignment_without_an_audit_fails(tmp_path: Path):
    folder = _synthetic(tmp_path, "")
    (folder / AUDIT).unlink()
    assert "no audit table" in audit_problems(folder)[0]
