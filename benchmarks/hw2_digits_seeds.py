"""HW2: accuracy of the reference LeNet over training seeds, and seconds per epoch.

Sets the thresholds of ``test_digits_accuracy`` (solutions/hw2_cnn_numpy/tests/test_lenet.py)
and of the slow Fashion-MNIST test (tests/hidden/test_hidden_lenet.py): the configurations
below are the tests'. With ``--fashion`` it measures the Fashion-MNIST subset over seeds and one
epoch on the full 60000 images. Run from the kit's root::

    .venv/bin/python benchmarks/hw2_digits_seeds.py [n_seeds] [--fashion]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from autograder.data import load_digits_split, load_fashion_mnist, standardised
from autograder.integrations.notebook import use_assignment

use_assignment("hw2_cnn_numpy", start=Path(__file__).resolve().parents[1] / "solutions")

from hw2_cnn_numpy import lenet, losses, optim, solver  # noqa: E402

EPOCHS, BATCH, LR = 10, 32, 3e-3
FASHION_SUBSET, FASHION_EPOCHS, FASHION_BATCH, FASHION_LR = (4000, 1000), 2, 64, 2e-3


def _fashion_run(split, seed: int, epochs: int) -> tuple[float, float]:
    """Train the LeNet on a Fashion-MNIST split; (test accuracy, seconds per epoch)."""
    x_train = split.x_train.reshape(-1, 1, 28, 28)
    x_test = split.x_test.reshape(-1, 1, 28, 28)
    net = lenet.build_lenet(image_size=28, seed=seed)
    start = time.perf_counter()
    solver.train(
        net,
        losses.SoftmaxCrossEntropyLoss(),
        optim.Adam(lr=FASHION_LR),
        x_train,
        split.y_train,
        epochs=epochs,
        batch_size=FASHION_BATCH,
        seed=seed,
    )
    per_epoch = (time.perf_counter() - start) / epochs
    return float(np.mean(net.predict(x_test) == split.y_test)), per_epoch


def fashion(n_seeds: int) -> None:
    subset = load_fashion_mnist(subset=FASHION_SUBSET)
    results = [_fashion_run(subset, seed, FASHION_EPOCHS) for seed in range(n_seeds)]
    accuracies = [a for a, _ in results]
    print(
        f"Fashion-MNIST subset {FASHION_SUBSET}, {FASHION_EPOCHS} epochs:",
        " ".join(f"{a:.4f}" for a in accuracies),
        f"min {min(accuracies):.4f} mean {np.mean(accuracies):.4f}",
        f"({np.median([s for _, s in results]):.1f} s per epoch)",
    )
    accuracy, seconds = _fashion_run(load_fashion_mnist(), 0, 1)
    print(f"Fashion-MNIST full 60000, 1 epoch: test accuracy {accuracy:.4f}, {seconds:.0f} s")


def main(n_seeds: int = 10) -> None:
    split = standardised(load_digits_split(test_fraction=0.2, seed=0))
    x_train, x_test = split.x_train.reshape(-1, 1, 8, 8), split.x_test.reshape(-1, 1, 8, 8)
    accuracies, seconds = [], []
    for seed in range(n_seeds):
        net = lenet.build_lenet(seed=seed)
        start = time.perf_counter()
        solver.train(
            net,
            losses.SoftmaxCrossEntropyLoss(),
            optim.Adam(lr=LR),
            x_train,
            split.y_train,
            epochs=EPOCHS,
            batch_size=BATCH,
            seed=seed,
        )
        seconds.append((time.perf_counter() - start) / EPOCHS)
        accuracies.append(float(np.mean(net.predict(x_test) == split.y_test)))
        print(f"seed {seed}: test accuracy {accuracies[-1]:.4f}, {seconds[-1]:.3f} s per epoch")
    print(
        "accuracies",
        " ".join(f"{a:.4f}" for a in accuracies),
        f"min {min(accuracies):.4f} mean {np.mean(accuracies):.4f} std {np.std(accuracies):.4f}",
    )
    print(f"seconds per epoch: median {np.median(seconds):.3f}")


if __name__ == "__main__":
    seeds = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10
    if "--fashion" in sys.argv:
        fashion(seeds)
    else:
        main(seeds)
