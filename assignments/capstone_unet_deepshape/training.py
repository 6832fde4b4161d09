"""The training loop and model inspection (provided).

``fit`` trains with Adam on one-hot sequences and their targets, building each batch's pairwise
image with ``encoding.pair_image``; it keeps the best checkpoint by validation masked accuracy,
stops early after ``patience`` epochs without improvement, shows a progress bar and, given
``log_dir``, writes TensorBoard logs. ``layer_outputs`` returns every layer's output for one
input, as Keras's ``K.function`` over ``model.layers`` does in the seed course.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .encoding import pair_image
from .metrics import masked_accuracy, masked_auroc
from .steps import predict, train_step

__all__ = ["History", "fit", "layer_outputs", "predict_batches"]


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch."""

    train_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    val_auroc: list[float] = field(default_factory=list)
    best_epoch: int = -1


def predict_batches(
    model: nn.Module, codes: np.ndarray, batch_size: int = 32, device: str = "cpu"
) -> np.ndarray:
    """Logits (N, L) of one-hot sequences ``codes`` (N, L, 4), batch by batch."""
    out = []
    for start in range(0, len(codes), batch_size):
        images = torch.from_numpy(pair_image(codes[start : start + batch_size])).to(device)
        out.append(predict(model, images))
    return np.concatenate(out)


def fit(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    train: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    epochs: int = 10,
    batch_size: int = 4,
    lr: float = 5e-3,
    seed: int = 0,
    patience: int = 5,
    checkpoint: str | Path | None = None,
    log_dir: str | Path | None = None,
    progress: bool = True,
    device: str = "cpu",
) -> History:
    """Train ``model`` with Adam; restore the best weights (by validation accuracy) at the end.

    Args:
        model: the U-Net (moved to ``device`` here).
        loss_fn: ``loss_fn(logits, targets)``, e.g. ``DeepShapeLoss(model, alpha)``.
        train: one-hot sequences (N, L, 4) and targets (N, L) with NaN.
        val: the same for validation; without it the last epoch is kept.
        epochs: the most epochs.
        batch_size: windows per step.
        lr: Adam's learning rate.
        seed: seeds the shuffling.
        patience: stop after this many epochs without a better validation accuracy.
        checkpoint: where the best ``state_dict`` is saved (``torch.save``), if given.
        log_dir: TensorBoard log folder, if given (imports TensorBoard, which takes seconds).
        progress: show a progress bar over the epochs.
        device: ``"cpu"`` or ``"cuda"``.
    """
    writer = None
    if log_dir is not None:
        from torch.utils.tensorboard import SummaryWriter  # slow: loads TensorFlow if present

        writer = SummaryWriter(str(log_dir))
    model.to(device)
    codes, targets = train
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    history, best, best_state, waited = History(), -np.inf, None, 0
    bar = tqdm(range(epochs), desc="epochs", disable=not progress)
    for epoch in bar:
        order, losses = rng.permutation(len(codes)), []
        for start in range(0, len(codes), batch_size):
            idx = order[start : start + batch_size]
            images = torch.from_numpy(pair_image(codes[idx])).to(device)
            y = torch.from_numpy(np.asarray(targets[idx], dtype=np.float32)).to(device)
            losses.append(train_step(model, loss_fn, optimiser, images, y))
        history.train_loss.append(float(np.mean(losses)))
        score = epoch
        if val is not None:
            logits = predict_batches(model, val[0], device=device)
            history.val_accuracy.append(masked_accuracy(logits, val[1]))
            history.val_auroc.append(masked_auroc(logits, val[1]))
            score = history.val_accuracy[-1]
        if writer is not None:
            writer.add_scalar("loss/train", history.train_loss[-1], epoch)
            if val is not None:
                writer.add_scalar("accuracy/val", history.val_accuracy[-1], epoch)
                writer.add_scalar("auroc/val", history.val_auroc[-1], epoch)
        if score > best:
            best, best_state, waited = score, copy.deepcopy(model.state_dict()), 0
            history.best_epoch = epoch
            if checkpoint is not None:
                torch.save(best_state, checkpoint)
        else:
            waited += 1
        postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
        if val is not None:
            postfix["val_acc"] = f"{history.val_accuracy[-1]:.4f}"
        bar.set_postfix(postfix)
        if waited >= patience:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    if writer is not None:
        writer.close()
    return history


def layer_outputs(model: nn.Module, x: torch.Tensor) -> dict[str, np.ndarray]:
    """Every leaf module's output for input ``x`` (eval mode), by module name, as numpy."""
    outputs: dict[str, np.ndarray] = {}
    handles = []
    for name, module in model.named_modules():
        if name and not list(module.children()):

            def keep(module: nn.Module, inputs: tuple, output: torch.Tensor, name=name) -> None:
                outputs[name] = output.detach().cpu().numpy().copy()

            handles.append(module.register_forward_hook(keep))
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return outputs
