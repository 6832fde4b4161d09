"""Public tests of tasks 5.4 and 5.5: the masked loss against F.binary_cross_entropy_with_logits
over the known positions (value and gradient, in float64), the penalty in closed form, and the
hooked loss on a small network built the same way on both sides (its gradients numerically)."""

import numpy as np

from autograder.authoring import assert_close, check, graded, numeric_grad, probe, submission
from autograder.topics.deepshape.oracle import masked_bce, symmetry_penalty

losses = submission("capstone_unet_deepshape.losses")


def batch(seed: int, n: int = 3, length: int = 7, known: float = 0.6):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2, size=(n, length))
    targets = (rng.random((n, length)) < 0.5).astype(np.float64)
    targets[rng.random((n, length)) > known] = np.nan
    return logits, targets


@graded("5.4", points=4)
def test_masked_bce_value_over_known_positions():
    logits, targets = batch(540)
    got = probe("deepshape.loss_and_grad", losses.masked_bce, logits, targets)
    expected, _ = masked_bce(logits, targets)
    assert_close(
        got["loss"],
        expected,
        rtol=1e-7,
        atol=1e-9,
        name="masked_bce vs binary_cross_entropy_with_logits over the known positions only "
        "(the mean over the known positions; raw logits, no sigmoid first)",
    )


@graded("5.4", points=4)
def test_masked_bce_gradient_is_zero_at_nan_positions():
    logits, targets = batch(541)
    got = probe("deepshape.loss_and_grad", losses.masked_bce, logits, targets)
    _, expected = masked_bce(logits, targets)
    unknown = np.isnan(targets)
    check(
        np.all(got["grad"][unknown] == 0.0),
        f"masked_bce: the gradient at NaN positions must be exactly 0; largest "
        f"{np.max(np.abs(got['grad'][unknown])):.3g}",
    )
    assert_close(got["grad"], expected, rtol=1e-6, atol=1e-9, name="masked_bce gradient")


@graded("5.4", points=2)
def test_masked_bce_without_known_positions_is_zero_not_nan():
    logits = np.random.default_rng(542).normal(size=(2, 5))
    got = probe("deepshape.loss_and_grad", losses.masked_bce, logits, np.full((2, 5), np.nan))
    check(
        got["loss"] == 0.0 and np.all(got["grad"] == 0.0),
        f"masked_bce of a batch without known positions: loss {got['loss']} (expected 0) and "
        "gradient must be 0 (no NaN)",
    )


@graded("5.4", points=2)
def test_masked_bce_is_stable_for_huge_logits():
    logits = np.array([[200.0, -200.0, 50.0, -60.0]])
    targets = np.array([[0.0, 1.0, 1.0, np.nan]])
    got = probe("deepshape.loss_and_grad", losses.masked_bce, logits, targets)
    expected, grad = masked_bce(logits, targets)
    assert_close(
        got["loss"], expected, rtol=1e-7, name="masked_bce of huge logits (finite, no overflow)"
    )
    assert_close(got["grad"], grad, rtol=1e-6, atol=1e-12, name="masked_bce gradient, huge logits")


@graded("5.5", points=2)
def test_symmetry_penalty_is_zero_for_a_symmetric_map():
    h = np.random.default_rng(550).normal(size=(2, 3, 5, 5))
    h = h + np.swapaxes(h, -1, -2)
    got = probe("deepshape.penalty_and_grad", losses.symmetry_penalty, h)
    check(got["value"] == 0.0, f"symmetry_penalty of a symmetric H: {got['value']}, expected 0")


@graded("5.5", points=3)
def test_symmetry_penalty_value_and_gradient():
    h = np.random.default_rng(551).normal(size=(2, 3, 4, 4))
    got = probe("deepshape.penalty_and_grad", losses.symmetry_penalty, h)
    value, grad = symmetry_penalty(h)
    assert_close(
        got["value"],
        value,
        rtol=1e-7,
        name="symmetry_penalty(H): the mean over batch, channels, i, j of (H - H^T)**2",
    )
    assert_close(got["grad"], grad, rtol=1e-6, atol=1e-12, name="symmetry_penalty gradient")


@graded("5.5", points=4)
def test_deepshape_loss_reads_the_last_decoder_block_with_a_hook():
    rng = np.random.default_rng(552)
    xs = [rng.normal(size=(2, 2, 6, 6)) for _ in range(2)]
    ys = [batch(553 + k, n=2, length=6)[1] for k in range(2)]
    alpha = 0.7
    got = probe("deepshape.toy_loss", losses.DeepShapeLoss, 5, xs, ys, alpha)
    check(len(got) == 2, "DeepShapeLoss: two batches, two results expected")
    for k, (seen, y) in enumerate(zip(got, ys, strict=True)):
        bce, _ = masked_bce(seen["logits"], y)
        penalty, _ = symmetry_penalty(seen["features"])
        assert_close(
            seen["loss"],
            bce + alpha * penalty,
            rtol=1e-7,
            name=f"DeepShapeLoss(model, alpha=0.7), batch {k + 1}: masked_bce + alpha * "
            "symmetry_penalty of the output of model.ups[-1] (the last decoder block) "
            "in this forward pass",
        )


@graded("5.5", points=3)
def test_deepshape_loss_gradients_are_numeric():
    rng = np.random.default_rng(556)
    x = rng.normal(size=(2, 2, 5, 5))
    y = batch(557, n=2, length=5)[1]
    alpha = 0.5
    got = probe("deepshape.toy_loss_grads", losses.DeepShapeLoss, 6, x, y, alpha)
    check(
        set(got["grads"]) >= {"ups.1.weight", "ups.0.weight"},
        "DeepShapeLoss: no gradient reached the decoder's parameters",
    )
    for name in ("ups.1.weight", "ups.0.weight"):
        analytic = got["grads"][name]
        shape = analytic.shape

        def loss_at(flat, name=name, shape=shape):
            return probe(
                "deepshape.toy_loss_at",
                losses.DeepShapeLoss,
                6,
                x,
                y,
                alpha,
                name,
                [flat.reshape(shape)],
            )[0]

        start = probe("deepshape.toy_param", 6, name)
        numeric = numeric_grad(loss_at, start.reshape(-1).copy()).reshape(shape)
        assert_close(
            analytic,
            numeric,
            rtol=1e-5,
            atol=1e-8,
            name=f"gradient of DeepShapeLoss for the toy network's {name} vs central differences "
            "(float64)",
        )
