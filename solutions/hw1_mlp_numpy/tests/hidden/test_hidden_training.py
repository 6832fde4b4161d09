"""Hidden tests of task 1.9: build_mlp's seeding contract and its backward pass through a new
activation object per layer; other activations, losses and optimisers on digits; Fashion-MNIST.

Thresholds from benchmarks/hw1_digits_seeds.py (reference solution; digits: training seeds 0..9,
split seed 0; Fashion-MNIST subset (10000, 2000): seeds 0..4):

- gelu + hinge + Adam(1e-3), 30 epochs: min 0.9582, mean 0.9649 -> threshold 0.94
- sigmoid + Euclidean + SGD(0.1, momentum 0.9), 40 epochs: min 0.9694, mean 0.9791 -> 0.95
- Fashion-MNIST subset, relu + cross-entropy + Adam(1e-3), 5 epochs: min 0.8390, mean 0.8502
  -> threshold 0.80"""

import numpy as np
import pytest
import torch

from autograder.authoring import (
    accuracy,
    assert_close,
    check_accuracy,
    graded,
    requires,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import mlp_forward
from autograder.data import load_digits_split, load_fashion_mnist, standardised

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


@graded("1.9", points=1)
def test_build_mlp_seeds_one_generator_for_every_linear():
    sizes = [6, 5, 4, 3]
    net = training.build_mlp(sizes, "relu", seed=7)
    rng = np.random.default_rng(7)  # the handout: one generator, passed as rng to every Linear
    for i, layer in enumerate(net.parameterised_layers()):
        params = layer.params
        expected = rng.normal(0.0, np.sqrt(2.0 / sizes[i]), size=(sizes[i], sizes[i + 1]))
        assert_close(
            params["W"],
            expected,
            name=f"build_mlp({sizes}, seed=7): W of Linear layer {i} (one "
            "np.random.default_rng(seed) passed as rng to every Linear, in order)",
        )
        assert_close(params["b"], np.zeros(sizes[i + 1]), name=f"b of Linear layer {i}")


@graded("1.9", points=1)
def test_build_mlp_backward_through_every_layer():
    seed_everything(71)
    sizes = [5, 7, 6, 4, 3]
    for activation in ("relu", "sigmoid", "gelu"):
        net = training.build_mlp(sizes, activation, seed=2)
        weights = [linear.params for linear in net.parameterised_layers()]
        x, grad_out = np.random.randn(4, 5), np.random.randn(4, 3)
        tensors = [{k: torch.from_numpy(v) for k, v in p.items()} for p in weights]
        xt = torch.tensor(x, requires_grad=True)
        mlp_forward(tensors, activation, xt).backward(torch.from_numpy(grad_out))
        net.forward(x)
        assert_close(
            net.backward(grad_out),
            xt.grad.numpy(),
            name=f"build_mlp({sizes}, {activation!r}): the network's backward dL/dx (a new "
            "activation object after every Linear but the last, each with its own cache)",
        )


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
    check_accuracy(
        net.predict(x_test),
        y_test,
        threshold,
        data="digits",
        model=f"build_mlp([64, 128, 10], {activation!r}) with {loss} and {opt}({kwargs}) "
        f"trained {epochs} epochs",
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
    predictions = net.predict(split.x_test)
    record_property("fashion_mnist_subset_accuracy", accuracy(predictions, split.y_test))
    check_accuracy(
        predictions,
        split.y_test,
        FASHION_THRESHOLD,
        data="Fashion-MNIST",
        model="build_mlp([784, 128, 10], 'relu') trained 5 epochs on 10000 training images",
    )
