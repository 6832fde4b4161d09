"""A test's status and cause come from the limit that fired, never from the words of its message.

Every limit message (``autograder.runtime.errors.MESSAGES``) is reworded; submissions that hit
each limit are graded, and their statuses and causes are the ones the limits give, while the new
words are what the student reads. The grading runs in a pytest process of its own, so the new
words reach it as a pytest plugin (``-p``) that the environment names.
"""

from __future__ import annotations

import shutil
import string
import sys
from pathlib import Path

import pytest

from autograder.classroom.pool import Outcome, classify
from autograder.grading import grade
from autograder.grading.feedback import cause_of, feedback
from autograder.grading.records import read_tests
from autograder.grading.status import Status
from autograder.runtime import errors
from autograder.runtime.causes import Cause
from autograder.runtime.errors import BudgetExhausted, GradingTimeUsedUp, LimitExceeded
from autograder.runtime.proxy import SubmissionModule
from autograder.runtime.sandbox import Limits, SandboxConfig, probe_protections
from autograder.runtime.session import WorkerSession, set_session

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sandbox")

NEW_WORDS = "Reworded by the kit's test"
MEMORY_MB = 256  # reached at once (the fixture's 1024 MiB take seconds on a busy machine)

# One submission of the fixture that hits a different limit in each test (chosen by what the
# test passes in), so one grading covers them all.
OPS = """
import os, sys
import numpy as np


def add(a, b):
    if a.shape == (1, 1):  # test_add_values[shape0]: the wall clock
        while True:
            pass
    if a.shape == (3, 4):  # test_add_values[shape1]: memory, in 64 MiB steps
        blocks = []
        while True:
            block = bytearray(64 * 1024 * 1024)
            block[::4096] = b"x" * len(block[::4096])
            blocks.append(block)
    chunk = "x" * (1 << 20)  # test_add_hidden_large_values: the file size, by printing
    for _ in range(1024):
        print(chunk)
    return a + b
"""
SCALER = """
import os


class Scaler:
    def __init__(self, factor):
        self.factor, self.calls = factor, 0

    def apply(self, x):
        self.calls += 1
        if self.factor > 0:  # test_scaler_apply: an untouched stub
            raise NotImplementedError("1.2: scale x by the factor")
        os._exit(0)  # test_scaler_counts_every_call: a crash
"""
EXPECTED = {
    "test_add_values[shape0]": (Status.FAILED, Cause.TIME_LIMIT),
    "test_add_values[shape1]": (Status.FAILED, Cause.MEMORY),
    "test_add_hidden_large_values": (Status.FAILED, Cause.FILE_SIZE),
    "test_scaler_apply": (Status.NOT_ATTEMPTED, Cause.NOT_ATTEMPTED),
    "test_scaler_counts_every_call": (Status.FAILED, Cause.CRASH),
}
LIMITS = {Cause.TIME_LIMIT, Cause.MEMORY, Cause.FILE_SIZE}


def _reworded() -> dict[Cause, str]:
    """Every message in other words, with the same fields to fill in."""
    out = {}
    for cause, text in errors.MESSAGES.items():
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]
        out[cause] = " ".join([NEW_WORDS, cause.name.lower(), *(f"{{{f}}}" for f in fields)])
    return out


PLUGIN = """
from autograder.runtime import errors
from autograder.runtime.causes import Cause

errors.MESSAGES.update({{Cause(k): v for k, v in {words!r}.items()}})
"""


