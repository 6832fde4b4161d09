"""One graded test's result, as the plugin records it and every report reads it.

The plugin makes a ``TestResult`` where the facts are known (the test's task and points at
collection, its status, cause, duration and device when it ends) and writes it to the run's
results file (``to_json``); the grader reads it back (``from_json``) and writes Gradescope's
``results.json`` from it (``to_gradescope``); the class report, the gradebook and the
integrations read those tests back as ``TestResult`` too (``from_gradescope``, ``read_tests``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from autograder.grading.status import Status
from autograder.runtime.causes import Cause

__all__ = ["TestResult", "read_tests"]


@dataclass(frozen=True)
class TestResult:
    """One graded test: what it is, and how it went.

    A test collected but not run yet is a ``TestResult`` too, ``NOT_GRADED`` with no cause
    (``pending``); what happens to it replaces its outcome fields (``dataclasses.replace``).

    Attributes:
        nodeid: pytest's id of the test.
        name: the test's name (with its parameters).
        assignment: the assignment's id.
        task: the task id (Gradescope's ``number``).
        title: the task's title.
        max_score: the test's points (its share of a parametrised test's points).
        hidden: a hidden test (Gradescope shows it after publishing).
        status: how it went.
        score: the points it earned.
        cause: why it lost its points or was not run, where a report counts it.
        output: what the student reads: the failure's message, or why it did not run.
        duration: seconds it ran (setup, call and teardown); None where a results.json read
            back does not record it.
        device: where the submission's code ran, where the test recorded it (``record``).
        needs: what it needs from the grading machine (``requires``, ``gpu``).
        missing: what of that this machine lacks -> why.
    """

    __test__ = False  # not a test class, whatever pytest thinks of the name

    nodeid: str
    name: str
    assignment: str
    task: str
    title: str
    max_score: float
    hidden: bool = False
    status: Status = Status.NOT_GRADED
    score: float = 0.0
    cause: Cause | None = None
    output: str = ""
    duration: float | None = 0.0
    device: str = ""
    needs: tuple[str, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Its name in results.json: ``"1.1 Add arrays: test_add"``."""
        return f"{self.task} {self.title}: {self.name}" if self.title else self.name

    @property
    def passed(self) -> bool:
        """Whether it passed."""
        return self.status is Status.PASSED

    @property
    def counted_max(self) -> float:
        """Its points in the maximum score: none when skipped."""
        return self.max_score if self.status.counts else 0.0

    def ended(
        self, status: Status, output: str = "", cause: Cause | None = None, **facts: Any
    ) -> TestResult:
        """This test with its outcome: full points when it passed, none otherwise."""
        score = self.max_score if status is Status.PASSED else 0.0
        return replace(self, status=status, score=score, output=output, cause=cause, **facts)

    def to_json(self) -> dict[str, Any]:
        """The plugin's results-file record (read back by ``from_json``)."""
        return {
            "nodeid": self.nodeid,
            "name": self.name,
            "assignment": self.assignment,
            "task": self.task,
            "title": self.title,
            "max_score": self.max_score,
            "hidden": self.hidden,
            "status": self.status.value,
            "score": self.score,
            "cause": None if self.cause is None else self.cause.value,
            "output": self.output,
            "duration": self.duration,
            "device": self.device,
            "needs": list(self.needs),
            "missing": dict(self.missing),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TestResult:
        """A record that ``to_json`` wrote.

        Raises:
            KeyError, ValueError: it is not one.
        """
        return cls(
            nodeid=str(data["nodeid"]),
            name=str(data["name"]),
            assignment=str(data["assignment"]),
            task=str(data["task"]),
            title=str(data["title"]),
            max_score=float(data["max_score"]),
            hidden=bool(data["hidden"]),
            status=Status(data["status"]),
            score=float(data["score"]),
            cause=None if data["cause"] is None else Cause(data["cause"]),
            output=str(data["output"]),
            duration=None if data["duration"] is None else float(data["duration"]),
            device=str(data["device"]),
            needs=tuple(str(n) for n in data["needs"]),
            missing={str(k): str(v) for k, v in dict(data["missing"]).items()},
        )

    def to_gradescope(self) -> dict[str, Any]:
        """One entry of Gradescope's ``tests[]``; the kit's own fields go in ``extra_data``."""
        output = self.output
        if self.status is Status.SKIPPED:
            output = f"Skipped (not counted): {output}"
        extra: dict[str, Any] = {
            "status": self.status.value,
            "duration": round(self.duration or 0.0, 3),
            "cause": "" if self.cause is None else self.cause.value,
        }
        if self.device:
            extra["device"] = self.device
        return {
            "name": self.label,
            "number": self.task,
            "score": round(self.score, 4),
            "max_score": round(self.counted_max, 4),
            "status": "passed" if self.status in (Status.PASSED, Status.SKIPPED) else "failed",
            "output": output,
            "visibility": "after_published" if self.hidden else "visible",
            "extra_data": extra,
        }

    @classmethod
    def from_gradescope(cls, test: dict[str, Any], assignment: str = "") -> TestResult:
        """An entry of a ``results.json``'s ``tests[]``: the kit's own, or one written elsewhere
        (without ``extra_data``, the status is Gradescope's passed or failed). ``max_score`` is
        the entry's: 0 for a skipped test, as Gradescope counts it."""
        extra = test.get("extra_data")
        extra = extra if isinstance(extra, dict) else {}
        task = str(test.get("number", ""))
        full = str(test.get("name", ""))
        head, _, name = full.partition(": ")
        title = head[len(task) :].strip() if name and head.startswith(task) else ""
        name = name if title else full  # the label is then the name as it is
        output = str(test.get("output") or "")
        status = _status(test, extra)
        if status is Status.SKIPPED:
            output = output.removeprefix("Skipped (not counted): ")
        duration = extra.get("duration")
        device = extra.get("device")
        return cls(
            nodeid=full,  # results.json has no pytest id
            name=name,
            assignment=assignment,
            task=task,
            title=title,
            max_score=_number(test.get("max_score")),
            hidden=test.get("visibility") not in (None, "visible"),
            status=status,
            score=_number(test.get("score")),
            cause=Cause.read(extra.get("cause")),
            output=output,
            duration=float(duration) if isinstance(duration, (int, float)) else None,
            device=device if isinstance(device, str) else "",
        )


def _status(test: dict[str, Any], extra: dict[str, Any]) -> Status:
    """The kit's status of a results.json test: recorded in extra_data, or Gradescope's own
    (passed or failed; never guessed from the output's words)."""
    try:
        return Status(extra.get("status"))
    except ValueError:
        return Status.PASSED if test.get("status") == "passed" else Status.FAILED


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def read_tests(results: dict[str, Any], assignment: str = "") -> list[TestResult]:
    """The tests of a ``results.json`` (Gradescope's format) as ``TestResult``; entries that are
    not objects are left out."""
    tests = results.get("tests") if isinstance(results, dict) else None
    if not isinstance(tests, list):
        return []
    return [TestResult.from_gradescope(t, assignment) for t in tests if isinstance(t, dict)]
