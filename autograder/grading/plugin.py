"""The pytest plugin that turns an assignment's tests into a grade.

Loaded automatically wherever the kit is installed (entry point ``pytest11``), and inert unless the
collected tests belong to an assignment (a folder with ``tasks.toml``). Then it:

- imports the submission from one tree only: ``--submission ROOT`` or, by default, the tree the
  tests sit in (``<root>/<assignment>/tests``), in this process (``--mode inprocess``, the
  default) or in a worker process (``--mode proxied``, official grading);
- requires every test to name its task and points (``autograder.authoring.graded``), checks the
  points against tasks.toml and splits a parametrised test's points over its cases;
- keeps only ``--task ID`` when given, and only public tests with ``--public-only``;
- fails the tests of a task whose module uses a built-in that the task forbids (tasks.toml's
  ``forbidden``), found in its source or recorded when called;
- gives each test its wall-clock limit in proxied mode, the first import of each student module
  its import limit, and the whole run the assignment's time budget (the tests not started when it
  is used up fail as "not run"); a module whose import failed is not imported again;
- writes one JSON line per test to ``--results FILE`` as soon as it ends: a ``TestResult``
  (``autograder.grading.records``) built from the test's structured failure (never from the test
  source), the cause its exception carries, and the facts the test recorded about its run
  (``autograder.authoring.record``, e.g. its device); and prints a table by task.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from autograder.assignment.paths import assignment_of
from autograder.assignment.tasks import Assignment, Task, load_tasks, task_key
from autograder.authoring.checks import CheckFailed
from autograder.authoring.marks import Facts, close_facts, open_facts
from autograder.grading.feedback import cause_of, feedback
from autograder.grading.records import TestResult
from autograder.grading.results import task_table
from autograder.grading.status import Status
from autograder.runtime.causes import Cause
from autograder.runtime.errors import (
    BudgetExhausted,
    LimitExceeded,
    StaleObject,
    SubmissionError,
    WorkerCrashed,
)
from autograder.runtime.forbidden import message as forbidden_message
from autograder.runtime.forbidden import scan
from autograder.runtime.requirements import RequirementMissing, gpu_present, unmet
from autograder.runtime.sandbox import Limits, SandboxConfig, probe_protections
from autograder.runtime.session import (
    InProcessSession,
    Session,
    WorkerSession,
    current_session,
    set_session,
)

MARKERS = {
    "task": "task(id): the task a graded test belongs to",
    "points": "points(n): the points of a graded test, split over its parametrised cases",
    "hidden": "hidden: a hidden test (never released to students)",
    "time_limit": "time_limit(seconds): the test's wall-clock limit in official grading",
    "slow": "slow: a long test (training on a real data set)",
    "gpu": "gpu: needs a GPU (requires('gpu') in a graded test; a kit test is skipped without)",
    "requires": "requires(*names): what the grading machine must have (fashion-mnist, sst, gpu); "
    "a graded test whose need is missing is not run and keeps its points in the maximum",
}


@dataclass
class _Early:
    """A worker started before collection (``_start_early``), for the run it was started for."""

    key: tuple[str, tuple[str, ...]]  # the tree and the assignment ids
    session: WorkerSession
    protections: dict[str, str]


@dataclass
class _RunState:
    """The plugin's state for the whole pytest run."""

    active: bool = False  # the collected tests belong to an assignment
    root: Path = Path()
    assignments: dict[Path, Assignment] = field(default_factory=dict)
    results: list[TestResult] = field(default_factory=list)
    early: _Early | None = None
    failed_task: str | None = None  # a task whose failing test left its worker running


@dataclass(frozen=True)
class _Graded:
    """What collection tells of one graded test."""

    assignment: Assignment
    task: Task
    points: float
    hidden: bool
    needs: tuple[str, ...]
    missing: dict[str, str]
    time_limit: float | None

    def pending(self, item: pytest.Item) -> TestResult:
        """The test's result before it runs."""
        return TestResult(
            nodeid=item.nodeid,
            name=item.name,
            assignment=self.assignment.id,
            task=self.task.id,
            title=self.task.title,
            max_score=self.points,
            hidden=self.hidden,
            needs=self.needs,
            missing=self.missing,
        )


