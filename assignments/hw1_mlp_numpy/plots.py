"""Training curves and a confusion matrix (provided, not graded).

The functions build figures with ``matplotlib.figure.Figure`` and never call ``show``, so they
work without a display; a notebook shows a returned figure when it is a cell's last value.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["confusion_matrix", "plot_confusion_matrix", "plot_digits", "plot_history"]


def plot_history(histories: dict[str, dict[str, list[float]]]) -> Figure:
    """Loss and accuracy per epoch for one or more runs.

    Args:
        histories: run name -> the dict returned by ``solver.train``.

    Returns:
        A figure with two panels: loss, and accuracy (training solid, validation dashed).
    """
    fig = Figure(figsize=(10, 3.5), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    for name, h in histories.items():
        epochs = np.arange(1, len(h["loss"]) + 1)
        (line,) = ax_loss.plot(epochs, h["loss"], label=name)
        ax_acc.plot(epochs, h["train_acc"], color=line.get_color(), label=f"{name} train")
        if h.get("val_acc"):
            ax_acc.plot(epochs, h["val_acc"], "--", color=line.get_color(), label=f"{name} val")
    ax_loss.set(xlabel="epoch", ylabel="mean mini-batch loss", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax_loss.legend(fontsize="small")
    ax_acc.legend(fontsize="small")
    return fig


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts, (C, C) int64: row = true class, column = predicted class."""
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return counts


def plot_confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, classes: list) -> Figure:
    """A confusion matrix with counts written in the cells.

    Args:
        y_true: (N,) true class ids.
        y_pred: (N,) predicted class ids.
        classes: class names, C of them.
    """
    counts = confusion_matrix(y_true, y_pred, len(classes))
    fig = Figure(figsize=(5, 4.5), layout="constrained")
    ax = fig.subplots()
    im = ax.imshow(counts, cmap="Blues")
    fig.colorbar(im, ax=ax)
    ticks = np.arange(len(classes))
    ax.set_xticks(ticks, [str(c) for c in classes])
    ax.set_yticks(ticks, [str(c) for c in classes])
    ax.set(xlabel="predicted", ylabel="true", title="confusion matrix")
    for i in range(len(classes)):
        for j in range(len(classes)):
            if counts[i, j]:
                dark = counts[i, j] > counts.max() / 2
                ax.text(
                    j,
                    i,
                    counts[i, j],
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
    return fig


def plot_digits(x: np.ndarray, y: np.ndarray, n: int = 10, side: int = 8) -> Figure:
    """The first n images of x, (N, side * side), titled with their labels y, (N,)."""
    fig = Figure(figsize=(1.2 * n, 1.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, image, label in zip(axes, x[:n], y[:n], strict=False):
        ax.imshow(image.reshape(side, side), cmap="gray_r")
        ax.set_title(str(label))
        ax.axis("off")
    return fig
