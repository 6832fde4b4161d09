"""The student release, generated from the solutions in small ordered steps (``build``):
solution regions (``regions``), notebooks (``notebooks``), the handout's task table
(``handout``), otter test files (``otter_files``) and the leak check (``leak``); and the wheel
students install (``wheel``)."""

from autograder.release.build import check_release, release
from autograder.release.errors import ReleaseError

__all__ = ["ReleaseError", "check_release", "release"]
