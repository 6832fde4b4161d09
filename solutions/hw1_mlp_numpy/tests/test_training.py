"""Public tests of task 1.9: build_mlp, train_step, and the whole MLP learning digits.

The digits threshold comes from benchmarks/hw1_digits_seeds.py (reference solution, training
seeds 0..9, split seed 0, the configuration of test_digits_accuracy): test accuracy per seed
0.9749 0.9721 0.9777 0.9721 0.9777 0.9666 0.9721 0.9694 0.9666 0.9721, min 0.9666, mean 0.9721.
The graded threshold 0.95 is 5 test images (of 359) below the worst seed and about 5 standard
deviations below the mean, so a correct implementation trained with other seeds passes."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder.authoring import (
    assert_close,
    check,
    check_accuracy,
    graded,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import mlp_forward
from autograder.data import load_digits_split, standardised

layers = submission("hw1_mlp_numpy.layers")
losses = submission("hw1_mlp_numpy.losses")
network = submission("hw1_mlp_numpy.network")
optim = submission("hw1_mlp_numpy.optim")
solver = submission("hw1_mlp_numpy.solver")
training = submission("hw1_mlp_numpy.training")

DIGITS_THRESHOLD = 0.95


@graded("1.9", points=3)
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "gelu"])
def test_build_mlp_matches_torch(activation):
    seed_everything(30)
    sizes = [5, 7, 6, 3]
    net = training.build_mlp(sizes, activation, seed=1)
    linears = net.parameterised_layers()
    check(
        len(linears) == 3,
        f"build_mlp({sizes}) should have 3 Linear layers, its network has {len(linears)} "
        "layers with parameters",
    )
    params = [layer.params for layer in linears]
    for i, p in enumerate(params):
        check(
            p["W"].shape == (sizes[i], sizes[i + 1]),
            f"build_mlp({sizes}): Linear layer {i} has W of shape {p['W'].shape}, "
            f"expected {(sizes[i], sizes[i + 1])}",
        )
    x = np.random.randn(4, 5)
    expected = mlp_forward(
        [{k: torch.from_numpy(v) for k, v in p.items()} for p in params],
        activation,
        torch.from_numpy(x),
    ).numpy()
    assert_close(
        net.forward(x),
        expected,
        name=f"build_mlp({sizes}, {activation!r}) forward output "
        "(Linear -> act -> ... -> Linear, no activation on the logits)",
    )
    again = [
        layer.params
        for layer in training.build_mlp(sizes, activation, seed=1).parameterised_layers()
    ]
    for i, (p, q) in enumerate(zip(params, again, strict=True)):
        assert_close(q["W"], p["W"], name=f"build_mlp with the same seed: W of Linear layer {i}")


@graded("1.9", points=2)
def test_train_step_matches_torch():
    seed_everything(31)
    sizes = [4, 6, 3]
    net = network.Network([layers.Linear(4, 6), layers.ReLU(), layers.Linear(6, 3)])
    linears = net.parameterised_layers()
    params = []
    for d_in, d_out, layer in zip(sizes[:-1], sizes[1:], linears, strict=True):
        p = {"W": np.random.randn(d_in, d_out), "b": np.random.randn(d_out)}
        layer.params = p
        params.append({k: torch.tensor(v, requires_grad=True) for k, v in p.items()})
    loss = losses.SoftmaxCrossEntropyLoss()
    optimiser = optim.SGD(lr=0.1, momentum=0.9)
    reference = torch.optim.SGD([t for p in params for t in p.values()], lr=0.1, momentum=0.9)
    for step in (1, 2):
        x, y = np.random.randn(5, 4), np.random.randint(0, 3, size=5)
        value = training.train_step(net, loss, optimiser, x, np.eye(3)[y])
        reference.zero_grad()
        expected = F.cross_entropy(
            mlp_forward(params, "relu", torch.from_numpy(x)), torch.from_numpy(y)
        )
        expected.backward()
        reference.step()
        assert_close(
            value, expected.item(), name=f"train_step return value (the batch's loss), step {step}"
        )
        for i, (layer, p) in enumerate(zip(linears, params, strict=True)):
            got = layer.params
            for k, t in p.items():
                assert_close(
                    got[k],
                    t.detach().numpy(),
                    name=f"train_step: params['{k}'] of Linear layer {i} after step {step} "
                    "(every parameterised layer must be updated)",
                )


@graded("1.9", points=2)
def test_overfits_a_tiny_batch():
    seed_everything(32)
    x, y = np.random.randn(16, 20), np.arange(16) % 4
    net = network.Network(
        [layers.Linear(20, 32, rng=1), layers.ReLU(), layers.Linear(32, 4, rng=2)]
    )
    history = solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=0.01),
        x,
        y,
        epochs=150,
        batch_size=16,
        seed=0,
    )
    final = history["loss"][-1]
    check(
        final < 0.01,
        f"training on a tiny batch of 16 examples for 150 Adam steps should drive the loss to "
        f"almost 0 (below 0.01), it ended at {final:.4g}",
    )
    accuracy = float(np.mean(net.predict(x) == y))
    check(
        accuracy == 1.0,
        f"accuracy on the tiny training batch after 150 steps: {accuracy:.3f}, expected 1.0",
    )


@graded("1.9", points=4)
def test_digits_accuracy():
    seed_everything(33)
    data = standardised(load_digits_split(test_fraction=0.2, seed=0))
    x_train, y_train, x_test, y_test = data.x_train, data.y_train, data.x_test, data.y_test
    net = training.build_mlp([64, 128, 10], "relu", seed=0)
    solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=1e-3),
        x_train,
        y_train,
        epochs=40,
        batch_size=32,
        seed=0,
    )
    check_accuracy(
        net.predict(x_test),
        y_test,
        DIGITS_THRESHOLD,
        data="digits",
        model="build_mlp([64, 128, 10], 'relu') trained 40 epochs with Adam(lr=1e-3)",
    )
