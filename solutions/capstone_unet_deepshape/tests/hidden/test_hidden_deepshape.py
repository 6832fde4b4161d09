"""Hidden tests of tasks 5.1 to 5.6: longer windows, a deeper U-Net, training-mode BatchNorm,
edge cases of the loss and the metrics."""

import math

import numpy as np
import pytest

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission
from autograder.topics.deepshape.oracle import (
    masked_bce,
    one_hot,
    pair_image,
    random_unet_state,
    unet_forward,
    up_forward,
)

pytestmark = pytest.mark.hidden

encoding = submission("capstone_unet_deepshape.encoding")
unet = submission("capstone_unet_deepshape.unet")
losses = submission("capstone_unet_deepshape.losses")
metrics = submission("capstone_unet_deepshape.metrics")


@graded("5.1", points=2)
def test_pair_image_of_long_windows():
    rng = np.random.default_rng(910)
    codes = np.stack([one_hot("".join(rng.choice(list("ACGUTN"), size=128))) for _ in range(2)])
    assert_close(encoding.pair_image(codes), pair_image(codes), name="pair_image at L = 128")


@graded("5.2", points=3)
def test_up_of_another_width():
    seed_everything(920)
    full = random_unet_state(16, 3, 2, seed=920)
    state = {k[len("ups.0.") :]: v for k, v in full.items() if k.startswith("ups.0.")}
    block = unet.Up(12, 6)
    rng = np.random.default_rng(921)
    x, skip = rng.normal(size=(3, 12, 2, 3)), rng.normal(size=(3, 6, 4, 6))
    got = probe("deepshape.load_and_call", block, state, [x, skip])
    assert_close(
        got,
        up_forward(full, "ups.0", x, skip),
        rtol=1e-4,
        atol=1e-5,
        name="Up(12, 6) on non-square inputs",
    )


@graded("5.3", points=3)
def test_deeper_unet_with_given_state():
    state = random_unet_state(16, 2, 3, seed=930)
    x = np.random.default_rng(931).normal(size=(2, 16, 16, 16)).astype(np.float32)
    got = probe("deepshape.load_and_run", unet.UNet(16, 2, 3), state, x)
    m, logits = unet_forward(state, x, depth=3)
    assert_close(got["map"], m, rtol=1e-4, atol=1e-5, name="UNet(16, 2, depth=3) map")
    assert_close(got["logits"], logits, rtol=1e-4, atol=1e-5, name="UNet(16, 2, depth=3) logits")


@graded("5.4", points=2)
def test_masked_bce_with_one_known_position():
    logits = np.array([[0.3, -1.2, 2.0]])
    targets = np.array([[np.nan, 1.0, np.nan]])
    got = probe("deepshape.loss_and_grad", losses.masked_bce, logits, targets)
    expected, grad = masked_bce(logits, targets)
    assert_close(got["loss"], expected, rtol=1e-7, name="masked_bce with one known position")
    assert_close(got["grad"], grad, rtol=1e-6, atol=1e-12, name="its gradient")


@graded("5.5", points=2)
def test_deepshape_loss_with_alpha_zero_is_the_masked_bce():
    rng = np.random.default_rng(950)
    x = rng.normal(size=(2, 2, 4, 4))
    y = np.where(rng.random((2, 4)) < 0.5, 1.0, np.nan)
    got = probe("deepshape.toy_loss", losses.DeepShapeLoss, 9, [x], [y], 0.0)[0]
    assert_close(
        got["loss"], masked_bce(got["logits"], y)[0], rtol=1e-7, name="DeepShapeLoss, alpha 0"
    )


@graded("5.6", points=2)
def test_metrics_on_one_sequence_and_zero_logits():
    targets = np.array([0.0, 0.0, np.nan, 1.0, 0.0, 0.0])
    logits = np.array([0.0, 0.0, 5.0, 1.0, -1.0, 2.0])  # a logit of exactly 0 predicts 0
    accuracy = metrics.masked_accuracy(logits, targets)
    # logits > 0: right at 0, 1, 3, 4 of the 5 known (0.8); logits >= 0 would give 0.4
    assert_close(float(accuracy), 0.8, name="masked_accuracy of (L,) arrays, logits 0 -> 0")
    auc = metrics.masked_auroc(np.zeros(6), targets)
    check(not math.isnan(auc), "masked_auroc of equal scores: nan, expected 0.5")
    assert_close(float(auc), 0.5, name="masked_auroc of equal scores (all ties)")
