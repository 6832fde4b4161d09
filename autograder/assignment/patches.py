"""Mutants (realistic wrong implementations) and variants (correct ones written differently).

Both are TOML files of search-and-replace edits on the reference solution::

    task = "1.1"                   # mutants: the task it must fail
    phrase = "grads['b']"          # mutants: text some failing message of that task contains
    description = "bias gradient not summed over the batch"   # mutants
    how = "explicit loops"         # variants: how it differs
    loses = { "2.7" = "faster" }   # variants, optional: task -> phrase of the points it may lose

    [[edits]]
    file = "layers.py"
    old = "exact text, found exactly once"
    new = "replacement"
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "EQUIVALENT_MUTANTS",
    "MUTATION_REPORT",
    "Edit",
    "Patch",
    "PatchError",
    "apply_patch",
    "load_patches",
]


class PatchError(ValueError):
    """A mutant or variant that does not apply to the reference."""


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (present exactly once) by ``new`` in ``file``."""

    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Patch:
    """A mutant or a variant.

    Attributes:
        name: the file's stem.
        kind: ``mutant`` or ``variant``.
        edits: the edits, applied in order.
        task: the task a mutant must fail.
        phrase: text a failing message of that task must contain (case-insensitive).
        description: what a mutant gets wrong.
        how: how a variant differs from the reference.
        loses: a variant's ``(task, phrase)`` pairs: the tasks where it must lose points (a
            correct but slow variant, say), with text a failing message of that task contains;
            it scores full marks on every other task.
    """

    name: str
    kind: str
    edits: tuple[Edit, ...]
    task: str = ""
    phrase: str = ""
    description: str = ""
    how: str = ""
    loses: tuple[tuple[str, str], ...] = ()


EQUIVALENT_MUTANTS = "equivalent.toml"  # mutants/ also lists the equivalent operator mutants
MUTATION_REPORT = "mutation-report.md"  # autograder mutate's report: instructors only
_KEYS = {"mutant": {"task", "phrase", "description", "edits"}, "variant": {"how", "edits"}}
_OPTIONAL = {"mutant": set(), "variant": {"loses"}}


def load_patches(folder: Path, kind: str) -> list[Patch]:
    """All patches of one kind in an assignment (``mutants/`` or ``variants/``), by name."""
    patches = []
    for path in sorted((folder / f"{kind}s").glob("*.toml")):
        if path.name == EQUIVALENT_MUTANTS:
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if not _KEYS[kind] <= set(data) <= _KEYS[kind] | _OPTIONAL[kind]:
            raise PatchError(
                f"{path}: keys {sorted(data)}, expected {sorted(_KEYS[kind])}"
                + (f" and optionally {sorted(_OPTIONAL[kind])}" if _OPTIONAL[kind] else "")
            )
        loses = data.pop("loses", {})
        if not isinstance(loses, dict) or not all(isinstance(v, str) and v for v in loses.values()):
            raise PatchError(f"{path}: loses is a table of task id = phrase (a non-empty string)")
        edits = []
        for raw in data.pop("edits"):
            if set(raw) != {"file", "old", "new"}:
                raise PatchError(f"{path}: each edit has exactly file, old and new")
            edits.append(Edit(**raw))
        patches.append(
            Patch(
                name=path.stem,
                kind=kind,
                edits=tuple(edits),
                loses=tuple(sorted(loses.items())),
                **data,
            )
        )
    return patches


def apply_patch(solution: Path, patch: Patch, dest: Path) -> Path:
    """Copy the assignment package ``solution`` into ``dest`` with the patch applied.

    Returns:
        The root to import from (``dest``).
    """
    package = dest / solution.name
    shutil.copytree(solution, package, ignore=shutil.ignore_patterns("__pycache__"))
    for edit in patch.edits:
        target = package / edit.file
        text = target.read_text(encoding="utf-8")
        if text.count(edit.old) != 1:
            raise PatchError(
                f"{patch.kind} {patch.name}: the text to replace occurs {text.count(edit.old)} "
                f"times in {edit.file}, expected once"
            )
        target.write_text(text.replace(edit.old, edit.new), encoding="utf-8")
    return dest
