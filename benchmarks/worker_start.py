"""Time a worker's start (first request answered) with and without the allowlist view.

Run by hand: ``python benchmarks/worker_start.py [repeats]``. The configurations alternate in one
run, so their medians compare like with like on a noisy machine. Each start copies a small
workspace, builds the sandbox (and the view), starts Python and imports numpy in the worker.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from autograder.runtime.sandbox import SandboxConfig, probe_protections
from autograder.runtime.session import WorkerSession


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    status = probe_protections()
    print("protections:", status)
    configs = {
        "no sandbox": None,
        "namespaces, no view": SandboxConfig(workspace="", view=False),
        "view": SandboxConfig(workspace="", view=True),
        "view + nobody": SandboxConfig(workspace="", view=True, user=status["user"] == "on"),
    }
    times: dict[str, list[float]] = {name: [] for name in configs}
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp, "pkg")
        package.mkdir()
        (package / "__init__.py").write_text("import numpy\nVALUE = 1\n")
        for _ in range(repeats):
            for name, config in configs.items():
                session = WorkerSession(tmp, sandbox=config)
                start = time.perf_counter()
                module = session.request("import", module="pkg")
                assert module.VALUE == 1
                times[name].append(time.perf_counter() - start)
                session.close()
    base = statistics.median(times["no sandbox"])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<22} median {med * 1000:7.1f} ms  (+{(med - base) * 1000:6.1f} ms)")


if __name__ == "__main__":
    main()
