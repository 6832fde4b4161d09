"""Hidden tests of task 2.8: another size and seed against PyTorch; loss falls on a tiny batch;
Fashion-MNIST, where the data are installed.

Fashion-MNIST subset (4000 train, 1000 test), LeNet on 28x28, Adam(2e-3), 2 epochs of batches of
64, seeds 0..4 (``benchmarks/hw2_digits_seeds.py --fashion``): 0.8200 0.8080 0.8130 0.8050
0.8010, min 0.8010, mean 0.8094 -> threshold 0.75.
"""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check,
    check_accuracy,
    graded,
    requires,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import lenet_forward
from autograder.data import load_fashion_mnist

pytestmark = pytest.mark.hidden

lenet = submission("hw2_cnn_numpy.lenet")
losses = submission("hw2_cnn_numpy.losses")
optim = submission("hw2_cnn_numpy.optim")
solver = submission("hw2_cnn_numpy.solver")


@graded("2.8", points=3)
def test_build_lenet_three_channels_12x12():
    seed_everything(350)
    net = lenet.build_lenet(3, 12, 5, (2, 3), seed=7)
    params = [layer.params for layer in net.parameterised_layers()]
    x = np.random.randn(2, 3, 12, 12)
    expected = lenet_forward(params, x)
    assert_close(net.forward(x), expected, name="build_lenet(3, 12, 5, (2, 3)) forward output")


FASHION_THRESHOLD = 0.75


@graded("2.8", points=2)
def test_lenet_overfits_a_tiny_batch():
    seed_everything(351)
    x, y = np.random.randn(12, 1, 8, 8), np.arange(12) % 3
    net = lenet.build_lenet(1, 8, 3, (4, 8), seed=2)
    losses_per_epoch = solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=0.02),
        x,
        y,
        epochs=100,
        batch_size=12,
        seed=0,
    )
    final = losses_per_epoch["loss"][-1]
    check(
        final < 0.05,
        f"build_lenet trained 100 Adam steps on 12 images: loss {final:.4g}, expected below 0.05",
    )


@pytest.mark.slow
@requires("fashion-mnist")
@graded("2.8", points=1, timeout=120.0)
def test_lenet_fashion_mnist_subset_accuracy():
    split = load_fashion_mnist(subset=(4000, 1000))
    seed_everything(352)
    net = lenet.build_lenet(image_size=28, seed=0)
    solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=2e-3),
        split.x_train.reshape(-1, 1, 28, 28),
        split.y_train,
        epochs=2,
        batch_size=64,
        seed=0,
    )
    check_accuracy(
        net.predict(split.x_test.reshape(-1, 1, 28, 28)),
        split.y_test,
        FASHION_THRESHOLD,
        data="Fashion-MNIST",
        model="the LeNet trained 2 epochs on 4000 training images",
    )
