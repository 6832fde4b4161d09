"""Public tests of tasks 5.2 and 5.3: the blocks and the U-Net against a forward pass written
with torch.nn.functional (autograder.topics.deepshape.oracle), a given state_dict loaded into the
submission's modules (so module names and parameter shapes must be the handout's)."""

import numpy as np
import pytest

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission
from autograder.topics.deepshape.oracle import (
    double_conv_forward,
    down_forward,
    random_unet_state,
    unet_forward,
    unet_state_shapes,
    up_forward,
)

unet = submission("capstone_unet_deepshape.unet")


def check_state_shapes(model, expected: dict, what: str) -> None:
    got = {k: tuple(v) for k, v in probe("deepshape.state_shapes", model).items()}
    missing = sorted(set(expected) - set(got))
    unexpected = sorted(set(got) - set(expected))
    wrong = sorted(k for k in set(got) & set(expected) if got[k] != expected[k])
    check(
        not (missing or unexpected or wrong),
        f"{what}: state_dict differs from the handout's: missing {missing[:4]}, unexpected "
        f"{unexpected[:4]}, other shapes {[(k, got[k], expected[k]) for k in wrong[:3]]}",
    )


def sub_state(state: dict, prefix: str) -> dict:
    return {k[len(prefix) + 1 :]: v for k, v in state.items() if k.startswith(prefix + ".")}


@graded("5.2", points=4)
def test_double_conv_matches_functional_forward():
    seed_everything(520)
    full = random_unet_state(3, 4, 1, seed=520)
    state = sub_state(full, "inc")
    block = unet.DoubleConv(3, 4)
    check_state_shapes(block, {k: full["inc." + k].shape for k in state}, "DoubleConv(3, 4)")
    x = np.random.default_rng(1).normal(size=(2, 3, 6, 6)).astype(np.float32)
    got = probe("deepshape.load_and_call", block, state, [x])
    assert_close(
        got,
        double_conv_forward(full, "inc", x),
        rtol=1e-4,
        atol=1e-5,
        name="DoubleConv(3, 4) forward in eval mode (conv, BatchNorm, ReLU, twice)",
    )


@graded("5.2", points=4)
def test_down_matches_functional_forward():
    seed_everything(521)
    full = random_unet_state(3, 4, 1, seed=521)
    state = sub_state(full, "downs.0")
    block = unet.Down(4, 8)
    check_state_shapes(block, {k: full["downs.0." + k].shape for k in state}, "Down(4, 8)")
    x = np.random.default_rng(2).normal(size=(2, 4, 8, 8)).astype(np.float32)
    got = probe("deepshape.load_and_call", block, state, [x])
    assert_close(
        got,
        down_forward(full, "downs.0", x),
        rtol=1e-4,
        atol=1e-5,
        name="Down(4, 8) forward in eval mode (max-pool 2, then DoubleConv)",
    )


@graded("5.2", points=5)
def test_up_matches_functional_forward_with_skip_first():
    seed_everything(522)
    full = random_unet_state(3, 4, 1, seed=522)
    state = sub_state(full, "ups.0")
    block = unet.Up(8, 4)
    check_state_shapes(block, {k: full["ups.0." + k].shape for k in state}, "Up(8, 4)")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 8, 4, 4)).astype(np.float32)
    skip = rng.normal(size=(2, 4, 8, 8)).astype(np.float32)
    got = probe("deepshape.load_and_call", block, state, [x, skip])
    assert_close(
        got,
        up_forward(full, "ups.0", x, skip),
        rtol=1e-4,
        atol=1e-5,
        name="Up(8, 4) forward(x, skip) in eval mode (transposed convolution, "
        "cat([skip, up]) on the channels, DoubleConv)",
    )


@graded("5.3", points=2)
def test_unet_state_dict_names_and_shapes():
    model = unet.UNet(16, 4, 2)
    check_state_shapes(model, unet_state_shapes(16, 4, 2), "UNet(16, base=4, depth=2)")


@graded("5.3", points=5)
def test_unet_with_given_state_matches_functional_forward():
    seed_everything(530)
    state = random_unet_state(16, 4, 2, seed=530)
    model = unet.UNet(16, 4, 2)
    x = np.random.default_rng(4).normal(size=(2, 16, 16, 16)).astype(np.float32)
    got = probe("deepshape.load_and_run", model, state, x)
    m, logits = unet_forward(state, x, depth=2)
    assert_close(
        got["map"],
        m,
        rtol=1e-4,
        atol=1e-5,
        name="UNet(16, 4, 2).pair_map with a given state_dict, eval mode (skips at each level)",
    )
    assert_close(
        got["logits"],
        logits,
        rtol=1e-4,
        atol=1e-5,
        name="UNet forward logits (average_head of the map)",
    )


@graded("5.3", points=3)
def test_average_head_means_rows_and_columns():
    rng = np.random.default_rng(531)
    m = rng.normal(size=(2, 5, 5)).astype(np.float32)
    m[:, 0, :] += 3.0  # rows and columns differ: a head over one axis only is off
    got = probe("deepshape.call_on_tensor", unet.average_head, m)
    expected = (m.mean(axis=2) + m.mean(axis=1)) / 2
    assert_close(
        got,
        expected,
        rtol=1e-5,
        atol=1e-6,
        name="average_head(M): (mean_j M_ij + mean_j M_ji) / 2 (the mean of row i and column i)",
    )


@graded("5.3", points=3)
@pytest.mark.parametrize("length", [32, 64, 128])
def test_unet_output_shapes(length):
    model = unet.UNet(16, 2, 2)
    x = np.zeros((2, 16, length, length), dtype=np.float32)
    got = probe("deepshape.unet_outputs", model, x)
    check(
        got["map_shape"] == [2, length, length] and got["logits_shape"] == [2, length],
        f"UNet(16, 2, 2) on (2, 16, {length}, {length}): map {got['map_shape']} and logits "
        f"{got['logits_shape']}, expected [2, {length}, {length}] and [2, {length}]",
    )
