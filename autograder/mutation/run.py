"""Grade every operator mutant of an assignment's solution on its own task's tests.

Each mutant is the reference solution with one module replaced by its mutated text. It is graded
like a submission, by the same pytest run and plugin as ``autograder.grading`` (public and hidden
tests, in-process mode: it is the instructor's own code), on its task only, stopping at the first
test that loses points; it is killed when a test of its task loses points.

Speed: what the tests import (torch, the kit's oracles, ...) is imported once, here, and each
mutant's pytest run is a forked child of this warm process, so a mutant costs its tests'
collection and run, not an interpreter's start. Children run ``jobs`` at a time.
"""

from __future__ import annotations

import ast
import importlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from threadpoolctl import threadpool_limits

from autograder.assignment.paths import ResolvedAssignment
from autograder.assignment.tasks import Task
from autograder.grading.grade import GRACE_SECONDS
from autograder.grading.intake import prepare_workspace
from autograder.grading.run import Run, pytest_command, read_events
from autograder.mutation.equivalent import load_equivalent
from autograder.mutation.operators import Mutant, make_mutants
from autograder.runtime.causes import Cause
from autograder.runtime.threads import share, thread_env

__all__ = [
    "MutationError",
    "MutationRun",
    "Outcome",
    "TaskScore",
    "all_mutants",
    "preload",
    "run_forked",
    "run_mutants",
]

T = TypeVar("T")


class MutationError(RuntimeError):
    """The mutation run cannot start: the reference itself loses points."""


@dataclass(frozen=True)
class Outcome:
    """A mutant graded on its task.

    Attributes:
        mutant: the mutant.
        killed: a test of its task lost points.
        equivalent: the reason it is listed as equivalent, or "".
    """

    mutant: Mutant
    killed: bool
    equivalent: str = ""


@dataclass(frozen=True)
class TaskScore:
    """One task's mutation score.

    Attributes:
        task: the task id.
        title: its title.
        made: mutants of its regions.
        killed: those its tests catch.
        equivalent: those listed as equivalent (left out of the score).
        survivors: the others: non-equivalent mutants that keep full marks.
    """

    task: str
    title: str
    made: int
    killed: int
    equivalent: int
    survivors: tuple[Outcome, ...]

    @property
    def score(self) -> float:
        """Killed over non-equivalent mutants (1.0 when there are none)."""
        counted = self.made - self.equivalent
        return self.killed / counted if counted else 1.0


@dataclass
class MutationRun:
    """The mutation run of one assignment.

    Attributes:
        name: the assignment.
        tasks: one score per task run, in tasks.toml's order.
        outcomes: every mutant's outcome.
        stale: equivalent.toml ids that match no mutant made in this run.
        seconds: the run's wall time.
        jobs: mutants graded at once.
        only: the task ids the run was limited to (empty: every task).
        unrunnable: the reference's tests that this machine cannot run (a data set or a GPU
            missing); they decide no mutant's fate.
    """

    name: str
    tasks: list[TaskScore] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1
    only: tuple[str, ...] = ()
    unrunnable: int = 0


def all_mutants(solution: Path, tasks: Sequence[Task]) -> list[Mutant]:
    """The operator mutants of the solution regions of ``tasks``, in their modules' order (the
    same list ``autograder mutate`` grades and its report counts)."""
    wanted = {t.id for t in tasks}
    out: list[Mutant] = []
    for module in sorted({f"{t.module}.py" for t in tasks}):
        text = (solution / module).read_text(encoding="utf-8")
        out += [m for m in make_mutants(text, module) if m.task in wanted]
    return out


