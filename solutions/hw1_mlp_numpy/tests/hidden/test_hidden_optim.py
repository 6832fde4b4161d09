"""Hidden tests of tasks 1.7 and 1.8: state per parameter, weight decay alone, eps placement."""

import pytest
import torch

from autograder.harness import graded, submission
from autograder.oracles.pytorch import compare_trajectories
from autograder.testing import seed_everything

pytestmark = pytest.mark.hidden

parameters = submission("hw1_mlp_numpy.parameters")  # provided: the holders
optim = submission("hw1_mlp_numpy.optim")


@graded("1.7", points=2)
def test_sgd_state_per_layer_and_key():
    seed_everything(60)
    compare_trajectories(
        lambda: optim.SGD(lr=0.05, momentum=0.9),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
        "SGD(momentum=0.9) on three layers of the same shape (one buffer per (layer, key))",
        make_holder=parameters.Parameters,
        shapes=[(3, 3), (3, 3), (3, 3)],
    )


@graded("1.7", points=2)
def test_sgd_weight_decay_without_momentum():
    seed_everything(61)
    compare_trajectories(
        lambda: optim.SGD(lr=0.1, weight_decay=0.2),
        lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.2),
        "SGD(weight_decay=0.2) trajectory (weight decay added to the gradient)",
        make_holder=parameters.Parameters,
        shapes=[(2, 5)],
    )


@graded("1.8", points=3)
def test_adam_eps_and_betas():
    seed_everything(62)
    kwargs = {"lr": 0.01, "betas": (0.8, 0.95), "eps": 1e-2}
    compare_trajectories(
        lambda: optim.Adam(**kwargs),
        lambda ps: torch.optim.Adam(ps, **kwargs),
        "Adam(betas=(0.8, 0.95), eps=0.01) on small gradients (eps outside the square root)",
        make_holder=parameters.Parameters,
        shapes=[(3, 4), (4, 4)],
        steps=6,
        scale=1e-2,
    )
