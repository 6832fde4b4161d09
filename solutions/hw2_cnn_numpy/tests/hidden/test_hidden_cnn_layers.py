"""Hidden tests of task 2.6: parameter gradients through a network, numerically."""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, seed_everything, submission

pytestmark = pytest.mark.hidden

cnn_layers = submission("hw2_cnn_numpy.cnn_layers")
layers = submission("hw2_cnn_numpy.layers")
network = submission("hw2_cnn_numpy.network")


@graded("2.6", points=4)
def test_conv_weight_gradient_through_a_network_is_numeric():
    seed_everything(310)
    conv = cnn_layers.Conv2D(1, 2, 3, stride=2, pad=2, rng=4)
    net = network.Network(
        [
            conv,
            layers.ReLU(),
            cnn_layers.MaxPool2D(2, 1),
            cnn_layers.Flatten(),
            layers.Linear(18, 2, rng=5),
        ]
    )
    x = np.random.randn(3, 1, 5, 5)
    grad_out = np.random.randn(3, 2)
    net.forward(x)
    net.backward(grad_out)
    got = conv.grads
    w, b = conv.params["W"], conv.params["b"]
    eps = 1e-6
    for key, value in (("W", w), ("b", b)):
        numeric = np.zeros_like(value)
        flat = value.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            conv.params = {"W": w, "b": b}
            plus = float(np.sum(net.forward(x) * grad_out))
            flat[i] = old - eps
            conv.params = {"W": w, "b": b}
            minus = float(np.sum(net.forward(x) * grad_out))
            flat[i] = old
            numeric.reshape(-1)[i] = (plus - minus) / (2 * eps)
        assert_close(
            got[key],
            numeric,
            rtol=1e-5,
            atol=1e-7,
            name=f"Conv2D.grads['{key}'] inside a network vs numeric",
        )
