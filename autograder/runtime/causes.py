"""Why a graded test lost its points or was not run: one value, set where the fact is known.

A limit that fires raises an exception carrying its cause (``autograder.runtime.errors``); the
plugin copies it into the test's result, and reports read it from there. No status or cause is
ever derived from a message's words, so rewording a message changes nothing a student is given.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Cause"]


class Cause(str, Enum):
    """What ended a test. The value is what results files hold (``extra_data.cause``)."""

    TIME_LIMIT = "time"  # the test's wall-clock limit
    IMPORT_LIMIT = "import_time"  # a student module's first import outlasted its limit
    BUDGET = "budget"  # the submission's grading time ran out while the test ran
    NOT_RUN = "not_run"  # the grading time was used up before the test started
    RUN_LIMIT = "run_limit"  # the whole run's limit was reached before the test finished
    INTERRUPTED = "interrupted"  # grading was interrupted before the test finished
    RUN_ENDED = "run_ended"  # the grading process ended before the test finished
    CRASH = "crash"  # the submission's process ended, did not start or sent a malformed reply
    MEMORY = "memory"  # the resident-memory limit
    PROCESSES = "processes"  # the limit on processes and threads
    FILE_SIZE = "file_size"  # the file-size limit (printed output included)
    MISSING = "missing"  # the grading machine lacks what the test needs (a data set, a GPU)
    NOT_ATTEMPTED = "not_attempted"  # an untouched stub
    FORBIDDEN = "forbidden"  # the task's module uses a built-in the task forbids

    @property
    def timed_out(self) -> bool:
        """A time limit: the test's, an import's, the submission's or the whole run's."""
        return self in _TIMED

    @property
    def stopped_worker(self) -> bool:
        """The submission's process ended: it crashed or hit a memory, process or file limit (or
        the grading process itself ended)."""
        return self in _STOPPED

    @classmethod
    def read(cls, value: object) -> Cause | None:
        """The cause a results file holds, or None for none or an unknown value."""
        try:
            return cls(value) if value else None
        except ValueError:
            return None


_TIMED = frozenset(
    {Cause.TIME_LIMIT, Cause.IMPORT_LIMIT, Cause.BUDGET, Cause.NOT_RUN, Cause.RUN_LIMIT}
)
_STOPPED = frozenset({Cause.CRASH, Cause.MEMORY, Cause.PROCESSES, Cause.FILE_SIZE, Cause.RUN_ENDED})
