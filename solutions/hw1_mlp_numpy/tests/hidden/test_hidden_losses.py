"""Hidden tests of tasks 1.4 to 1.6: batch of one, confident predictions, many classes, margins,
hinge terms exactly at 0."""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check,
    check_shape,
    graded,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import hinge_loss, softmax_cross_entropy_loss

pytestmark = pytest.mark.hidden

losses = submission("hw1_mlp_numpy.losses")


@graded("1.4", points=2)
@pytest.mark.parametrize("c", [1, 4])
def test_euclidean_batch_of_one(c):
    seed_everything(50)
    logits, target = np.random.randn(1, c), np.random.randn(1, c)
    loss = losses.EuclideanLoss()
    value = loss.forward(logits, target)
    check(
        isinstance(value, float),
        f"EuclideanLoss.forward must return a float, got {type(value).__name__}",
    )
    assert_close(
        value,
        0.5 * float(np.sum((logits - target) ** 2)),
        name="EuclideanLoss.forward value, batch of 1",
    )
    grad = loss.backward(logits, target)
    check_shape(grad, (1, c), "EuclideanLoss.backward grad")
    assert_close(grad, logits - target, name="EuclideanLoss.backward grad, batch of 1")


@graded("1.5", points=2)
def test_softmax_ce_confident_predictions():
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 800.0, 0.0]])
    right, wrong = np.eye(3)[[0, 1]], np.eye(3)[[2, 0]]
    loss = losses.SoftmaxCrossEntropyLoss()
    assert_close(
        loss.forward(logits, right),
        0.0,
        atol=1e-12,
        name="SoftmaxCrossEntropyLoss.forward of confident right answers",
    )
    assert_close(
        loss.backward(logits, right),
        np.zeros((2, 3)),
        atol=1e-12,
        name="SoftmaxCrossEntropyLoss.backward of confident right answers",
    )
    expected_value, expected_grad = softmax_cross_entropy_loss(logits, wrong)
    assert_close(
        loss.forward(logits, wrong),
        expected_value,
        name="SoftmaxCrossEntropyLoss.forward of confident wrong answers (logits up to 1e4)",
    )
    assert_close(
        loss.backward(logits, wrong),
        expected_grad,
        name="SoftmaxCrossEntropyLoss.backward of confident wrong answers (logits up to 1e4)",
    )


@graded("1.5", points=1)
def test_softmax_ce_many_classes():
    seed_everything(51)
    logits = 5 * np.random.randn(64, 100)
    target = np.eye(100)[np.random.randint(0, 100, size=64)]
    expected_value, expected_grad = softmax_cross_entropy_loss(logits, target)
    loss = losses.SoftmaxCrossEntropyLoss()
    assert_close(
        loss.forward(logits, target),
        expected_value,
        name="SoftmaxCrossEntropyLoss.forward value, 64 x 100",
    )
    assert_close(
        loss.backward(logits, target),
        expected_grad,
        name="SoftmaxCrossEntropyLoss.backward grad, 64 x 100",
    )


@graded("1.6", points=1)
@pytest.mark.parametrize("margin", [0.5, 2.0])
def test_hinge_other_margins(margin):
    seed_everything(52)
    logits = np.random.randn(10, 6)
    target = np.eye(6)[np.random.randint(0, 6, size=10)]
    expected_value, expected_grad = hinge_loss(logits, target, margin=margin)
    loss = losses.HingeLoss(margin=margin)
    assert_close(
        loss.forward(logits, target),
        expected_value,
        name=f"HingeLoss(margin={margin}).forward value",
    )
    assert_close(
        loss.backward(logits, target),
        expected_grad,
        name=f"HingeLoss(margin={margin}).backward grad",
    )


@graded("1.6", points=1)
def test_hinge_terms_exactly_at_zero_have_zero_gradient():
    # rows 0 and 1 have one term exactly 0 (1 - s[y] + s[j] == 0 in floating point), row 2 two
    # positive terms; the handout: where a term is exactly 0 its gradient is taken as 0
    logits = np.array([[2.0, 1.0, 0.0], [0.5, 0.0, 1.5], [0.0, 0.0, 0.0]])
    target = np.eye(3)[[0, 2, 1]]
    expected_grad = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, -2.0, 1.0]]) / 3
    loss = losses.HingeLoss()
    assert_close(loss.forward(logits, target), 2.0 / 3, name="HingeLoss.forward with ties")
    assert_close(
        loss.backward(logits, target),
        expected_grad,
        name="HingeLoss.backward where a term is exactly 0 (its gradient is taken as 0)",
    )
