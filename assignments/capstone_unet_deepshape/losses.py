"""The loss: binary cross-entropy over the known positions and the symmetry penalty (5.4, 5.5).

Targets are (N, L) float32: 1 reactive, 0 unreactive, NaN unknown. The loss of a batch is

    masked_bce(logits, targets) + alpha * symmetry_penalty(H)

where ``masked_bce`` is the mean of ``binary_cross_entropy_with_logits`` over the known
positions only, and H (N, C, L, L) is the output of the U-Net's last decoder block
(``model.ups[-1]``), read with a forward hook: ``symmetry_penalty(H)`` is the mean over batch,
channels, i and j of ``(H - H^T)**2``, H^T swapping i and j. Neither the loss nor its gradient may
be NaN, even when a batch has no known position (the BCE part is then 0).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["DeepShapeLoss", "masked_bce", "symmetry_penalty"]


def masked_bce(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy with logits over the positions whose target is not NaN.

    Args:
        logits: (N, L) raw scores (no sigmoid applied).
        targets: (N, L), 0, 1 or NaN.

    Returns:
        loss: a scalar tensor; 0 (still connected to ``logits``) when no target is known. The
            gradient is exactly 0 at NaN positions.
    """
    loss = None
    # TODO(5.4): keep the known positions only; no NaN in the loss or its gradient.
    raise NotImplementedError('5.4: keep the known positions only; no NaN in the loss or its gradient.')
    return loss


def symmetry_penalty(h: torch.Tensor) -> torch.Tensor:
    """Mean over batch, channels, i and j of ``(h - h^T)**2``, h^T swapping the last two axes.

    Args:
        h: (N, C, L, L).

    Returns:
        penalty: a scalar tensor, 0 for a symmetric h.
    """
    penalty = None
    # TODO(5.5): the mean squared difference between h and its transpose over (i, j).
    raise NotImplementedError('5.5: the mean squared difference between h and its transpose over (i, j).')
    return penalty


class DeepShapeLoss:
    """``masked_bce + alpha * symmetry_penalty`` of the last decoder block's output.

    Args:
        model: a network with ``model.ups`` (its last entry is the last decoder block).
        alpha: weight of the symmetry penalty.

    Attributes:
        features: the output of ``model.ups[-1]`` in the latest forward pass (None before).
        handle: the hook's handle; ``remove()`` removes the hook.
    """

    def __init__(self, model: nn.Module, alpha: float = 1.0) -> None:
        self.alpha = alpha
        self.features = None
        self.handle = None

        # TODO(5.5): register a forward hook on model.ups[-1] that keeps its output.
        raise NotImplementedError('5.5: register a forward hook on model.ups[-1] that keeps its output.')

    def __call__(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Args: logits (N, L) of the latest forward pass; targets (N, L). Returns: the loss."""
        loss = None
        # TODO(5.5): masked_bce plus alpha times the penalty of the hooked features.
        raise NotImplementedError('5.5: masked_bce plus alpha times the penalty of the hooked features.')
        return loss

    def remove(self) -> None:
        """Remove the hook (provided)."""
        if self.handle is not None:
            self.handle.remove()