def test_rewording_every_limit_message_changes_no_status_or_cause(
    own_fixture_kit: Path, tmp_path: Path, monkeypatch
):
    for tree in ("solutions", "assignments"):
        tasks = own_fixture_kit / tree / "fx_ops" / "tasks.toml"
        text = tasks.read_text().replace("memory_mb = 1024", f"memory_mb = {MEMORY_MB}")
        tasks.write_text(text.replace("time_limit = 4.0", "time_limit = 30.0"))
    hang = "def test_add_values"  # only the test that hangs waits for its limit, and not long
    tests = own_fixture_kit / "solutions" / "fx_ops" / "tests" / "test_ops.py"
    tests.write_text(tests.read_text().replace(hang, f"@pytest.mark.time_limit(2)\n{hang}"))
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    words = {cause.value: text for cause, text in _reworded().items()}
    (plugins / "ag_reworded.py").write_text(PLUGIN.format(words=words))
    monkeypatch.setenv("PYTHONPATH", str(plugins))
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p ag_reworded")
    monkeypatch.setattr(errors, "MESSAGES", _reworded())  # this process's words too
    student = tmp_path / "student" / "fx_ops"
    student.mkdir(parents=True)
    (student / "ops.py").write_text(OPS)
    (student / "scaler.py").write_text(SCALER)

    results = grade(own_fixture_kit, "fx_ops", student.parent, tmp_path / "results.json")

    tests = {t.name: t for t in read_tests(results)}
    found = {name: (t.status, t.cause) for name, t in tests.items()}
    assert found == EXPECTED, {name: (t.output, t.duration) for name, t in tests.items()}
    for name, (_, cause) in EXPECTED.items():
        if cause in LIMITS:
            assert NEW_WORDS in tests[name].output, tests[name].output
    assert classify(results)[0] is Outcome.CRASHED  # from the causes, as before
    shutil.rmtree(student.parent)


SLOW_IMPORT = "import time\ntime.sleep(30)\n"
SPIN = "def spin():\n    while True:\n        pass\n"
FORK = """
import os


def fork():
    while True:
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "300"])
"""


def _package(root: Path) -> None:
    package = root / "cause_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, source in {"slow": SLOW_IMPORT, "spin": SPIN, "fork": FORK}.items():
        (package / f"{name}.py").write_text(source)


def _processes_limit(root: Path) -> LimitExceeded | None:
    """The processes limit (16) hit in a sandboxed worker, where a cgroup can count them."""
    status = probe_protections()
    if status["cgroup"] != "on":
        return None
    config = SandboxConfig(
        workspace="",
        namespaces=status["namespaces"] == "on",
        view=status["view"] == "on",
        user=status["user"] == "on",
        limits=Limits(processes=16),
    )
    set_session(WorkerSession(str(root), sandbox=config, spare=False))
    try:
        with pytest.raises(LimitExceeded) as caught:
            SubmissionModule("cause_pkg.fork").fork()
    finally:
        set_session(None)
    return caught.value


def test_limits_that_a_session_words_keep_their_cause_in_other_words(tmp_path: Path, monkeypatch):
    """The limits that a session words itself (an import's limit, the grading time, the number
    of processes): cheaper to reach here, with a session of this process, than by grading."""
    monkeypatch.setattr(errors, "MESSAGES", _reworded())
    _package(tmp_path)
    session = WorkerSession(str(tmp_path), import_limit=1.0, spare=False)
    set_session(session)
    try:
        with pytest.raises(LimitExceeded) as slow:
            SubmissionModule("cause_pkg.slow").anything()
        session.set_budget(1.0)
        with pytest.raises(GradingTimeUsedUp) as budget:
            SubmissionModule("cause_pkg.spin").spin()
    finally:
        set_session(None)
    raised = {
        Cause.IMPORT_LIMIT: slow.value,
        Cause.BUDGET: budget.value,
        Cause.NOT_RUN: BudgetExhausted(1.0),
        Cause.PROCESSES: _processes_limit(tmp_path),
    }
    for expected, exc in raised.items():
        if exc is None:
            continue  # no cgroup here to count processes
        status, message = feedback(exc, hidden=False)
        assert cause_of(exc) is expected and NEW_WORDS in message, message
        assert status is (Status.NOT_GRADED if expected is Cause.NOT_RUN else Status.FAILED)
