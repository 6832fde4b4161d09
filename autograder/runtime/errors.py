"""What the submission's side can do wrong, as the grader's side sees it: one exception each.

Raised by sessions, caught by the pytest plugin, which turns each into a student's message. Each
one that ends a test for a reason a report counts carries it as ``cause`` (``Cause``), set where
it is raised by the code that knows which limit fired; its message is for people only.
"""

from __future__ import annotations

from typing import Any

from autograder.runtime.causes import Cause

__all__ = [
    "BudgetExhausted",
    "GradingTimeUsedUp",
    "ImportTimeLimit",
    "LimitExceeded",
    "MESSAGES",
    "StaleObject",
    "SubmissionError",
    "WorkerCrashed",
    "error_from",
    "limit_message",
]

# What a student reads when a limit ends a test, by cause: the one place these words are written
# (a kit test rewords them all and checks that no status or cause changes).
MESSAGES: dict[Cause, str] = {
    Cause.TIME_LIMIT: "the wall-clock limit of {limit:g} s was exceeded",
    Cause.IMPORT_LIMIT: (
        "importing {file} did not finish within {limit:g} s: is a training run or a loop left "
        "at module level?"
    ),
    Cause.BUDGET: "the submission used up its grading time of {limit:g} s",
    Cause.NOT_RUN: "Not run: the submission used up its grading time of {limit:g} s",
    Cause.MEMORY: "the memory limit of {limit} MiB was exceeded",
    Cause.PROCESSES: "the limit of {limit} processes and threads was reached",
    Cause.FILE_SIZE: "the file-size limit of {limit} MiB (printed output included) was exceeded",
    Cause.RUN_LIMIT: "Not graded: the whole run's limit of {limit:g} s was reached first",
    Cause.INTERRUPTED: "Not graded: grading was interrupted before this test ran",
    Cause.RUN_ENDED: "Not graded: grading stopped before this test ran",
}


def limit_message(cause: Cause, **values: Any) -> str:
    """The words of ``MESSAGES[cause]`` with ``values`` (``limit``, ``file``) filled in."""
    return MESSAGES[cause].format(**values)


class SubmissionError(Exception):
    """The submission's code failed while serving a request.

    Attributes:
        type_name: the class name of the exception raised by the submission.
        message: its message.
        where: ``file:line in function`` of the last frame in the submission's files.
        not_attempted: the failure is an untouched stub.
        cause: why it ended the test, where a report counts it (``NOT_ATTEMPTED`` for a stub).
        refused: the student module whose earlier failed import this failure ran into, or "".
    """

    def __init__(
        self,
        type_name: str,
        message: str,
        where: str = "",
        not_attempted: bool = False,
        cause: Cause | None = None,
        refused: str = "",
    ) -> None:
        self.type_name = type_name
        self.message = message
        self.where = where
        self.not_attempted = not_attempted
        self.cause = Cause.NOT_ATTEMPTED if not_attempted and cause is None else cause
        self.refused = refused
        at = f" (at {where})" if where else ""
        super().__init__(f"{type_name}: {message}{at}")


class LimitExceeded(SubmissionError):
    """A limit (wall clock, import time, memory, processes, file size) was exceeded; the worker
    was stopped. ``cause`` says which."""

    cause: Cause

    def __init__(self, limit: str, cause: Cause) -> None:
        super().__init__("LimitExceeded", limit, cause=cause)


class GradingTimeUsedUp(LimitExceeded):
    """The submission's grading-time budget ran out during a request."""

    def __init__(self, budget: float) -> None:
        super().__init__(limit_message(Cause.BUDGET, limit=budget), Cause.BUDGET)


class WorkerCrashed(SubmissionError):
    """The worker process ended while serving a request."""

    def __init__(self, detail: str) -> None:
        super().__init__("WorkerCrashed", detail, cause=Cause.CRASH)


class BudgetExhausted(Exception):
    """The submission used up its grading time before this test started; it is not run."""

    cause = Cause.NOT_RUN

    def __init__(self, budget: float) -> None:
        super().__init__(limit_message(Cause.NOT_RUN, limit=budget))


# Limits that the worker itself sees fire (an error it reports, not its end), by cause.
_WORKER_LIMITS = frozenset({Cause.FILE_SIZE, Cause.PROCESSES})


def error_from(described: dict[str, Any]) -> SubmissionError:
    """The exception a worker described (``autograder.runtime.worker.describe_exception``):
    ``LimitExceeded`` where it names a limit the worker sees fire (its ``cause``), otherwise a
    ``SubmissionError`` with the submission's type name."""
    message = str(described.get("message", ""))
    cause = Cause.read(described.get("cause"))
    if cause in _WORKER_LIMITS:
        return LimitExceeded(message, cause)
    return SubmissionError(
        str(described.get("type", "Error")),
        message,
        str(described.get("where", "")),
        bool(described.get("not_attempted", False)),
        refused=str(described.get("refused") or ""),
    )


class ImportTimeLimit(BaseException):
    """Raised into a student's own process when an import outlasts its limit (notebook cells).

    A ``BaseException``, like ``KeyboardInterrupt``, so that ``except Exception`` in the student's
    module does not swallow it.
    """


class StaleObject(RuntimeError):
    """A proxy whose object was lost when the submission's process was restarted."""
