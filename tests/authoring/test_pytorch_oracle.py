"""The PyTorch oracles against closed forms written out in numpy, on small cases."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from autograder.authoring import CheckFailed, assert_close, numeric_grad_array  # noqa: E402
from autograder.authoring.oracles.pytorch import (  # noqa: E402 - after the importorskip
    compare_trajectories,
    conv2d,
    euclidean_loss,
    forward_backward,
    hinge_loss,
    lenet_forward,
    linear_forward,
    linear_grads,
    max_pool2d,
    softmax_cross_entropy_loss,
)

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(4, 3))  # (N, C)
LABELS = np.array([0, 2, 1, 2])
ONE_HOT = np.eye(3)[LABELS]  # (N, C)


def test_forward_backward_of_a_product():
    a, b, grad_out = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    out, (ga, gb) = forward_backward(lambda s, t: s * t, [a, b], grad_out)
    assert_close(out, a * b)
    assert_close(ga, grad_out * b)
    assert_close(gb, grad_out * a)


def test_forward_backward_agrees_with_numeric_grad_array():
    x, grad_out = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))
    _, (gx,) = forward_backward(torch.tanh, [x], grad_out)
    assert_close(gx, numeric_grad_array(np.tanh, x, grad_out), rtol=1e-6, atol=1e-9)


def test_linear_forward_and_grads():
    x, W, b = RNG.normal(size=(5, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=2)
    grad_out = RNG.normal(size=(5, 2))
    assert_close(linear_forward(x, W, b), x @ W + b)
    dx, dW, db = linear_grads(x, W, b, grad_out)
    assert_close(dx, grad_out @ W.T)
    assert_close(dW, x.T @ grad_out)
    assert_close(db, grad_out.sum(axis=0))


def test_euclidean_loss_by_hand():
    target = RNG.normal(size=LOGITS.shape)  # any real values, not only one-hot rows
    value, grad = euclidean_loss(LOGITS, target)
    n = LOGITS.shape[0]
    assert isinstance(value, float)
    assert_close(value, 0.5 * np.sum((LOGITS - target) ** 2) / n)
    assert_close(grad, (LOGITS - target) / n)


def test_softmax_cross_entropy_loss_by_hand():
    value, grad = softmax_cross_entropy_loss(LOGITS, ONE_HOT)
    n = LOGITS.shape[0]
    exp = np.exp(LOGITS - LOGITS.max(axis=1, keepdims=True))
    probs = exp / exp.sum(axis=1, keepdims=True)
    assert_close(value, -np.mean(np.log(probs[np.arange(n), LABELS])))
    assert_close(grad, (probs - ONE_HOT) / n)


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_hinge_loss_by_hand_sums_over_the_wrong_classes(margin):
    logits = 0.7 * LOGITS
    n, c = logits.shape
    total, grad = 0.0, np.zeros_like(logits)
    for i in range(n):
        y = LABELS[i]
        for j in range(c):
            if j != y and margin - logits[i, y] + logits[i, j] > 0:
                total += margin - logits[i, y] + logits[i, j]
                grad[i, j] += 1.0 / n
                grad[i, y] -= 1.0 / n
    value, expected_grad = hinge_loss(logits, ONE_HOT, margin=margin)
    assert_close(value, total / n)
    assert_close(expected_grad, grad)


@pytest.mark.parametrize("oracle", [softmax_cross_entropy_loss, hinge_loss])
@pytest.mark.parametrize("target", [LABELS, 0.5 * ONE_HOT, np.eye(3)[[0, 1]]])
def test_classification_losses_reject_what_is_not_one_hot_rows(oracle, target):
    with pytest.raises(ValueError, match="one-hot"):
        oracle(LOGITS, target)


class Holder:
    """A parameter holder like a submission's Linear: settable params and grads dicts."""

    def __init__(self, d_in: int, d_out: int) -> None:
        self.params: dict = {}
        self.grads: dict = {}


class NumpySGD:
    """SGD with momentum as torch.optim.SGD does it; ``slip`` scales the step to break it."""

    def __init__(self, lr: float, momentum: float, slip: float = 1.0) -> None:
        self.lr, self.momentum, self.slip = lr, momentum, slip
        self.buffers: dict = {}

    def step(self, holders: list[Holder]) -> None:
        for i, holder in enumerate(holders):
            for key, p in holder.params.items():
                g = holder.grads[key]
                b = self.buffers.get((i, key))
                b = g.copy() if b is None else self.momentum * b + g
                self.buffers[(i, key)] = b
                holder.params[key] = p - self.slip * self.lr * b


def test_compare_trajectories_passes_for_the_same_optimiser():
    np.random.seed(0)
    compare_trajectories(
        lambda: NumpySGD(lr=0.1, momentum=0.9),
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        "SGD(momentum=0.9)",
        make_holder=Holder,
        shapes=[(3, 4), (4, 2)],
    )


def test_compare_trajectories_fails_for_a_different_optimiser():
    np.random.seed(0)
    with pytest.raises(CheckFailed) as info:
        compare_trajectories(
            lambda: NumpySGD(lr=0.1, momentum=0.9, slip=1.01),
            lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
            "SGD(momentum=0.9)",
            make_holder=Holder,
            shapes=[(3, 4), (4, 2)],
        )
    assert info.value.summary.startswith("SGD(momentum=0.9): params['W'] of layer 0 after step 1")


def test_conv2d_is_a_cross_correlation_with_the_output_size_formula():

    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, 0.0]]]])  # picks the window's top-left pixel: no flip
    out = conv2d(x, w, np.zeros(1), stride=(2, 1), pad=(1, 0))
    assert out.shape == (1, 1, (4 + 2 - 2) // 2 + 1, 3)
    assert out[0, 0, 1].tolist() == [4.0, 5.0, 6.0]


def test_max_pool_gradient_goes_to_the_first_of_tied_maxima():
    from autograder.authoring.oracles.pytorch import pool2d_grad

    x = np.ones((1, 1, 2, 2))
    dx = pool2d_grad("max", x, np.ones((1, 1, 1, 1)), 2)
    assert dx[0, 0].tolist() == [[1.0, 0.0], [0.0, 0.0]]
    avg = pool2d_grad("avg", x, np.ones((1, 1, 1, 1)), 2)
    assert avg[0, 0].tolist() == [[0.25, 0.25], [0.25, 0.25]]


def test_lenet_forward_is_the_composition_of_the_layer_oracles():
    rng = np.random.default_rng(5)
    params = [
        {"W": rng.normal(size=(3, 2, 3, 3)), "b": rng.normal(size=3)},
        {"W": rng.normal(size=(4, 3, 3, 3)), "b": rng.normal(size=4)},
        {"W": rng.normal(size=(16, 5)), "b": rng.normal(size=5)},
    ]
    x = rng.normal(size=(2, 2, 8, 8))
    h = x
    for p in params[:2]:
        h = max_pool2d(np.maximum(conv2d(h, p["W"], p["b"], 1, 1), 0), 2, 2)
    expected = h.reshape(2, -1) @ params[2]["W"] + params[2]["b"]
    assert_close(lenet_forward(params, x), expected, name="lenet_forward")
