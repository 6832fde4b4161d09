"""Grading a class of HW1 at scale: 1 and 2 local workers, and a Dask LocalCluster of 2.

A class of 40 HW1 submissions (the reference, the skeleton, every mutant and variant, repeated
to 40; each a folder of the editable files) is graded from scratch by each set-up in turn,
alternated over ``rounds`` rounds, with the peak resident memory of this process and all its
descendants sampled every 0.2 s. Reports seconds per set-up (median over rounds), the speed-up
of 2 workers over 1, the Dask overhead over the 2-worker pool, and the peak memory per
concurrent grading. Also checks that every set-up wrote the same gradebook. Run from the kit's
root (takes 15-30 min on a 2-core machine)::

    .venv/bin/python benchmarks/class_scale.py [rounds] [size]

Measured on this 2-core machine (2026-11-27, 40 submissions, alone on it):

==============================  ==========  ==========  ============  =========================
set-up                          round 1     round 2     peak memory   per grading at once
==============================  ==========  ==========  ============  =========================
pool, 1 worker                  339.9 s     497.1 s     1026 MiB      1026 MiB
pool, 2 workers                 180.1 s     246.9 s     1918 MiB      959 MiB
Dask LocalCluster, 2 workers    199.5 s     179.3 s     2094 MiB      1047 MiB
==============================  ==========  ==========  ============  =========================

Speed-up of 2 workers over 1: 1.89 and 2.01 by round (1.96 on the medians); Dask over the pool:
1.11x and 0.73x (0.89x): the host ran slower during round 2's pools, so only the ratios within a
round compare. Same gradebook everywhere. Before each grading got its share of the cores
(``autograder.runtime.threads``), 2 workers took 851.2 s against 1 worker's 343.6 s (0.40x), and
before the Dask nanny's ``MALLOC_TRIM_THRESHOLD_`` was kept out of the gradings, Dask took 1.44x
the pool's time.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from autograder.assignment.patches import apply_patch, load_patches
from autograder.assignment.tasks import load_tasks
from autograder.classroom.backends import DaskBackend, LocalBackend
from autograder.classroom.pool import grade_class

KIT = Path(__file__).resolve().parents[1]
NAME = "hw1_mlp_numpy"


def make_class(dest: Path, size: int) -> Path:
    solution, release = KIT / "solutions" / NAME, KIT / "assignments" / NAME
    trees = [("reference", solution), ("skeleton", release)]
    for kind in ("mutant", "variant"):
        for patch in load_patches(solution, kind):
            root = apply_patch(solution, patch, dest.parent / f"tree-{patch.name}")
            trees.append((f"{kind}-{patch.name}", root / NAME))
    editable = load_tasks(solution).editable_files
    for i in range(size):
        student, tree = trees[i % len(trees)]
        folder = dest / f"{i:02d}-{student}" / NAME
        folder.mkdir(parents=True)
        for f in editable:
            if (tree / f).is_file():
                shutil.copy(tree / f, folder / f)
    return dest


class PeakMemory:
    """Samples the resident memory of this process and its descendants."""

    def __init__(self) -> None:
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main(rounds: int, size: int) -> None:
    setups = {
        "pool, 1 worker": (lambda: LocalBackend(1), 1),
        "pool, 2 workers": (lambda: LocalBackend(2), 2),
        "Dask LocalCluster, 2 workers": (lambda: DaskBackend("local", 2), 2),
    }
    seconds: dict[str, list[float]] = {k: [] for k in setups}
    memory: dict[str, list[int]] = {k: [] for k in setups}
    books: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        subs = make_class(Path(tmp) / "subs", size)
        for r in range(rounds):
            for label, (backend, _) in setups.items():
                out = Path(tmp) / f"out-{r}-{label.split(',')[0].split()[0]}-{label[-9]}"
                with PeakMemory() as peak:
                    start = time.perf_counter()
                    grade_class(KIT, NAME, subs, out, backend=backend(), progress=False)
                    seconds[label].append(time.perf_counter() - start)
                memory[label].append(peak.peak)
                books.setdefault(label, (out / "gradebook.csv").read_text())
                print(f"round {r + 1} {label}: {seconds[label][-1]:.1f} s, "
                      f"peak {peak.peak / 2**20:.0f} MiB", flush=True)  # fmt: skip
    print(f"\n{size} HW1 submissions, {rounds} rounds (median seconds; peak memory):")
    med = {k: statistics.median(v) for k, v in seconds.items()}
    for label, (_, workers) in setups.items():
        per = max(memory[label]) / 2**20 / workers
        print(f"  {label:30s} {med[label]:7.1f} s   peak {max(memory[label]) / 2**20:6.0f} MiB"
              f" ({per:.0f} MiB per grading at once)")  # fmt: skip
    print(f"speed-up of 2 workers over 1: {med['pool, 1 worker'] / med['pool, 2 workers']:.2f}")
    dask = med["Dask LocalCluster, 2 workers"] / med["pool, 2 workers"]
    print(f"Dask overhead over the 2-worker pool: {dask:.2f}x")
    # A busy host slows whole rounds: the ratios within each round compare like with like.
    one, two, on_dask = (seconds[k] for k in setups)
    per_round = [f"{a / b:.2f}" for a, b in zip(one, two, strict=True)]
    print(f"  per round: speed-up {', '.join(per_round)}; Dask overhead "
          f"{', '.join(f'{d / b:.2f}x' for d, b in zip(on_dask, two, strict=True))}")  # fmt: skip
    print(f"same gradebook everywhere: {len(set(books.values())) == 1}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 2, int(sys.argv[2]) if len(sys.argv) > 2 else 40
    )
