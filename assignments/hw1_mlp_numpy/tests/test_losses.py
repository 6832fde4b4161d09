"""Public tests of tasks 1.4 to 1.6: the three losses against PyTorch, with their conventions.

The expected values come from ``autograder.authoring.oracles.pytorch``, which reconciles PyTorch's
reductions with the handout's:
- EuclideanLoss = 0.5 * sum of squares / N = 0.5 * mse_loss(reduction="sum") / N.
- SoftmaxCrossEntropyLoss = cross_entropy(logits, class ids), whose mean is over the batch.
- HingeLoss = C * multi_margin_loss(logits, class ids, margin): torch divides each example's sum
  over the wrong classes by the number of classes C.
"""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check_finite,
    graded,
    numeric_grad,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import (
    euclidean_loss,
    hinge_loss,
    softmax_cross_entropy_loss,
)

losses = submission("hw1_mlp_numpy.losses")


def batch(n, c, scale=2.0):
    """Random logits (n, c) and one-hot targets (n, c)."""
    logits = scale * np.random.randn(n, c)
    target = np.eye(c)[np.random.randint(0, c, size=n)]
    return logits, target


def check_numeric(name, logits, target, **kwargs):
    loss = getattr(losses, name)(**kwargs)
    grad = loss.backward(logits, target)
    expected = numeric_grad(lambda v: loss.forward(v, target), logits)
    assert_close(grad, expected, rtol=1e-5, atol=1e-8, name=f"{name}.backward grad vs numeric")


# ---------------------------------------------------------------- 1.4 EuclideanLoss


@graded("1.4", points=2)
@pytest.mark.parametrize("n,c", [(1, 3), (8, 10)])
def test_euclidean_forward_matches_torch(n, c):
    seed_everything(10)
    logits, target = batch(n, c)
    value = losses.EuclideanLoss().forward(logits, target)
    expected, _ = euclidean_loss(logits, target)
    assert_close(value, expected, name="EuclideanLoss.forward value (0.5 * sum of squares / N)")


@graded("1.4", points=2)
@pytest.mark.parametrize("n,c", [(1, 3), (8, 10)])
def test_euclidean_backward_matches_torch(n, c):
    seed_everything(11)
    logits, target = batch(n, c)
    _, expected = euclidean_loss(logits, target)
    assert_close(
        losses.EuclideanLoss().backward(logits, target),
        expected,
        name="EuclideanLoss.backward grad ((logits - target) / N)",
    )


@graded("1.4", points=2)
def test_euclidean_numeric_gradient():
    seed_everything(12)
    check_numeric("EuclideanLoss", *batch(5, 4))


# ---------------------------------------------------------------- 1.5 SoftmaxCrossEntropyLoss


@graded("1.5", points=2)
@pytest.mark.parametrize("n,c", [(1, 2), (9, 10)])
def test_softmax_ce_forward_matches_torch(n, c):
    seed_everything(13)
    logits, target = batch(n, c)
    value = losses.SoftmaxCrossEntropyLoss().forward(logits, target)
    expected, _ = softmax_cross_entropy_loss(logits, target)
    assert_close(value, expected, name="SoftmaxCrossEntropyLoss.forward value")


@graded("1.5", points=2)
@pytest.mark.parametrize("n,c", [(1, 2), (9, 10)])
def test_softmax_ce_backward_matches_torch(n, c):
    seed_everything(14)
    logits, target = batch(n, c)
    _, expected = softmax_cross_entropy_loss(logits, target)
    assert_close(
        losses.SoftmaxCrossEntropyLoss().backward(logits, target),
        expected,
        name="SoftmaxCrossEntropyLoss.backward grad ((softmax - target) / N)",
    )


@graded("1.5", points=3)
def test_softmax_ce_stable_for_huge_logits():
    logits = np.array(
        [[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4 - 1.0], [0.0, 0.0, 1e4], [-1e4, -1e4, -1e4]]
    )
    target = np.eye(3)[[0, 2, 1, 1]]
    loss = losses.SoftmaxCrossEntropyLoss()
    value = loss.forward(logits, target)
    check_finite(value, "SoftmaxCrossEntropyLoss.forward at logits of +-1e4 (shift by the row max)")
    grad = loss.backward(logits, target)
    check_finite(grad, "SoftmaxCrossEntropyLoss.backward at logits of +-1e4 (shift by the row max)")
    expected_value, expected_grad = softmax_cross_entropy_loss(logits, target)
    assert_close(value, expected_value, name="SoftmaxCrossEntropyLoss.forward at logits of +-1e4")
    assert_close(grad, expected_grad, name="SoftmaxCrossEntropyLoss.backward at logits of +-1e4")


@graded("1.5", points=2)
def test_softmax_ce_numeric_gradient():
    seed_everything(15)
    check_numeric("SoftmaxCrossEntropyLoss", *batch(5, 4))


# ---------------------------------------------------------------- 1.6 HingeLoss


@graded("1.6", points=3)
@pytest.mark.parametrize("n,c", [(1, 3), (12, 10)])
def test_hinge_forward_matches_torch(n, c):
    seed_everything(16)
    logits, target = batch(n, c, scale=0.7)
    value = losses.HingeLoss().forward(logits, target)
    expected, _ = hinge_loss(logits, target)
    assert_close(value, expected, name="HingeLoss.forward value (sum over j != y, mean over N)")


@graded("1.6", points=3)
@pytest.mark.parametrize("n,c", [(1, 3), (12, 10)])
def test_hinge_backward_matches_torch(n, c):
    seed_everything(17)
    logits, target = batch(n, c, scale=0.7)
    _, expected = hinge_loss(logits, target)
    assert_close(
        losses.HingeLoss().backward(logits, target), expected, name="HingeLoss.backward grad"
    )


@graded("1.6", points=2)
def test_hinge_numeric_gradient():
    seed_everything(18)
    check_numeric("HingeLoss", *batch(6, 5, scale=0.7))
