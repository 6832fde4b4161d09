"""What a graded test may need from the grading machine, and whether this machine has it.

A test declares its needs with ``autograder.authoring.requires("fashion-mnist")`` (a ``gpu`` marker
counts as ``requires("gpu")``). A need the machine lacks is a fault of the grading set-up, not of
the submission: the test is not run, says why, and keeps its points in the maximum, so that an
assignment is graded out of the same total everywhere. ``autograder grade-class`` looks for such
tests before it starts (``autograder.grading.requirements``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

from autograder.data.catalog import CATALOG
from autograder.runtime.causes import Cause

__all__ = ["REQUIREMENTS", "RequirementMissing", "gpu_present", "unmet"]


def gpu_present() -> bool:
    """Whether an NVIDIA GPU is visible (without importing a framework)."""
    return os.path.exists("/dev/nvidiactl") or shutil.which("nvidia-smi") is not None


def _gpu() -> str | None:
    if gpu_present():
        return None
    return "no NVIDIA GPU on this machine (no /dev/nvidiactl, no nvidia-smi)"


# name -> (what it is, a check returning why it is missing or None): the data sets of
# autograder.data.catalog (`autograder data fetch` installs them), and a GPU
REQUIREMENTS: dict[str, tuple[str, Callable[[], str | None]]] = {
    **{name: (data.title, data.missing) for name, data in CATALOG.items()},
    "gpu": ("a GPU", _gpu),
}


class RequirementMissing(Exception):
    """A test needs what the grading machine lacks; it is not run and scores 0 of its points."""

    cause = Cause.MISSING

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        wanted = ", ".join(REQUIREMENTS[n][0] for n in names)
        first = next(iter(names.values())).splitlines()[0]
        super().__init__(
            f"Not graded: this test needs {wanted}, which the grading machine lacks ({first}). "
            "This is a fault of the grading set-up, not of your code; the instructor was told."
        )


_CACHE: dict[str, str | None] = {}


def unmet(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The requirements among ``names`` this machine lacks, each with why (checked once per
    process).

    Raises:
        ValueError: an unknown requirement name.
    """
    found = {}
    for name in dict.fromkeys(names):
        if name not in REQUIREMENTS:
            known = ", ".join(sorted(REQUIREMENTS))
            raise ValueError(f"unknown requirement {name!r} (known: {known})")
        if name not in _CACHE:
            _CACHE[name] = REQUIREMENTS[name][1]()
        if _CACHE[name] is not None:
            found[name] = _CACHE[name]
    return found
