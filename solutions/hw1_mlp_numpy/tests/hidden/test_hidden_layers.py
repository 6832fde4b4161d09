"""Hidden tests of tasks 1.1 to 1.3: repeated calls, larger sizes, the ReLU kink, huge inputs,
two objects of one class that each keep their own cache."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.authoring import (
    assert_close,
    check,
    check_finite,
    check_shape,
    graded,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import forward_backward, linear_forward, linear_grads

pytestmark = pytest.mark.hidden

layers = submission("hw1_mlp_numpy.layers")


@graded("1.1", points=2)
def test_linear_second_backward_overwrites_grads():
    seed_everything(40)
    lin = layers.Linear(3, 4)
    W, b = np.random.randn(3, 4), np.random.randn(4)
    lin.params = {"W": W, "b": b}
    for _ in range(2):  # the second batch's gradients replace the first's
        x, grad_out = np.random.randn(5, 3), np.random.randn(5, 4)
        lin.forward(x)
        grad_in = lin.backward(grad_out)
    gx, gW, gb = linear_grads(x, W, b, grad_out)
    grads = lin.grads
    assert_close(grad_in, gx, name="Linear.backward grad_in after a second forward/backward")
    assert_close(
        grads["W"],
        gW,
        name="Linear.grads['W'] after a second backward (overwrite, do not accumulate)",
    )
    assert_close(
        grads["b"],
        gb,
        name="Linear.grads['b'] after a second backward (overwrite, do not accumulate)",
    )


@graded("1.1", points=1)
def test_linear_large_batch_matches_torch():
    seed_everything(41)
    lin = layers.Linear(33, 17)
    W, b = np.random.randn(33, 17), np.random.randn(17)
    lin.params = {"W": W, "b": b}
    x, grad_out = np.random.randn(64, 33), np.random.randn(64, 17)
    assert_close(lin.forward(x), linear_forward(x, W, b), name="Linear.forward output, batch of 64")
    gx, gW, gb = linear_grads(x, W, b, grad_out)
    assert_close(lin.backward(grad_out), gx, name="Linear.backward grad_in, batch of 64")
    grads = lin.grads
    assert_close(grads["W"], gW, name="Linear.grads['W'], batch of 64")
    assert_close(grads["b"], gb, name="Linear.grads['b'] (summed over a batch of 64)")


@graded("1.2", points=1)
def test_relu_derivative_at_zero_is_zero():
    x = np.array([[-2.0, 0.0, 3.0], [0.0, -0.5, 1e-300]])
    grad_out = np.array([[1.0, 2.0, 3.0], [-4.0, 5.0, -6.0]])
    relu = layers.ReLU()
    assert_close(relu.forward(x), np.maximum(x, 0.0), name="ReLU.forward output at x <= 0")
    assert_close(
        relu.backward(grad_out),
        np.array([[0.0, 0.0, 3.0], [0.0, 0.0, -6.0]]),
        name="ReLU.backward grad_in (masked where the input x <= 0; the derivative at 0 is 0)",
    )


@graded("1.2", points=1)
@pytest.mark.parametrize("name", ["ReLU", "Sigmoid"])
@pytest.mark.parametrize("shape", [(1, 2), (3, 5)])
def test_activation_shapes_and_dtypes(name, shape):
    seed_everything(42)
    layer = getattr(layers, name)()
    x, grad_out = np.random.randn(*shape), np.random.randn(*shape)
    # one negative and one positive input: on either sign alone, ReLU is x or zeros (trivial)
    x.flat[0], x.flat[-1] = -1.5, 1.5
    out = layer.forward(x)
    check_shape(out, shape, f"{name}.forward output")
    grad_in = layer.backward(grad_out)
    check_shape(grad_in, shape, f"{name}.backward grad_in")
    for value, what in ((out, "forward output"), (grad_in, "backward grad_in")):
        check(value.dtype == np.float64, f"{name}.{what}: dtype {value.dtype}, expected float64")
    # and the values: an elementwise layer's shape alone is kept by x returned or zeros_like(x)
    oracle = {"ReLU": torch.relu, "Sigmoid": torch.sigmoid}[name]
    expected_out, (expected_grad,) = forward_backward(oracle, [x], grad_out)
    assert_close(out, expected_out, name=f"{name}.forward output")
    assert_close(grad_in, expected_grad, name=f"{name}.backward grad_in")


@graded("1.3", points=1)
def test_gelu_large_inputs():
    x = np.array([[-1000.0, -30.0, -5.0, 0.0, 5.0, 30.0, 1000.0]])
    grad_out = np.ones_like(x)
    expected_out, (expected_grad,) = forward_backward(
        lambda t: F.gelu(t, approximate="tanh"), [x], grad_out
    )
    gelu = layers.GELU()
    out = gelu.forward(x)
    check_finite(out, "GELU.forward at |x| up to 1000")
    assert_close(out, expected_out, name="GELU.forward at |x| up to 1000")
    grad_in = gelu.backward(grad_out)
    check_finite(grad_in, "GELU.backward at |x| up to 1000")
    assert_close(grad_in, expected_grad, atol=1e-12, name="GELU.backward at |x| up to 1000")


def _two_instances_keep_their_own_state(name, make, d_in, d_out):
    """Two instances of one class: forward both, then backward the first: its own cache counts."""
    first, second = make(), make()
    x1, x2 = np.random.randn(4, d_in), np.random.randn(3, d_in)
    grad_out = np.random.randn(4, d_out)
    if name == "Linear":
        W, b = np.random.randn(d_in, d_out), np.random.randn(d_out)
        first.params = {"W": W, "b": b}
        second.params = {"W": np.random.randn(d_in, d_out), "b": np.random.randn(d_out)}
        expected, _, _ = linear_grads(x1, W, b, grad_out)
    else:
        fn = {"ReLU": F.relu, "Sigmoid": torch_sigmoid, "GELU": torch_gelu}[name]
        _, (expected,) = forward_backward(fn, [x1], grad_out)
    first.forward(x1)
    second.forward(x2)  # a cache shared between instances (a class attribute) is overwritten
    assert_close(
        first.backward(grad_out),
        expected,
        name=f"{name}.backward of the first of two {name} objects, after both ran forward "
        "(each object keeps its own cache, as in a network that uses the class twice)",
    )


def torch_sigmoid(t):
    return t.sigmoid()


def torch_gelu(t):
    return F.gelu(t, approximate="tanh")


@graded("1.1", points=1)
def test_linear_two_instances_keep_their_own_state():
    seed_everything(43)
    _two_instances_keep_their_own_state("Linear", lambda: layers.Linear(3, 2), 3, 2)


@graded("1.2", points=1)
@pytest.mark.parametrize("name", ["ReLU", "Sigmoid"])
def test_activation_two_instances_keep_their_own_state(name):
    seed_everything(44)
    _two_instances_keep_their_own_state(name, getattr(layers, name), 5, 5)


@graded("1.3", points=1)
def test_gelu_two_instances_keep_their_own_state():
    seed_everything(45)
    _two_instances_keep_their_own_state("GELU", layers.GELU, 5, 5)
