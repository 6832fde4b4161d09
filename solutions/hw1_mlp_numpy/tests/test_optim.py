"""Public tests of tasks 1.7 and 1.8: SGD and Adam follow torch.optim step for step.

The same gradient sequence is fed to the student's optimiser and to torch.optim; the parameters
must agree after every step. The parameters live in the provided ``parameters.Parameters``
holders (their params and grads are set directly), not in the student's Linear: a broken
layers.py costs tasks 1.1 to 1.3, never the optimisers.
"""

import numpy as np
import pytest
import torch

from autograder.authoring import assert_close, graded, seed_everything, submission
from autograder.authoring.oracles.pytorch import compare_trajectories

parameters = submission("hw1_mlp_numpy.parameters")  # provided: the holders
optim = submission("hw1_mlp_numpy.optim")

SHAPES = [(3, 4), (4, 2)]  # two holders: W (D_in, D_out) and b (D_out,)


# ---------------------------------------------------------------- 1.7 SGD


@graded("1.7", points=2)
def test_sgd_plain_step():
    seed_everything(20)
    compare_trajectories(
        lambda: optim.SGD(lr=0.1),
        lambda ps: torch.optim.SGD(ps, lr=0.1),
        "SGD(lr=0.1), p - lr * g",
        make_holder=parameters.Parameters,
        shapes=SHAPES,
        steps=3,
    )


@graded("1.7", points=3)
@pytest.mark.parametrize("momentum", [0.5, 0.9])
def test_sgd_momentum_matches_torch(momentum):
    seed_everything(21)
    compare_trajectories(
        lambda: optim.SGD(lr=0.05, momentum=momentum),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=momentum),
        f"SGD(momentum={momentum}) trajectory (b = g first, then b = mu * b + g; p -= lr * b)",
        make_holder=parameters.Parameters,
        shapes=SHAPES,
    )


@graded("1.7", points=3)
def test_sgd_momentum_weight_decay_matches_torch():
    seed_everything(22)
    compare_trajectories(
        lambda: optim.SGD(lr=0.05, momentum=0.9, weight_decay=0.1),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.1),
        "SGD(momentum=0.9, weight_decay=0.1) trajectory (weight decay added to the gradient)",
        make_holder=parameters.Parameters,
        shapes=SHAPES,
    )


# ---------------------------------------------------------------- 1.8 Adam


@graded("1.8", points=4)
@pytest.mark.parametrize("lr", [1e-3, 0.1])
def test_adam_matches_torch(lr):
    seed_everything(23)
    compare_trajectories(
        lambda: optim.Adam(lr=lr),
        lambda ps: torch.optim.Adam(ps, lr=lr),
        f"Adam(lr={lr}) trajectory",
        make_holder=parameters.Parameters,
        shapes=SHAPES,
        steps=6,
    )


@graded("1.8", points=3)
def test_adam_weight_decay_matches_torch():
    seed_everything(24)
    compare_trajectories(
        lambda: optim.Adam(lr=0.01, weight_decay=0.1),
        lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1),
        "Adam(weight_decay=0.1) trajectory (weight decay added to the gradient, not AdamW)",
        make_holder=parameters.Parameters,
        shapes=SHAPES,
    )


@graded("1.8", points=2)
def test_adam_first_step_is_bias_corrected():
    seed_everything(25)
    holder = parameters.Parameters(3, 2)
    W, b = np.random.randn(3, 2), np.random.randn(2)
    gW, gb = np.random.randn(3, 2), np.random.randn(2)
    holder.params = {"W": W, "b": b}
    holder.grads = {"W": gW, "b": gb}
    optim.Adam(lr=0.01).step([holder])
    params = holder.params
    # After bias correction m_hat = g and v_hat = g**2, so the first step is lr * g / (|g| + eps).
    for key, p, g in (("W", W, gW), ("b", b, gb)):
        assert_close(
            params[key],
            p - 0.01 * g / (np.abs(g) + 1e-8),
            name=f"Adam first step params['{key}'] (with bias correction each moves by about lr)",
        )
