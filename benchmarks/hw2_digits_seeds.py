"""HW2: accuracy of the reference LeNet on digits over training seeds, and seconds per epoch.

Sets the threshold of ``test_digits_accuracy`` (solutions/hw2_cnn_numpy/tests/test_lenet.py):
the configuration below is the test's. Run from the kit's root::

    .venv/bin/python benchmarks/hw2_digits_seeds.py [n_seeds]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from autograder.data import load_digits_split
from autograder.integrations.notebook import use_assignment

use_assignment("hw2_cnn_numpy", start=Path(__file__).resolve().parents[1] / "solutions")

from hw2_cnn_numpy import lenet, losses, optim, solver  # noqa: E402

EPOCHS, BATCH, LR = 10, 32, 3e-3


def main(n_seeds: int = 10) -> None:
    split = load_digits_split(test_fraction=0.2, seed=0)
    mean, std = split.x_train.mean(axis=0), split.x_train.std(axis=0) + 0.1
    x_train = lenet.digits_images(split.x_train, mean, std)
    x_test = lenet.digits_images(split.x_test, mean, std)
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
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
