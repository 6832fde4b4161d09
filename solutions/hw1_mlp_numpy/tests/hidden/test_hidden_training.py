"""Hidden tests of task 1.9: other activations, losses and optimisers on digits; Fashion-MNIST.

Thresholds from benchmarks/hw1_digits_seeds.py (reference solution; digits: training seeds 0..9,
split seed 0; Fashion-MNIST subset (10000, 2000): seeds 0..4):

- gelu + hinge + Adam(1e-3), 30 epochs: min 0.9582, mean 0.9649 -> threshold 0.94
- sigmoid + Euclidean + SGD(0.1, momentum 0.9), 40 epochs: min 0.9694, mean 0.9791 -> 0.95
- Fashion-MNIST subset, relu + cross-entropy + Adam(1e-3), 5 epochs: min 0.8390, mean 0.8502
  -> threshold 0.80"""

import numpy as np
import pytest

from autograder.data import load_digits_split, load_fashion_mnist, standardised
from autograder.harness import graded, requires, submission
from autograder.testing import check, seed_everything

pytestmark = pytest.mark.hidden

losses = submission("hw1_mlp_numpy.losses")
optim = submission("hw1_mlp_numpy.optim")
solver = submission("hw1_mlp_numpy.solver")
training = submission("hw1_mlp_numpy.training")

FASHION_THRESHOLD = 0.80

# activation, loss, optimiser (name, kwargs), epochs, threshold
SETUPS = {
    "gelu-hinge-adam": ("gelu", "HingeLoss", ("Adam", {"lr": 1e-3}), 30, 0.94),
    "sigmoid-euclidean-sgd": (
        "sigmoid",
        "EuclideanLoss",
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        40,
        0.95,
    ),
}


@graded("1.9", points=2)
@pytest.mark.parametrize("setup", list(SETUPS))
def test_digits_accuracy_other_setups(setup):
    seed_everything(70)
    activation, loss, (opt, kwargs), epochs, threshold = SETUPS[setup]
    data = standardised(load_digits_split(test_fraction=0.2, seed=0))
    x_train, y_train, x_test, y_test = data.x_train, data.y_train, data.x_test, data.y_test
    net = training.build_mlp([64, 128, 10], activation, seed=0)
    solver.train(
        net,
        getattr(losses, loss)(),
        getattr(optim, opt)(**kwargs),
        x_train,
        y_train,
        epochs=epochs,
        batch_size=32,
        seed=0,
    )
    accuracy = float(np.mean(net.predict(x_test) == y_test))
    check(
        accuracy >= threshold,
        f"digits test accuracy {accuracy:.4f} with {activation}, {loss} and {opt}({kwargs}) "
        f"for {epochs} epochs: below the threshold {threshold}",
    )


@pytest.mark.slow
@requires("fashion-mnist")
@graded("1.9", points=1, timeout=120.0)
def test_fashion_mnist_subset_accuracy(record_property):
    split = load_fashion_mnist(subset=(10000, 2000))
    seed_everything(71)
    net = training.build_mlp([784, 128, 10], "relu", seed=0)
    solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=1e-3),
        split.x_train,
        split.y_train,
        epochs=5,
        batch_size=64,
        seed=0,
    )
    accuracy = float(np.mean(net.predict(split.x_test) == split.y_test))
    record_property("fashion_mnist_subset_accuracy", accuracy)
    print(f"Fashion-MNIST subset (10000 train, 2000 test) accuracy: {accuracy:.4f}")
    check(
        accuracy >= FASHION_THRESHOLD,
        f"Fashion-MNIST test accuracy {accuracy:.4f} (10000 training images, 5 epochs): "
        f"below the threshold {FASHION_THRESHOLD}",
    )
