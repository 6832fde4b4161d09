"""A test's failure in words for the student: status and message, never test source or hidden
expected values."""

from __future__ import annotations

from autograder.authoring.checks import CheckFailed
from autograder.grading.status import Status
from autograder.runtime.errors import BudgetExhausted, StaleObject, SubmissionError
from autograder.runtime.requirements import RequirementMissing

__all__ = ["feedback"]


def feedback(exc: BaseException, hidden: bool) -> tuple[Status, str]:
    """Turn a test's exception into (status, message).

    Args:
        exc: what the test raised.
        hidden: the test is hidden: show what was checked and the measured error, no values.
    """
    origin = getattr(exc, "_autograder_origin", None)
    if isinstance(origin, dict):  # raised by the submission in this process
        exc = SubmissionError(
            origin["type"], origin["message"], origin["where"], origin["not_attempted"]
        )
    if isinstance(exc, (BudgetExhausted, RequirementMissing)):
        return Status.NOT_GRADED, str(exc)
    if isinstance(exc, CheckFailed):
        shown = exc.summary if hidden or not exc.detail else f"{exc.summary}\n{exc.detail}"
        return Status.FAILED, shown
    if isinstance(exc, SubmissionError):
        if exc.not_attempted:
            return Status.NOT_ATTEMPTED, f"Not attempted: {exc.message}"
        if exc.type_name in ("LimitExceeded", "WorkerCrashed"):
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
