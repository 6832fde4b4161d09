"""Probes of the capstone (DeepShape U-Net): autograd, hooks and training on the submission's side.

Each takes the submission's functions, classes or objects (proxies on the grader's side, real
objects here) and numpy arrays, runs PyTorch here and returns numbers and numpy arrays only. The
grader computes the expected values itself (``autograder.topics.deepshape.oracle``). The small "toy"
networks below are built the same way on both sides from a seed, so a task's test does not depend
on the submission's other tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = [
    "call_on_tensor",
    "learn",
    "load_and_call",
    "load_and_run",
    "loss_and_grad",
    "penalty_and_grad",
    "pick_device",
    "predict_toy",
    "recalibrate_batchnorm",
    "state_shapes",
    "toy_loss",
    "toy_loss_grads",
    "toy_loss_at",
    "toy_model",
    "toy_param",
    "toy_regressor",
    "train_toy",
    "unet_outputs",
]


class ToyDecoder(nn.Module):
    """A small network shaped like the U-Net's end: ``ups[-1]`` gives (N, C, L, L), ``outc`` one
    channel, and the forward pass returns per-nucleotide logits (N, L) by row means."""

    def __init__(self, c_in: int = 2, c_hidden: int = 3) -> None:
        super().__init__()
        ups = [nn.Conv2d(c_in, c_in, 1), nn.Conv2d(c_in, c_hidden, (1, 3), padding=(0, 1))]
        self.ups = nn.ModuleList(ups)
        self.outc = nn.Conv2d(c_hidden, 1, (3, 1), padding=(1, 0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.ups[1](torch.tanh(self.ups[0](x)))
        return self.outc(h)[:, 0].mean(dim=2)


def pick_device(device: str = "auto") -> str:
    """The device a learning run trains on: for ``"auto"``, the first CUDA device where PyTorch
    sees one on this side (``"cuda:0"``), else ``"cpu"``; any other name as given."""
    if device == "auto":
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    return str(device)


def toy_model(seed: int, dtype: torch.dtype = torch.float64) -> ToyDecoder:
    """The toy decoder with weights drawn from ``seed`` (the same on both sides)."""
    torch.manual_seed(seed)
    return ToyDecoder().to(dtype)


def toy_regressor(seed: int) -> nn.Module:
    """A float64 (N, 6) -> (N, 4) network with BatchNorm and dropout, weights from ``seed``."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 4)
    ).double()


def _tensor(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def _numpy(t: Any) -> np.ndarray:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(t).__name__}")
    return t.detach().cpu().numpy()


def loss_and_grad(fn: Callable, logits: np.ndarray, targets: np.ndarray) -> dict[str, Any]:
    """``fn(logits, targets)`` in float64 and its gradient with respect to the logits."""
    x = _tensor(logits, grad=True)
    loss = fn(x, _tensor(targets))
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        raise TypeError("the loss must be a scalar tensor (0 dimensions)")
    loss.backward()
    grad = x.grad if x.grad is not None else torch.zeros_like(x)
    return {"loss": float(loss.detach()), "grad": _numpy(grad)}


def penalty_and_grad(fn: Callable, h: np.ndarray) -> dict[str, Any]:
    """``fn(h)`` in float64 and its gradient with respect to ``h``."""
    x = _tensor(h, grad=True)
    value = fn(x)
    if not isinstance(value, torch.Tensor) or value.dim() != 0:
        raise TypeError("the penalty must be a scalar tensor (0 dimensions)")
    value.backward()
    grad = x.grad if x.grad is not None else torch.zeros_like(x)
    return {"value": float(value.detach()), "grad": _numpy(grad)}


def state_shapes(model: nn.Module) -> dict[str, list[int]]:
    """Every ``state_dict`` entry's shape, by name."""
    return {k: list(v.shape) for k, v in model.state_dict().items()}


def _load(model: nn.Module, state: dict[str, np.ndarray]) -> None:
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    model.eval()


def load_and_call(module: nn.Module, state: dict[str, np.ndarray], inputs: list) -> np.ndarray:
    """Load ``state`` into ``module`` (strict), then in eval mode call it on float32 ``inputs``."""
    _load(module, state)
    with torch.no_grad():
        return _numpy(module(*(torch.from_numpy(np.asarray(a, np.float32)) for a in inputs)))


