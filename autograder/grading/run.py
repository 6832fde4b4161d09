"""One run of an assignment's tests on one tree, in a pytest process of its own.

The steps: ``pytest_command`` builds the command line (the kit's plugin does the grading),
``_run`` runs it under the whole run's limit, ``read_events`` reads what the plugin wrote, one
JSON line per event, as it happened: so a run that was stopped still has its finished tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.errors import GradingError
from autograder.grading.records import TestResult
from autograder.grading.results import import_note
from autograder.grading.status import Status
from autograder.runtime.causes import Cause
from autograder.runtime.errors import limit_message
from autograder.runtime.sandbox import remove_cgroups
from autograder.runtime.threads import thread_env

__all__ = ["Run", "pytest_command", "read_events", "run_tests", "stop_all"]

_RUNNING: set[subprocess.Popen] = set()  # the pytest processes of this process's gradings
_STOPPED: set[int] = set()  # the pids that stop_all ended
_LOCK = threading.Lock()


def stop_all() -> int:
    """End every grading this process is running (from any thread), as an interrupt would: their
    tests not finished are "not graded" and ``grade`` raises ``GradingInterrupted``. Returns how
    many were running."""
    with _LOCK:
        running = list(_RUNNING)
        _STOPPED.update(p.pid for p in running)
    for proc in running:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(running)


@dataclass
class Run:
    """What one pytest run of an assignment's tests gave.

    Attributes:
        collected: the tests it collected (not run: ``NOT_GRADED``, no cause).
        rows: one result per collected test (unfinished ones ``NOT_GRADED``, with the cause).
        log: pytest's own output, for the instructor's log only (it shows test source).
        protections: the worker's protections, name -> "on" / "off: reason" (proxied mode).
        interrupted: grading was interrupted (Ctrl-C).
        notes: what happened once for the whole run, for the top of the feedback: a module whose
            import failed or hung, a time budget used up.
    """

    collected: list[TestResult] = field(default_factory=list)
    rows: list[TestResult] = field(default_factory=list)
    log: str = ""
    protections: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False
    notes: tuple[str, ...] = ()


def pytest_command(
    tests: Path,
    root: Path,
    results: Path,
    *,
    mode: str,
    tasks: tuple[str, ...],
    public_only: bool,
    sandbox: bool,
    worker_user: str,
    slow_import: str,
    collect_only: bool = False,
    first_failure: bool = False,
) -> list[str]:
    """The pytest command line that grades ``root`` with the tests in ``tests`` (or only collects
    them). With ``first_failure`` it stops at the first test that loses points (the rest are
    "not graded"): enough to know that a tree does not score full marks (``autograder.mutation``).
    """
    ini = results.with_suffix(".ini")
    ini.write_text("[pytest]\naddopts =\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pytest", str(tests), "-c", str(ini)]
    cmd += ["--rootdir", str(tests.parent), "--import-mode=importlib", "-p", "no:cacheprovider"]
    cmd += ["--assert=plain", "-q", "-W", "ignore", "--submission", str(root), "--mode", mode]
    cmd += ["--results", str(results)]
    for task in tasks:
        cmd += ["--task", task]
    if public_only:
        cmd.append("--public-only")
    cmd += ["--sandbox", "on" if sandbox else "off", "--worker-user", worker_user]
    cmd += ["--slow-import", slow_import]
    if collect_only:
        cmd.append("--collect-only")
    if first_failure:
        cmd.append("-x")
    if _shows_waiting(cmd):  # a slow import's message reaches the student's terminal
        cmd.append("--capture=sys")
    return cmd


def _shows_waiting(cmd: list[str]) -> bool:
    """In-process runs that wait for slow imports print what they wait for, uncaptured."""
    return "inprocess" in cmd and cmd[cmd.index("--slow-import") + 1] == "warn"


def _run(cmd: list[str], timeout: float | None, threads: int | None = None) -> tuple[str, Cause]:
    """Run the pytest process (and, through its environment, its worker) with ``threads``
    threads for numerical libraries (their own default when None); returns its log and how it
    ended, the cause of the tests it did not finish: ``INTERRUPTED``, ``RUN_LIMIT`` (the
    ``timeout``) or ``RUN_ENDED`` (it ended by itself)."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    if threads is not None:
        env.update(thread_env(threads))
    shows_waiting = _shows_waiting(cmd)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=None if shows_waiting else subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    with _LOCK:
        _RUNNING.add(proc)
    try:
        log, _ = proc.communicate(timeout=timeout)
        with _LOCK:
            stopped = proc.pid in _STOPPED
        return log, Cause.INTERRUPTED if stopped else Cause.RUN_ENDED
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        log += f"\n[grading stopped after {timeout:g} s]"
        return log, Cause.RUN_LIMIT
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        return log, Cause.INTERRUPTED
    finally:
        with _LOCK:
            _RUNNING.discard(proc)
            _STOPPED.discard(proc.pid)
        remove_cgroups(proc.pid)  # its workers' groups, if it could not remove them itself


