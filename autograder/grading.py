"""Grade one submission: take its editable files, run the tests in a separate process, report.

The steps, each a function:

1. ``find_kit`` and ``assignment_paths``: where the solutions' tests and the release live;
2. ``collect_editable``: read only the student-editable files (tasks.toml) from a folder or zip,
   never following links, never extracting anything else;
3. ``prepare_workspace``: a fresh copy of the release's provided files with those files laid over;
4. ``run_tests``: pytest in its own process with the kit's plugin, results streamed to a file;
5. ``gradescope_results``: Gradescope's ``results.json`` from those results.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.report import task_table
from autograder.runtime.sandbox import remove_cgroups
from autograder.tasks import Assignment, TasksError, load_tasks

__all__ = [
    "GradingError",
    "GradingInterrupted",
    "KitPaths",
    "collect_editable",
    "find_kit",
    "grade",
    "gradescope_results",
    "prepare_workspace",
    "run_tests",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
GRACE_SECONDS = 120.0


class GradingError(RuntimeError):
    """Grading could not be done (as opposed to a submission that scores badly)."""


class GradingInterrupted(GradingError):
    """Grading was interrupted; the results so far were written."""


@dataclass(frozen=True)
class KitPaths:
    """Where one assignment's pieces are.

    Attributes:
        solution: ``solutions/<hw>`` (tests, hidden tests), or None on a student's machine.
        release: ``assignments/<hw>`` (the provided files a submission is laid over).
        assignment: its tasks.
    """

    solution: Path | None
    release: Path
    assignment: Assignment


def find_kit(start: Path | None = None) -> Path:
    """The kit's root: ``$AUTOGRADER_KIT``, a parent of ``start`` (or the current folder) holding
    ``solutions/`` or ``assignments/``, or the folder above this package."""
    env = os.environ.get("AUTOGRADER_KIT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "solutions").is_dir() or (folder / "assignments").is_dir():
            return folder
    return Path(__file__).resolve().parent.parent


def assignment_paths(kit: Path, name: str) -> KitPaths:
    """Locate an assignment in a kit; a clear error names the assignments there are."""
    solution = kit / "solutions" / name
    release = kit / "assignments" / name
    known = sorted(
        {p.parent.name for p in kit.glob("solutions/*/tasks.toml")}
        | {p.parent.name for p in kit.glob("assignments/*/tasks.toml")}
    )
    if name not in known:
        raise GradingError(f"unknown assignment {name!r} in {kit} (known: {', '.join(known)})")
    if not (release / "tasks.toml").is_file():
        raise GradingError(f"{release} is missing: run 'autograder release' first")
    try:
        assignment = load_tasks(release)
    except TasksError as exc:
        raise GradingError(str(exc)) from None
    return KitPaths(solution if (solution / "tasks.toml").is_file() else None, release, assignment)


def _pick(candidates: list[str], name: str, assignment_id: str) -> str | None:
    """The best path for an editable file: inside a folder named after the assignment first."""
    inside = [c for c in candidates if Path(c).parts[-2:-1] == (assignment_id,)]
    for group in (inside, candidates):
        if group:
            return sorted(group, key=lambda c: (len(Path(c).parts), c))[0]
    return None


def collect_editable(source: Path, assignment: Assignment) -> tuple[dict[str, bytes], list[str]]:
    """Read the editable files of a submission (a folder or a zip).

    Only files named like an editable file are read; links, paths with ``..`` and files over
    ``MAX_FILE_BYTES`` (checked while unpacking, so a zip bomb stops there) are left out.

    Returns:
        File name (e.g. ``layers.py``) to content, and notes on what was left out.

    Raises:
        GradingError: the source is missing or unreadable, or holds no editable file.
    """
    wanted = set(assignment.editable_files)
    found: dict[str, bytes] = {}
    notes: list[str] = []
    if source.is_dir():
        by_name: dict[str, list[str]] = {}
        for root, dirs, files in os.walk(source, followlinks=False):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            for f in files:
                path = Path(root, f)
                if f in wanted and not path.is_symlink():
                    by_name.setdefault(f, []).append(str(path.relative_to(source)))
        for name, candidates in by_name.items():
            chosen = _pick(candidates, name, assignment.id)
            if (source / chosen).stat().st_size > MAX_FILE_BYTES:
                notes.append(f"{chosen} left out: larger than {MAX_FILE_BYTES} bytes")
                continue
            found[name] = (source / chosen).read_bytes()
    elif source.is_file():
        try:
            with zipfile.ZipFile(source) as zf:
                by_name = {}
                for info in zf.infolist():
                    parts = Path(info.filename).parts
                    if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
                        continue
                    if parts and parts[-1] in wanted and ".." not in parts:
                        by_name.setdefault(parts[-1], []).append(info.filename)
                for name, candidates in by_name.items():
                    info = zf.getinfo(_pick(candidates, name, assignment.id))
                    with zf.open(info) as fh:
                        data = fh.read(MAX_FILE_BYTES + 1)
                    if len(data) > MAX_FILE_BYTES:
                        notes.append(
                            f"{info.filename} left out: larger than {MAX_FILE_BYTES} bytes"
                        )
                        continue
                    found[name] = data
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise GradingError(f"{source} is not a readable zip file: {exc}") from None
    else:
        raise GradingError(f"submission {source} does not exist")
    if not found and not notes:
        raise GradingError(
            f"no editable file of {assignment.id} ({', '.join(sorted(wanted))}) in {source}"
        )
    return found, notes


def prepare_workspace(release: Path, files: dict[str, bytes], dest: Path) -> Path:
    """Lay the submission's files over a fresh copy of the release's provided files.

    Returns:
        The root to import from (``dest``); the package is ``dest/<assignment>``.
    """
    package = dest / release.name
    shutil.copytree(
        release,
        package,
        ignore=shutil.ignore_patterns("tests", "__pycache__", "*.ipynb", ".ipynb_checkpoints"),
    )
    for name, data in files.items():
        (package / name).write_bytes(data)
    return dest


@dataclass(frozen=True)
class Run:
    """What one pytest run of an assignment's tests gave.

    Attributes:
        collected: the tests it collected.
        rows: one result per collected test (unfinished ones "not_graded").
        log: pytest's own output, for the instructor's log only (it shows test source).
        protections: the worker's protections, name -> "on" / "off: reason" (proxied mode).
        interrupted: grading was interrupted (Ctrl-C).
        notes: what happened once for the whole run, for the top of the feedback: a module whose
            import failed or hung, a time budget used up.
    """

    collected: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    log: str
    protections: dict[str, str]
    interrupted: bool = False
    notes: tuple[str, ...] = ()


def run_tests(
    tests: Path,
    root: Path,
    results: Path,
    *,
    mode: str = "proxied",
    tasks: tuple[str, ...] = (),
    public_only: bool = False,
    timeout: float | None = None,
    sandbox: bool = True,
    worker_user: str = "nobody",
    slow_import: str = "warn",
) -> Run:
    """Run an assignment's tests on one tree, in a pytest process of its own.

    Args:
        tests: the assignment's ``tests`` folder.
        root: the tree to import the assignment from.
        results: the JSON-lines file the plugin writes.
        mode: ``proxied`` (worker process) or ``inprocess``.
        tasks: only these task ids.
        public_only: skip hidden tests.
        timeout: seconds for the whole run; the tests not finished then are "not graded".
        sandbox: isolate the proxied worker.
        worker_user: ``nobody`` (where the machine allows it) or ``keep`` the grader's uid.
        slow_import: in-process mode, an import over its limit: ``warn`` and wait, or ``stop``.
    """
    results.unlink(missing_ok=True)
    ini = results.with_suffix(".ini")
    ini.write_text("[pytest]\naddopts =\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pytest", str(tests), "-c", str(ini)]
    cmd += ["--rootdir", str(tests.parent), "--import-mode=importlib", "-p", "no:cacheprovider"]
    cmd += ["--assert=plain", "-q", "-W", "ignore", "--submission", str(root), "--mode", mode]
    cmd += ["--results", str(results)]
    for task in tasks:
        cmd += ["--task", task]
    if public_only:
        cmd.append("--public-only")
    cmd += ["--sandbox", "on" if sandbox else "off", "--worker-user", worker_user]
    cmd += ["--slow-import", slow_import]
    shows_waiting = mode == "inprocess" and slow_import == "warn"
    if shows_waiting:  # a slow import's message reaches the student's terminal while waiting
        cmd.append("--capture=sys")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=None if shows_waiting else subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    interrupted = False
    reason = "Not graded: grading stopped before this test ran"
    try:
        log, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        log += f"\n[grading stopped after {timeout:g} s]"
        reason = f"Not graded: the whole run's limit of {timeout:g} s was reached first"
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        interrupted = True
        reason = "Not graded: grading was interrupted before this test ran"
    finally:
        remove_cgroups(proc.pid)  # its workers' groups, if it could not remove them itself
    collected: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    protections: dict[str, str] = {}
    notes: list[str] = []
    if results.is_file():
        for line in results.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(row, dict):
                continue
            if row.get("event") == "protections":
                protections = row["status"]
            elif row.get("event") == "collected":
                collected = row["tests"]
            elif row.get("event") == "test":
                rows.append(row)
            elif row.get("event") == "import_failure":
                notes.append(_import_note(row))
            elif row.get("event") == "budget_used_up":
                notes.append(
                    f"The submission used up its grading time of {row['budget']:g} s: "
                    "the tests not run by then score 0."
                )
    if not collected and not rows:
        if interrupted:
            raise KeyboardInterrupt
        raise GradingError(f"the tests could not be collected:\n{log[-3000:]}")
    finished = {r["nodeid"] for r in rows}
    for test in collected:
        if test["nodeid"] not in finished:
            rows.append(
                dict(
                    test, event="test", status="not_graded", score=0.0, duration=0.0, message=reason
                )
            )
    order = {t["nodeid"]: i for i, t in enumerate(collected)}
    rows.sort(key=lambda r: order.get(r["nodeid"], len(order)))
    return Run(collected, rows, log, protections, interrupted, tuple(notes))


def _import_note(row: dict[str, Any]) -> str:
    """One line on a module whose import failed, for the top of the feedback."""
    if row.get("because"):
        return (
            f"{row['file']} could not be imported: it imports {row['because']}, whose import "
            "failed. The tests that need it score 0."
        )
    kind = "" if row["type"] in ("LimitExceeded", "WorkerCrashed") else f" [{row['type']}]"
    return (
        f"{row['file']} could not be imported (after {row['seconds']:g} s): "
        f"{row['message']}{kind}. The tests that need it score 0."
    )


def gradescope_results(
    rows: list[dict[str, Any]],
    assignment: Assignment,
    elapsed: float,
    protections: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Gradescope's results.json: score, max_score, execution_time, output and tests[]."""
    tests = []
    for row in rows:
        skipped = row["status"] == "skipped"
        output = row["message"]
        if skipped:
            output = f"Skipped (not counted): {output}"
        tests.append(
            {
                "name": f"{row['task']} {row['title']}: {row['name']}",
                "number": row["task"],
                "score": round(row["score"], 4),
                "max_score": 0.0 if skipped else round(row["points"], 4),
                "status": "passed" if row["status"] in ("passed", "skipped") else "failed",
                "output": output,
                "visibility": "after_published" if row["hidden"] else "visible",
            }
        )
    return {
        "score": round(sum(t["score"] for t in tests), 4),
        "max_score": round(sum(t["max_score"] for t in tests), 4),
        "execution_time": round(elapsed, 2),
        "output": "\n".join(task_table(rows, [assignment])),
        "tests": tests,
        "extra_data": {"protections": protections or {}},
    }


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
    """Grade one submission and write Gradescope's results.json to ``out``.

    The results also say which protections of the worker were on (``extra_data``). In its
    allowlist view (``autograder.runtime.view``) the worker sees neither ``out`` nor any other
    submission.

    Raises:
        GradingError: the assignment, the submission or the tests could not be read.
    """
    start = time.monotonic()
    paths = assignment_paths(kit, name)
    tests_dir = (paths.solution or paths.release) / "tests"
    files, notes = collect_editable(source, paths.assignment)
    with tempfile.TemporaryDirectory(prefix="ag-grade-") as tmp:
        root = prepare_workspace(paths.release, files, Path(tmp) / "submission")
        assignment = paths.assignment
        budget = GRACE_SECONDS + assignment.time_budget + assignment.time_limit
        run = run_tests(
            tests_dir,
            root,
            Path(tmp) / "results.jsonl",
            mode=mode,
            tasks=tasks,
            public_only=public_only or paths.solution is None,
            timeout=budget,
            sandbox=sandbox,
            worker_user=worker_user,
        )
    results = gradescope_results(
        run.rows, paths.assignment, time.monotonic() - start, run.protections
    )
    off = {k: v for k, v in run.protections.items() if v.startswith("off")}
    if off:
        listed = "; ".join(f"{k} {v}" for k, v in off.items())
        results["output"] += f"\nProtections off: {listed}"
    missing = sorted(set(paths.assignment.editable_files) - set(files))
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
