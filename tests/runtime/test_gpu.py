"""On a GPU machine: framework work on the GPU runs inside the sandboxed worker.

Marked ``gpu``: skipped where no GPU is present (CI); run on a lent GPU machine with
``pytest -m gpu``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.runtime.sandbox import Limits, SandboxConfig, probe_protections
from autograder.runtime.session import WorkerSession

pytestmark = pytest.mark.gpu


def test_cuda_training_probe_runs_in_the_sandbox_under_default_limits(tmp_path: Path):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch sees no CUDA device")
    status = probe_protections()
    sandbox = SandboxConfig(
        workspace="",
        namespaces=status["namespaces"] == "on",
        view=status["view"] == "on",
        user=status["user"] == "on",
        limits=Limits(),
    )
    session = WorkerSession(str(tmp_path), sandbox=sandbox)
    try:
        losses = session.request(
            "probe", name="training.torch_small_run", args=[0, 20], kwargs={"device": "cuda"}
        )
        on_cpu = session.request("probe", name="training.torch_small_run", args=[0, 20])
    finally:
        session.close()
    print("protections:", status)
    assert losses.shape == (20,) and losses[-1] < 0.6 * losses[0]
    np.testing.assert_allclose(losses, on_cpu, rtol=1e-4, atol=1e-5)
