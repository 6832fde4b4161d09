"""HW3: what TensorFlow costs in the grading worker, and what the spare worker saves.

Measures (1) a sandboxed worker's first answer with and without preloading TensorFlow and Keras,
and (2) ``autograder grade`` of the reference, the untouched skeleton and a submission whose every
function raises (each test fails and restarts the worker), with the spare worker on and off
(``AUTOGRADER_SPARE_WORKER=0``), alternating in one run. Run from the kit's root::

    .venv/bin/python benchmarks/hw3_grading_cost.py [repeats]
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.grading import grade
from autograder.runtime.sandbox import SandboxConfig, probe_protections
from autograder.runtime.session import WorkerSession

KIT = Path(__file__).resolve().parents[1]
NAME = "hw3_cnn_tf"
REGION = re.compile(r"### BEGIN SOLUTION\n.*?### END SOLUTION\n", re.S)


def worker_start(repeats: int) -> None:
    status = probe_protections()
    config = SandboxConfig(workspace="", view=status["view"] == "on", user=status["user"] == "on")
    times: dict[str, list[float]] = {"plain": [], "preload tensorflow, keras": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for name in times:
                session = WorkerSession(tmp, sandbox=config, spare=False)
                if name != "plain":
                    session.prepare(preload=("tensorflow", "keras"))
                start = time.perf_counter()
                session.request("ping")
                times[name].append(time.perf_counter() - start)
                session.close()
    for name, values in times.items():
        print(f"worker start, {name}: median {statistics.median(values):.2f} s over {repeats}")


def _raising(tmp: Path) -> Path:
    """The reference with every solution region replaced by ``raise RuntimeError``."""
    folder = tmp / "raising" / NAME
    folder.mkdir(parents=True)
    for module in ("batchnorm", "dropout", "models", "training"):
        text = (KIT / "solutions" / NAME / f"{module}.py").read_text()
        text = REGION.sub("raise RuntimeError('broken')\n", text)  # the region's indent stays
        (folder / f"{module}.py").write_text(text)
    return folder.parent


def gradings(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subs = {
            "reference": KIT / "solutions" / NAME,
            "skeleton": KIT / "assignments" / NAME,
            "every test fails": _raising(Path(tmp)),
        }
        for sub_name, source in subs.items():
            for spare in ("1", "0"):
                os.environ["AUTOGRADER_SPARE_WORKER"] = spare
                seconds, score = [], 0.0
                for _ in range(repeats):
                    start = time.perf_counter()
                    results = grade(KIT, NAME, source, Path(tmp) / "r.json")
                    seconds.append(time.perf_counter() - start)
                    score = results["score"]
                print(
                    f"grade {sub_name} (score {score:g}), spare {'on' if spare == '1' else 'off'}:"
                    f" median {statistics.median(seconds):.1f} s over {repeats}",
                    flush=True,
                )


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    worker_start(n)
    gradings(max(1, n // 3))
