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


def test_tensorflow_batch_norm_and_training_on_the_gpu_match_the_cpu(tmp_path: Path):
    """HW3's checks on a GPU, TF32 off: Keras's batch norm and a small training run give the
    CPU's numbers within float32 tolerances (where TensorFlow has a GPU build)."""
    tf = pytest.importorskip("tensorflow")
    if not tf.config.list_physical_devices("GPU"):
        pytest.skip("TensorFlow sees no GPU (a CPU-only build, or no CUDA)")
    tf.config.experimental.enable_tensor_float_32_execution(False)
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, (8, 6, 6, 4)).astype("float32")
    outputs = {}
    for device in ("/CPU:0", "/GPU:0"):
        with tf.device(device):
            layer = tf.keras.layers.BatchNormalization(momentum=0.9)
            out = layer(x, training=True)
            outputs[device] = (np.asarray(out), np.asarray(layer.moving_variance))
    for a, b in zip(outputs["/CPU:0"], outputs["/GPU:0"], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    session = WorkerSession(str(tmp_path))
    try:
        losses = session.request("probe", name="training.tf_small_run", args=[0, 20])
    finally:
        session.close()
    assert losses.shape == (20,) and losses[-1] < 0.6 * losses[0]
