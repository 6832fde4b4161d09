"""One training step and prediction (task 5.7). The training loop (``training.fit``) calls them.

- ``train_step(model, loss_fn, optimiser, images, targets)``: the model in training mode, the
  optimiser's gradients cleared, ``loss_fn(model(images), targets)`` backpropagated, one
  optimiser step; returns the loss as a Python float.
- ``predict(model, images)``: the model in evaluation mode (BatchNorm uses its running
  statistics), no gradient recorded; returns the logits as a numpy float32 array.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

__all__ = ["predict", "train_step"]


def train_step(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimiser: torch.optim.Optimizer,
    images: torch.Tensor,
    targets: torch.Tensor,
) -> float:
    """One optimiser step on one batch.

    Args:
        model: maps images to logits (N, L).
        loss_fn: ``loss_fn(logits, targets)``, a scalar tensor.
        optimiser: an optimiser over ``model.parameters()``.
        images: the batch's input, e.g. (N, 16, L, L).
        targets: (N, L), NaN where unknown.

    Returns:
        loss: the batch's loss before the step, a float.
    """
    loss = float("nan")
    # TODO(5.7): train mode, zero the gradients, forward, loss, backward, step.
    raise NotImplementedError('5.7: train mode, zero the gradients, forward, loss, backward, step.')
    return loss


def predict(model: nn.Module, images: torch.Tensor) -> np.ndarray:
    """Logits of the model in evaluation mode, without recording gradients.

    Args:
        model: maps images to logits (N, L).
        images: (N, 16, L, L).

    Returns:
        logits: (N, L) numpy float32.
    """
    logits = None
    # TODO(5.7): eval mode, torch.no_grad(), forward, a float32 numpy array.
    raise NotImplementedError('5.7: eval mode, torch.no_grad(), forward, a float32 numpy array.')
    return logits