def read_events(results: Path, run: Run) -> None:
    """Read the plugin's events from ``results`` into ``run``."""
    if not results.is_file():
        return
    notes = list(run.notes)
    for line in results.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        kind = event.get("event") if isinstance(event, dict) else None
        try:
            if kind == "collected":
                run.collected = [TestResult.from_json(t) for t in event["tests"]]
            elif kind == "test":
                run.rows.append(TestResult.from_json(event["result"]))
        except (KeyError, TypeError, ValueError):
            continue  # not a record the plugin wrote
        if kind == "protections":
            run.protections = event["status"]
        elif kind == "import_failure":
            notes.append(import_note(event))
        elif kind == "budget_used_up":
            notes.append(
                f"The submission used up its grading time of {event['budget']:g} s: "
                "the tests not run by then score 0."
            )
    run.notes = tuple(notes)


def run_tests(
    tests: Path,
    root: Path,
    results: Path,
    *,
    mode: str = "proxied",
    tasks: tuple[str, ...] = (),
    public_only: bool = False,
    timeout: float | None = None,
    sandbox: bool = True,
    worker_user: str = "nobody",
    slow_import: str = "warn",
    threads: int | None = None,
) -> Run:
    """Run an assignment's tests on one tree, in a pytest process of its own.

    Args:
        tests: the assignment's ``tests`` folder.
        root: the tree to import the assignment from.
        results: the JSON-lines file the plugin writes.
        mode: ``proxied`` (worker process) or ``inprocess``.
        tasks: only these task ids.
        public_only: skip hidden tests.
        timeout: seconds for the whole run; the tests not finished then are "not graded".
        sandbox: isolate the proxied worker.
        worker_user: ``nobody`` (where the machine allows it) or ``keep`` the grader's uid.
        slow_import: in-process mode, an import over its limit: ``warn`` and wait, or ``stop``.
        threads: the threads numpy's BLAS, PyTorch and TensorFlow may use in the tests' process
            and the worker (``autograder.runtime.threads``); None leaves their defaults.

    Raises:
        GradingError: the tests could not be collected.
        KeyboardInterrupt: interrupted before any test was collected.
    """
    results.unlink(missing_ok=True)
    cmd = pytest_command(
        tests,
        root,
        results,
        mode=mode,
        tasks=tasks,
        public_only=public_only,
        sandbox=sandbox,
        worker_user=worker_user,
        slow_import=slow_import,
    )
    log, ending = _run(cmd, timeout, threads)
    run = Run(log=log, interrupted=ending is Cause.INTERRUPTED)
    read_events(results, run)
    if not run.collected and not run.rows:
        if run.interrupted:
            raise KeyboardInterrupt
        raise GradingError(f"the tests could not be collected:\n{log[-3000:]}")
    finished = {r.nodeid for r in run.rows}
    reason = limit_message(ending, limit=timeout or 0)
    for test in run.collected:
        if test.nodeid not in finished:
            run.rows.append(test.ended(Status.NOT_GRADED, reason, ending))
    order = {t.nodeid: i for i, t in enumerate(run.collected)}
    run.rows.sort(key=lambda r: order.get(r.nodeid, len(order)))
    return run
