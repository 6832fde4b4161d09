"""``autograder new``: a new assignment in a kit's ``solutions/``, complete and gradable at once.

``scaffold(kit, name, framework)`` writes ``solutions/<name>/``: ``tasks.toml`` (one task, 1.1,
with a default forbidden list), the handout ``README.md`` (its task table and not-allowed list
generated, as ``autograder release --handouts`` does), ``activations.py`` (a numerically stable
softmax in numpy, PyTorch or TensorFlow, in one solution region), a public and a hidden test
written with ``autograder.authoring``, one mutant, one variant, ``mutants/equivalent.toml`` and
an nbgrader source notebook. Out of the box the release passes, the reference scores full marks,
the skeleton zero, and ``autograder mutate`` runs on it; then the instructor replaces the softmax
with the real tasks (docs/adding-an-assignment.md).

The files come from ``templates/`` beside this module (``common/``, then the framework's own
folder), each ``<file>.tmpl`` with ``${name}``-style fields. They hold a reference solution, so
they never go into the wheel students install (``wheel.py`` leaves ``*.tmpl`` out): scaffolding
needs a checkout of the kit, as releasing does.
"""

from __future__ import annotations

import importlib.util
import keyword
import re
import shutil
import string
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.paths import assignment_names
from autograder.assignment.tasks import TasksError, load_tasks
from autograder.release.errors import ReleaseError
from autograder.release.handout import check_handout, write_handout
from autograder.release.notebooks import test_cell_id
from autograder.release.wheel import install_line

__all__ = ["FRAMEWORKS", "TEMPLATES", "Framework", "ScaffoldError", "check_name", "scaffold"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
SUFFIX = ".tmpl"


class ScaffoldError(ReleaseError):
    """An assignment that cannot be scaffolded: a bad name, an existing folder, no templates."""


@dataclass(frozen=True)
class Framework:
    """What a framework's assignment sets in tasks.toml and says in its handout.

    Attributes:
        label: the framework's name in prose.
        array: what ``softmax`` takes, in the handout's words.
        extras: the kit's extras its tests need.
        preload: modules every worker imports first.
        forbidden: the assignment's default forbidden list.
        time_limit: seconds per test.
        time_budget: seconds for all tests of a submission.
        import_limit: seconds for the first import of the student's module.
    """

    label: str
    array: str
    extras: tuple[str, ...] = ()
    preload: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    time_limit: float = 30.0
    time_budget: float = 120.0
    import_limit: float = 20.0


FRAMEWORKS: dict[str, Framework] = {
    "numpy": Framework(
        label="numpy",
        array="a numpy array (float64 or float32)",
        forbidden=("scipy.special.softmax", "scipy.special.log_softmax"),
    ),
    "torch": Framework(
        label="PyTorch",
        array="a tensor (float64 or float32; an array is turned into one)",
        extras=("torch",),
        preload=("torch",),
        forbidden=(
            "torch.softmax",
            "torch.log_softmax",
            "torch.special.softmax",
            "torch.nn.functional.softmax",
            "torch.nn.functional.log_softmax",
            "torch.nn.Softmax",
        ),
        time_limit=60.0,
        time_budget=180.0,
        import_limit=30.0,
    ),
    "tf": Framework(
        label="TensorFlow",
        array="a tensor (float64 or float32; an array is turned into one)",
        extras=("tf",),
        preload=("tensorflow",),
        forbidden=(
            "tf.nn.softmax",
            "tf.nn.log_softmax",
            "keras.activations.softmax",
            "keras.ops.softmax",
            "keras.ops.log_softmax",
            "keras.layers.Softmax",
        ),
        time_limit=60.0,
        time_budget=180.0,
        import_limit=30.0,
    ),
}

# Top-level names an assignment's package must not take: it would shadow them on sys.path (or
# be shadowed), in the kit or on a student's machine. Installed modules are refused as well.
POPULAR = frozenset(
    """autograder assignments solutions tests test datasets data benchmarks docs numpy scipy torch
    torchvision tensorflow keras jax flax pandas sklearn matplotlib seaborn cv2 PIL transformers
    tokenizers huggingface_hub notebook nbgrader otter pytest ipykernel jupyter dask""".split()
)


def check_name(kit: Path, name: str) -> None:
    """Refuse a name that cannot be an assignment's package in this kit.

    Raises:
        ScaffoldError: not a lower-case identifier, a Python keyword, a popular or installed
            package, or the name of an existing assignment or folder.
    """
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid assignment name: it is the assignment's Python package, so "
            "use lower-case letters, digits and _, starting with a letter (e.g. hw6_attention)"
        )
    taken = set(assignment_names(kit / "solutions")) | set(assignment_names(kit / "assignments"))
    if name in taken:
        raise ScaffoldError(f"{name!r} is already an assignment of {kit}")
    for folder in (kit / "solutions" / name, kit / "assignments" / name):
        if folder.exists():
            raise ScaffoldError(f"{folder} already exists: choose another name or remove it")
    if name in POPULAR or name in sys.stdlib_module_names or importlib.util.find_spec(name):
        raise ScaffoldError(
            f"{name!r} is the name of a popular or installed package: the assignment's package "
            "would shadow it (or be shadowed); choose a name such as hw6_" + name
        )


