"""Generate the student release (``assignments/``) from the solutions (``solutions/``).

The release is made of small ordered steps, each a function:

1. ``released_files``: which files of an assignment are released (hidden tests, mutants and
   variants never are);
2. ``strip_regions``: each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region of a module
   becomes ``raise NotImplementedError("<task>: <todo>")``, the text of the ``# TODO(<task>): ...``
   comment that must stand on the line above the region;
3. ``release_notebook``: notebooks go through nbgrader's generate-assignment preprocessors;
4. ``check_handout``: the handout's task table must agree with tasks.toml;
5. ``check_test_cells``: a notebook's autograded test cells are one per task, with its points;
6. ``otter_test_files`` (``autograder.otter``): one otter test file per task is generated;
7. ``leak_check``: no released line is a line of a solution region or of a hidden test.

The output is deterministic: the same solutions give the same bytes.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.otter import OTTER_DIR, otter_test_files
from autograder.tasks import Assignment, load_tasks

__all__ = [
    "ReleaseError",
    "build_assignment",
    "check_handout",
    "check_release",
    "check_test_cells",
    "leak_check",
    "release",
    "released_files",
    "strip_regions",
    "test_cell_id",
]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_TODO = re.compile(r"^\s*# TODO\((?P<task>\d+(?:\.\d+)*)\):\s*(?P<text>.+?)\s*$")
_NEVER = {"mutants", "variants", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


class ReleaseError(ValueError):
    """The solutions cannot be released as they are."""


@dataclass(frozen=True)
class Stripped:
    """A module with its solution regions replaced.

    Attributes:
        text: the released text.
        secret: the lines that were inside solution regions.
    """

    text: str
    secret: tuple[str, ...]


def released_files(folder: Path) -> list[Path]:
    """The assignment's files that go to students, relative to ``folder``, sorted."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or set(rel.parts) & _NEVER or path.suffix == ".pyc":
            continue
        if rel.parts[:2] == ("tests", "hidden"):
            continue
        out.append(rel)
    return out


def strip_regions(text: str, where: str, task_ids: set[str] | None = None) -> Stripped:
    """Replace every solution region of a module by a ``raise NotImplementedError``.

    Args:
        text: the module's source.
        where: its path, for messages.
        task_ids: the assignment's task ids; a TODO naming another id is an error.

    Raises:
        ReleaseError: unbalanced markers, or a region without its TODO line.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    secret: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == END:
            raise ReleaseError(f"{where}:{i + 1}: {END} without {BEGIN}")
        if line.strip() != BEGIN:
            out.append(line)
            i += 1
            continue
        todo = _TODO.match(lines[i - 1]) if i else None
        if todo is None:
            raise ReleaseError(
                f"{where}:{i + 1}: a solution region needs '# TODO(<task>): <what to do>' above it"
            )
        if task_ids is not None and todo["task"] not in task_ids:
            raise ReleaseError(f"{where}:{i}: TODO names task {todo['task']}, not in tasks.toml")
        indent = line[: len(line) - len(line.lstrip())]
        j = i + 1
        while j < len(lines) and lines[j].strip() != END:
            if lines[j].strip() == BEGIN:
                raise ReleaseError(f"{where}:{j + 1}: nested {BEGIN}")
            secret.append(lines[j])
            j += 1
        if j == len(lines):
            raise ReleaseError(f"{where}:{i + 1}: {BEGIN} without {END}")
        message = f"{todo['task']}: {todo['text']}"
        out.append(f"{indent}raise NotImplementedError({message!r})\n")
        i = j + 1
    return Stripped("".join(out), tuple(secret))


def release_notebook(text: str) -> str:
    """Run nbgrader's generate-assignment preprocessors over a source notebook's JSON text."""
    import nbformat
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearMarkScheme,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
    )

    nb = nbformat.reads(text, as_version=4)
    resources = {"language": "python", "nbgrader": {}}
    for step in (
        CheckCellMetadata,
        LockCells,
        ClearSolutions,
        ClearOutput,
        ClearHiddenTests,
        ClearMarkScheme,
        ComputeChecksums,
        CheckCellMetadata,
    ):
        nb, resources = step().preprocess(nb, resources)
    return nbformat.writes(nb) + "\n"


def _notebook_secrets(text: str) -> list[str]:
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    secret: list[str] = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if line.strip() in (BEGIN, HIDDEN_BEGIN):
                inside = True
            elif line.strip() in (END, HIDDEN_END):
                inside = False
            elif inside:
                secret.append(line)
    return secret


def check_handout(assignment: Assignment) -> None:
    """Fail unless the handout's task table lists exactly the tasks of tasks.toml.

    The table has rows ``| <id> | <title> | <points> |``.
    """
    handout = assignment.path / "README.md"
    if not handout.is_file():
        raise ReleaseError(f"{assignment.id}: no handout README.md")
    row = re.compile(r"^\|\s*(\d+(?:\.\d+)+)\s*\|\s*([^|]*?)\s*\|\s*([\d.]+)\s*\|")
    found = {}
    for line in handout.read_text(encoding="utf-8").splitlines():
        m = row.match(line)
        if m:
            found[m[1]] = (m[2], float(m[3]))
    want = {t.id: (t.title, float(t.points)) for t in assignment.tasks}
    if found != want:
        diff = sorted(set(found.items()) ^ set(want.items()))
        raise ReleaseError(
            f"{handout}: the task table disagrees with tasks.toml: {diff} "
            "(rows are '| id | title | points |')"
        )


def test_cell_id(task_id: str) -> str:
    """The nbgrader grade_id of a task's autograded test cell: ``test_1_2`` for task 1.2."""
    return "test_" + task_id.replace(".", "_")


