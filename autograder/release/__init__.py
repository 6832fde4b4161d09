"""The student release, generated from the solutions in small ordered steps (``build``):
solution regions (``regions``), notebooks (``notebooks``), the handout's generated task table
and not-allowed list (``handout``), otter test files (``otter_files``) and the leak check
(``leak``); the wheel students install (``wheel``); and ``autograder new``'s scaffold of a new
assignment (``scaffold``, from ``templates/``, which the wheel leaves out)."""

from autograder.release.build import check_release, release
from autograder.release.errors import ReleaseError

__all__ = ["ReleaseError", "check_release", "release"]
