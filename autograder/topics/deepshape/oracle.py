"""Oracles of the capstone (DeepShape): the pairwise image built channel by channel, the U-Net
forward pass written with ``torch.nn.functional``, the masked loss, the penalty, the metrics,
the training step and the nucleotide-only baseline; the learning runs of task 5.7 and their
check (:func:`check_unet_learning`).

Everything runs in the grader's process on numpy inputs and returns numpy or floats. The U-Net
follows the handout's module names (``inc``, ``downs.k``, ``ups.k``, ``outc``; a DoubleConv's
``block.0``/``block.1``/``block.3``/``block.4``), in evaluation mode (BatchNorm with the
running statistics of the given state).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

from autograder.authoring.learning import check_learning
from autograder.authoring.marks import probe, record
from autograder.topics.deepshape.data import folded_rna
from autograder.topics.deepshape.probe import toy_regressor

__all__ = [
    "BASES",
    "Learning",
    "adam_toy_run",
    "auroc",
    "check_unet_learning",
    "double_conv_forward",
    "learning_accuracy",
    "down_forward",
    "masked_accuracy",
    "masked_bce",
    "nucleotide_baseline",
    "one_hot",
    "pair_image",
    "random_unet_state",
    "symmetry_penalty",
    "unet_forward",
    "unet_state_shapes",
    "up_forward",
]

BASES = "ACGU"


def one_hot(sequence: str) -> np.ndarray:
    """(L, 4) float32 by a lookup table: A, C, G, U (T as U), zeros for anything else."""
    table = {"A": 0, "C": 1, "G": 2, "U": 3, "T": 3}
    out = np.zeros((len(sequence), 4), dtype=np.float32)
    for i, letter in enumerate(sequence):  # one row per character ("ß".upper() is "SS")
        if letter.upper() in table:
            out[i, table[letter.upper()]] = 1.0
    return out


def pair_image(codes: np.ndarray) -> np.ndarray:
    """(N, 16, L, L): channel 4a + b is the outer product of base a's column and base b's."""
    onehot = np.asarray(codes, dtype=np.float32)  # (N, L, 4)
    n, length, _ = onehot.shape
    out = np.zeros((n, 16, length, length), dtype=np.float32)
    for a in range(4):
        for b in range(4):
            out[:, 4 * a + b] = np.matmul(onehot[:, :, a : a + 1], onehot[:, None, :, b])
    return out


def unet_state_shapes(in_channels: int, base: int, depth: int) -> dict[str, tuple[int, ...]]:
    """The handout's ``state_dict`` names and shapes of ``UNet(in_channels, base, depth)``."""
    shapes: dict[str, tuple[int, ...]] = {}

    def double(prefix: str, c_in: int, c_out: int) -> None:
        shapes[f"{prefix}.block.0.weight"] = (c_out, c_in, 3, 3)
        shapes[f"{prefix}.block.3.weight"] = (c_out, c_out, 3, 3)
        for k in (1, 4):
            for name in ("weight", "bias", "running_mean", "running_var"):
                shapes[f"{prefix}.block.{k}.{name}"] = (c_out,)
            shapes[f"{prefix}.block.{k}.num_batches_tracked"] = ()

    double("inc", in_channels, base)
    for k in range(depth):
        double(f"downs.{k}.conv", base * 2**k, base * 2 ** (k + 1))
    for i, k in enumerate(reversed(range(depth))):
        c_in = base * 2 ** (k + 1)
        shapes[f"ups.{i}.up.weight"] = (c_in, c_in // 2, 2, 2)
        shapes[f"ups.{i}.up.bias"] = (c_in // 2,)
        double(f"ups.{i}.conv", c_in, base * 2**k)
    shapes["outc.weight"] = (1, base, 1, 1)
    shapes["outc.bias"] = (1,)
    return shapes


def random_unet_state(in_channels: int, base: int, depth: int, seed: int) -> dict[str, np.ndarray]:
    """A random state for the U-Net: He-normal convolutions, BatchNorm scales in [0.5, 1.5],
    running variances in [0.5, 2], other entries N(0, 0.2) (float32; counts int64)."""
    rng = np.random.default_rng(seed)
    state = {}
    for name, shape in unet_state_shapes(in_channels, base, depth).items():
        if name.endswith("num_batches_tracked"):
            state[name] = np.array(7, dtype=np.int64)
        elif name.endswith("running_var"):
            state[name] = rng.uniform(0.5, 2.0, size=shape).astype(np.float32)
        elif name.endswith(".weight") and len(shape) == 4:
            fan_in = shape[1] * shape[2] * shape[3]
            state[name] = rng.normal(0, np.sqrt(2.0 / fan_in), size=shape).astype(np.float32)
        elif name.endswith(".weight"):  # BatchNorm scales: positive, so that ReLUs stay alive
            state[name] = rng.uniform(0.5, 1.5, size=shape).astype(np.float32)
        else:
            state[name] = rng.normal(0, 0.2, size=shape).astype(np.float32)
    return state


def _double_conv(state: dict[str, torch.Tensor], prefix: str, x: torch.Tensor) -> torch.Tensor:
    for conv, bn in ((0, 1), (3, 4)):
        x = F.conv2d(x, state[f"{prefix}.block.{conv}.weight"], padding=1)
        p = f"{prefix}.block.{bn}"
        x = F.batch_norm(
            x,
            state[f"{p}.running_mean"],
            state[f"{p}.running_var"],
            state[f"{p}.weight"],
            state[f"{p}.bias"],
            training=False,
            eps=1e-5,
        )
        x = F.relu(x)
    return x


def _tensors(state: dict[str, np.ndarray]) -> dict[str, torch.Tensor]:
    return {k: torch.from_numpy(np.asarray(v)).double() for k, v in state.items()}


def _x(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(x)).double()


def double_conv_forward(state: dict[str, np.ndarray], prefix: str, x: np.ndarray) -> np.ndarray:
    """DoubleConv ``prefix`` of a U-Net state on x (N, C, H, W), eval mode, float64."""
    return _double_conv(_tensors(state), prefix, _x(x)).numpy().astype(np.float32)


def down_forward(state: dict[str, np.ndarray], prefix: str, x: np.ndarray) -> np.ndarray:
    """Down block ``prefix`` (e.g. ``downs.0``): max-pool 2, then its DoubleConv."""
    out = _double_conv(_tensors(state), f"{prefix}.conv", F.max_pool2d(_x(x), 2))
    return out.numpy().astype(np.float32)


def up_forward(
    state: dict[str, np.ndarray], prefix: str, x: np.ndarray, skip: np.ndarray
) -> np.ndarray:
    """Up block ``prefix`` (e.g. ``ups.0``): transposed convolution, cat([skip, up]), DoubleConv."""
    s = _tensors(state)
    up = F.conv_transpose2d(_x(x), s[f"{prefix}.up.weight"], s[f"{prefix}.up.bias"], stride=2)
    out = _double_conv(s, f"{prefix}.conv", torch.cat([_x(skip), up], dim=1))
    return out.numpy().astype(np.float32)


def unet_forward(
    state: dict[str, np.ndarray], x: np.ndarray, depth: int
) -> tuple[np.ndarray, np.ndarray]:
    """The U-Net's map M (N, L, L) and logits (N, L) for images x (N, C, L, L), computed in
    float64 and returned as float32 (the dtype of a PyTorch model's output)."""
    s = {k: torch.from_numpy(np.asarray(v)).double() for k, v in state.items()}
    h = _double_conv(s, "inc", torch.from_numpy(np.asarray(x)).double())
    skips = [h]
    for k in range(depth):
        h = _double_conv(s, f"downs.{k}.conv", F.max_pool2d(h, 2))
        skips.append(h)
    skips.pop()
    for i in range(depth):
        up = F.conv_transpose2d(h, s[f"ups.{i}.up.weight"], s[f"ups.{i}.up.bias"], stride=2)
        h = _double_conv(s, f"ups.{i}.conv", torch.cat([skips.pop(), up], dim=1))
    m = F.conv2d(h, s["outc.weight"], s["outc.bias"])[:, 0]
    logits = 0.5 * (m.mean(dim=2) + m.mean(dim=1))
    return m.numpy().astype(np.float32), logits.numpy().astype(np.float32)


def masked_bce(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """``F.binary_cross_entropy_with_logits`` over the known positions, and its gradient with
    respect to all logits (0 at NaN positions); (0.0, zeros) when nothing is known."""
    known = ~np.isnan(targets)
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    if not known.any():
        return 0.0, np.zeros_like(np.asarray(logits, dtype=np.float64))
    k = torch.from_numpy(known)
    loss = F.binary_cross_entropy_with_logits(x[k], torch.from_numpy(targets[known]).double())
    loss.backward()
    return float(loss.detach()), x.grad.numpy()


def symmetry_penalty(h: np.ndarray) -> tuple[float, np.ndarray]:
    """``mean((h - h^T)**2)`` over all entries and its gradient ``4 (h - h^T) / h.size``."""
    d = h - np.swapaxes(h, -1, -2)
    return float(np.mean(d**2)), 4.0 * d / h.size


def masked_accuracy(logits: np.ndarray, targets: np.ndarray) -> float:
    """The fraction of known positions where ``logits > 0`` matches the target."""
    known = ~np.isnan(targets)
    return float(np.mean((logits[known] > 0) == (targets[known] == 1)))


def auroc(scores: np.ndarray, targets: np.ndarray) -> float:
    """scikit-learn's ``roc_auc_score`` on the known positions."""
    known = ~np.isnan(targets)
    return float(roc_auc_score(targets[known].astype(int), scores[known]))


def nucleotide_baseline(
    train_sequences: np.ndarray, train_targets: np.ndarray, test_sequences: np.ndarray
) -> np.ndarray:
    """Logits of the nucleotide-only baseline: +1 where the base's majority label on the
    training set's known positions is 1, else -1 (ties and unseen bases: -1)."""
    train = np.array([list(s) for s in train_sequences])
    test = np.array([list(s) for s in test_sequences])
    logits = -np.ones(test.shape)
    for base in BASES:
        labels = train_targets[(train == base) & ~np.isnan(train_targets)]
        if labels.size and labels.mean() > 0.5:
            logits[test == base] = 1.0
    return logits


def adam_toy_run(seed: int, x: np.ndarray, y: np.ndarray, steps: int) -> dict:
    """What ``steps`` correct training steps do to ``toy_regressor(seed)`` with Adam(lr=0.05)
    and the masked MSE: the losses before each step and the final state."""
    model = toy_regressor(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    xt, yt = torch.from_numpy(np.asarray(x, np.float64)), torch.from_numpy(np.asarray(y))
    known = ~torch.isnan(yt)
    losses = []
    for _ in range(steps):
        model.train()
        optimiser.zero_grad()
        loss = ((model(xt) - torch.nan_to_num(yt)) ** 2 * known).sum() / known.sum()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return {
        "losses": np.array(losses),
        "params": {n: p.detach().numpy() for n, p in model.state_dict().items()},
    }


class Learning(NamedTuple):
    """What a learning run of task 5.7 measured."""

    accuracy: float  # masked test accuracy of the U-Net
    baseline: float  # masked test accuracy of the nucleotide-only baseline
    device: str  # where the worker trained, e.g. "cpu" or "cuda:0"
    cuda_available: bool  # torch.cuda.is_available() in the worker


def learning_accuracy(
    pair_image: Any,
    unet_cls: Any,
    loss_cls: Any,
    step: Any,
    predict: Any,
    *,
    epochs: int,
    seed: int,
    n_train: int = 480,
    device: str = "auto",
) -> Learning:
    """Train the submission's U-Net on the embedded set (the learning tests of task 5.7).

    The kit's embedded set ``folded_rna(600, 64, 0)``: the first ``n_train`` windows train, the
    rest test. The probe ``deepshape.learn`` trains ``unet_cls(16, 8, 2)`` with
    ``loss_cls(model, alpha=0.1)``, Adam(lr=5e-3), mini-batches of 4, through the submission's
    ``pair_image``, ``step`` and ``predict`` (proxies), BatchNorm's statistics re-estimated
    before predicting. Accuracy is computed here; the worker reports only where it trained.

    ``device``: ``"auto"`` (the tests' choice) trains on a CUDA device where the submission's
    side (the grading worker, or the student's own process) has one, else on the CPU; the
    thresholds are the same on both. The device is asked for first and recorded in the test's
    row of results.json (``extra_data.device``, ``autograder.authoring.record``) before training,
    so that a run that fails on a GPU says so; then again as the device the model ended on.
    """
    device = probe("deepshape.pick_device", device)
    record(device=device)
    data = folded_rna(600, 64, 0, generate=False)
    codes = np.stack([one_hot(str(s)) for s in data.sequences])
    train, test = slice(0, n_train), slice(n_train, None)
    run = probe(
        "deepshape.learn",
        pair_image,
        unet_cls,
        loss_cls,
        step,
        predict,
        codes[train],
        data.targets[train],
        codes[test],
        epochs=epochs,
        seed=seed,
        device=device,
    )
    record(device=str(run["device"]))
    baseline = nucleotide_baseline(data.sequences[train], data.targets[train], data.sequences[test])
    y = data.targets[test]
    logits = np.asarray(run["logits"])
    if logits.shape != y.shape:
        raise ValueError(f"predict gave logits of shape {logits.shape}, expected {y.shape}")
    return Learning(
        accuracy=masked_accuracy(logits, y),
        baseline=masked_accuracy(baseline, y),
        device=str(run["device"]),
        cuda_available=bool(run["cuda_available"]),
    )


def check_unet_learning(
    encoding: Any, unet: Any, losses: Any, steps: Any, *, epochs: int, seed: int, margin: float
) -> Learning:
    """Train the submission's ``UNet(16, 8, 2)`` (:func:`learning_accuracy`, on a CUDA device
    where the submission's side has one) and check that its masked test accuracy beats the
    nucleotide-only baseline (0.6574) by ``margin``.

    Margins (``benchmarks/capstone_seeds.py``, reference, training seeds 0..7, CPU): 3 epochs
    +0.058 to +0.063 over the baseline (std 0.002) -> 0.04; 8 epochs +0.094 to +0.107 (std
    0.006) -> 0.06. The rest is left for cuDNN's other order of sums on a GPU.

    Args:
        encoding: the submission's ``encoding`` module (``pair_image``).
        unet: its ``unet`` module (``UNet``).
        losses: its ``losses`` module (``DeepShapeLoss``).
        steps: its ``steps`` module (``train_step``, ``predict``).
        epochs: training epochs.
        seed: the training seed.
        margin: how far above the baseline the accuracy must be.

    Returns:
        What the run measured.
    """
    run = learning_accuracy(
        encoding.pair_image,
        unet.UNet,
        losses.DeepShapeLoss,
        steps.train_step,
        steps.predict,
        epochs=epochs,
        seed=seed,
        device="auto",
    )
    check_learning(
        run.accuracy,
        run.baseline,
        margin,
        model=f"UNet(16, 8, 2) trained {epochs} epochs on {run.device}",
        measure="masked test accuracy",
        baseline_name="the nucleotide-only baseline",
    )
    return run