@dataclass
class _Outcome:
    """What one test's phases (setup, call, teardown) have told so far."""

    duration: float = 0.0
    status: Status | None = None
    cause: Cause | None = None
    message: str = ""
    restart: bool = True  # a failure here starts a fresh worker at once


_RUN = pytest.StashKey[_RunState]()
_TEST = pytest.StashKey[_Graded]()
_OUTCOME = pytest.StashKey[_Outcome]()
_FACTS = pytest.StashKey[Facts]()


class ForbiddenUse(CheckFailed):
    """The task's module names or called a built-in that the task forbids."""

    cause = Cause.FORBIDDEN


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograder")
    group.addoption("--submission", help="the tree to import the assignment from")
    group.addoption("--mode", choices=("inprocess", "proxied"), default="inprocess")
    group.addoption("--task", action="append", default=[], help="grade only this task id")
    group.addoption("--public-only", action="store_true", help="skip hidden tests")
    group.addoption("--results", help="write one JSON line per graded test to this file")
    group.addoption(
        "--sandbox",
        choices=("on", "off"),
        default="on",
        help="isolate the proxied worker (namespaces, cgroup, limits)",
    )
    group.addoption(
        "--slow-import",
        choices=("warn", "stop"),
        default="warn",
        help="in-process mode: when a student module's import outlasts its limit, print a "
        "message and wait (warn) or stop it and fail the tests that need it (stop)",
    )
    group.addoption(
        "--worker-user",
        choices=("nobody", "keep"),
        default="nobody",
        help="run the proxied worker as nobody where possible, or keep the grader's uid "
        "(still without capabilities)",
    )


def pytest_configure(config: pytest.Config) -> None:
    for name, text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    config.stash[_RUN] = _RunState()


def _root_of(config: pytest.Config, folder: Path) -> Path:
    given = config.getoption("--submission")
    return Path(given).resolve() if given else folder.parent.resolve()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    folders = {item: assignment_of(Path(item.path)) for item in items}
    _skip_gpu_tests([item for item in items if folders[item] is None])
    used = {f for f in folders.values() if f is not None}
    if not used:
        return
    state = config.stash[_RUN]
    state.active = True
    state.root = _one_tree(config, used)
    assignments: dict[Path, Assignment] = {f: load_tasks(f) for f in used}
    state.assignments = assignments
    has_hidden = _mark_graded(items, folders, assignments)
    if has_hidden:  # a whole assignment: its tests must give every task its points
        _check_points(items, assignments.values())
    _select(config, items, assignments.values())
    # one task's tests together (in file order within it): a worker kept after a failure
    # serves only the rest of the task that failed (see leaves_doubt)
    items.sort(key=_task_order)
    tests = [item.stash[_TEST].pending(item).to_json() for item in items]
    _write(config, {"event": "collected", "tests": tests})


def _task_order(item: pytest.Item) -> tuple[str, list[int]]:
    info = item.stash[_TEST]
    return info.assignment.id, task_key(info.task.id)


def _skip_gpu_tests(items: list[pytest.Item]) -> None:
    if not gpu_present():
        for item in items:
            if item.get_closest_marker("gpu") is not None:
                item.add_marker(pytest.mark.skip(reason="needs a GPU; none is present"))


def _one_tree(config: pytest.Config, folders: set[Path]) -> Path:
    """The one tree (root folder) the run grades; two trees in one process are refused."""
    trees = {f.parent.resolve() for f in folders}
    if len(trees) > 1:
        raise pytest.UsageError(
            "tests of two trees in one run: "
            + ", ".join(sorted(map(str, trees)))
            + " (grade each tree in its own process)"
        )
    return {_root_of(config, f) for f in folders}.pop()


