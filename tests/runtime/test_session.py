"""Proxies behave like the module in both modes; the worker survives crashes and hangs."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.authoring import marks as harness
from autograder.runtime.errors import LimitExceeded, StaleObject, SubmissionError, WorkerCrashed
from autograder.runtime.proxy import SubmissionModule
from autograder.runtime.session import InProcessSession, WorkerSession
from autograder.runtime.worker import describe_exception

MODULE = """
import os, sys, time
import numpy as np

class Counter:
    def __init__(self, start=0):
        self.n = start
        self.history = []
    def bump(self, by=1):
        self.n += by
        self.history.append(self.n)
        return self.n
    def __getitem__(self, i):
        return self.history[i]
    def __len__(self):
        return len(self.history)

def total(counters):
    return sum(c.n for c in counters)

def double(x):
    return 2 * x

def as_object_array():
    return np.array([object()], dtype=object)

def stub():
    raise NotImplementedError("2.1: write the stub")

def fails():
    raise ValueError("bad input")

def hang():
    while True:
        time.sleep(0.01)

def die():
    os._exit(3)

def exit_politely():
    sys.exit(0)

def rand():
    return float(np.random.rand())
"""


def _package(tmp_path: Path, source: str = MODULE, name: str = "sess_pkg") -> None:
    """Write a one-module package ``name`` with ``mod.py`` into tmp_path."""
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text(textwrap.dedent(source))


@pytest.fixture(params=["inprocess", "proxied"])
def session(request, tmp_path: Path):
    _package(tmp_path)
    made = (
        InProcessSession(str(tmp_path))
        if request.param == "inprocess"
        else WorkerSession(str(tmp_path))
    )
    harness.set_session(made)
    yield made
    harness.set_session(None)


def test_objects_attributes_calls_and_indexing(session):
    mod = SubmissionModule("sess_pkg.mod")
    counter = mod.Counter(start=5)
    assert counter.bump() == 6 and counter.bump(by=4) == 10
    assert counter.n == 10 and counter.history == [6, 10]
    counter.n = 100
    assert counter.bump() == 101
    assert counter[-1] == 101 and len(counter) == 3
    assert mod.total([counter, mod.Counter(1)]) == 102


def test_arrays_come_back_as_copies(session):
    mod = SubmissionModule("sess_pkg.mod")
    x = np.arange(3.0)
    out = mod.double(x)
    assert type(out) is np.ndarray and out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])
    counter = mod.Counter()
    counter.history = [np.ones(2)]
    got = counter.history
    got[0][0] = 7.0
    assert counter.history[0][0] == 1.0


def test_values_that_cannot_cross_are_an_error(session):
    mod = SubmissionModule("sess_pkg.mod")
    with pytest.raises(SubmissionError, match="could not be sent back"):
        mod.as_object_array()


def test_seed_reaches_the_submission(session):
    from autograder.authoring import seed_everything

    mod = SubmissionModule("sess_pkg.mod")
    seed_everything(3)
    first = mod.rand()
    seed_everything(3)
    assert mod.rand() == first


def test_errors_and_stubs_in_proxied_mode(tmp_path):
    _package(tmp_path)
    session = WorkerSession(str(tmp_path))
    harness.set_session(session)
    try:
        mod = SubmissionModule("sess_pkg.mod")
        with pytest.raises(SubmissionError) as info:
            mod.stub()
        assert info.value.not_attempted and info.value.message.startswith("2.1:")
        with pytest.raises(SubmissionError) as info:
            mod.fails()
        assert info.value.type_name == "ValueError" and "mod.py" in info.value.where
        with pytest.raises(SubmissionError) as info:
            mod.exit_politely()
        assert info.value.type_name == "SystemExit"
        counter = mod.Counter()
        session.start_test(0.5)
        with pytest.raises(LimitExceeded, match="wall-clock limit of 0.5 s"):
            mod.hang()
        session.end_test()
        with pytest.raises(StaleObject):
            counter.bump()
        assert mod.double(2) == 4  # a fresh worker, the module imported again
        with pytest.raises(WorkerCrashed, match="exit status 3"):
            mod.die()
        assert mod.double(3) == 6
    finally:
        harness.set_session(None)


def test_in_process_mode_raises_the_original_exception_for_debuggers(tmp_path):
    _package(tmp_path)
    harness.set_session(InProcessSession(str(tmp_path)))
    try:
        with pytest.raises(ValueError, match="bad input"):
            SubmissionModule("sess_pkg.mod").fails()
    finally:
        harness.set_session(None)


def test_import_errors_fail_each_use_with_the_cause(tmp_path):
    _package(tmp_path, "def f(:\n    pass\n", name="broken_pkg")
    session = WorkerSession(str(tmp_path))
    harness.set_session(session)
    try:
        for _ in range(2):
            with pytest.raises(SubmissionError) as info:
                SubmissionModule("broken_pkg.mod").f()
            assert info.value.type_name == "SyntaxError"
            assert "importing broken_pkg.mod failed" in info.value.message
            assert "mod.py:1" in info.value.where
    finally:
        harness.set_session(None)


SLOW_FRAMEWORK = """
import time
time.sleep(1.5)  # stands for a framework's import (TensorFlow takes seconds)
"""


def test_a_spare_worker_preloads_the_framework_so_restarts_are_cheap(tmp_path):
    _package(tmp_path, MODULE + "\nimport slow_framework\n")
    (tmp_path / "slow_framework.py").write_text(SLOW_FRAMEWORK)
    session = WorkerSession(str(tmp_path))
    session.prepare(preload=("slow_framework", "no_such_framework"))
    harness.set_session(session)
    try:
        mod = SubmissionModule("sess_pkg.mod")
        counter = mod.Counter()
        counter.bump()
        pid = session.request("ping")
        time.sleep(2.0)  # the spare finishes its import while this worker serves
        session.restart()
        started = time.monotonic()
        assert mod.Counter().bump() == 1  # a fresh copy: nothing of the first worker's state
        assert time.monotonic() - started < 1.0, "the spare had already imported the framework"
        assert session.request("ping") != pid
        assert session.starts == 3  # the first, the spare now serving, and its own spare
    finally:
        harness.set_session(None)
    assert not Path(session._scratch).exists()


def _framework_call(message: str) -> None:
    """Raise like Keras does for an error in a layer's call: a new exception of the same class
    whose message wraps the original, raised ``from None``."""
    try:
        raise NotImplementedError(message)
    except NotImplementedError as exc:
        raise NotImplementedError(
            f"Exception encountered when calling Layer.call().\n\n\x1b[1m{exc}\x1b[0m"
        ) from None


@pytest.mark.parametrize(
    "message, stub, shown",
    [("3.2: write it", True, "3.2: write it"), ("not yet", False, "not yet (in Layer.call())")],
)
def test_an_error_rewrapped_by_a_framework_shows_the_original(message, stub, shown):
    with pytest.raises(NotImplementedError) as info:
        _framework_call(message)
    described = describe_exception(info.value)
    assert described["not_attempted"] is stub
    assert described["message"] == shown
