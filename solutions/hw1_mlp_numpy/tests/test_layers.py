"""Public tests of tasks 1.1 to 1.3: Linear, ReLU, Sigmoid and GELU against PyTorch."""

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
    numeric_grad_array,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import forward_backward, linear_forward, linear_grads

layers = submission("hw1_mlp_numpy.layers")

ACTIVATIONS = {
    "ReLU": torch.relu,
    "Sigmoid": torch.sigmoid,
    "GELU": lambda t: F.gelu(t, approximate="tanh"),
}


def make_linear(d_in, d_out):
    """A Linear layer with random parameters, and those parameters."""
    lin = layers.Linear(d_in, d_out)
    W, b = np.random.randn(d_in, d_out), np.random.randn(d_out)
    lin.params = {"W": W, "b": b}
    return lin, W, b


# ---------------------------------------------------------------- 1.1 Linear


@graded("1.1", points=2)
@pytest.mark.parametrize("n,d_in,d_out", [(1, 3, 5), (7, 4, 2)])
def test_linear_forward_matches_torch(n, d_in, d_out):
    seed_everything(0)
    lin, W, b = make_linear(d_in, d_out)
    x = np.random.randn(n, d_in)
    assert_close(lin.forward(x), linear_forward(x, W, b), name="Linear.forward output (x @ W + b)")


@graded("1.1", points=1)
# d_in != d_out: an output shaped like the input (x returned, zeros_like(x)) is wrong
@pytest.mark.parametrize("n,d_in,d_out", [(1, 1, 2), (5, 2, 9)])
def test_linear_shapes_and_dtypes(n, d_in, d_out):
    seed_everything(1)
    lin, _, _ = make_linear(d_in, d_out)
    out = lin.forward(np.random.randn(n, d_in))
    check_shape(out, (n, d_out), "Linear.forward output")
    check(out.dtype == np.float64, f"Linear.forward output: dtype {out.dtype}, expected float64")
    grad_in = lin.backward(np.random.randn(n, d_out))
    check_shape(grad_in, (n, d_in), "Linear.backward grad_in")
    grads = lin.grads
    check_shape(grads["W"], (d_in, d_out), "Linear.grads['W']")
    check_shape(grads["b"], (d_out,), "Linear.grads['b'] (one entry per output, summed over N)")


@graded("1.1", points=3)
@pytest.mark.parametrize("n,d_in,d_out", [(1, 3, 5), (6, 4, 3)])
def test_linear_backward_matches_torch(n, d_in, d_out):
    seed_everything(2)
    lin, W, b = make_linear(d_in, d_out)
    x, grad_out = np.random.randn(n, d_in), np.random.randn(n, d_out)
    gx, gW, gb = linear_grads(x, W, b, grad_out)
    lin.forward(x)
    assert_close(lin.backward(grad_out), gx, name="Linear.backward grad_in (grad_out @ W.T)")
    grads = lin.grads
    assert_close(grads["W"], gW, name="Linear.grads['W'] (x.T @ grad_out)")
    assert_close(grads["b"], gb, name="Linear.grads['b'] (grad_out summed over the batch)")


@graded("1.1", points=2)
def test_linear_numeric_gradients():
    seed_everything(3)
    lin, W, b = make_linear(4, 3)
    x, grad_out = np.random.randn(5, 4), np.random.randn(5, 3)

    def forward(x_, W_, b_):
        lin.params = {"W": W_, "b": b_}
        return lin.forward(x_)

    lin.forward(x)
    grad_in = lin.backward(grad_out)
    grads = lin.grads
    tol = {"rtol": 1e-5, "atol": 1e-7}
    assert_close(
        grad_in,
        numeric_grad_array(lambda v: forward(v, W, b), x, grad_out),
        name="Linear.backward grad_in vs numeric",
        **tol,
    )
    assert_close(
        grads["W"],
        numeric_grad_array(lambda v: forward(x, v, b), W, grad_out),
        name="Linear.grads['W'] vs numeric",
        **tol,
    )
    assert_close(
        grads["b"],
        numeric_grad_array(lambda v: forward(x, W, v), b, grad_out),
        name="Linear.grads['b'] vs numeric",
        **tol,
    )


