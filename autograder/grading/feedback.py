"""A test's failure in words for the student: status and message, never test source or hidden
expected values; and its cause, as the exception carries it (never read from the words)."""

from __future__ import annotations

from autograder.authoring.checks import CheckFailed
from autograder.grading.status import Status
from autograder.runtime.causes import Cause
from autograder.runtime.errors import (
    BudgetExhausted,
    LimitExceeded,
    StaleObject,
    SubmissionError,
    WorkerCrashed,
    error_from,
)
from autograder.runtime.requirements import RequirementMissing

__all__ = ["cause_of", "feedback"]


def _as_raised(exc: BaseException) -> BaseException:
    """``exc``, or for one the submission raised in this process, the error it stands for."""
    origin = getattr(exc, "_autograder_origin", None)
    return error_from(origin) if isinstance(origin, dict) else exc


def cause_of(exc: BaseException) -> Cause | None:
    """The cause that ``exc`` carries (a limit, a crash, a stub, a missing requirement, a
    forbidden built-in...), or None for an ordinary failure."""
    cause = getattr(_as_raised(exc), "cause", None)
    return cause if isinstance(cause, Cause) else None


def feedback(exc: BaseException, hidden: bool) -> tuple[Status, str]:
    """Turn a test's exception into (status, message).

    Args:
        exc: what the test raised.
        hidden: the test is hidden: show what was checked and the measured error, no values.
    """
    exc = _as_raised(exc)
    if isinstance(exc, (BudgetExhausted, RequirementMissing)):
        return Status.NOT_GRADED, str(exc)
    if isinstance(exc, CheckFailed):
        shown = exc.summary if hidden or not exc.detail else f"{exc.summary}\n{exc.detail}"
        return Status.FAILED, shown
    if isinstance(exc, SubmissionError):
        if exc.not_attempted:
            return Status.NOT_ATTEMPTED, f"Not attempted: {exc.message}"
        if isinstance(exc, (LimitExceeded, WorkerCrashed)):
            return Status.FAILED, f"Stopped: {exc.message}"
        return Status.FAILED, f"Your code raised {exc}"
    if isinstance(exc, StaleObject):
        return Status.FAILED, f"Stopped: {exc}"
    if isinstance(exc, AssertionError):
        text = "" if hidden else str(exc).split("\n")[0]
        return Status.FAILED, "A check failed" + (f": {text}" if text else "")
    name = type(exc).__name__
    text = "" if hidden else f": {str(exc)[:300]}"
    return Status.FAILED, f"{name}{text}"