def _mark_graded(
    items: list[pytest.Item], folders: dict[pytest.Item, Path | None], assignments: dict
) -> bool:
    """Check each test's task, points and hidden markers and stash its share of the points;
    returns whether hidden tests are among them."""
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        groups[(str(item.path), getattr(item, "originalname", item.name))] += 1
    has_hidden = False
    for item in items:
        folder = folders[item]
        if folder is None:
            raise pytest.UsageError(f"{item.nodeid}: a test outside an assignment in a graded run")
        task_mark, points_mark = item.get_closest_marker("task"), item.get_closest_marker("points")
        if task_mark is None or points_mark is None:
            raise pytest.UsageError(
                f"{item.nodeid}: every test of an assignment is graded; "
                "decorate it with autograder.authoring.graded(task, points)"
            )
        assignment = assignments[folder]
        in_hidden = "hidden" in Path(item.path).relative_to(folder / "tests").parts[:-1]
        if in_hidden != (item.get_closest_marker("hidden") is not None):
            raise pytest.UsageError(
                f"{item.nodeid}: tests under tests/hidden/ and only those carry the hidden marker"
            )
        has_hidden |= in_hidden
        cases = groups[(str(item.path), getattr(item, "originalname", ""))]
        share = points_mark.args[0] / cases
        if abs(round(share, 4) - share) > 1e-12:  # results hold 4 decimals: sums must stay exact
            raise pytest.UsageError(
                f"{item.nodeid}: {points_mark.args[0]:g} points over {cases} cases give shares "
                f"of {share:.6g}; choose points that the cases divide exactly"
            )
        limit = item.get_closest_marker("time_limit")
        try:
            missing = unmet(needs(item))
        except ValueError as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
        item.stash[_TEST] = _Graded(
            assignment=assignment,
            task=assignment.task(task_mark.args[0]),
            points=share,
            hidden=in_hidden,
            needs=tuple(needs(item)),
            missing=missing,
            time_limit=limit.args[0] if limit else assignment.time_limit,
        )
    return has_hidden


def needs(item: pytest.Item) -> list[str]:
    """What a test needs from the grading machine: its ``requires`` markers, and ``gpu``."""
    names = [n for mark in item.iter_markers("requires") for n in mark.args]
    if item.get_closest_marker("gpu") is not None:
        names.append("gpu")
    return names


def _check_points(items: list[pytest.Item], assignments: Any) -> None:
    """Every task's tests add up to its points in tasks.toml."""
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for item in items:
        info = item.stash[_TEST]
        totals[(info.assignment.id, info.task.id)] += info.points
    for assignment in assignments:
        for task in assignment.tasks:
            got = totals.get((assignment.id, task.id), 0.0)
            if abs(got - task.points) > 1e-9:
                raise pytest.UsageError(
                    f"{assignment.id} task {task.id}: its tests give {got:g} points, "
                    f"tasks.toml says {task.points:g}"
                )


def _select(config: pytest.Config, items: list[pytest.Item], assignments: Any) -> None:
    """Keep only ``--task`` tasks (checked to exist) and, with ``--public-only``, public tests."""
    wanted = set(config.getoption("--task"))
    for assignment in assignments:
        for task_id in wanted:
            assignment.task(task_id)
    public_only = config.getoption("--public-only")
    keep, drop = [], []
    for item in items:
        info = item.stash[_TEST]
        if (wanted and info.task.id not in wanted) or (public_only and info.hidden):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _write(config: pytest.Config, row: dict[str, Any]) -> None:
    path = config.getoption("--results")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")


