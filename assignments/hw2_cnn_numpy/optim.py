"""Optimisers (tasks 1.7 and 1.8), with PyTorch's conventions.

The optimiser contract:

- ``step(layers)`` updates, for every layer in ``layers`` and every key k of ``layer.params``,
  the parameter ``layer.params[k]`` from the gradient ``layer.grads[k]`` (same shape, float64).
- Weight decay is L2 regularisation added to the gradient: ``g = grads[k] + weight_decay * p``.
- State (momentum buffers, moment estimates, step counts) is kept per parameter, that is per
  (layer, key), in ``self.state``: a dict keyed by ``(id(layer), key)``, each value a dict.
  The layers must live as long as the optimiser (a network keeps them).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SGD", "Adam"]


class SGD:
    """Stochastic gradient descent with momentum and weight decay, as ``torch.optim.SGD``.

    For each parameter p with gradient g (no dampening, no Nesterov)::

        g = g + weight_decay * p
        b = g                    on the first step (when momentum != 0)
        b = momentum * b + g     on later steps
        p = p - lr * b           (p = p - lr * g when momentum == 0)

    Args:
        lr: learning rate.
        momentum: momentum factor mu.
        weight_decay: L2 penalty added to the gradient.
    """

    def __init__(self, lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.state: dict[tuple[int, str], dict] = {}

    def step(self, layers: list) -> None:
        """Update the parameters of ``layers`` in place (see the module docstring)."""
        for layer in layers:
            for key in layer.params:
                p = layer.params[key]  # the parameter, any shape
                g = layer.grads[key]  # its gradient, same shape
                state = self.state.setdefault((id(layer), key), {})
                if self.weight_decay != 0.0:
                    g = g + self.weight_decay * p
                if self.momentum != 0.0:
                    if "buffer" in state:
                        state["buffer"] = self.momentum * state["buffer"] + g
                    else:
                        state["buffer"] = np.array(g, dtype=np.float64, copy=True)
                    g = state["buffer"]
                layer.params[key] = p - self.lr * g


class Adam:
    """Adam, as ``torch.optim.Adam`` (weight decay added to the gradient, not AdamW).

    For each parameter p with gradient g, at its step t = 1, 2, ...::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g            (m starts at 0)
        v = beta2 * v + (1 - beta2) * g**2         (v starts at 0)
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)   (eps outside the square root)

    Args:
        lr: learning rate.
        betas: (beta1, beta2), the decay rates of the first and second moment estimates.
        eps: added to the denominator, outside the square root.
        weight_decay: L2 penalty added to the gradient.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        self.lr = lr
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps = eps
        self.weight_decay = weight_decay
        self.state: dict[tuple[int, str], dict] = {}

    def step(self, layers: list) -> None:
        """Update the parameters of ``layers`` in place (see the module docstring)."""
        beta1, beta2 = self.betas
        for layer in layers:
            for key in layer.params:
                p = layer.params[key]  # the parameter, any shape
                g = layer.grads[key]  # its gradient, same shape
                state = self.state.setdefault((id(layer), key), {})
                if self.weight_decay != 0.0:
                    g = g + self.weight_decay * p
                if not state:
                    state["t"] = 0
                    state["m"] = np.zeros_like(p, dtype=np.float64)
                    state["v"] = np.zeros_like(p, dtype=np.float64)
                state["t"] += 1
                state["m"] = beta1 * state["m"] + (1.0 - beta1) * g
                state["v"] = beta2 * state["v"] + (1.0 - beta2) * g**2
                m_hat = state["m"] / (1.0 - beta1 ** state["t"])
                v_hat = state["v"] / (1.0 - beta2 ** state["t"])
                layer.params[key] = p - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
