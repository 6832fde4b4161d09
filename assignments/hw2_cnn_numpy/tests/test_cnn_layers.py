"""Public tests of task 2.6: Conv2D, MaxPool2D, AvgPool2D and Flatten under HW1's layer contract."""

import numpy as np

from autograder.authoring import (
    assert_close,
    check_shape,
    graded,
    numeric_grad_array,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import (
    avg_pool2d,
    conv2d,
    conv2d_grads,
    max_pool2d,
    pool2d_grad,
)

cnn_layers = submission("hw2_cnn_numpy.cnn_layers")
layers = submission("hw2_cnn_numpy.layers")
network = submission("hw2_cnn_numpy.network")


@graded("2.6", points=4)
def test_conv2d_layer_matches_torch_and_overwrites_grads():
    seed_everything(300)
    layer = cnn_layers.Conv2D(3, 4, (3, 2), stride=(2, 1), pad=(1, 2))
    check_shape(layer.params["W"], (4, 3, 3, 2), "Conv2D.params['W'] (F, C, KH, KW)")
    w, b = np.random.randn(4, 3, 3, 2), np.random.randn(4)
    layer.params = {"W": w, "b": b}
    x = np.random.randn(2, 3, 6, 5)
    expected = conv2d(x, w, b, (2, 1), (1, 2))
    assert_close(layer.forward(x), expected, name="Conv2D.forward output")
    grad_out = np.random.randn(*expected.shape)
    ex, ew, eb = conv2d_grads(x, w, b, grad_out, (2, 1), (1, 2))
    for call in (1, 2):  # grads are overwritten, not accumulated
        assert_close(layer.backward(grad_out), ex, name=f"Conv2D.backward grad_in (call {call})")
        grads = layer.grads
        assert_close(grads["W"], ew, name=f"Conv2D.grads['W'] (call {call})")
        assert_close(grads["b"], eb, name=f"Conv2D.grads['b'] (call {call})")


@graded("2.6", points=2)
def test_pool_layers_match_torch():
    seed_everything(301)
    x = np.random.randint(0, 3, size=(2, 3, 7, 6)).astype(np.float64)
    for name, oracle, kind in (("MaxPool2D", max_pool2d, "max"), ("AvgPool2D", avg_pool2d, "avg")):
        layer = getattr(cnn_layers, name)((3, 2), (2, 2))
        expected = oracle(x, (3, 2), (2, 2))
        assert_close(layer.forward(x), expected, name=f"{name}((3, 2), (2, 2)).forward output")
        grad_out = np.random.randn(*expected.shape)
        assert_close(
            layer.backward(grad_out),
            pool2d_grad(kind, x, grad_out, (3, 2), (2, 2)),
            name=f"{name}((3, 2), (2, 2)).backward grad_in",
        )


@graded("2.6", points=2)
def test_flatten_forward_and_backward():
    seed_everything(302)
    x = np.random.randn(3, 2, 4, 5)
    flatten = cnn_layers.Flatten()
    assert_close(flatten.forward(x), x.reshape(3, -1), name="Flatten.forward output (N, C*H*W)")
    grad_out = np.random.randn(3, 40)
    assert_close(
        flatten.backward(grad_out),
        grad_out.reshape(3, 2, 4, 5),
        name="Flatten.backward grad_in (the input's shape, (N, C, H, W))",
    )


@graded("2.6", points=2)
def test_network_of_cnn_layers_numeric_gradient():
    seed_everything(303)
    net = network.Network(
        [
            cnn_layers.Conv2D(2, 3, 3, pad=1, rng=1),
            layers.ReLU(),
            cnn_layers.MaxPool2D(2),
            cnn_layers.Conv2D(3, 2, (2, 1), stride=(1, 2), rng=2),
            cnn_layers.AvgPool2D((1, 2), 1),
            cnn_layers.Flatten(),
            layers.Linear(4, 3, rng=3),
        ]
    )
    x = np.random.randn(2, 2, 6, 6)
    out = net.forward(x)
    grad_out = np.random.randn(*out.shape)
    grad_in = net.backward(grad_out)
    assert_close(
        grad_in,
        numeric_grad_array(net.forward, x, grad_out),
        rtol=1e-5,
        atol=1e-7,
        name="Network(Conv2D, ReLU, MaxPool2D, Conv2D, AvgPool2D, Flatten, Linear).backward "
        "grad_in vs numeric",
    )
