"""Time official grading (proxied, sandboxed) against in-process grading of the same work.

Run by hand: ``python benchmarks/grading_overhead.py [assignment] [repeats]``. Both modes run
in this one invocation, alternating, so the ratio compares like with like on a noisy machine.
Also times the student's ``autograder check`` (public tests, in-process).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.grading import grade

KIT = Path(__file__).resolve().parent.parent


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "hw1_mlp_numpy"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times: dict[str, list[float]] = {"inprocess": [], "proxied": [], "proxied, no sandbox": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            for label, mode, sandbox in (
                ("inprocess", "inprocess", False),
                ("proxied", "proxied", True),
                ("proxied, no sandbox", "proxied", False),
            ):
                start = time.perf_counter()
                results = grade(
                    KIT,
                    name,
                    KIT / "solutions" / name,
                    Path(tmp) / f"{i}.json",
                    mode=mode,
                    sandbox=sandbox,
                )
                times[label].append(time.perf_counter() - start)
                assert results["score"] == results["max_score"], label
        check = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "autograder.cli",
                    "check",
                    name,
                    "--path",
                    str(KIT / "solutions" / name),
                ],
                capture_output=True,
                check=True,
            )
            check.append(time.perf_counter() - start)
    base = statistics.median(times["inprocess"])
    for label, values in times.items():
        med = statistics.median(values)
        print(f"grade {label:<20} median {med:6.1f} s  ratio {med / base:4.2f}  ({values})")
    print(f"check (public tests)       median {statistics.median(check):6.1f} s")


if __name__ == "__main__":
    main()
