"""HW3: accuracy of the reference models over seeds, and a full Fashion-MNIST run.

Sets the thresholds of the hidden digits tests (solutions/hw3_cnn_tf/tests/hidden/): the CNN of
task 3.3 trained by the kit's loop (``keras_tools.fit``: 8 epochs, batches of 32, Adam 3e-3, on
the training and validation images), and the reference ``train`` of task 3.5 on the kit's CNN
(10 epochs, patience 3); with ``--fashion`` the slow test's Fashion-MNIST subset over seeds and
the reference CNN (filters 64, 128) trained on all 60000 images (``--full``: that run alone).
Run from the kit's root::

    .venv/bin/python benchmarks/hw3_seeds.py [n_seeds] [--fashion | --full]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from autograder.integrations.notebook import use_assignment  # noqa: E402
from autograder.runtime.probes.keras_tools import fit, kit_cnn  # noqa: E402

use_assignment("hw3_cnn_tf", start=Path(__file__).resolve().parents[1] / "solutions")

from hw3_cnn_tf import data, models, training  # noqa: E402


def _accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y))


def _summary(name: str, accuracies: list[float], seconds: float) -> None:
    print(
        f"{name}:",
        " ".join(f"{a:.4f}" for a in accuracies),
        f"min {min(accuracies):.4f} mean {np.mean(accuracies):.4f} std {np.std(accuracies):.4f}",
        f"({seconds:.1f} s per run)",
        flush=True,
    )


def digits(n_seeds: int) -> None:
    d = data.load_digits_images()
    x = np.concatenate([d["x_train"], d["x_val"]])
    y = np.concatenate([d["y_train"], d["y_val"]])
    cnn, trained = [], []
    start = time.perf_counter()
    for seed in range(n_seeds):
        keras.utils.set_random_seed(seed)
        model = models.build_cnn((8, 8, 1), 10)
        fit(model, x, y, epochs=8, seed=seed)
        cnn.append(_accuracy(model, d["x_test"], d["y_test"]))
    _summary("3.3 build_cnn, kit loop, 8 epochs", cnn, (time.perf_counter() - start) / n_seeds)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(n_seeds):
            keras.utils.set_random_seed(seed)
            model = kit_cnn((8, 8, 1), 10, seed)
            training.train(model, d, epochs=10, patience=3, checkpoint=f"{tmp}/d.weights.h5")
            trained.append(_accuracy(model, d["x_test"], d["y_test"]))
    _summary("3.5 train, kit CNN, 10 epochs", trained, (time.perf_counter() - start) / n_seeds)


def fashion(n_seeds: int) -> None:
    subset = data.load_fashion_images(subset=(6000, 1000))
    results = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(n_seeds):
            model = kit_cnn((28, 28, 1), 10, seed)
            training.train(model, subset, epochs=3, patience=2, checkpoint=f"{tmp}/f.weights.h5")
            results.append(_accuracy(model, subset["x_test"], subset["y_test"]))
    _summary("Fashion subset, 3 epochs", results, (time.perf_counter() - start) / n_seeds)


def fashion_full(
    stages: tuple[tuple[float, int, int], ...] = ((1e-3, 12, 4), (1e-4, 6, 3)),
    filters: tuple[int, int] = (64, 128),
) -> None:
    """The reference CNN on all 60000 training images (10 % held out for validation), trained
    by ``train`` once per stage (learning rate, epochs, patience), each stage starting from the
    best checkpoint of the one before: a step down of the learning rate."""
    full = data.load_fashion_images()
    keras.utils.set_random_seed(0)
    model = models.build_cnn((28, 28, 1), 10, filters)
    with tempfile.TemporaryDirectory() as tmp:
        for learning_rate, epochs, patience in stages:
            start = time.perf_counter()
            history = training.train(
                model,
                full,
                epochs=epochs,
                patience=patience,
                batch_size=64,
                learning_rate=learning_rate,
                checkpoint=f"{tmp}/full.weights.h5",
            )
            run = len(history["loss"])
            accuracy = _accuracy(model, full["x_test"], full["y_test"])
            print(
                f"full Fashion-MNIST, build_cnn(filters={filters}), Adam({learning_rate:g}),",
                f"{run} epochs (patience {patience}): test accuracy {accuracy:.4f},",
                f"best val_accuracy {max(history['val_accuracy']):.4f}",
                f"({(time.perf_counter() - start) / run:.1f} s per epoch)",
                flush=True,
            )


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10
    if "--fashion" in sys.argv:
        fashion(min(n, 5))
        fashion_full()
    elif "--full" in sys.argv:
        fashion_full()
    else:
        digits(n)
