"""HW1: accuracy of the reference MLP over several seeds, to set the graded thresholds.

Run by hand from the repository root (single-threaded BLAS is the fast setting for these sizes)::

    OMP_NUM_THREADS=1 python benchmarks/hw1_digits_seeds.py [--seeds 10] [--fashion] [--full]

It trains the configurations that ``solutions/hw1_mlp_numpy/tests`` grade (keep the two in
sync) and prints, for each, the test accuracy per seed, the minimum, the mean and the time. The
training seed varies; the data split is the tests' one. With ``--fashion`` it also trains on the
Fashion-MNIST subset of the slow test, and with ``--full`` on the whole of Fashion-MNIST
(10 epochs, run once); ``--seeds 0`` skips the digits.

Measured on 2 CPU cores, OMP_NUM_THREADS=1:

- relu + cross-entropy + Adam (public): seeds 0..9 min 0.9666, mean 0.9721, max 0.9777, 1.0 s
- gelu + hinge + Adam (hidden): min 0.9582, mean 0.9649, max 0.9694, 1.7 s
- sigmoid + Euclidean + SGD momentum (hidden): min 0.9694, mean 0.9791, max 0.9833, 1.1 s
- Fashion-MNIST subset (10000, 2000), 5 epochs: seeds 0..4 min 0.8390, mean 0.8505, 2.8 s
- Fashion-MNIST full (60000, 10000), 10 epochs, seed 0: 0.8842, 69 s
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from autograder.data import load_digits_split, load_fashion_mnist, standardised
from autograder.integrations.notebook import use_assignment

use_assignment("hw1_mlp_numpy", start=Path(__file__).resolve().parents[1] / "solutions")

from hw1_mlp_numpy import losses, optim, solver, training  # noqa: E402

# name: (sizes, activation, loss, optimiser, epochs, batch size), as in the tests.
DIGITS = {
    "public: relu + cross-entropy + Adam": (
        [64, 128, 10],
        "relu",
        losses.SoftmaxCrossEntropyLoss,
        lambda: optim.Adam(lr=1e-3),
        40,
        32,
    ),
    "hidden: gelu + hinge + Adam": (
        [64, 128, 10],
        "gelu",
        losses.HingeLoss,
        lambda: optim.Adam(lr=1e-3),
        30,
        32,
    ),
    "hidden: sigmoid + Euclidean + SGD momentum": (
        [64, 128, 10],
        "sigmoid",
        losses.EuclideanLoss,
        lambda: optim.SGD(lr=0.1, momentum=0.9),
        40,
        32,
    ),
}


def measure(data, config, seed: int) -> tuple[float, float]:
    sizes, activation, loss, make_optimiser, epochs, batch_size = config
    net = training.build_mlp(sizes, activation, seed=seed)
    start = time.perf_counter()
    solver.train(
        net,
        loss(),
        make_optimiser(),
        data[0],
        data[1],
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )
    accuracy = float(np.mean(net.predict(data[2]) == data[3]))
    return accuracy, time.perf_counter() - start


def report(name: str, results: list[tuple[float, float]]) -> None:
    accs = [a for a, _ in results]
    print(f"{name}\n  accuracy per seed: {' '.join(f'{a:.4f}' for a in accs)}")
    print(
        f"  min {min(accs):.4f}  mean {np.mean(accs):.4f}  max {max(accs):.4f}"
        f"  time per run {np.mean([t for _, t in results]):.2f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--fashion", action="store_true", help="also the slow test's subset")
    parser.add_argument("--full", action="store_true", help="also the whole of Fashion-MNIST")
    args = parser.parse_args()
    split = standardised(load_digits_split(test_fraction=0.2, seed=0))
    data = (split.x_train, split.y_train, split.x_test, split.y_test)
    for name, config in DIGITS.items() if args.seeds else ():
        report(name, [measure(data, config, seed) for seed in range(args.seeds)])
    fashion = {"subset": ((10000, 2000), 5), "full": (None, 1)}
    for which, (subset, n_seeds) in fashion.items():
        if not (args.fashion if which == "subset" else args.full):
            continue
        split = load_fashion_mnist(subset=subset)
        data = (split.x_train, split.y_train, split.x_test, split.y_test)
        config = (
            [784, 128, 10],
            "relu",
            losses.SoftmaxCrossEntropyLoss,
            lambda: optim.Adam(lr=1e-3),
            5 if subset else 10,
            64,
        )
        report(
            f"Fashion-MNIST {which}: relu + cross-entropy + Adam",
            [measure(data, config, seed) for seed in range(n_seeds)],
        )


if __name__ == "__main__":
    main()