def pytest_sessionstart(session: pytest.Session) -> None:
    _start_early(session.config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    state = session.config.stash[_RUN]
    if not state.active or session.config.option.collectonly:
        return
    root = str(state.root)
    assignments = list(state.assignments.values())
    early, state.early = state.early, None
    graded: Session
    if session.config.getoption("--mode") == "proxied":
        if early is not None and early.key == (root, tuple(a.id for a in assignments)):
            graded, status = early.session, early.protections
        else:
            if early is not None:
                early.session.close()
            graded, status = _worker_session(session.config, root, assignments)
        _write(session.config, {"event": "protections", "status": status})
        graded.set_budget(max(a.time_budget for a in assignments))
    else:
        os.environ["AUTOGRADER_SUBMISSION"] = root
        stop = session.config.getoption("--slow-import") == "stop"
        import_limit = max(a.import_limit for a in assignments)
        graded = InProcessSession(root, import_limit, stop_slow_imports=stop)
        _prepare(graded, assignments)
    set_session(graded)


def _prepare(graded: Session, assignments: list[Assignment]) -> None:
    forbidden = (n for a in assignments for t in a.tasks for n in t.forbidden)
    graded.prepare(
        preload=tuple(dict.fromkeys(m for a in assignments for m in a.preload)),
        forbidden=tuple(dict.fromkeys(forbidden)),
    )


def _worker_session(
    config: pytest.Config, root: str, assignments: list[Assignment]
) -> tuple[WorkerSession, dict[str, str]]:
    sandbox, status = _sandbox(config, assignments)
    import_limit = max(a.import_limit for a in assignments)
    spare = os.environ.get("AUTOGRADER_SPARE_WORKER", "1") != "0"  # "0": for measurements
    graded = WorkerSession(root, sandbox=sandbox, import_limit=import_limit, spare=spare)
    _prepare(graded, assignments)
    return graded, status


def _start_early(config: pytest.Config) -> None:
    """Proxied grading of an assignment that preloads a framework: start its first worker before
    collection, so that it imports the framework while the tests' process imports it too."""
    if config.getoption("--mode") != "proxied" or config.option.collectonly:
        return
    folders = {assignment_of(Path(arg)) for arg in config.args}
    if len(folders) != 1 or None in folders:
        return
    folder = folders.pop()
    assert folder is not None
    try:
        assignment = load_tasks(folder)
    except ValueError:
        return  # collection reports it
    if not assignment.preload:
        return
    root = str(_root_of(config, folder))
    graded, status = _worker_session(config, root, [assignment])
    graded.prewarm()
    config.stash[_RUN].early = _Early((root, (assignment.id,)), graded, status)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    info = item.stash.get(_TEST, None)
    if info is None:
        return
    if info.missing:
        raise RequirementMissing(info.missing)
    session = current_session()
    state = item.config.stash[_RUN]
    if state.failed_task not in (None, info.task.id):
        state.failed_task = None
        session.restart()  # another task's tests never inherit what a failing task left
    if isinstance(session, WorkerSession) and session.budget_used_up():
        raise BudgetExhausted(session.budget or 0)


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash[_RUN]
    if not state.active or session.config.option.collectonly:
        return
    graded = current_session()
    for failure in graded.import_failures.values():
        row = {"event": "import_failure", "module": failure.module, "file": failure.file}
        row["type"] = failure.error.type_name
        row["cause"] = None if failure.error.cause is None else failure.error.cause.value
        row["because"] = failure.because.rsplit(".", 1)[-1] + ".py" if failure.because else ""
        row.update(message=failure.error.message, seconds=failure.seconds)
        _write(session.config, row)
    if isinstance(graded, WorkerSession) and graded.budget_used_up():
        _write(session.config, {"event": "budget_used_up", "budget": graded.budget})


def _sandbox(
    config: pytest.Config, assignments: list[Assignment]
) -> tuple[SandboxConfig | None, dict[str, str]]:
    """The worker's sandbox for this run and the status of each protection."""
    if config.getoption("--sandbox") == "off":
        names = ("namespaces", "view", "user", "capabilities", "cgroup", "memory")
        return None, dict.fromkeys(names, "off: switched off for this run")
    status = probe_protections()
    if config.getoption("--worker-user") == "keep" and status["user"] == "on":
        status["user"] = "off: kept the grader's uid as asked (--worker-user keep)"
    memory = max(a.memory_mb for a in assignments)
    sandbox = SandboxConfig(
        workspace="",
        namespaces=status["namespaces"] == "on",
        view=status["view"] == "on",
        user=status["user"] == "on",
        limits=Limits(memory_mb=memory),
    )
    return sandbox, status


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_RUN, None)
    if state is None:
        return
    if state.early is not None:  # started, then not used (nothing collected, an error)
        state.early.session.close()
        state.early = None
    if state.active:
        set_session(None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    info = item.stash.get(_TEST, None)
    session = current_session() if info else None
    if info is not None and isinstance(session, WorkerSession):
        session.start_test(info.time_limit)
    if info is not None:  # what the test records about its run goes into its row
        item.stash[_FACTS] = open_facts()
    try:
        yield
    finally:
        if info is not None:
            close_facts()
        if session is not None:
            session.end_test()


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """A task with forbidden built-ins: its tests fail when the task's module names one (read
    before the test runs) or called one (recorded while it ran)."""
    info = pyfuncitem.stash.get(_TEST, None)
    task = info.task if info else None
    if info is None or task is None or not task.forbidden:
        return (yield)
    root = pyfuncitem.config.stash[_RUN].root
    file = root / info.assignment.id / f"{task.module}.py"
    try:
        source = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        source = ""
    found = scan(source, file.name, task.forbidden)
    if found:
        raise ForbiddenUse(forbidden_message(task.id, found))
    result = yield
    found = [
        use
        for use in current_session().forbidden_uses()
        if use.file == file.name and use.name in task.forbidden
    ]
    if found:
        raise ForbiddenUse(forbidden_message(task.id, found))
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    info = item.stash.get(_TEST, None)
    if info is None:
        return
    outcome = item.stash.setdefault(_OUTCOME, _Outcome())
    outcome.duration += report.duration
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
        outcome.status, outcome.message = Status.SKIPPED, str(reason)
    elif report.failed:
        if call.excinfo is not None and outcome.status is None:
            exc = call.excinfo.value
            outcome.restart = leaves_doubt(exc)
            outcome.cause = cause_of(exc)
            status, message = feedback(exc, info.hidden)
            if report.when != "call" and status is not Status.NOT_GRADED:
                message = f"Could not run the test ({report.when}): {message}"
            outcome.status, outcome.message = status, message
    elif report.when == "call" and outcome.status is None:
        outcome.status = Status.PASSED
    if report.when == "teardown":
        _finish(item, info, outcome)


def _finish(item: pytest.Item, info: _Graded, outcome: _Outcome) -> None:
    facts = item.stash.get(_FACTS, None)
    status = outcome.status or Status.FAILED
    result = info.pending(item).ended(
        status,
        outcome.message,
        outcome.cause,
        duration=round(outcome.duration, 4),
        device=facts.device if facts is not None else "",
    )
    state = item.config.stash[_RUN]
    state.results.append(result)
    _write(item.config, {"event": "test", "result": result.to_json()})
    if status not in (Status.PASSED, Status.NOT_ATTEMPTED, Status.SKIPPED):
        if outcome.restart:
            current_session().restart()  # what a failing test left behind goes with it
        else:  # ... or goes with it when the next task starts
            state.failed_task = result.task


# Exceptions the submission may raise and still leave its process serving requests as usual.
_ENDS_IN_DOUBT = ("SystemExit", "KeyboardInterrupt", "GeneratorExit")


def leaves_doubt(exc: BaseException) -> bool:
    """Whether a test that failed with ``exc`` may have left the worker in a state that no later
    test should inherit, so that a fresh worker serves the next test.

    A wrong value (a failed check) or an ordinary exception raised by the submission's code ends
    its request as a passing test ends one: the worker answered and waits for the next request.
    It then serves the rest of that task's tests (they run together) and is replaced when the
    next task starts, so what the failing code changed (its working folder, ``sys.path``, a
    patched library) reaches only the task that already lost points, and a TensorFlow
    submission pays for one restart per failing task, not one per failing test (6 s each). A
    crash, an exceeded limit (the session has already ended that worker), an exit or an
    interrupt inside the submission, or an error of the test itself restart it at once.
    """
    if isinstance(exc, (LimitExceeded, WorkerCrashed)):
        return True
    if isinstance(exc, RequirementMissing):
        return False  # it never reached the worker
    if isinstance(exc, SubmissionError):
        return exc.type_name in _ENDS_IN_DOUBT
    origin = getattr(exc, "_autograder_origin", None)
    if isinstance(origin, dict):  # raised in this process by the submission (in-process mode)
        return not isinstance(exc, Exception)
    return not isinstance(exc, (AssertionError, StaleObject))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash[_RUN]
    if not state.results:
        return
    terminalreporter.write_line("")
    for line in task_table(state.results, state.assignments.values()):
        terminalreporter.write_line(line)