# ---------------------------------------------------------------- 1.2 ReLU and Sigmoid


def check_activation_against_torch(name, x, grad_out):
    layer = getattr(layers, name)()
    expected_out, (expected_grad,) = forward_backward(ACTIVATIONS[name], [x], grad_out)
    assert_close(layer.forward(x), expected_out, name=f"{name}.forward output")
    assert_close(layer.backward(grad_out), expected_grad, name=f"{name}.backward grad_in")


@graded("1.2", points=2)
@pytest.mark.parametrize("shape", [(1, 4), (6, 5)])
def test_relu_matches_torch(shape):
    seed_everything(4)
    check_activation_against_torch("ReLU", np.random.randn(*shape), np.random.randn(*shape))


@graded("1.2", points=2)
@pytest.mark.parametrize("shape", [(1, 4), (6, 5)])
def test_sigmoid_matches_torch(shape):
    seed_everything(5)
    x = 3 * np.random.randn(*shape)
    check_activation_against_torch("Sigmoid", x, np.random.randn(*shape))


@graded("1.2", points=2)
def test_sigmoid_stable_for_large_inputs():
    x = np.array([[-1000.0, -100.0, -30.0, 0.0, 30.0, 100.0, 1000.0]])
    grad_out = np.ones_like(x)
    sigmoid = layers.Sigmoid()
    out = sigmoid.forward(x)
    check_finite(out, "Sigmoid.forward at |x| up to 1000")
    expected_out, (expected_grad,) = forward_backward(torch.sigmoid, [x], grad_out)
    assert_close(out, expected_out, name="Sigmoid.forward at |x| up to 1000")
    grad_in = sigmoid.backward(grad_out)
    check_finite(grad_in, "Sigmoid.backward at |x| up to 1000")
    assert_close(grad_in, expected_grad, name="Sigmoid.backward at |x| up to 1000")


@graded("1.2", points=1)
@pytest.mark.parametrize("name", ["ReLU", "Sigmoid"])
def test_activation_numeric_gradient(name):
    seed_everything(6)
    x = np.random.randn(4, 3)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink
    grad_out = np.random.randn(4, 3)
    layer = getattr(layers, name)()
    # the forward pass first: x returned by both passes is a consistent (linear) pair too
    expected_out, _ = forward_backward(ACTIVATIONS[name], [x], grad_out)
    assert_close(layer.forward(x), expected_out, name=f"{name}.forward output")
    grad_in = layer.backward(grad_out)
    expected = numeric_grad_array(layer.forward, x, grad_out)
    assert_close(
        grad_in, expected, rtol=1e-5, atol=1e-7, name=f"{name}.backward grad_in vs numeric"
    )


# ---------------------------------------------------------------- 1.3 GELU


@graded("1.3", points=2)
@pytest.mark.parametrize("shape", [(1, 3), (8, 5)])
def test_gelu_forward_matches_torch_tanh_form(shape):
    seed_everything(7)
    x = 2 * np.random.randn(*shape)
    expected = F.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    assert_close(layers.GELU().forward(x), expected, name="GELU.forward output (tanh form)")


@graded("1.3", points=2)
@pytest.mark.parametrize("shape", [(1, 3), (8, 5)])
def test_gelu_backward_matches_torch(shape):
    seed_everything(8)
    check_activation_against_torch("GELU", 2 * np.random.randn(*shape), np.random.randn(*shape))


@graded("1.3", points=2)
def test_gelu_numeric_gradient():
    seed_everything(9)
    x, grad_out = 2 * np.random.randn(4, 3), np.random.randn(4, 3)
    gelu = layers.GELU()
    # the forward pass first: x returned by both passes is a consistent (linear) pair too
    expected_out = F.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    assert_close(gelu.forward(x), expected_out, name="GELU.forward output (tanh form)")
    grad_in = gelu.backward(grad_out)
    expected = numeric_grad_array(gelu.forward, x, grad_out)
    assert_close(grad_in, expected, rtol=1e-5, atol=1e-7, name="GELU.backward grad_in vs numeric")
