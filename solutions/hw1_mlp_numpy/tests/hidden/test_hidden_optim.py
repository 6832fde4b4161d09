"""Hidden tests of tasks 1.7 and 1.8: state per parameter, weight decay alone, eps placement."""

import numpy as np
import pytest
import torch

from autograder.harness import graded, submission
from autograder.testing import assert_close, seed_everything

pytestmark = pytest.mark.hidden

layers = submission("hw1_mlp_numpy.layers")
optim = submission("hw1_mlp_numpy.optim")


def compare_trajectories(make_student, make_torch, label, shapes, steps=5, scale=1.0):
    """Feed the same random gradients to both optimisers and compare parameters after each step."""
    holders, tensors = [], []
    for d_in, d_out in shapes:
        holder = layers.Linear(d_in, d_out)
        params = {"W": np.random.randn(d_in, d_out), "b": np.random.randn(d_out)}
        holder.params = params
        holders.append(holder)
        tensors.append({k: torch.tensor(v, requires_grad=True) for k, v in params.items()})
    student = make_student()
    reference = make_torch([t for layer in tensors for t in layer.values()])
    for step in range(1, steps + 1):
        for holder, layer in zip(holders, tensors, strict=True):
            grads = {k: scale * np.random.randn(*t.shape) for k, t in layer.items()}
            holder.grads = grads
            for k, t in layer.items():
                t.grad = torch.from_numpy(grads[k].copy())
        student.step(holders)
        reference.step()
        for i, (holder, layer) in enumerate(zip(holders, tensors, strict=True)):
            params = holder.params
            for k, t in layer.items():
                assert_close(
                    params[k],
                    t.detach().numpy(),
                    rtol=1e-9,
                    atol=1e-12,
                    name=f"{label}: params['{k}'] of layer {i} after step {step}",
                )


@graded("1.7", points=2)
def test_sgd_state_per_layer_and_key():
    seed_everything(60)
    compare_trajectories(
        lambda: optim.SGD(lr=0.05, momentum=0.9),
        lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
        "SGD(momentum=0.9) on three layers of the same shape (one buffer per (layer, key))",
        shapes=[(3, 3), (3, 3), (3, 3)],
    )


@graded("1.7", points=2)
def test_sgd_weight_decay_without_momentum():
    seed_everything(61)
    compare_trajectories(
        lambda: optim.SGD(lr=0.1, weight_decay=0.2),
        lambda ps: torch.optim.SGD(ps, lr=0.1, weight_decay=0.2),
        "SGD(weight_decay=0.2) trajectory (weight decay added to the gradient)",
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
        shapes=[(3, 4), (4, 4)],
        steps=6,
        scale=1e-2,
    )