def call_on_tensor(fn: Callable, x: np.ndarray) -> np.ndarray:
    """``fn`` of the float32 tensor of ``x``, as numpy."""
    return _numpy(fn(torch.from_numpy(np.asarray(x, np.float32))))


def load_and_run(model: nn.Module, state: dict[str, np.ndarray], x: np.ndarray) -> dict:
    """Load ``state`` into ``model`` (strict), then in eval mode return its map M and logits."""
    _load(model, state)
    with torch.no_grad():
        images = torch.from_numpy(np.asarray(x, dtype=np.float32))
        return {"map": _numpy(model.pair_map(images)), "logits": _numpy(model(images))}


def unet_outputs(model: nn.Module, x: np.ndarray, train: bool = False) -> dict:
    """Shapes and dtypes of the map M and the logits for input ``x`` (float32)."""
    model.train(train)
    with torch.no_grad():
        images = torch.from_numpy(np.asarray(x, dtype=np.float32))
        m, logits = model.pair_map(images), model(images)
    return {
        "map_shape": list(m.shape),
        "logits_shape": list(logits.shape),
        "dtype": str(logits.dtype),
    }


def toy_loss(loss_cls: Callable, seed: int, xs: list, targets: list, alpha: float) -> list:
    """Build ``loss_cls(toy_model(seed), alpha)``; for each (x, targets), a forward pass, the
    loss, and what the kit's own hook saw: [{"loss", "logits", "features"}, ...]."""
    model = toy_model(seed)
    seen = {}
    model.ups[-1].register_forward_hook(lambda m, i, o: seen.update(h=o))
    loss_fn = loss_cls(model, alpha)
    out = []
    for x, y in zip(xs, targets, strict=True):
        logits = model(_tensor(x))
        loss = loss_fn(logits, _tensor(y))
        out.append(
            {"loss": float(loss.detach()), "logits": _numpy(logits), "features": _numpy(seen["h"])}
        )
    return out


def toy_loss_grads(loss_cls: Callable, seed: int, x: np.ndarray, y: np.ndarray, alpha: float):
    """The loss of ``loss_cls(toy_model(seed), alpha)`` and its gradient for every parameter."""
    model = toy_model(seed)
    loss = loss_cls(model, alpha)(model(_tensor(x)), _tensor(y))
    loss.backward()
    return {
        "loss": float(loss.detach()),
        "grads": {n: _numpy(p.grad) for n, p in model.named_parameters() if p.grad is not None},
    }


def toy_loss_at(
    loss_cls: Callable,
    seed: int,
    x: np.ndarray,
    y: np.ndarray,
    alpha: float,
    name: str,
    values: list,
) -> list[float]:
    """The loss for each array in ``values`` put in parameter ``name`` (for numeric gradients)."""
    model = toy_model(seed)
    loss_fn = loss_cls(model, alpha)
    param = dict(model.named_parameters())[name]
    out = []
    for v in values:
        with torch.no_grad():
            param.copy_(torch.from_numpy(np.asarray(v)))
        out.append(float(loss_fn(model(_tensor(x)), _tensor(y)).detach()))
    return out


def toy_param(seed: int, name: str) -> np.ndarray:
    """The initial value of parameter ``name`` of ``toy_model(seed)``."""
    return _numpy(dict(toy_model(seed).named_parameters())[name])


