"""The status of one graded test, as the plugin records it and every report reads it."""

from __future__ import annotations

from enum import Enum

__all__ = ["Status"]


class Status(str, Enum):
    """A test's outcome. The value is what results files hold (``"passed"``, ...)."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_ATTEMPTED = "not_attempted"  # an untouched stub
    SKIPPED = "skipped"  # does not count, in the score or the maximum
    NOT_GRADED = "not_graded"  # not run: the budget or the run's limit ran out, or interrupted

    @property
    def word(self) -> str:
        """The word tables show."""
        return _WORDS[self]

    @property
    def counts(self) -> bool:
        """Whether the test counts towards the maximum score."""
        return self is not Status.SKIPPED


_WORDS = {
    Status.PASSED: "pass",
    Status.FAILED: "FAIL",
    Status.NOT_ATTEMPTED: "not attempted",
    Status.SKIPPED: "skipped",
    Status.NOT_GRADED: "not graded",
}
