"""The reference graded again and again: the same score and per-test results every time?

Grades an assignment's reference solution ``repeats`` times in a row (default HW1, 20 times) and
compares every run's score and per-test (name, score, status, output) with the first run's.
Reports the seconds per grading and any test whose result changed. Run from the kit's root::

    .venv/bin/python benchmarks/grading_determinism.py [name] [repeats]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.grading import grade

KIT = Path(__file__).resolve().parents[1]


def main(name: str, repeats: int) -> None:
    first, seconds, changed = None, [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            start = time.perf_counter()
            results = grade(KIT, name, KIT / "solutions" / name, Path(tmp) / f"r{i}.json")
            seconds.append(time.perf_counter() - start)
            tests = [(t["name"], t["score"], t["status"], t["output"]) for t in results["tests"]]
            run = (results["score"], results["max_score"], tests)
            if first is None:
                first = run
            elif run != first:
                changed.append((i, [a for a, b in zip(run[2], first[2], strict=True) if a != b]))
            print(f"run {i + 1}: {results['score']:g}/{results['max_score']:g} "
                  f"in {seconds[-1]:.1f} s", flush=True)  # fmt: skip
    assert first is not None
    print(f"\n{name}: {repeats} gradings of the reference, {len(first[2])} tests each; "
          f"score {first[0]:g}/{first[1]:g}; median {statistics.median(seconds):.1f} s, "
          f"range {min(seconds):.1f}-{max(seconds):.1f} s")  # fmt: skip
    print("identical every time" if not changed else f"CHANGED in runs: {changed}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hw1_mlp_numpy",
         int(sys.argv[2]) if len(sys.argv) > 2 else 20)  # fmt: skip
