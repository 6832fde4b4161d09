"""Learning curves and feature maps (provided, not graded).

Figures are built with ``matplotlib.figure.Figure`` and never shown, so they work without a
display; a notebook shows a returned figure when it is a cell's last value.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_feature_maps", "plot_learning_curves"]


def plot_learning_curves(histories: dict[str, dict[str, list[float]]]) -> Figure:
    """Loss and accuracy per epoch (training solid, validation dashed) for one or more runs,
    each given as the history ``training.train`` returns."""
    fig = Figure(figsize=(10, 3.5), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    for name, h in histories.items():
        epochs = np.arange(1, len(h["loss"]) + 1)
        (line,) = ax_loss.plot(epochs, h["loss"], label=f"{name} train")
        ax_loss.plot(epochs, h["val_loss"], "--", color=line.get_color(), label=f"{name} val")
        ax_acc.plot(epochs, h["accuracy"], color=line.get_color(), label=f"{name} train")
        ax_acc.plot(epochs, h["val_accuracy"], "--", color=line.get_color(), label=f"{name} val")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    ax_loss.legend(fontsize="small")
    ax_acc.legend(fontsize="small")
    return fig


def plot_feature_maps(outputs: dict[str, np.ndarray], layers: list[str], n: int = 8) -> Figure:
    """The first ``n`` channels of the first image's feature maps, one row per layer.

    Args:
        outputs: ``training.layer_outputs(model, x)``.
        layers: names of layers with image outputs (N, H, W, C), e.g. ``["conv1", "relu2"]``.
        n: channels shown per layer.
    """
    fig = Figure(figsize=(1.3 * n, 1.4 * len(layers)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(layers), n, squeeze=False))
    for row, name in enumerate(layers):
        maps = outputs[name][0]  # (H, W, C)
        for col in range(n):
            ax = axes[row, col]
            ax.set_xticks([])
            ax.set_yticks([])
            if col < maps.shape[-1]:
                ax.imshow(maps[..., col], cmap="viridis")
            if col == 0:
                ax.set_ylabel(name)
    return fig
