"""How many threads one grading's numerical libraries may use.

numpy's BLAS, PyTorch and TensorFlow each start a pool of threads as large as the machine. Two
gradings at once on a 2-core machine then run four or more busy threads on two cores, and
OpenBLAS's threads spin while they wait: HW1's Fashion-MNIST test took 1.6 s alone and 51 s
beside a second grading, the whole grading 8.6 s and 62 s. Gradings that share a machine each get
their part of its cores instead, through the environment their processes start with (every one
of these libraries reads it when it loads).
"""

from __future__ import annotations

import os

__all__ = ["THREAD_VARIABLES", "available_cores", "share", "thread_env"]

# OpenMP (PyTorch, OpenBLAS built with it), OpenBLAS, MKL, Apple's Accelerate, numexpr, TensorFlow.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


def available_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS has no affinity
        return max(1, os.cpu_count() or 1)


def share(gradings: int, cores: int | None = None) -> int:
    """Threads for each of ``gradings`` run at once on ``cores`` (this process's by default):
    an equal part, at least one."""
    return max(1, (cores or available_cores()) // max(1, gradings))


def thread_env(threads: int) -> dict[str, str]:
    """The environment variables that hold every library to ``threads`` threads."""
    if threads < 1:
        raise ValueError(f"threads must be at least 1, not {threads}")
    return dict.fromkeys(THREAD_VARIABLES, str(threads))
