"""PyTorch oracles: what a numpy submission's layers, losses and optimisers should compute.

Every function takes and returns numpy float64 arrays and runs PyTorch in float64, in the test's
process. Nothing here imports the submission: submission objects (proxies) come in as arguments.

The losses follow the kit's conventions, reconciled with PyTorch's reductions. ``logits`` is
``(N, C)``; ``target`` is ``(N, C)`` too, the format the submission's losses take: any real
values for the Euclidean loss, one-hot rows for the classification losses (converted to class ids
for PyTorch here).

- Euclidean: ``0.5 * sum((logits - target)**2) / N`` = ``0.5 * mse_loss(reduction="sum") / N``.
- Softmax cross-entropy: the mean over the batch of ``-log softmax(logits)[y]`` =
  ``cross_entropy(logits, y)``.
- Hinge: the mean over the batch of ``sum_{j != y} max(0, margin - logits[y] + logits[j])`` =
  ``C * multi_margin_loss(logits, y, margin)``, since PyTorch divides each example's sum by C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from autograder.authoring.checks import assert_close

__all__ = [
    "avg_pool2d",
    "compare_trajectories",
    "conv2d",
    "conv2d_grads",
    "euclidean_loss",
    "forward_backward",
    "hinge_loss",
    "lenet_forward",
    "linear_forward",
    "linear_grads",
    "loss_and_grad",
    "max_pool2d",
    "MLP_ACTIVATIONS",
    "mlp_forward",
    "pool2d_grad",
    "softmax_cross_entropy_loss",
]


def forward_backward(
    fn: Callable[..., torch.Tensor], inputs: Sequence[np.ndarray], grad_out: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Run ``fn`` on float64 tensors and backpropagate an upstream gradient through it.

    Args:
        fn: a PyTorch function of ``len(inputs)`` tensors, returning one tensor.
        inputs: the arrays ``fn`` takes, any shapes.
        grad_out: the gradient of the loss with respect to ``fn``'s output, shaped like it.

    Returns:
        ``fn``'s output, and the gradient of ``sum(fn(*inputs) * grad_out)`` with respect to each
        input, shaped like that input (what a layer's backward returns).
    """
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in inputs]
    out = fn(*tensors)
    out.backward(torch.from_numpy(np.asarray(grad_out, dtype=np.float64)))
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


def linear_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The affine map ``x @ W + b`` by ``F.linear``.

    Args:
        x: inputs, ``(N, D_in)``.
        W: weights, ``(D_in, D_out)`` (the transpose of PyTorch's layout).
        b: bias, ``(D_out,)``.

    Returns:
        The outputs, ``(N, D_out)``.
    """
    return F.linear(torch.from_numpy(x), torch.from_numpy(W).T, torch.from_numpy(b)).numpy()


def linear_grads(
    x: np.ndarray, W: np.ndarray, b: np.ndarray, grad_out: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients of ``x @ W + b`` for an upstream gradient.

    Args:
        x: inputs, ``(N, D_in)``.
        W: weights, ``(D_in, D_out)``.
        b: bias, ``(D_out,)``.
        grad_out: the gradient with respect to the output, ``(N, D_out)``.

    Returns:
        ``(dx, dW, db)``, shaped ``(N, D_in)``, ``(D_in, D_out)`` and ``(D_out,)``.
    """
    _, (dx, dW, db) = forward_backward(lambda x, W, b: F.linear(x, W.T, b), [x, W, b], grad_out)
    return dx, dW, db


MLP_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "gelu": lambda t: F.gelu(t, approximate="tanh"),
}


def mlp_forward(
    params: Sequence[dict[str, torch.Tensor]], activation: str, x: torch.Tensor
) -> torch.Tensor:
    """A multilayer perceptron ``Linear -> act -> ... -> Linear`` in PyTorch.

    Args:
        params: per Linear layer, ``{"W": (D_in, D_out), "b": (D_out,)}`` tensors.
        activation: a key of ``MLP_ACTIVATIONS``, applied after every Linear but the last.
        x: inputs, ``(N, D_in)``.

    Returns:
        The logits, ``(N, C)`` (not activated).
    """
    h = x
    for i, p in enumerate(params):
        h = h @ p["W"] + p["b"]
        if i < len(params) - 1:
            h = MLP_ACTIVATIONS[activation](h)
    return h


def _pair(value: int | Sequence[int]) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int | np.integer) else tuple(value)


def conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0
) -> np.ndarray:
    """The cross-correlation ``F.conv2d`` in NCHW with zero padding.

    Args:
        x: inputs, ``(N, C, H, W)``.
        w: weights, ``(F, C, KH, KW)``.
        b: bias, ``(F,)``.
        stride: ``(stride_h, stride_w)`` or one int.
        pad: ``(pad_h, pad_w)`` zeros on each side, or one int.

    Returns:
        ``(N, F, H_out, W_out)`` with ``H_out = (H + 2 pad_h - KH) // stride_h + 1``.
    """
    t = [torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in (x, w, b)]
    return F.conv2d(*t, stride=_pair(stride), padding=_pair(pad)).numpy()


def conv2d_grads(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    grad_out: np.ndarray,
    stride: Any = 1,
    pad: Any = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The gradients ``(dx, dw, db)`` of ``conv2d`` for an upstream gradient, by autograd."""
    _, (dx, dw, db) = forward_backward(
        lambda x, w, b: F.conv2d(x, w, b, stride=_pair(stride), padding=_pair(pad)),
        [x, w, b],
        grad_out,
    )
    return dx, dw, db


_POOLS = {"max": F.max_pool2d, "avg": F.avg_pool2d}


def max_pool2d(x: np.ndarray, kernel: Any, stride: Any = None) -> np.ndarray:
    """``F.max_pool2d`` without padding, ``(N, C, H, W)`` to ``(N, C, H_out, W_out)``."""
    stride = kernel if stride is None else stride
    return F.max_pool2d(torch.from_numpy(x), _pair(kernel), _pair(stride)).numpy()


def avg_pool2d(x: np.ndarray, kernel: Any, stride: Any = None) -> np.ndarray:
    """``F.avg_pool2d`` without padding: each window's sum divided by ``KH * KW``."""
    stride = kernel if stride is None else stride
    return F.avg_pool2d(torch.from_numpy(x), _pair(kernel), _pair(stride)).numpy()


def pool2d_grad(
    kind: str, x: np.ndarray, grad_out: np.ndarray, kernel: Any, stride: Any = None
) -> np.ndarray:
    """dL/dx of ``"max"`` or ``"avg"`` pooling by autograd. PyTorch's max pooling sends each
    window's gradient to the first maximum in row-major order when values tie."""
    stride = kernel if stride is None else stride
    pool = _POOLS[kind]
    _, (dx,) = forward_backward(lambda t: pool(t, _pair(kernel), _pair(stride)), [x], grad_out)
    return dx


def _class_ids(logits: np.ndarray, target: np.ndarray) -> torch.Tensor:
    """The class ids ``(N,)`` of one-hot ``target`` rows, after checking the format."""
    target = np.asarray(target)
    if target.shape != np.shape(logits) or target.ndim != 2:
        raise ValueError(
            f"target must be one-hot rows shaped like the logits {np.shape(logits)}, "
            f"got shape {target.shape}"
        )
    if not (np.isin(target, (0, 1)).all() and (target.sum(axis=1) == 1).all()):
        raise ValueError("target must be one-hot rows (one 1 per row, 0 elsewhere)")
    return torch.from_numpy(target).argmax(dim=1)


def loss_and_grad(
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    logits: np.ndarray,
    target: np.ndarray | torch.Tensor,
) -> tuple[float, np.ndarray]:
    """A scalar PyTorch loss and its gradient with respect to the logits.

    Args:
        fn: maps (logits tensor, target tensor) to a scalar tensor.
        logits: ``(N, C)``.
        target: whatever ``fn`` takes as its target (an array becomes a tensor as it is).

    Returns:
        The loss value as a float, and dL/d(logits), ``(N, C)``.
    """
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    y = target if isinstance(target, torch.Tensor) else torch.from_numpy(np.asarray(target))
    value = fn(t, y)
    value.backward()
    return value.item(), t.grad.numpy()


def euclidean_loss(logits: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """``0.5 * sum((logits - target)**2) / N`` and its gradient ``(logits - target) / N``.

    Args:
        logits: ``(N, C)``.
        target: ``(N, C)``, any real values.

    Returns:
        The loss value, and dL/d(logits), ``(N, C)``.
    """
    return loss_and_grad(
        lambda t, y: 0.5 * F.mse_loss(t, y, reduction="sum") / t.shape[0], logits, target
    )


def softmax_cross_entropy_loss(logits: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """The batch mean of ``-log softmax(logits)[y]`` and its gradient ``(softmax - target) / N``.

    Args:
        logits: ``(N, C)``.
        target: ``(N, C)``, one-hot rows.

    Returns:
        The loss value, and dL/d(logits), ``(N, C)``.

    Raises:
        ValueError: if ``target`` is not one-hot rows shaped like ``logits``.
    """
    return loss_and_grad(F.cross_entropy, logits, _class_ids(logits, target))


def hinge_loss(
    logits: np.ndarray, target: np.ndarray, margin: float = 1.0
) -> tuple[float, np.ndarray]:
    """The batch mean of ``sum_{j != y} max(0, margin - logits[y] + logits[j])``, and its gradient.

    Args:
        logits: ``(N, C)``.
        target: ``(N, C)``, one-hot rows.
        margin: the margin.

    Returns:
        The loss value, and dL/d(logits), ``(N, C)``.

    Raises:
        ValueError: if ``target`` is not one-hot rows shaped like ``logits``.
    """
    return loss_and_grad(
        lambda t, y: t.shape[1] * F.multi_margin_loss(t, y, margin=margin),
        logits,
        _class_ids(logits, target),
    )


def compare_trajectories(
    make_student: Callable[[], Any],
    make_torch: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    label: str,
    *,
    make_holder: Callable[[int, int], Any],
    shapes: Sequence[tuple[int, int]],
    steps: int = 5,
    scale: float = 1.0,
    rtol: float = 1e-9,
    atol: float = 1e-12,
) -> None:
    """Feed the same random gradients to a submission's optimiser and to ``torch.optim``.

    For each ``(D_in, D_out)`` in ``shapes`` a parameter holder gets random parameters ``W``
    ``(D_in, D_out)`` and ``b`` ``(D_out,)``; at each step every holder's ``grads`` are set to
    ``scale`` times standard normal draws (from numpy's global generator, so seed first), both
    optimisers step, and the parameters must agree.

    Args:
        make_student: builds the submission's optimiser, whose ``step(holders)`` updates each
            holder's ``params`` from its ``grads``.
        make_torch: builds the PyTorch optimiser from the list of parameter tensors.
        label: the optimiser as the student knows it, starting every failure message.
        make_holder: builds a holder for ``(D_in, D_out)``: an object with settable ``params`` and
            ``grads`` dicts, e.g. the submission's ``Linear``.
        shapes: the ``(D_in, D_out)`` of each holder.
        steps: the number of steps.
        scale: the gradients' standard deviation.
        rtol: relative tolerance of each comparison.
        atol: absolute tolerance of each comparison.

    Raises:
        CheckFailed: at the first parameter that differs, naming the holder, key and step.
    """
    holders, tensors = [], []
    for d_in, d_out in shapes:
        holder = make_holder(d_in, d_out)
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
                t.grad = torch.tensor(grads[k])  # a copy, float64
        student.step(holders)
        reference.step()
        for i, (holder, layer) in enumerate(zip(holders, tensors, strict=True)):
            params = holder.params
            for k, t in layer.items():
                assert_close(
                    params[k],
                    t.detach().numpy(),
                    rtol=rtol,
                    atol=atol,
                    name=f"{label}: params['{k}'] of layer {i} after step {step}",
                )


def lenet_forward(params: Sequence[dict[str, np.ndarray]], x: np.ndarray) -> np.ndarray:
    """The LeNet-style network's logits: (Conv2D 3x3 pad 1, ReLU, MaxPool 2) twice, flatten, Linear.

    Args:
        params: the ``params`` of the two Conv2D layers (``W`` (F, C, 3, 3), ``b`` (F,)) and of
            the Linear layer (``W`` (D, K), ``b`` (K,)), in that order.
        x: (N, C, S, S).

    Returns:
        (N, K) logits.
    """
    conv1, conv2, linear = ({k: torch.from_numpy(v) for k, v in p.items()} for p in params)
    h = F.max_pool2d(F.relu(F.conv2d(torch.from_numpy(x), conv1["W"], conv1["b"], padding=1)), 2)
    h = F.max_pool2d(F.relu(F.conv2d(h, conv2["W"], conv2["b"], padding=1)), 2)
    return (h.reshape(h.shape[0], -1) @ linear["W"] + linear["b"]).numpy()
