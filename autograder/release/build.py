"""Generate the student release (``assignments/``) from the solutions (``solutions/``).

The release of one assignment is made of small ordered steps, each in a module of its own:

1. ``released_files``: which files are released (hidden tests, mutants, variants and the
   mutation report never are);
2. ``check_handout`` (``handout``): the handout's generated parts, the task table and the
   "not allowed" list, must agree with tasks.toml (``update_handouts`` rewrites them);
3. per file, by kind (``FILE_STEPS``): modules go through ``strip_regions`` (``regions``),
   notebooks through ``check_test_cells`` and nbgrader's generate-assignment (``notebooks``),
   anything else is copied;
4. ``otter_test_files`` (``otter_files``): one otter test file per task is generated;
5. ``leak_check`` (``leak``): no released line is a line of a solution region or hidden test of
   this assignment, nor of another one (their hidden tests anywhere; their solution regions
   unless provided, see below).

Provided from an earlier assignment: a module of ``solutions/<hw>/`` that is a symbolic link to a
module of another assignment (``network.py -> ../hw1_mlp_numpy/network.py``) is released with
that module's reference code, its solution markers and TODO lines removed (``resolve_regions``):
one source, no hand copy, released on purpose once the earlier assignment is due. The earlier
assignment's own release still has those regions stripped.

The output is deterministic: the same solutions give the same bytes.
"""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from autograder.assignment.patches import MUTATION_REPORT
from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import Assignment, is_assignment, load_tasks
from autograder.release.errors import ReleaseError
from autograder.release.handout import check_handout, write_handout
from autograder.release.leak import leak_check
from autograder.release.notebooks import (
    check_test_cells,
    notebook_secrets,
    notebook_source,
    release_notebook,
)
from autograder.release.otter_files import OTTER_DIR, otter_test_files
from autograder.release.regions import outside_regions, resolve_regions, strip_regions

__all__ = [
    "FILE_STEPS",
    "assignment_secrets",
    "build_assignment",
    "check_release",
    "kit_leaks",
    "provided_files",
    "release",
    "released_files",
    "update_handouts",
]