def preload(tests: Path, package: str) -> None:
    """Import what the test files import at their top (but the assignment), once, here."""
    for path in sorted(tests.rglob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for module in names:
                if module.split(".")[0] != package:
                    try:
                        importlib.import_module(module)
                    except Exception:  # noqa: BLE001 - the child reports it, as grading would
                        pass


def _fork_pytest(cmd: list[str], threads: int, cwd: Path) -> int:
    """Start ``cmd`` (a ``python -m pytest ...`` line) as a forked child whose numerical
    libraries use ``threads`` threads, working in ``cwd`` (the tree it grades, as the worker of
    an official grading does: files the tests write, checkpoints and logs, land there and not in
    the folder the command was started from, and no run reads another's); returns its pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        os.setsid()
        os.chdir(cwd)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(quiet, fd)
        os.environ.update(MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", **thread_env(threads))
        if "torch" in sys.modules:  # loaded before the fork: its pool is already sized
            sys.modules["torch"].set_num_threads(threads)
        with threadpool_limits(threads):  # BLAS and OpenMP already loaded, likewise
            code = int(pytest.main(cmd[3:]))
    finally:
        os._exit(code)


@dataclass
class _Job:
    """One pytest run in a forked child, of item ``index`` of the work."""

    index: int
    tasks: tuple[str, ...]
    folder: tempfile.TemporaryDirectory
    results: Path
    pid: int = 0
    deadline: float = 0.0


def _lost_points(results: Path, tasks: tuple[str, ...]) -> tuple[list[str], int]:
    """The tasks of ``tasks`` where a finished test scored less than its points (or none ran),
    and how many tests could not run on this machine (a data set or GPU missing: they prove
    nothing, so they kill no mutant)."""
    run = Run()
    read_events(results, run)
    rows = [row for row in run.rows if row.cause is not Cause.MISSING]
    lost = {row.task for row in rows if row.status.counts and row.score < row.max_score}
    ran = {row.task for row in rows}
    return [t for t in tasks if t in lost or t not in ran], len(run.rows) - len(rows)


def run_mutants(
    resolved: ResolvedAssignment,
    *,
    tasks: tuple[str, ...] = (),
    jobs: int = 2,
    progress: Callable[[Outcome, int, int], None] | None = None,
    ids: tuple[str, ...] = (),
    reference: bool = True,
) -> MutationRun:
    """Make and grade the mutants of an assignment (every task, or ``tasks``).

    Args:
        resolved: the assignment, resolved by the command (its kit has ``solutions/`` and the
            release in ``assignments/``).
        tasks: only these task ids.
        jobs: mutants graded at once (each in a pytest process of its own).
        progress: called after each mutant with its outcome, the count done and the total.
        ids: only these mutants (a fixed sample; an id no longer made raises).
        reference: grade the reference on the chosen tasks first and refuse to go on when it
            loses points. A caller that knows it scores full marks (the kit's tests share one
            graded reference) may skip it; every test then runs to its end (no ``-x``).
    """
    start = time.monotonic()
    name, assignment = resolved.name, resolved.assignment
    solution = resolved.kit / "solutions" / name
    chosen = [t for t in assignment.tasks if not tasks or t.id in tasks]
    mutants = all_mutants(solution, chosen)
    if ids:
        missing = sorted(set(ids) - {m.id for m in mutants})
        if missing:
            raise MutationError(f"no such mutant in {name}: {', '.join(missing)}")
        mutants = [m for m in mutants if m.id in ids]
        chosen = [t for t in chosen if any(m.task == t.id for m in mutants)]
    equivalent = load_equivalent(solution)
    run = MutationRun(name, jobs=jobs, only=tuple(tasks))
    preload(solution / "tests", name)
    first_failure = False
    if reference:
        tasks_run = tuple(t.id for t in chosen)
        lost, run.unrunnable = _run_jobs(resolved, [(None, tasks_run)], 1, None)[0]
        if lost:
            raise MutationError(f"the reference loses points on {', '.join(lost)}: fix that first")
        # pytest -x would stop at a test this machine cannot run, before the tests after it
        first_failure = run.unrunnable == 0

    def report(mutant: Mutant, lost: tuple[list[str], int], done: int) -> None:
        outcome = Outcome(mutant, bool(lost[0]), equivalent.get(mutant.id, ""))
        run.outcomes.append(outcome)
        if progress is not None:
            progress(outcome, done, len(mutants))

    work = [(m, (m.task,)) for m in mutants]
    _run_jobs(resolved, work, jobs, report, first_failure=first_failure)
    order = {m.id: i for i, m in enumerate(mutants)}
    run.outcomes.sort(key=lambda o: order[o.mutant.id])
    made_ids = {m.id for m in mutants}
    run.stale = sorted(
        i for i in equivalent if i not in made_ids and (not tasks or _task_of(i, mutants))
    )
    for task in chosen:
        mine = [o for o in run.outcomes if o.mutant.task == task.id]
        run.tasks.append(
            TaskScore(
                task=task.id,
                title=task.title,
                made=len(mine),
                killed=sum(o.killed and not o.equivalent for o in mine),
                equivalent=sum(bool(o.equivalent) for o in mine),
                survivors=tuple(o for o in mine if not o.killed and not o.equivalent),
            )
        )
    run.seconds = time.monotonic() - start
    return run


def _run_jobs(
    resolved: ResolvedAssignment,
    work: list[tuple[Mutant | None, tuple[str, ...]]],
    jobs: int,
    report: Callable[[Mutant, tuple[list[str], int], int], None] | None,
    *,
    first_failure: bool = False,
) -> list[tuple[list[str], int]]:
    """Grade each (mutant or reference, tasks) of ``work``, ``jobs`` at a time.

    Returns:
        For each item of ``work``, in order, the tasks where it lost points and the count of
        tests this machine could not run (``_lost_points``).
    """
    done = 0

    def finished(index: int, lost: tuple[list[str], int]) -> None:
        nonlocal done
        done += 1
        mutant = work[index][0]
        if report is not None and mutant is not None:
            report(mutant, lost, done)

    changes = [({m.file: m.text.encode("utf-8")} if m else {}, tasks) for m, tasks in work]
    return run_forked(
        resolved, changes, jobs, _lost_points, finished=finished, first_failure=first_failure
    )


def run_forked(
    resolved: ResolvedAssignment,
    work: list[tuple[dict[str, bytes], tuple[str, ...]]],
    jobs: int,
    read: Callable[[Path, tuple[str, ...]], T],
    *,
    finished: Callable[[int, T], None] | None = None,
    first_failure: bool = False,
) -> list[T]:
    """Grade the reference with each item's files changed (file name -> new text) on the item's
    tasks, each in a pytest run forked from this warm process (``preload`` first), ``jobs`` at
    a time; a run past the assignment's budget and grace is killed. Used by the mutation run
    and by the trivial-bodies check.

    Returns:
        ``read(results file, tasks)`` of each item, in the order of ``work``; ``finished`` is
        called with the item's index and that value as each run ends.
    """
    assignment = resolved.assignment
    # absolute: each run works in its own folder (``_fork_pytest``)
    solution = (resolved.kit / "solutions" / resolved.name).resolve()
    editable = {f: (solution / f).read_bytes() for f in assignment.editable_files}
    limit = GRACE_SECONDS + assignment.time_budget + assignment.time_limit
    pending = list(enumerate(work))
    running: dict[int, _Job] = {}
    out: list[T | None] = [None] * len(work)
    threads = share(jobs)
    while pending or running:
        while pending and len(running) < max(1, jobs):
            index, (changed, tasks) = pending.pop(0)
            folder = tempfile.TemporaryDirectory(prefix="ag-forked-")
            files = {**editable, **changed}
            root = prepare_workspace(resolved.release, files, Path(folder.name) / "submission")
            results = Path(folder.name) / "results.jsonl"
            cmd = pytest_command(
                solution / "tests",
                root,
                results,
                mode="inprocess",
                tasks=tasks,
                public_only=False,
                sandbox=False,
                worker_user="keep",
                slow_import="stop",
                first_failure=first_failure,  # one lost point is enough to kill a mutant
            )
            job = _Job(index, tasks, folder, results, deadline=time.monotonic() + limit)
            job.pid = _fork_pytest(cmd, threads, root)
            running[job.pid] = job
        pid, _ = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            now = time.monotonic()
            for job in running.values():
                if now > job.deadline:
                    os.killpg(job.pid, signal.SIGKILL)
            time.sleep(0.02)
            continue
        if pid not in running:
            continue  # a child this run did not start
        job = running.pop(pid)
        out[job.index] = read(job.results, job.tasks)
        job.folder.cleanup()
        if finished is not None:
            finished(job.index, out[job.index])
    return out  # type: ignore[return-value]


def _task_of(mutant_id: str, mutants: list[Mutant]) -> bool:
    """Whether a stale-looking id names a file whose mutants were made in this run."""
    return any(m.file == mutant_id.split(":")[0] for m in mutants)
