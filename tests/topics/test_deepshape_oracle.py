"""Tests of autograder.topics.deepshape.oracle against constructions written here (torch.nn modules,
einsum, closed forms), and, on a GPU machine, the capstone's learning tests on CUDA.

The learning tests of task 5.7 train on a CUDA device where the worker's PyTorch sees one, else
on the CPU (``device="auto"``), and record which in results.json (``extra_data.device``). The GPU
test grades task 5.7 of the capstone's reference as official grading does, sandbox on (the
worker's view adds the NVIDIA driver's and CUDA's libraries where /dev/nvidia* exists), and needs
both learning tests to pass there and to say they trained on a CUDA device, not on the CPU.
Run it on a GPU machine: ``python -m pytest tests/topics/test_deepshape_oracle.py -m gpu``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score
from torch import nn

from autograder.grading import grade
from autograder.topics.deepshape import oracle
from autograder.topics.deepshape import probe as probes

KIT = Path(__file__).resolve().parents[2]


def test_pair_image_equals_einsum_of_one_hot_codes():
    codes = np.stack([oracle.one_hot(s) for s in ("ACGUN", "tgcaX")])
    assert codes[1, 0].tolist() == [0, 0, 0, 1] and codes[0, 4].sum() == 0
    expected = np.einsum("nia,njb->nabij", codes, codes).reshape(2, 16, 5, 5)
    np.testing.assert_array_equal(oracle.pair_image(codes), expected)


def _double_conv_module(c_in: int, c_out: int) -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
    )


def test_double_conv_forward_equals_nn_modules_in_eval_mode():
    state = oracle.random_unet_state(3, 4, 1, seed=0)
    module = _double_conv_module(3, 4).double()
    module.load_state_dict(
        {
            k[len("inc.block.") :]: torch.from_numpy(v)
            for k, v in state.items()
            if k.startswith("inc.")
        }
    )
    module.eval()
    x = np.random.default_rng(1).normal(size=(2, 3, 5, 5))
    with torch.no_grad():
        expected = module(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(
        oracle.double_conv_forward(state, "inc", x), expected, rtol=1e-5, atol=1e-6
    )


def test_unet_state_shapes_count_and_map_shapes():
    shapes = oracle.unet_state_shapes(16, 8, 2)
    assert shapes["inc.block.0.weight"] == (8, 16, 3, 3)
    assert shapes["ups.0.up.weight"] == (32, 16, 2, 2) and shapes["ups.1.conv.block.0.weight"] == (
        8,
        16,
        3,
        3,
    )
    assert len(shapes) == 5 * 12 + 2 * 2 + 2
    state = oracle.random_unet_state(16, 2, 2, seed=3)
    m, logits = oracle.unet_forward(state, np.zeros((1, 16, 8, 8)), depth=2)
    assert m.shape == (1, 8, 8) and logits.shape == (1, 8)
    np.testing.assert_allclose(logits, (m.mean(axis=2) + m.mean(axis=1)) / 2, rtol=1e-6)


def test_masked_bce_and_its_gradient_in_closed_form():
    logits = np.array([[1.0, -2.0, 0.5]])
    targets = np.array([[1.0, np.nan, 0.0]])
    loss, grad = oracle.masked_bce(logits, targets)
    sig = 1 / (1 + np.exp(-logits))
    expected = -(np.log(sig[0, 0]) + np.log(1 - sig[0, 2])) / 2
    assert loss == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad, [[(sig[0, 0] - 1) / 2, 0.0, sig[0, 2] / 2]], rtol=1e-12)
    assert oracle.masked_bce(logits, np.full((1, 3), np.nan))[0] == 0.0


def test_symmetry_penalty_gradient_is_numeric():
    h = np.random.default_rng(2).normal(size=(1, 2, 3, 3))
    value, grad = oracle.symmetry_penalty(h)
    eps, numeric = 1e-6, np.zeros_like(h)
    for i in np.ndindex(h.shape):
        up, down = h.copy(), h.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (oracle.symmetry_penalty(up)[0] - oracle.symmetry_penalty(down)[0]) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)
    assert value > 0


def test_metrics_and_baseline_on_a_hand_example():
    targets = np.array([[1.0, 0.0, np.nan, 1.0]])
    scores = np.array([[2.0, -1.0, 9.0, -0.5]])
    assert oracle.masked_accuracy(scores, targets) == pytest.approx(2 / 3)
    assert oracle.auroc(scores, targets) == roc_auc_score([1, 0, 1], [2.0, -1.0, -0.5])
    train_seqs = np.array(["AAGG", "AAGC"])
    train_y = np.array([[1.0, 1.0, 0.0, np.nan], [1.0, np.nan, 0.0, 1.0]])
    np.testing.assert_array_equal(
        oracle.nucleotide_baseline(train_seqs, train_y, np.array(["GACU"])), [[-1, 1, 1, -1]]
    )


def test_auto_picks_cuda_where_torch_sees_it_and_the_cpu_otherwise():
    expected = "cuda:0" if torch.cuda.is_available() else "cpu"
    assert probes.pick_device("auto") == probes.pick_device() == expected
    assert probes.pick_device("cpu") == "cpu"


@pytest.mark.gpu
def test_capstone_learning_on_the_gpu_inside_the_sandbox(tmp_path):
    if not torch.cuda.is_available():
        pytest.skip("this machine's PyTorch sees no CUDA device: run this test on a GPU machine")
    name = "capstone_unet_deepshape"
    results = grade(KIT, name, KIT / "solutions" / name, tmp_path / "r.json", tasks=("5.7",))
    learning = {
        t["name"].rsplit(": ", 1)[-1]: t["extra_data"]["device"]
        for t in results["tests"]
        if "device" in t["extra_data"]
    }
    # a worker that saw no CUDA trains on the CPU and says so
    assert learning == {
        "test_unet_beats_the_nucleotide_baseline": "cuda:0",
        "test_unet_trained_8_epochs_beats_the_baseline_further": "cuda:0",
    }, learning
    assert results["score"] == results["max_score"] == 16, results["tests"]
