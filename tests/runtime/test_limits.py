"""The default limits let a PyTorch and a TensorFlow training probe run; tighter ones stop them.

The probes run as in official grading: in the allowlist view, as ``nobody`` where the machine
allows it, without capabilities.

Measured on the 2-core development machine (thread pools pinned to 2): the PyTorch probe runs
3 threads, PyTorch and TensorFlow together 9; both stay far below the 512 processes and threads
and the 3 GiB of the defaults.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.runtime.errors import LimitExceeded
from autograder.runtime.sandbox import Limits, SandboxConfig, probe_protections
from autograder.runtime.session import WorkerSession

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or probe_protections()["cgroup"] != "on",
    reason="needs Linux with a writable cgroup",
)

FRAMEWORKS = {"torch": "torch", "tf": "tensorflow"}


def _run(tmp_path: Path, framework: str, limits: Limits) -> np.ndarray:
    pytest.importorskip(FRAMEWORKS[framework])
    status = probe_protections()
    config = SandboxConfig(
        workspace="", view=status["view"] == "on", user=status["user"] == "on", limits=limits
    )
    session = WorkerSession(str(tmp_path), sandbox=config)
    try:
        return session.request("probe", name=f"training.{framework}_small_run", args=[0, 20])
    finally:
        session.close()


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_default_limits_let_a_training_probe_run(framework: str, tmp_path: Path):
    losses = _run(tmp_path, framework, Limits())
    assert losses.shape == (20,) and losses[-1] < 0.6 * losses[0]


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_memory_limit_below_the_need_stops_the_probe(framework: str, tmp_path: Path):
    with pytest.raises(LimitExceeded, match="memory limit of 150 MiB"):
        _run(tmp_path, framework, Limits(memory_mb=150))


def test_process_limit_below_the_need_stops_tensorflow(tmp_path: Path):
    with pytest.raises(LimitExceeded, match="limit of 4 processes and threads"):
        _run(tmp_path, "tf", Limits(processes=4))
