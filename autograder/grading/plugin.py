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
- writes one JSON line per test to ``--results FILE`` as soon as it ends, built from the tests'
  structured failures (never from the test source) and the facts the test recorded about its
  run (``autograder.authoring.record``, e.g. its device), and prints a table by task.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from autograder.assignment.paths import assignment_of
from autograder.assignment.tasks import Assignment, load_tasks, task_key
from autograder.authoring.checks import CheckFailed
from autograder.authoring.marks import Facts, close_facts, open_facts
from autograder.grading.feedback import feedback
from autograder.grading.results import task_table
from autograder.grading.status import Status
from autograder.runtime.errors import (
    BudgetExhausted,
    GradingTimeUsedUp,
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

_STATE = pytest.StashKey[dict]()


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
    config.stash[_STATE] = {"assignments": {}, "rows": [], "active": False}


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
    state = config.stash[_STATE]
    state["active"] = True
    state["root"] = _one_tree(config, used)
    assignments: dict[Path, Assignment] = {f: load_tasks(f) for f in used}
    state["assignments"] = assignments
    has_hidden = _mark_graded(items, folders, assignments)
    if has_hidden:  # a whole assignment: its tests must give every task its points
        _check_points(items, assignments.values())
    _select(config, items, assignments.values())
    # one task's tests together (in file order within it): a worker kept after a failure
    # serves only the rest of the task that failed (see leaves_doubt)
    items.sort(key=_task_order)
    _write(config, {"event": "collected", "tests": [_describe(i) for i in items]})


def _task_order(item: pytest.Item) -> tuple[str, list[int]]:
    info = item.stash[_STATE]
    return info["assignment"].id, task_key(info["task"].id)


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
        item.stash[_STATE] = {
            "needs": needs(item),
            "missing": missing,
            "assignment": assignment,
            "task": assignment.task(task_mark.args[0]),
            "points": share,
            "hidden": in_hidden,
            "time_limit": limit.args[0] if limit else assignment.time_limit,
        }
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
        info = item.stash[_STATE]
        totals[(info["assignment"].id, info["task"].id)] += info["points"]
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
        info = item.stash[_STATE]
        if (wanted and info["task"].id not in wanted) or (public_only and info["hidden"]):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _describe(item: pytest.Item) -> dict[str, Any]:
    info = item.stash[_STATE]
    return {
        "nodeid": item.nodeid,
        "name": item.name,
        "assignment": info["assignment"].id,
        "task": info["task"].id,
        "title": info["task"].title,
        "points": info["points"],
        "hidden": info["hidden"],
        "needs": info["needs"],
        "missing": info["missing"],
    }


def _write(config: pytest.Config, row: dict[str, Any]) -> None:
    path = config.getoption("--results")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_STATE]["started"] = time.monotonic()
    _start_early(session.config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    state = session.config.stash[_STATE]
    if not state["active"] or session.config.option.collectonly:
        return
    root = str(state["root"])
    assignments = list(state["assignments"].values())
    early = state.pop("early", None)
    graded: Session
    if session.config.getoption("--mode") == "proxied":
        if early is not None and early[0] == (root, [a.id for a in assignments]):
            graded, status = early[1], early[2]
        else:
            if early is not None:
                early[1].close()
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
    config.stash[_STATE]["early"] = ((root, [assignment.id]), graded, status)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.stash.get(_STATE, None) is None:
        return
    if item.stash[_STATE]["missing"]:
        raise RequirementMissing(item.stash[_STATE]["missing"])
    session = current_session()
    state = item.config.stash[_STATE]
    if state.get("failed_task") not in (None, item.stash[_STATE]["task"].id):
        del state["failed_task"]
        session.restart()  # another task's tests never inherit what a failing task left
    if isinstance(session, WorkerSession) and session.budget_used_up():
        raise BudgetExhausted(session.budget or 0)


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash[_STATE]
    if not state["active"] or session.config.option.collectonly:
        return
    graded = current_session()
    for failure in graded.import_failures.values():
        row = {"event": "import_failure", "module": failure.module, "file": failure.file}
        row["type"] = failure.error.type_name
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
    early = config.stash.get(_STATE, {}).pop("early", None)
    if early is not None:  # started, then not used (nothing collected, an error)
        early[1].close()
    if config.stash.get(_STATE, {}).get("active"):
        set_session(None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    info = item.stash.get(_STATE, None)
    session = current_session() if info else None
    if session is not None and isinstance(session, WorkerSession):
        session.start_test(info["time_limit"])
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
    info = pyfuncitem.stash.get(_STATE, None)
    task = info["task"] if info else None
    if task is None or not task.forbidden:
        return (yield)
    state = pyfuncitem.config.stash[_STATE]
    file = Path(state["root"]) / info["assignment"].id / f"{task.module}.py"
    try:
        source = file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        source = ""
    found = scan(source, file.name, task.forbidden)
    if found:
        raise CheckFailed(forbidden_message(task.id, found))
    result = yield
    found = [
        use
        for use in current_session().forbidden_uses()
        if use.file == file.name and use.name in task.forbidden
    ]
    if found:
        raise CheckFailed(forbidden_message(task.id, found))
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    info = item.stash.get(_STATE, None)
    if info is None:
        return
    record = item.stash.setdefault(_RECORD, {"duration": 0.0})
    record["duration"] += report.duration
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
        record.update(status=Status.SKIPPED, message=str(reason))
    elif report.failed:
        if call.excinfo is not None and "status" not in record:
            record["restart"] = leaves_doubt(call.excinfo.value)
            record["cause"] = cause(call.excinfo.value)
            status, message = feedback(call.excinfo.value, info["hidden"])
            if report.when != "call" and status is not Status.NOT_GRADED:
                message = f"Could not run the test ({report.when}): {message}"
            record.update(status=status, message=message)
    elif report.when == "call":
        record.setdefault("status", Status.PASSED)
        record.setdefault("message", "")
    if report.when == "teardown":
        _finish(item, record)


_RECORD = pytest.StashKey[dict]()
_FACTS = pytest.StashKey[Facts]()


def _finish(item: pytest.Item, record: dict[str, Any]) -> None:
    row = _describe(item)
    status = Status(record.get("status", Status.FAILED))
    row.update(
        event="test",
        status=status.value,
        score=row["points"] if status is Status.PASSED else 0.0,
        message=record.get("message", ""),
        duration=round(record["duration"], 4),
        cause=record.get("cause", ""),
        facts=item.stash[_FACTS].as_dict() if _FACTS in item.stash else {},
    )
    item.config.stash[_STATE]["rows"].append(row)
    _write(item.config, row)
    if status not in (Status.PASSED, Status.NOT_ATTEMPTED, Status.SKIPPED):
        if record.get("restart", True):
            current_session().restart()  # what a failing test left behind goes with it
        else:  # ... or goes with it when the next task starts
            item.config.stash[_STATE]["failed_task"] = row["task"]


def cause(exc: BaseException) -> str:
    """What kind of failure ``exc`` is, for class reports: ``time`` (a wall-clock limit or the
    grading time used up), ``crash`` (the worker ended), ``limit`` (memory, processes, file
    size), ``missing`` (the grading machine lacks what the test needs), or ``""``."""
    if isinstance(exc, RequirementMissing):
        return "missing"
    if isinstance(exc, (GradingTimeUsedUp, BudgetExhausted)):
        return "time"
    if isinstance(exc, WorkerCrashed):
        return "crash"
    if isinstance(exc, LimitExceeded):
        timed = "wall-clock limit" in exc.message or "did not finish within" in exc.message
        return "time" if timed else "limit"
    return ""


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
    rows = config.stash[_STATE]["rows"]
    if not rows:
        return
    terminalreporter.write_line("")
    for line in task_table(rows, config.stash[_STATE]["assignments"].values()):
        terminalreporter.write_line(line)
