"""Grade every operator mutant of an assignment's solution on its own task's tests.

Each mutant is the reference solution with one module replaced by its mutated text; it is graded
like a submission (``autograder.grading.grade``, public and hidden tests, only its task) and
counts as killed when that task scores less than full marks.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignment.paths import assignment_paths
from autograder.grading.grade import grade
from autograder.grading.results import task_scores
from autograder.mutation.equivalent import load_equivalent
from autograder.mutation.operators import Mutant, make_mutants

__all__ = ["MutationRun", "Outcome", "TaskScore", "all_mutants", "run_mutants"]


@dataclass(frozen=True)
class Outcome:
    """A mutant graded on its task.

    Attributes:
        mutant: the mutant.
        score: the task's points with the mutant in place.
        killed: the task lost points.
        equivalent: the reason it is listed as equivalent, or "".
    """

    mutant: Mutant
    score: float
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
    """

    name: str
    tasks: list[TaskScore] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    seconds: float = 0.0
    jobs: int = 1
    only: tuple[str, ...] = ()


def all_mutants(solution: Path, modules: list[str]) -> list[Mutant]:
    """The operator mutants of every solution region of ``modules`` (file names)."""
    out: list[Mutant] = []
    for module in modules:
        out += make_mutants((solution / module).read_text(encoding="utf-8"), module)
    return out


def _grade_mutant(
    kit: Path, name: str, solution: Path, mutant: Mutant, points: float, mode: str
) -> tuple[float, bool]:
    with tempfile.TemporaryDirectory(prefix="ag-mutant-") as tmp:
        folder = Path(tmp) / name
        shutil.copytree(
            solution, folder, ignore=shutil.ignore_patterns("__pycache__", "tests", "*.ipynb")
        )
        (folder / mutant.file).write_text(mutant.text, encoding="utf-8")
        results = grade(
            kit,
            name,
            folder,
            Path(tmp) / "results.json",
            tasks=(mutant.task,),
            mode=mode,
            sandbox=False,
            worker_user="keep",
        )
    score = task_scores(results).get(mutant.task, 0.0)
    return score, score < points


def run_mutants(
    kit: Path,
    name: str,
    *,
    tasks: tuple[str, ...] = (),
    jobs: int = 2,
    mode: str = "inprocess",
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> MutationRun:
    """Make and grade the mutants of ``name`` (every task, or ``tasks``).

    Args:
        kit: the kit's root (with ``solutions/`` and the release in ``assignments/``).
        name: the assignment.
        tasks: only these task ids.
        jobs: mutants graded at once (each in a pytest process of its own).
        mode: the grading mode, ``inprocess`` (the instructor's own code) or ``proxied``.
        progress: called after each mutant with its outcome, the count done and the total.
    """
    start = time.monotonic()
    paths = assignment_paths(kit, name)
    solution = kit / "solutions" / name
    assignment = paths.assignment
    chosen = [t for t in assignment.tasks if not tasks or t.id in tasks]
    modules = sorted({f"{t.module}.py" for t in chosen})
    wanted = {t.id for t in chosen}
    mutants = [m for m in all_mutants(solution, modules) if m.task in wanted]
    equivalent = load_equivalent(solution)
    points = {t.id: float(t.points) for t in assignment.tasks}
    run = MutationRun(name, jobs=jobs, only=tuple(tasks))
    done = 0

    def one(mutant: Mutant) -> Outcome:
        score, killed = _grade_mutant(kit, name, solution, mutant, points[mutant.task], mode)
        return Outcome(mutant, score, killed, equivalent.get(mutant.id, ""))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for outcome in pool.map(one, mutants):
            run.outcomes.append(outcome)
            done += 1
            if progress is not None:
                progress(outcome, done, len(mutants))
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


def _task_of(mutant_id: str, mutants: list[Mutant]) -> bool:
    """Whether a stale-looking id names a file whose mutants were made in this run."""
    return any(m.file == mutant_id.split(":")[0] for m in mutants)
