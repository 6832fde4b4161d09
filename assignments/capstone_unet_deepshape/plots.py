"""Plots (provided): the predicted map beside ViennaRNA's base-pair probabilities, and
reactivity along a sequence."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_maps", "plot_reactivity"]


def plot_maps(pred_map: np.ndarray, bpp: np.ndarray, title: str = "") -> plt.Figure:
    """The U-Net's map M (L, L) beside the base-pair probability matrix (L, L)."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
    image = axes[0].imshow(pred_map, cmap="viridis")
    axes[0].set_title("U-Net map M")
    fig.colorbar(image, ax=axes[0], shrink=0.8)
    image = axes[1].imshow(bpp, cmap="Greys", vmin=0, vmax=1)
    axes[1].set_title("ViennaRNA base-pair probability")
    fig.colorbar(image, ax=axes[1], shrink=0.8)
    for ax in axes:
        ax.set_xlabel("j")
        ax.set_ylabel("i")
    if title:
        fig.suptitle(title)
    return fig


def plot_reactivity(
    sequence: str,
    probability: np.ndarray,
    targets: np.ndarray,
    unpaired: np.ndarray | None = None,
) -> plt.Figure:
    """Predicted reactivity (sigmoid of the logits) along a sequence, with the known targets
    (dots) and, for generated data, ViennaRNA's unpaired probability."""
    positions = np.arange(len(sequence))
    fig, ax = plt.subplots(figsize=(12, 3), layout="constrained")
    ax.plot(positions, probability, label="predicted P(reactive)")
    if unpaired is not None:
        ax.plot(positions, unpaired, "--", label="unpaired probability (ViennaRNA)")
    known = ~np.isnan(targets)
    ax.scatter(positions[known], targets[known], s=12, c="k", label="target (known)")
    ax.set_xticks(positions)
    ax.set_xticklabels(list(sequence), fontsize=6)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="upper right", fontsize=8)
    return fig
