"""Capstone (DeepShape U-Net): masked accuracy and AUROC of the reference over training seeds,
the nucleotide-only baseline, and seconds per epoch.

Sets the thresholds of the learning tests of task 5.7 (solutions/capstone_unet_deepshape/tests/
test_learning.py and tests/hidden/test_hidden_learning.py): each run is the tests' own probe
(``autograder.runtime.probes.deepshape.learn``: UNet(16, 8, 2), DeepShapeLoss alpha 0.1,
Adam(lr=5e-3), mini-batches of 16, BatchNorm statistics re-estimated after training) on the
embedded set, the first 480 windows to train and the last 120 to test. Runs go in parallel
processes (the probe trains on one thread). Run from the kit's root::

    .venv/bin/python benchmarks/capstone_seeds.py --epochs 5 8 --seeds 8 --jobs 2
    .venv/bin/python benchmarks/capstone_seeds.py --timing 128   # seconds per epoch at L=128

Measured (2026-11-27). Baseline on the test windows: masked accuracy 0.6574, AUROC 0.6574 (its
scores are +-1 and the classes balanced). Reference, seeds 0..7, on a 16-core x86 CPU with 8
runs side by side, torch 2.11, one thread a run: 5 epochs accuracy 0.7060 to 0.7229 (mean
0.7161, std 0.0061), AUROC 0.7800 to 0.7965 (mean 0.7916); 8 epochs accuracy 0.7235 to 0.7393
(mean 0.7307), AUROC 0.7965 to 0.8156 (mean 0.8070); 3 epochs (two threads) accuracy 0.7036 to
0.7196 (mean 0.7105), AUROC mean 0.7844. On an H100, 5 epochs, seeds 0..2: accuracy 0.7176
0.7220 0.7188, AUROC 0.7956 0.7978 0.7965. Seconds per epoch of 256 windows at L=128 on the
development machine's 2-core CPU, shared with other work (load 3): 7.7 to 10.1 s on one thread
(30 to 40 ms a window), 20.9 s on two; at L=64 2.6 s (10 ms a window).
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

import numpy as np

from autograder.data.rna import folded_rna
from autograder.integrations.notebook import use_assignment
from autograder.oracles.deepshape import auroc, masked_accuracy, nucleotide_baseline, one_hot
from autograder.runtime.probes.deepshape import learn

use_assignment("capstone_unet_deepshape", start=Path(__file__).resolve().parents[1] / "solutions")

from capstone_unet_deepshape import encoding, losses, steps, unet  # noqa: E402

N_TRAIN = 480


def run(job: tuple[int, int, str]) -> tuple[int, int, float, float, float]:
    """(epochs, seed, test accuracy, test AUROC, seconds) of one training run."""
    epochs, seed, device = job
    data = folded_rna(600, 64, 0, generate=False)
    codes = np.stack([one_hot(str(s)) for s in data.sequences])
    start = time.perf_counter()
    logits = learn(
        encoding.pair_image,
        unet.UNet,
        losses.DeepShapeLoss,
        steps.train_step,
        steps.predict,
        codes[:N_TRAIN],
        data.targets[:N_TRAIN],
        codes[N_TRAIN:],
        epochs=epochs,
        seed=seed,
        device=device,
    )
    seconds = time.perf_counter() - start
    y = data.targets[N_TRAIN:]
    return epochs, seed, masked_accuracy(logits, y), auroc(logits, y), seconds


def seeds(epochs: list[int], n_seeds: int, jobs: int, device: str) -> None:
    data = folded_rna(600, 64, 0, generate=False)
    y = data.targets[N_TRAIN:]
    base = nucleotide_baseline(
        data.sequences[:N_TRAIN], data.targets[:N_TRAIN], data.sequences[N_TRAIN:]
    )
    print(f"baseline: accuracy {masked_accuracy(base, y):.4f}, AUROC {auroc(base, y):.4f}")
    work = [(e, s, device) for e in epochs for s in range(n_seeds)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        results = pool.map(run, work)
    for e in epochs:
        rows = [r for r in results if r[0] == e]
        for _, s, acc, auc, sec in rows:
            print(f"epochs {e} seed {s}: accuracy {acc:.4f} AUROC {auc:.4f} ({sec:.1f} s)")
        accs = np.array([r[2] for r in rows])
        aucs = np.array([r[3] for r in rows])
        print(
            f"epochs {e}: accuracy min {accs.min():.4f} mean {accs.mean():.4f} std "
            f"{accs.std():.4f}; AUROC min {aucs.min():.4f} mean {aucs.mean():.4f}; minus the "
            f"baseline: min {accs.min() - masked_accuracy(base, y):+.4f}"
        )


def timing(length: int, n: int = 256, epochs: int = 2) -> None:
    """Seconds per epoch of ``n`` random windows of ``length`` (batch 16, the probe's thread)."""
    rng = np.random.default_rng(0)
    codes = np.stack([one_hot("".join(rng.choice(list("ACGU"), size=length))) for _ in range(n)])
    targets = np.where(rng.random((n, length)) < 0.5, 1.0, np.nan).astype(np.float32)
    start = time.perf_counter()
    learn(
        encoding.pair_image,
        unet.UNet,
        losses.DeepShapeLoss,
        steps.train_step,
        steps.predict,
        codes,
        targets,
        codes[:16],
        epochs=epochs,
        seed=0,
    )
    per = (time.perf_counter() - start) / epochs
    print(f"L={length}: {per:.1f} s per epoch of {n} windows, {per / n * 1000:.0f} ms a window")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, nargs="+", default=[5, 8])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--timing", type=int, default=0, help="time an epoch at this length")
    args = parser.parse_args()
    if args.timing:
        timing(args.timing)
    else:
        seeds(args.epochs, args.seeds, args.jobs, args.device)
