"""Trivial bodies: does code that runs and computes nothing score zero?

The untouched skeleton raises, so every test says "not attempted"; a student who returns
placeholders gets further. ``trivial_module`` replaces every solution region of one task by a
trivial body of one ``KINDS`` kind (the first region of each function returns, the others become
``pass``), and ``score_trivial`` grades such trees on that task alone, with the mutation run's
machinery (in-process pytest runs forked from one warm process), returning the points kept.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.paths import resolve_assignment
from autograder.grading.run import Run, read_events
from autograder.mutation.operators import solution_regions
from autograder.mutation.run import preload, run_forked
from autograder.runtime.causes import Cause

__all__ = ["KINDS", "Trivial", "score_trivial", "trivial_module"]

# kind: the statement that replaces the first region of a function ({arg}: its first argument
# after self); "zeros" and "input" are skipped for a function without arguments. "zeros" is
# ``arg * 0``: zeros of the argument's shape and type (numpy, TensorFlow or torch), the right
# shape wherever the result has the input's shape (elementwise layers, losses' gradients, ...).
KINDS = {
    "none": "return None",
    "zeros": "return {arg} * 0",
    "empty": "return {{}}",
    "input": "return {arg}",
}


@dataclass(frozen=True)
class Trivial:
    """One task's regions replaced by one kind of trivial body, and what it scored.

    Attributes:
        task: the task id.
        kind: a key of ``KINDS``.
        points: the points it kept on its task (tests this machine cannot run left out).
        of: the task's points.
        kept: the tests that gave it points.
    """

    task: str
    kind: str
    points: float
    of: float
    kept: tuple[str, ...]


def trivial_module(text: str, task: str, kind: str) -> str | None:
    """``text`` with every solution region of ``task`` replaced by a ``kind`` body, or None when
    the module has no region of ``task`` or the kind needs an argument its function lacks."""
    regions = [r for r in solution_regions(text) if r.task == task]
    if not regions:
        return None
    functions = [
        n
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    lines = text.splitlines(keepends=True)

    def function_of(start: int) -> ast.AST | None:
        around = [f for f in functions if f.lineno < start <= f.end_lineno]
        return max(around, key=lambda f: f.lineno) if around else None

    for region in reversed(regions):  # from the bottom, so earlier line numbers stay right
        function = function_of(region.start)
        if function is None:
            return None
        args = [a.arg for a in function.args.posonlyargs + function.args.args]
        args = args[1:] if args[:1] in (["self"], ["cls"]) else args
        first = all(function_of(r.start) is not function for r in regions if r.start < region.start)
        if first and "{arg}" in KINDS[kind] and not args:
            return None
        begin = lines[region.start - 2]
        indent = begin[: len(begin) - len(begin.lstrip())]
        body = KINDS[kind].format(arg=args[0] if args else "") if first else "pass"
        lines[region.start - 1 : region.end] = [f"{indent}{body}\n"]
    return "".join(lines)


def score_trivial(
    kit: Path, name: str, cases: list[tuple[str, str]], *, jobs: int = 2
) -> list[Trivial]:
    """Grade each (task, kind) of ``cases`` on its task alone; cases whose kind does not apply
    to the task's regions are left out of the result."""
    resolved = resolve_assignment(kit, name)
    assignment = resolved.assignment
    solution = kit / "solutions" / name
    editable = {f: (solution / f).read_text(encoding="utf-8") for f in assignment.editable_files}
    preload(solution / "tests", name)
    applied, work = [], []
    for task, kind in cases:
        files = {f: trivial_module(t, task, kind) for f, t in editable.items()}
        if any(v is None for f, v in files.items() if _has_region(editable[f], task)):
            continue  # the kind does not apply to one of the task's functions
        changed = {f: v.encode("utf-8") for f, v in files.items() if v is not None}
        if changed:
            applied.append((task, kind))
            work.append((changed, (task,)))
    scored = run_forked(resolved, work, jobs, _scored)
    return [
        Trivial(task, kind, points, assignment.task(task).points, kept)
        for (task, kind), (points, kept) in zip(applied, scored, strict=True)
    ]


def _has_region(text: str, task: str) -> bool:
    return any(r.task == task for r in solution_regions(text))


def _scored(results: Path, tasks: tuple[str, ...]) -> tuple[float, tuple[str, ...]]:
    """The points a run kept on its task and the tests that gave them (tests this machine
    cannot run left out)."""
    run = Run()
    read_events(results, run)
    rows = [r for r in run.rows if r.task in tasks and r.cause is not Cause.MISSING]
    kept = tuple(r.nodeid.split("::")[-1] for r in rows if r.score > 0)
    return sum(r.score for r in rows), kept


def main(argv: list[str]) -> None:
    """``python -m autograder.mutation.trivial KIT NAME TASK:KIND ...``: one JSON line a case
    (a process of its own, so the frameworks its tests import stay out of the caller's)."""
    kit, name, *cases = argv
    pairs = [tuple(case.split(":", 1)) for case in cases]
    for row in score_trivial(Path(kit), name, pairs):
        print(json.dumps(dataclasses.asdict(row)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