def _masked_mse(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    measured = ~torch.isnan(targets)
    return ((logits - torch.nan_to_num(targets)) ** 2 * measured).sum() / measured.sum()


def train_toy(step: Callable, seed: int, x: np.ndarray, y: np.ndarray, steps: int) -> dict:
    """``steps`` calls of ``step(model, loss_fn, Adam, x, y)`` on ``toy_regressor(seed)``;
    the returned losses and the final parameters (model in the state ``step`` leaves it).
    The model starts in evaluation mode, as ``predict`` leaves it: a step must switch to
    training mode itself."""
    model = toy_regressor(seed)
    model.eval()
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = [step(model, _masked_mse, optimiser, _tensor(x), _tensor(y)) for _ in range(steps)]
    if not all(isinstance(v, float) for v in losses):
        raise TypeError("train_step must return the loss as a Python float")
    return {
        "losses": np.array(losses),
        "params": {n: _numpy(p) for n, p in model.state_dict().items()},
        "training": bool(model.training),
    }


def predict_toy(predict: Callable, seed: int, x: np.ndarray, steps: int = 3) -> dict:
    """``predict`` on ``toy_regressor(seed)`` after ``steps`` forward passes in train mode (so
    that its running statistics moved); the type it returned; whether it left any gradient
    behind."""
    model = toy_regressor(seed)
    model.train()
    with torch.no_grad():
        for _ in range(steps):
            model(_tensor(x))
    out = predict(model, _tensor(x))
    return {
        "logits": np.asarray(out),
        "type": f"{type(out).__module__}.{type(out).__qualname__}",
        "grads": sum(p.grad is not None for p in model.parameters()),
    }


def recalibrate_batchnorm(
    model: nn.Module, images: Callable, n: int, device: str = "cpu", batch_size: int = 64
) -> None:
    """Re-estimate every BatchNorm's running mean and variance as the plain average over the
    ``n`` training windows (``images(index)`` gives a batch), in training mode, without
    gradients, as ``torch.optim.swa_utils.update_bn`` does. After a few epochs of a fast-moving
    network the exponential averages lag behind the weights, which shifts the logits of the
    evaluation mode; this makes the learning test's accuracy stable from seed to seed."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        for start in range(0, n, batch_size):
            idx = np.arange(start, min(n, start + batch_size))
            model(torch.from_numpy(np.asarray(images(idx), np.float32)).to(device))
    for m, momentum in zip(norms, momenta, strict=True):
        m.momentum = momentum


@contextmanager
def _one_thread() -> Iterator[None]:
    """PyTorch on one thread inside the block, as many as before after it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def learn(
    pair_image: Callable,
    unet_cls: Callable,
    loss_cls: Callable,
    step: Callable,
    predict: Callable,
    codes: np.ndarray,
    targets: np.ndarray,
    test_codes: np.ndarray,
    *,
    epochs: int,
    seed: int,
    base: int = 8,
    depth: int = 2,
    alpha: float = 0.1,
    lr: float = 5e-3,
    batch_size: int = 4,
    device: str = "auto",
) -> dict[str, Any]:
    """Train ``unet_cls(16, base, depth)`` with Adam and ``loss_cls(model, alpha)`` through the
    submission's ``pair_image`` and ``step``, re-estimate the BatchNorm statistics over the
    training windows (:func:`recalibrate_batchnorm`); return ``predict``'s logits on
    ``test_codes`` and where it ran. PyTorch runs on one thread meanwhile: on a 2-core machine
    shared with other work, its two spinning threads made an epoch 7 times slower (8.5 s against
    57 s measured).

    Mini-batches of 4 (120 Adam steps an epoch on 480 windows) rather than 16: at 3 epochs the
    runs of 16 stopped 0.046 to 0.062 above the nucleotide baseline over 8 seeds, too few steps
    for the accuracy to settle; an epoch of batches of 4 costs about the same on a CPU.

    ``device``: where to train (:func:`pick_device`; ``"auto"``: a CUDA device where PyTorch
    sees one here, else the CPU). The submission's functions get tensors on it, and ``predict``
    must hand back a numpy array whatever the device.

    Returns:
        {"logits": (N_test, L) float32, "device": the device of the model's parameters after
        training (e.g. ``"cuda:0"``), "cuda_available": ``torch.cuda.is_available()`` here}.
    """
    device = pick_device(device)
    with _one_thread():  # two threads on a busy 2-core machine ran 7 times slower than one
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        model = unet_cls(16, base, depth).to(device)
        loss_fn = loss_cls(model, alpha)
        optimiser = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(epochs):
            order = rng.permutation(len(codes))
            for start in range(0, len(codes), batch_size):
                idx = order[start : start + batch_size]
                images = torch.from_numpy(np.asarray(pair_image(codes[idx]), np.float32)).to(device)
                y = torch.from_numpy(np.asarray(targets[idx], np.float32)).to(device)
                step(model, loss_fn, optimiser, images, y)
        recalibrate_batchnorm(model, lambda idx: pair_image(codes[idx]), len(codes), device)
        out = []
        for start in range(0, len(test_codes), 64):
            images = torch.from_numpy(
                np.asarray(pair_image(test_codes[start : start + 64]), np.float32)
            )
            out.append(np.asarray(predict(model, images.to(device)), dtype=np.float32))
        return {
            "logits": np.concatenate(out),
            "device": str(next(model.parameters()).device),
            "cuda_available": bool(torch.cuda.is_available()),
        }
