"""What the submission's side can do wrong, as the grader's side sees it: one exception each.

Raised by sessions, caught by the pytest plugin, which turns each into a student's message.
"""

from __future__ import annotations

__all__ = [
    "BudgetExhausted",
    "GradingTimeUsedUp",
    "ImportTimeLimit",
    "LimitExceeded",
    "StaleObject",
    "SubmissionError",
    "WorkerCrashed",
]


class SubmissionError(Exception):
    """The submission's code failed while serving a request.

    Attributes:
        type_name: the class name of the exception raised by the submission.
        message: its message.
        where: ``file:line in function`` of the last frame in the submission's files.
        not_attempted: the failure is an untouched stub.
    """

    def __init__(
        self, type_name: str, message: str, where: str = "", not_attempted: bool = False
    ) -> None:
        self.type_name = type_name
        self.message = message
        self.where = where
        self.not_attempted = not_attempted
        at = f" (at {where})" if where else ""
        super().__init__(f"{type_name}: {message}{at}")


class LimitExceeded(SubmissionError):
    """A limit (wall clock, memory, output) was exceeded; the worker was stopped."""

    def __init__(self, limit: str) -> None:
        super().__init__("LimitExceeded", limit)


class GradingTimeUsedUp(LimitExceeded):
    """The submission's grading-time budget ran out during a request."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"the submission used up its grading time of {budget:g} s")


class WorkerCrashed(SubmissionError):
    """The worker process ended while serving a request."""

    def __init__(self, detail: str) -> None:
        super().__init__("WorkerCrashed", detail)


class BudgetExhausted(Exception):
    """The submission used up its grading time before this test started; it is not run."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"Not run: the submission used up its grading time of {budget:g} s")


class ImportTimeLimit(BaseException):
    """Raised into a student's own process when an import outlasts its limit (notebook cells).

    A ``BaseException``, like ``KeyboardInterrupt``, so that ``except Exception`` in the student's
    module does not swallow it.
    """


class StaleObject(RuntimeError):
    """A proxy whose object was lost when the submission's process was restarted."""
