"""Public tests of task 2.8: build_lenet against PyTorch, its seeding, its layer order, digits.

The digits threshold comes from benchmarks/hw2_digits_seeds.py (reference solution, training
seeds 0..9, split seed 0, the configuration of test_digits_accuracy: 10 epochs, mini-batches of
32, Adam(lr=3e-3)): test accuracy per seed 0.9415 0.9554 0.9443 0.9610 0.9582 0.9526 0.9582
0.9526 0.9331 0.9415, min 0.9331, mean 0.9499, std 0.0087. The graded threshold 0.90 is 12 test
images (of 359) below the worst seed and about 6 standard deviations below the mean."""

import numpy as np

from autograder.authoring import (
    assert_close,
    check,
    check_accuracy,
    graded,
    seed_everything,
    submission,
)
from autograder.authoring.oracles.pytorch import lenet_forward, max_pool2d
from autograder.data import load_digits_split, standardised

lenet = submission("hw2_cnn_numpy.lenet")
losses = submission("hw2_cnn_numpy.losses")
optim = submission("hw2_cnn_numpy.optim")
solver = submission("hw2_cnn_numpy.solver")

DIGITS_THRESHOLD = 0.90


@graded("2.8", points=3)
def test_build_lenet_matches_torch():
    seed_everything(340)
    net = lenet.build_lenet(1, 8, 10, (4, 6), seed=1)
    params = [layer.params for layer in net.parameterised_layers()]
    check(len(params) == 3, f"build_lenet: {len(params)} layers with parameters, expected 3")
    shapes = [p["W"].shape for p in params]
    expected = [(4, 1, 3, 3), (6, 4, 3, 3), (24, 10)]
    check(
        shapes == expected,
        f"build_lenet(1, 8, 10, (4, 6)): weight shapes {shapes}, expected {expected}",
    )
    x = np.random.randn(3, 1, 8, 8)
    assert_close(
        net.forward(x), lenet_forward(params, x), name="build_lenet forward output (logits)"
    )


@graded("2.8", points=1)
def test_build_lenet_shares_one_generator_in_order():
    net = lenet.build_lenet(2, 8, 5, (3, 4), seed=9)
    rng = np.random.default_rng(9)  # He-normal draws of Conv2D, Conv2D, Linear, in this order
    expected = [
        rng.normal(0.0, np.sqrt(2.0 / (2 * 9)), size=(3, 2, 3, 3)),
        rng.normal(0.0, np.sqrt(2.0 / (3 * 9)), size=(4, 3, 3, 3)),
        rng.normal(0.0, np.sqrt(2.0 / 16), size=(16, 5)),
    ]
    got = [layer.params["W"] for layer in net.parameterised_layers()]
    check(len(got) == 3, f"build_lenet: {len(got)} layers with parameters, expected 3")
    for name, w, e in zip(("first Conv2D", "second Conv2D", "Linear"), got, expected, strict=True):
        assert_close(
            w,
            e,
            name=f"build_lenet(2, 8, 5, (3, 4), seed=9): the {name}'s initial weights (one "
            "np.random.default_rng(seed) passed as rng to Conv2D, Conv2D, Linear in turn)",
        )


@graded("2.8", points=2)
def test_build_lenet_layer_order():
    seed_everything(341)
    net = lenet.build_lenet(1, 8, 10, (4, 6), seed=1)
    stack = net.layers
    check(len(stack) == 8, f"build_lenet: {len(stack)} layers, expected 8")
    h = np.random.randn(2, 1, 8, 8)
    for i, kind in enumerate(["Conv2D", "ReLU", "MaxPool2D", "Conv2D", "ReLU", "MaxPool2D"]):
        out = stack[i].forward(h)
        if kind == "ReLU":
            ok = out.shape == h.shape and np.array_equal(out, np.maximum(h, 0))
        elif kind == "MaxPool2D":
            ok = out.shape == max_pool2d(h, 2).shape and np.array_equal(out, max_pool2d(h, 2))
        else:
            ok = out.shape[2:] == h.shape[2:] and out.shape[1] != h.shape[1]
        check(
            ok,
            f"build_lenet: layer {i} should be {kind} (the order is Conv2D, ReLU, MaxPool2D, "
            "Conv2D, ReLU, MaxPool2D, Flatten, Linear)",
        )
        h = out


@graded("2.8", points=4)
def test_digits_accuracy():
    seed_everything(342)
    data = standardised(load_digits_split(test_fraction=0.2, seed=0))
    x_train, x_test = data.x_train.reshape(-1, 1, 8, 8), data.x_test.reshape(-1, 1, 8, 8)
    y_train, y_test = data.y_train, data.y_test
    net = lenet.build_lenet(seed=0)
    solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=3e-3),
        x_train,
        y_train,
        epochs=10,
        batch_size=32,
        seed=0,
    )
    check_accuracy(
        net.predict(x_test),
        y_test,
        DIGITS_THRESHOLD,
        data="digits",
        model="build_lenet() trained 10 epochs with Adam(lr=3e-3)",
    )
