"""Hidden tests of tasks 1.7 and 1.8: state per parameter, weight decay alone, eps placement,
settings of exactly 1, gradients written into the same arrays at every step."""

import numpy as np
import pytest
import torch

from autograder.authoring import assert_close, graded, seed_everything, submission
from autograder.authoring.oracles.pytorch import compare_trajectories

pytestmark = pytest.mark.hidden

parameters = submission("hw1_mlp_numpy.parameters")  # provided: the holders
optim = submission("hw1_mlp_numpy.optim")


@graded("1.7", points=1)
def test_sgd_state_per_layer_and_key():
    seed_everything(60)
    compare_trajectories(
        lambda: optim.SGD(lr=0.05, momentum=0.9),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
        "SGD(momentum=0.9) on three layers of the same shape (one buffer per (layer, key))",
        make_holder=parameters.Parameters,
        shapes=[(3, 3), (3, 3), (3, 3)],
    )


@graded("1.7", points=1)
def test_sgd_weight_decay_without_momentum():
    seed_everything(61)
    compare_trajectories(
        lambda: optim.SGD(lr=0.1, weight_decay=0.2),
        lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.2),
        "SGD(weight_decay=0.2) trajectory (weight decay added to the gradient)",
        make_holder=parameters.Parameters,
        shapes=[(2, 5)],
    )


@graded("1.8", points=2)
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


@graded("1.7", points=1)
def test_sgd_momentum_and_weight_decay_of_one():
    seed_everything(63)
    compare_trajectories(
        lambda: optim.SGD(lr=0.01, momentum=1.0, weight_decay=1.0),
        lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=1.0, weight_decay=1.0),
        "SGD(momentum=1.0, weight_decay=1.0) trajectory (every value of the settings, 1 too)",
        make_holder=parameters.Parameters,
        shapes=[(2, 3)],
        steps=4,
    )


@graded("1.7", points=1)
def test_sgd_momentum_with_gradients_written_in_place():
    """A layer may fill its grads arrays in place: the buffer must be a copy of g, not g."""
    seed_everything(64)
    holder = parameters.Parameters(3, 2)
    start = {"W": np.random.randn(3, 2), "b": np.random.randn(2)}
    holder.params = dict(start)
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in start.items()}
    student = optim.SGD(lr=0.05, momentum=0.9)
    reference = torch.optim.SGD(list(tensors.values()), lr=0.05, momentum=0.9)
    for step in (1, 2, 3):
        grads = {k: np.random.randn(*v.shape) for k, v in start.items()}
        holder.write_grads(grads)  # into the arrays of the previous step
        for k, t in tensors.items():
            t.grad = torch.from_numpy(grads[k].copy())
        student.step([holder])
        reference.step()
        params = holder.params
        for k, t in tensors.items():
            assert_close(
                params[k],
                t.detach().numpy(),
                name=f"SGD(momentum=0.9) with the gradients written into the same arrays at "
                f"every step: params['{k}'] after step {step} (the first buffer is a copy of g)",
            )


@graded("1.8", points=1)
def test_adam_weight_decay_of_one():
    seed_everything(65)
    compare_trajectories(
        lambda: optim.Adam(lr=0.01, weight_decay=1.0),
        lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=1.0),
        "Adam(weight_decay=1.0) trajectory (every value of the settings, 1 too)",
        make_holder=parameters.Parameters,
        shapes=[(2, 3)],
        steps=4,
    )