def check_test_cells(assignment: Assignment, text: str, where: str) -> int:
    """Check a notebook's autograded test cells against tasks.toml.

    A notebook has no autograded test cell or one per task: grade_id ``test_cell_id(task)``,
    the task's points, and a call ``check_task("<task>"``. Manually graded cells are not checked.

    Returns:
        The number of autograded test cells.

    Raises:
        ReleaseError: a test cell is missing, extra, or disagrees with tasks.toml.
    """
    import nbformat

    cells = {}
    for cell in nbformat.reads(text, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and not meta.get("task"):
            cells[meta.get("grade_id")] = (meta.get("points"), cell.source)
    if not cells:
        return 0
    want = {test_cell_id(t.id): t for t in assignment.tasks}
    problems = [f"{g} is not a task's test cell" for g in sorted(set(cells) - set(want))]
    for grade_id, task in want.items():
        if grade_id not in cells:
            problems.append(f"task {task.id} has no test cell {grade_id}")
            continue
        points, source = cells[grade_id]
        if points is None or float(points) != task.points:
            problems.append(f"{grade_id} has {points} points, task {task.id} {task.points:g}")
        if f'check_task("{task.id}"' not in source:
            problems.append(f'{grade_id} does not call check_task("{task.id}", ...)')
    if problems:
        raise ReleaseError(
            f"{where}: the autograded test cells disagree with tasks.toml: " + "; ".join(problems)
        )
    return len(cells)


def _norm(line: str) -> str:
    return " ".join(line.split())


def _trivial(line: str) -> bool:
    return len(line) < 12 or line.startswith("#") or not re.search(r"[A-Za-z0-9]", line)


def _outside_regions(text: str) -> list[str]:
    """Lines outside solution and hidden-test regions, found independently of the stripper."""
    depth, out = 0, []
    for line in text.splitlines():
        if line.strip() in (BEGIN, HIDDEN_BEGIN):
            depth += 1
        elif line.strip() in (END, HIDDEN_END):
            depth -= 1
        elif depth == 0:
            out.append(line)
    return out


def build_assignment(src: Path, dest: Path) -> tuple[list[str], list[str]]:
    """Write the release of one assignment to ``dest``.

    Returns:
        The secret lines (solution regions, hidden tests) and the public lines (everything the
        released source files hold outside regions), for ``leak_check``.
    """
    assignment = load_tasks(src)
    check_handout(assignment)
    ids = {t.id for t in assignment.tasks}
    secret: list[str] = []
    public: list[str] = []
    for rel in released_files(src):
        if rel.parts[0] == OTTER_DIR:
            raise ReleaseError(f"{src / OTTER_DIR} is generated by the release: remove it")
        source = src / rel
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in (".py", ".ipynb", ".md", ".toml", ".txt"):
            text = source.read_text(encoding="utf-8")
            if source.suffix == ".ipynb":
                import nbformat

                text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
            public += _outside_regions(text)
        if source.suffix == ".py":
            stripped = strip_regions(source.read_text(encoding="utf-8"), str(source), ids)
            target.write_text(stripped.text, encoding="utf-8")
            secret += stripped.secret
        elif source.suffix == ".ipynb":
            text = source.read_text(encoding="utf-8")
            check_test_cells(assignment, text, str(source))
            target.write_text(release_notebook(text), encoding="utf-8")
            secret += _notebook_secrets(text)
        else:
            shutil.copyfile(source, target)
    for rel, text in otter_test_files(assignment).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text, encoding="utf-8")
    for path in sorted((src / "tests" / "hidden").rglob("*.py")):
        secret += path.read_text(encoding="utf-8").splitlines()
    return secret, public