def _fields(name: str, title: str, fw: Framework) -> dict[str, str]:
    def toml_list(items: tuple[str, ...]) -> str:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"

    return {
        "name": name,
        "title": title,
        "label": fw.label,
        "array": fw.array,
        "install": install_line(fw.extras),
        "extras": toml_list(fw.extras),
        "preload": toml_list(fw.preload),
        "forbidden": toml_list(fw.forbidden),
        "time_limit": repr(fw.time_limit),
        "time_budget": repr(fw.time_budget),
        "import_limit": repr(fw.import_limit),
        "time_limit_s": f"{fw.time_limit:g}",
        "time_budget_s": f"{fw.time_budget:g}",
        "import_limit_s": f"{fw.import_limit:g}",
    }


def _render(path: Path, fields: dict[str, str]) -> str:
    try:
        return string.Template(path.read_text(encoding="utf-8")).substitute(fields)
    except (KeyError, ValueError) as exc:
        raise ScaffoldError(f"template {path}: {exc!r}") from None


def _notebook(name: str, target: Path, fields: dict[str, str]) -> str:
    """The nbgrader source notebook: intro, setup, a cell that tries the module, and one
    autograded test cell per task (``check_test_cells`` in the release checks them)."""
    import nbformat  # its import takes seconds, which every command would pay at the top

    def meta(grade_id: str, *, locked: bool, grade: bool = False, points: float = 0) -> dict:
        cell = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3}
        cell.update({"solution": False, "task": False}, **({"points": points} if grade else {}))
        return {"nbgrader": cell}

    v4 = nbformat.v4
    intro = _render(TEMPLATES / "common" / f"notebook_intro.md{SUFFIX}", fields).rstrip("\n")
    trial = _render(TEMPLATES / "common" / f"notebook_try.py{SUFFIX}", fields).rstrip("\n")
    setup = (
        f'from autograder.integrations.notebook import use_assignment\n\nuse_assignment("{name}")'
    )
    cells = [
        v4.new_markdown_cell(intro, metadata=meta("intro", locked=True)),
        v4.new_code_cell(setup, metadata=meta("setup", locked=True)),
        v4.new_code_cell(trial, metadata=meta("try", locked=False)),
    ]
    for task in load_tasks(target).tasks:
        source = (
            f"# Task {task.id}: {task.title} ({task.points:g} points)\n"
            "from autograder.integrations.notebook import check_task\n\n"
            "hidden = False  # nbgrader's autograde sets it: the hidden tests count too\n"
            "### BEGIN HIDDEN TESTS\nhidden = True\n### END HIDDEN TESTS\n"
            f'check_task("{task.id}", hidden=hidden)'
        )
        grade_id = test_cell_id(task.id)
        cells.append(
            v4.new_code_cell(
                source, metadata=meta(grade_id, locked=True, grade=True, points=task.points)
            )
        )
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for cell in nb.cells:
        cell.id = cell.metadata["nbgrader"]["grade_id"]  # stable ids: the same file every time
    return nbformat.writes(nb, version=4) + "\n"


def scaffold(kit: Path, name: str, framework: str = "numpy", *, title: str | None = None) -> Path:
    """Write a new assignment ``solutions/<name>/`` in ``kit``; return its folder.

    Args:
        kit: the kit's root (it holds, or will hold, ``solutions/``).
        name: the assignment's package name, e.g. ``hw6_attention``.
        framework: ``numpy``, ``torch`` or ``tf``.
        title: the handout's title; a placeholder naming the framework by default.

    Raises:
        ScaffoldError: a bad name or framework, an existing folder, or no templates (the kit is
            installed from a wheel, not run from a checkout).
    """
    if framework not in FRAMEWORKS:
        raise ScaffoldError(f"unknown framework {framework!r}: one of {', '.join(FRAMEWORKS)}")
    check_name(kit, name)
    if not (TEMPLATES / framework).is_dir():
        raise ScaffoldError(
            f"no templates in {TEMPLATES}: autograder new needs a checkout of the kit (the wheel "
            "students install leaves them out)"
        )
    fw = FRAMEWORKS[framework]
    fields = _fields(name, title or f"{name}: a stable softmax in {fw.label}", fw)
    target = kit / "solutions" / name
    target.mkdir(parents=True)
    try:
        for root in (TEMPLATES / "common", TEMPLATES / framework):
            for path in sorted(root.rglob(f"*{SUFFIX}")):
                rel = path.relative_to(root)
                if rel.parent == Path(".") and rel.name.startswith("notebook_"):
                    continue  # the notebook's cells, below
                out = target / str(rel).removesuffix(SUFFIX)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(_render(path, fields), encoding="utf-8")
        write_handout(load_tasks(target))
        (target / f"{name}.ipynb").write_text(_notebook(name, target, fields), encoding="utf-8")
        check_handout(load_tasks(target))
    except (ScaffoldError, ReleaseError, TasksError):
        shutil.rmtree(target)
        raise
    return target
