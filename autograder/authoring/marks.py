"""Marks and handles of a test: the submission's modules, task markers, probes, recorded facts.

A test file never imports the student's module itself. It asks for a proxy::

    layers = submission("hw1_mlp_numpy.layers")

    @graded("1.1", points=2)
    def test_linear_forward():
        lin = layers.Linear(2, 5)
        ...

The pytest plugin decides where the submission runs (in this process for students, in a worker
process for official grading); the test file is the same in both modes. The test itself always runs
in the plugin's process, so a fact it records about its run (``record(device="cuda:0")``) reaches
its row of results.json in both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from autograder.runtime.proxy import SubmissionModule
from autograder.runtime.remote import RemoteObject
from autograder.runtime.requirements import REQUIREMENTS
from autograder.runtime.session import current_session, set_session

__all__ = [
    "Facts",
    "close_facts",
    "current_session",
    "graded",
    "open_facts",
    "probe",
    "record",
    "requires",
    "set_session",
    "submission",
    "type_name",
]


def type_name(value: Any) -> str:
    """The class name of a submission's object (a proxy's is its remote class's name)."""
    if isinstance(value, RemoteObject):
        return value._ag_ref.type_name
    return type(value).__name__


def submission(module: str) -> SubmissionModule:
    """A lazy proxy for one of the submission's modules, e.g. ``hw1_mlp_numpy.layers``."""
    return SubmissionModule(module)


def graded(task: str, points: float, *, timeout: float | None = None) -> Callable:
    """Mark a test as graded for a task.

    Args:
        task: the task id from tasks.toml, e.g. ``"1.2"``.
        points: the test's points; a parametrised test splits them evenly over its cases.
        timeout: wall-clock seconds for this test, instead of the assignment's default.
    """
    if not isinstance(task, str) or not task:
        raise TypeError("graded() needs the task id as a string, e.g. graded('1.2', points=2)")
    if not points > 0:
        raise ValueError("graded() needs positive points")

    def mark(func: Callable) -> Callable:
        func = pytest.mark.task(task)(func)
        func = pytest.mark.points(float(points))(func)
        if timeout is not None:
            func = pytest.mark.time_limit(float(timeout))(func)
        return func

    return mark


def requires(*names: str) -> Callable:
    """Mark a graded test as needing what not every grading machine has.

    Args:
        *names: keys of ``autograder.runtime.requirements.REQUIREMENTS``: ``"fashion-mnist"``,
            ``"sst"``, ``"gpu"``.

    Where one is missing the test is not run: it scores 0 of its points, which stay in the
    maximum, and its message says what the machine lacks. ``autograder grade-class`` names such
    tests before it starts and refuses to grade unless told to go on.
    """
    for name in names:
        if name not in REQUIREMENTS:
            raise ValueError(f"requires(): unknown {name!r} (known: {', '.join(REQUIREMENTS)})")
    return pytest.mark.requires(*names)


def probe(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run a kit probe (``autograder.runtime.probes``) on the submission's side; return its
    result.

    Args:
        name: ``"module.function"``, a probe module's name and one of its functions.
        *args: arguments (data or proxies of submission objects).
        **kwargs: keyword arguments.
    """
    return current_session().request("probe", name=name, args=list(args), kwargs=kwargs)


@dataclasses.dataclass
class Facts:
    """What a graded test recorded about its run (``record``). The plugin writes the fields that
    were set into the test's row of results.json, in ``extra_data`` beside its status.

    Attributes:
        device: where the submission's code ran, as PyTorch names it (``"cpu"``, ``"cuda:0"``).
    """

    device: str = ""

    def as_dict(self) -> dict[str, str]:
        """The fields that were set."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v}


_RUNNING: list[Facts] = []  # the running graded test's facts (the plugin opens them), or none


def open_facts() -> Facts:
    """Start recording for a graded test that is about to run (the plugin calls it); facts
    recorded from now on go into the returned object, until the next call or ``close_facts``."""
    _RUNNING[:] = [Facts()]
    return _RUNNING[0]


def close_facts() -> None:
    """Stop recording: ``record`` does nothing until the next ``open_facts``."""
    _RUNNING.clear()


def record(*, device: str) -> None:
    """Record a fact about the running graded test's run in its row of results.json.

    Called by the test (or an oracle it calls) in the grader's process, in-process and proxied
    grading alike; outside a graded test (a test function called by hand) it does nothing.

    Args:
        device: where the submission's code ran, e.g. ``"cpu"`` or ``"cuda:0"``.
    """
    if not isinstance(device, str) or not device:
        raise TypeError(f"record(): device must be a non-empty string, got {device!r}")
    for facts in _RUNNING:
        facts.device = device
