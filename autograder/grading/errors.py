"""Why grading could not be done (as opposed to a submission that scores badly)."""

from __future__ import annotations

__all__ = ["GradingError", "GradingInterrupted"]


class GradingError(RuntimeError):
    """Grading could not be done: the assignment, the submission or the tests could not be read."""


class GradingInterrupted(GradingError):
    """Grading was interrupted; the results so far were written."""