def leak_check(dest: Path, secret: list[str], public: list[str]) -> list[str]:
    """Every released line that is a secret line and not also a line of the public source.

    Args:
        dest: the released assignment folder.
        secret: lines of solution regions and hidden tests.
        public: lines the solutions hold outside regions in released files (these may repeat a
            secret line legitimately, e.g. ``return out``).
    """
    released: dict[str, list[str]] = {}
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".ipynb":
            import nbformat

            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
        released[str(path)] = [_norm(x) for x in text.splitlines()]
    secrets = {_norm(x) for x in secret} - {_norm(x) for x in public}
    secrets = {s for s in secrets if not _trivial(s)}
    leaks = []
    for path, lines in released.items():
        for n, line in enumerate(lines, 1):
            if line in secrets:
                leaks.append(f"{path}:{n}: {line[:80]}")
    return leaks


def release(kit: Path, names: list[str] | None = None, out: Path | None = None) -> list[Path]:
    """Regenerate ``<kit>/assignments`` (or ``out``) from ``<kit>/solutions``.

    Args:
        kit: the kit's root folder.
        names: the assignments to release; all by default.
        out: where to write instead of ``<kit>/assignments``.

    Returns:
        The assignment folders written.

    Raises:
        ReleaseError: a step failed, including the leak check.
    """
    solutions = kit / "solutions"
    out = out or kit / "assignments"
    names = names or sorted(p.name for p in solutions.iterdir() if (p / "tasks.toml").is_file())
    written = []
    for name in names:
        src = solutions / name
        if not (src / "tasks.toml").is_file():
            raise ReleaseError(f"no assignment {name!r} in {solutions}")
        with tempfile.TemporaryDirectory() as tmp:
            staged = Path(tmp) / name
            secret, public = build_assignment(src, staged)
            leaks = leak_check(staged, secret, public)
            if leaks:
                raise ReleaseError(
                    f"{name}: solution or hidden lines in the release:\n" + "\n".join(leaks)
                )
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(staged, target)
        written.append(out / name)
    return written


def check_release(kit: Path, names: list[str] | None = None) -> list[str]:
    """Regenerate the release into a temporary folder; list the files that differ from it."""
    current = kit / "assignments"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        release(kit, names, out=fresh)
        differ = []
        for folder in sorted(fresh.iterdir()):
            old = current / folder.name
            new_files = {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}
            old_files = (
                {
                    p.relative_to(old)
                    for p in old.rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts
                }
                if old.is_dir()
                else set()
            )
            for rel in sorted(new_files | old_files):
                a, b = folder / rel, old / rel
                if not (a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)):
                    differ.append(f"assignments/{folder.name}/{rel}")
        return differ