_NEVER = {"mutants", "variants", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
_TEXT = (".py", ".ipynb", ".md", ".toml", ".txt")


def released_files(folder: Path) -> list[Path]:
    """The assignment's files that go to students, relative to ``folder``, sorted."""
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or set(rel.parts) & _NEVER or path.suffix == ".pyc":
            continue
        if rel.parts[:2] == ("tests", "hidden") or rel == Path(MUTATION_REPORT):
            continue  # the mutation report shows solution lines in its diffs
        out.append(rel)
    return out


def provided_files(src: Path) -> dict[Path, Path]:
    """The modules ``src`` takes from other assignments: relative path -> the module it links to.

    Raises:
        ReleaseError: a link that does not lead to a module of another assignment.
    """
    out = {}
    for rel in released_files(src):
        path = src / rel
        if not path.is_symlink():
            continue
        target = path.resolve()
        home = target.parent
        other = home != src.resolve() and home.parent == src.resolve().parent
        if path.suffix != ".py" or not other or not is_assignment(home):
            raise ReleaseError(
                f"{path}: a link in an assignment must lead to a module of another assignment "
                f"(it leads to {target})"
            )
        out[rel] = target
    return out


def assignment_secrets(src: Path) -> tuple[list[str], list[str]]:
    """What an assignment's releases must never show: its solution-region lines (of its own
    modules and notebooks, not of provided ones) and its hidden tests' lines."""
    regions: list[str] = []
    for rel in released_files(src):
        path = src / rel
        if path.is_symlink():
            continue
        if path.suffix == ".py":
            regions += strip_regions(path.read_text(encoding="utf-8"), str(path)).secret
        elif path.suffix == ".ipynb":
            regions += notebook_secrets(path.read_text(encoding="utf-8"))
    hidden = []
    for path in sorted((src / "tests" / "hidden").rglob("*.py")):
        hidden += path.read_text(encoding="utf-8").splitlines()
    return regions, hidden


def public_lines(src: Path) -> list[str]:
    """Every line the released source files of ``src`` show: outside the regions of its own
    files, and the whole resolved text of the modules it provides from other assignments."""
    provided = provided_files(src)
    public: list[str] = []
    for rel in released_files(src):
        source = src / rel
        if rel in provided:
            public += resolve_regions(source.read_text(encoding="utf-8"), str(rel)).splitlines()
        elif source.suffix in _TEXT:
            text = source.read_text(encoding="utf-8")
            public += outside_regions(notebook_source(text) if source.suffix == ".ipynb" else text)
    return public


def _release_module(assignment: Assignment, source: Path, target: Path) -> None:
    """A module with its solution regions stripped (or resolved, when provided)."""
    text = source.read_text(encoding="utf-8")
    if source.is_symlink():
        target.write_text(resolve_regions(text, str(source.resolve())), encoding="utf-8")
        return
    ids = {t.id for t in assignment.tasks}
    target.write_text(strip_regions(text, str(source), ids).text, encoding="utf-8")


def _release_notebook(assignment: Assignment, source: Path, target: Path) -> None:
    """A notebook, its test cells checked, through nbgrader."""
    text = source.read_text(encoding="utf-8")
    check_test_cells(assignment, text, str(source))
    target.write_text(release_notebook(text), encoding="utf-8")


def _copy(assignment: Assignment, source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


FILE_STEPS: dict[str, Callable[[Assignment, Path, Path], None]] = {
    ".py": _release_module,
    ".ipynb": _release_notebook,
}


def build_assignment(src: Path, dest: Path) -> tuple[list[str], list[str]]:
    """Write the release of one assignment to ``dest``.

    Returns:
        The secret lines (solution regions, hidden tests) and the public lines (everything the
        released source files hold outside regions), for ``leak_check``.
    """
    assignment = load_tasks(src)
    check_handout(assignment)
    for rel in released_files(src):
        if rel.parts[0] == OTTER_DIR:
            raise ReleaseError(f"{src / OTTER_DIR} is generated by the release: remove it")
        source, target = src / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        FILE_STEPS.get(source.suffix, _copy)(assignment, source, target)
    for rel, text in otter_test_files(assignment).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text, encoding="utf-8")
    regions, hidden = assignment_secrets(src)
    return regions + hidden, public_lines(src)


def update_handouts(kit: Path, names: list[str] | None = None) -> list[Path]:
    """Rewrite the generated parts of each ``solutions/<hw>/README.md`` from its tasks.toml
    (all assignments, or ``names``); returns the handouts that changed.

    Raises:
        ReleaseError: no such assignment, or a handout that cannot be rewritten.
    """
    solutions = kit / "solutions"
    changed = []
    for name in names or assignment_names(solutions):
        if not is_assignment(solutions / name):
            raise ReleaseError(f"no assignment {name!r} in {solutions}")
        handout = write_handout(load_tasks(solutions / name))
        if handout is not None:
            changed.append(handout)
    return changed


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
    names = names or assignment_names(solutions)
    written = []
    for name in names:
        src = solutions / name
        if not is_assignment(src):
            raise ReleaseError(f"no assignment {name!r} in {solutions}")
        with tempfile.TemporaryDirectory() as tmp:
            staged = Path(tmp) / name
            secret, public = build_assignment(src, staged)
            leaks = leak_check(staged, secret, public) + _leaks_of_others(solutions, name, staged)
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


_OTHERS_MIN_LENGTH = 24  # lines of another assignment this short coincide by chance
_OWN_MIN_LENGTH = 12  # leak_check's own default: an assignment's lines in its own files


def _leaks_of_others(solutions: Path, name: str, staged: Path) -> list[str]:
    """Lines of the other assignments in this release: their hidden tests anywhere, their
    solution regions unless this assignment shows the line too (a module it provides, or its own
    code outside regions). Lines the other assignment itself releases are not secret."""
    own = public_lines(solutions / name)
    leaks = []
    for other in assignment_names(solutions):
        if other == name:
            continue
        regions, hidden = assignment_secrets(solutions / other)
        theirs = public_lines(solutions / other)
        leaks += leak_check(staged, hidden, theirs, min_length=_OTHERS_MIN_LENGTH)
        leaks += leak_check(staged, regions, theirs + own, min_length=_OTHERS_MIN_LENGTH)
    return [f"{leak} (from another assignment)" for leak in leaks]


def kit_leaks(folder: Path, solutions: Path, *, grading: str | None = None) -> list[str]:
    """Lines in any file below ``folder`` that only instructors may see: every assignment's
    solution regions and hidden tests (for the wheel students install, or a grading export).

    Args:
        folder: what is checked, e.g. an unpacked wheel.
        solutions: the kit's ``solutions/``.
        grading: the assignment whose hidden tests ``folder`` holds on purpose (a Gradescope
            export); these and its release's lines, modules provided from other assignments
            included, are not secrets.

    The engine's oracles and probes are written apart from the solutions, as the assignments
    are from each other, so lines shorter than ``_OTHERS_MIN_LENGTH`` (``model.train()``,
    ``c, h = state``) are not compared: they coincide by chance. ``grading``'s own solution
    lines are compared from ``_OWN_MIN_LENGTH`` characters, as in its release.
    """
    shown = []  # what ``folder`` holds on purpose: ``grading``'s release and hidden tests
    if grading:
        shown = public_lines(solutions / grading) + assignment_secrets(solutions / grading)[1]
    leaks = []
    for name in assignment_names(solutions):
        regions, hidden = assignment_secrets(solutions / name)
        secret = regions if name == grading else regions + hidden
        public = public_lines(solutions / name) + shown
        shortest = _OWN_MIN_LENGTH if name == grading else _OTHERS_MIN_LENGTH
        leaks += leak_check(folder, secret, public, min_length=shortest)
    return leaks


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
