"""Capstone (DeepShape U-Net): masked accuracy and AUROC of the reference over training seeds,
the nucleotide-only baseline, and seconds per epoch.

Sets the thresholds of the learning tests of task 5.7 (solutions/capstone_unet_deepshape/tests/
test_learning.py and tests/hidden/test_hidden_learning.py): each run is the tests' own probe
(``autograder.topics.deepshape.probe.learn``: UNet(16, 8, 2), DeepShapeLoss alpha 0.1,
Adam(lr=5e-3), mini-batches of 4, BatchNorm statistics re-estimated after training) on the
embedded set, the first 480 windows to train and the last 120 to test. Runs go in parallel
processes (the probe trains on one thread); ``--lr``, ``--batch-size``, ``--base`` and
``--alpha`` override the probe's settings to compare them. Run from the kit's root::

    .venv/bin/python benchmarks/capstone_seeds.py --epochs 3 8 --seeds 8 --jobs 2
    .venv/bin/python benchmarks/capstone_seeds.py --epochs 3 --seeds 4 --batch-size 16
    .venv/bin/python benchmarks/capstone_seeds.py --timing 128   # seconds per epoch at L=128

Measured (2026-11-27, torch 2.13, a 2-core CPU shared with other work, 2 runs side by side).
Baseline on the test windows: masked accuracy 0.6574, AUROC 0.6574 (its scores are +-1 and the
classes balanced). Reference, mini-batches of 4, seeds 0..7:

- 3 epochs: accuracy 0.7155 to 0.7205 (mean 0.7183, std 0.0017), over the baseline min +0.0580,
  mean +0.0609, max +0.0631; AUROC 0.7884 to 0.7943 (mean 0.7916).
- 8 epochs: accuracy 0.7509 to 0.7646 (mean 0.7590, std 0.0059), over the baseline min +0.0935,
  mean +0.1016, max +0.1071; AUROC 0.8264 to 0.8470 (mean 0.8397).

The batch size is the lever: at 3 epochs, seeds 0..3, batches of 16 gave +0.052 and +0.059
(seeds 0 and 1; 8 seeds on a 16-core CPU earlier: +0.046 to +0.062; 8 epochs +0.066 to
+0.079), batches of 8
+0.051 to +0.066, of 4 +0.059 to +0.063, of 2 +0.052 to +0.063; at batches of 4 the learning
rate barely matters (2e-3: +0.054 to +0.066, 1e-2: +0.057 to +0.061), nor does base 16 at twice
the cost (batches of 16: +0.059 to +0.066; of 8: +0.049 to +0.071); without the symmetry
penalty (alpha 0) +0.060 to +0.068; BatchNorm re-estimated in batches of 4 instead of 64
+0.057 to +0.064 (seeds 0..7, mean +0.061: no better). An epoch of batches of 4 costs about
what one of 16 does on the CPU (one process, alternating, 2 epochs each: 18.7 s against
23.7 s). Seconds per epoch of 256
windows at L=128 on the development machine's 2-core CPU, shared with other work (load 3,
batches of 16): 7.7 to 10.1 s on one thread (30 to 40 ms a window), 20.9 s on two; at L=64
2.6 s (10 ms a window).
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

import numpy as np

from autograder.integrations.notebook import use_assignment
from autograder.topics.deepshape.data import folded_rna
from autograder.topics.deepshape.oracle import auroc, masked_accuracy, nucleotide_baseline, one_hot
from autograder.topics.deepshape.probe import learn

use_assignment("capstone_unet_deepshape", start=Path(__file__).resolve().parents[1] / "solutions")

from capstone_unet_deepshape import encoding, losses, steps, unet  # noqa: E402

N_TRAIN = 480


def run(job: tuple[int, int, str, dict]) -> tuple[int, int, float, float, float]:
    """(epochs, seed, test accuracy, test AUROC, seconds) of one training run; ``settings``
    override the probe's training defaults (lr, batch_size, base)."""
    epochs, seed, device, settings = job
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
        **settings,
    )["logits"]
    seconds = time.perf_counter() - start
    y = data.targets[N_TRAIN:]
    return epochs, seed, masked_accuracy(logits, y), auroc(logits, y), seconds


def seeds(epochs: list[int], n_seeds: int, jobs: int, device: str, settings: dict) -> None:
    data = folded_rna(600, 64, 0, generate=False)
    y = data.targets[N_TRAIN:]
    base = nucleotide_baseline(
        data.sequences[:N_TRAIN], data.targets[:N_TRAIN], data.sequences[N_TRAIN:]
    )
    baseline = masked_accuracy(base, y)
    print(f"baseline: accuracy {baseline:.4f}, AUROC {auroc(base, y):.4f}; settings {settings}")
    work = [(e, s, device, settings) for e in epochs for s in range(n_seeds)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        results = pool.map(run, work)
    for e in epochs:
        rows = [r for r in results if r[0] == e]
        for _, s, acc, auc, sec in rows:
            print(
                f"epochs {e} seed {s}: accuracy {acc:.4f} ({acc - baseline:+.4f}) AUROC "
                f"{auc:.4f} ({sec:.1f} s)"
            )
        accs = np.array([r[2] for r in rows])
        aucs = np.array([r[3] for r in rows])
        margin = accs - baseline
        print(
            f"epochs {e}, {len(rows)} seeds: accuracy min {accs.min():.4f} mean {accs.mean():.4f}"
            f" max {accs.max():.4f} std {accs.std():.4f}; AUROC min {aucs.min():.4f} mean "
            f"{aucs.mean():.4f} max {aucs.max():.4f}; over the baseline: min {margin.min():+.4f}"
            f" mean {margin.mean():+.4f} max {margin.max():+.4f}"
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
    parser.add_argument("--lr", type=float, help="Adam's learning rate (default: the probe's)")
    parser.add_argument("--batch-size", type=int, help="windows a step (default: the probe's)")
    parser.add_argument("--base", type=int, help="the U-Net's base width (default: the probe's)")
    parser.add_argument("--alpha", type=float, help="the symmetry penalty's weight")
    args = parser.parse_args()
    chosen = {"lr": args.lr, "batch_size": args.batch_size, "base": args.base, "alpha": args.alpha}
    settings = {k: v for k, v in chosen.items() if v is not None}
    if args.timing:
        timing(args.timing)
    else:
        seeds(args.epochs, args.seeds, args.jobs, args.device, settings)
