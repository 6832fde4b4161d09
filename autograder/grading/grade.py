"""Grade one submission: take its editable files, run the tests in a separate process, report.

The steps, each in a module of its own: find the assignment once (``resolve_assignment``, in
``grade``; a class run resolves it once and calls ``grade_submission`` for each student), read
only the submission's editable files and lay them over a fresh copy of the release
(``intake``), run the tests under the plugin (``run``), and write Gradescope's
``results.json`` (``results``).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from autograder.assignment.paths import AssignmentError, ResolvedAssignment, resolve_assignment
from autograder.grading.bundle import files_fingerprint, kit_fingerprint
from autograder.grading.errors import GradingError, GradingInterrupted
from autograder.grading.intake import IntakeError, collect_editable, prepare_workspace
from autograder.grading.results import gradescope_results
from autograder.grading.run import run_tests

__all__ = ["GRACE_SECONDS", "grade", "grade_submission"]

GRACE_SECONDS = 120.0  # beyond the time budget, for collection and the worker's starts


def grade(
    kit: Path,
    name: str,
    source: Path,
    out: Path,
    *,
    public_only: bool = False,
    tasks: tuple[str, ...] = (),
    mode: str = "proxied",
    sandbox: bool = True,
    worker_user: str = "nobody",
) -> dict[str, Any]:
    """Grade one submission of assignment ``name`` of ``kit``: resolve the assignment, then
    :func:`grade_submission`.

    Raises:
        GradingError: the assignment, the submission or the tests could not be read.
    """
    try:
        resolved = resolve_assignment(kit, name)
    except AssignmentError as exc:
        raise GradingError(str(exc)) from None
    return grade_submission(
        resolved,
        source,
        out,
        public_only=public_only,
        tasks=tasks,
        mode=mode,
        sandbox=sandbox,
        worker_user=worker_user,
    )


def grade_submission(
    resolved: ResolvedAssignment,
    source: Path,
    out: Path,
    *,
    public_only: bool = False,
    tasks: tuple[str, ...] = (),
    mode: str = "proxied",
    sandbox: bool = True,
    worker_user: str = "nobody",
    collected: tuple[dict[str, bytes], list[str]] | None = None,
    fingerprints: dict[str, str] | None = None,
    threads: int | None = None,
) -> dict[str, Any]:
    """Grade one submission and write Gradescope's results.json to ``out``.

    The results also say which protections of the worker were on (``extra_data``). In its
    allowlist view (``autograder.runtime.view``) the worker sees neither ``out`` nor any other
    submission.

    Args:
        resolved: the assignment, resolved once by the command.
        collected: the submission's editable files and intake notes, already read (then
            ``source`` only names it).
        fingerprints: the submission's and the tests' fingerprints, when the caller has them
            (a class run computes them before grading); computed here otherwise.
        threads: the threads the tests' numerical libraries may use (a class run gives each of
            its gradings at once an equal part of the cores); None leaves their defaults.

    The results record the SHA-256 of the submission's editable files and of the kit's grading
    files (``extra_data.fingerprints``, ``autograder.grading.bundle``): a class run takes them as
    they are while both match.

    Raises:
        GradingError: the submission or the tests could not be read.
    """
    start = time.monotonic()
    assignment = resolved.assignment
    try:
        files, notes = collected or collect_editable(source, assignment)
    except IntakeError as exc:
        raise GradingError(str(exc)) from None
    notes = list(notes)
    with tempfile.TemporaryDirectory(prefix="ag-grade-") as tmp:
        root = prepare_workspace(resolved.release, files, Path(tmp) / "submission")
        budget = GRACE_SECONDS + assignment.time_budget + assignment.time_limit
        run = run_tests(
            resolved.tests,
            root,
            Path(tmp) / "results.jsonl",
            mode=mode,
            tasks=tasks,
            public_only=public_only or resolved.solution is None,
            timeout=budget,
            sandbox=sandbox,
            worker_user=worker_user,
            threads=threads,
        )
    results = gradescope_results(run.rows, assignment, time.monotonic() - start, run.protections)
    prints = fingerprints or {
        "submission": files_fingerprint(files),
        "tests": kit_fingerprint(resolved),
    }
    results["extra_data"].update({"fingerprints": prints}, interrupted=run.interrupted)
    off = {k: v for k, v in run.protections.items() if v.startswith("off")}
    if off:
        listed = "; ".join(f"{k} {v}" for k, v in off.items())
        results["output"] += f"\nProtections off: {listed}"
    missing = sorted(set(assignment.editable_files) - set(files))
    if missing:
        notes.insert(0, f"Missing from the submission: {', '.join(missing)}")
    notes[:0] = run.notes
    if run.interrupted:
        notes.insert(0, "Grading was interrupted: the tests not graded score 0")
    if notes:
        results["output"] = "\n".join(notes) + "\n" + results["output"]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_suffix(out.suffix + ".part")
    tmp_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp_out, out)
    if run.interrupted:
        raise GradingInterrupted(f"grading was interrupted; partial results written to {out}")
    return results
