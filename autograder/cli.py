"""The ``autograder`` command: thin click commands forwarding to the kit's functions.

A command about one assignment of the kit resolves it once, here (``_resolve``), and passes the
``ResolvedAssignment`` to every function it calls.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import click

from autograder.assignment.paths import (
    AssignmentError,
    ResolvedAssignment,
    find_assignment,
    find_kit,
    resolve_assignment,
)
from autograder.assignment.tasks import TasksError
from autograder.classroom.backends import DaskBackend, LocalBackend
from autograder.classroom.demo import example_class
from autograder.classroom.pool import grade_class, score_table
from autograder.classroom.report import write_report
from autograder.classroom.similarity import SimilarityError, similarity
from autograder.grading.check import check_folder
from autograder.grading.datasets import fetch_data, list_data
from autograder.grading.errors import GradingError, GradingInterrupted
from autograder.grading.grade import grade_submission
from autograder.grading.pack import pack
from autograder.integrations.gradescope import GradescopeError, export_gradescope
from autograder.integrations.nbgrader_course import NbgraderError, release_course
from autograder.integrations.nbgrader_grading import nbgrader_grade
from autograder.mutation import (
    REPORT_FILE,
    EquivalentError,
    MutationError,
    report_markdown,
    run_mutants,
)
from autograder.release.build import check_release, release, update_handouts
from autograder.release.errors import ReleaseError
from autograder.release.scaffold import FRAMEWORKS, scaffold
from autograder.release.wheel import build_wheel

__all__ = ["main"]

_KIT = click.option(
    "--kit", type=click.Path(path_type=Path, file_okay=False), help="the kit's root folder"
)
_ALLOW_MISSING = click.option(
    "--allow-missing",
    is_flag=True,
    help="go on although some graded tests need what this machine lacks (they score 0; with "
    "release --nbgrader: the reference's points lost for want of a data set)",
)


def _fail(message: str) -> None:
    click.echo(f"autograder: {message}", err=True)
    sys.exit(2)


def _resolve(kit: Path | None, name: str) -> ResolvedAssignment:
    """The command's assignment in ``kit`` (found when None), resolved once for all it calls."""
    try:
        return resolve_assignment(kit or find_kit(), name)
    except AssignmentError as exc:
        _fail(str(exc))
        raise AssertionError from None  # unreachable


def _student_copy(name: str, path: Path | None) -> Path:
    """The student's copy of an assignment: --path, the current folder, or a folder below it."""
    try:
        return find_assignment(name, path)
    except AssignmentError as exc:
        _fail(f"cannot find your copy of {name}: {exc}; or give --path")
        raise AssertionError from None  # unreachable


@click.group()
def main() -> None:
    """The deep-learning kit's autograder: release, check, pack, grade."""


@main.command("release")
@click.argument("names", nargs=-1)
@click.option("--check", is_flag=True, help="only check that assignments/ is up to date")
@click.option(
    "--nbgrader",
    "course",
    type=click.Path(path_type=Path, file_okay=False),
    help="lay out this nbgrader course and run generate_assignment (instead of assignments/)",
)
@click.option("--course-id", help="nbgrader's course id (with --nbgrader)")
@click.option(
    "--wheel/--no-wheel",
    default=True,
    help="also build the wheel students install, beside the assignment folders (default: yes)",
)
@click.option(
    "--handouts",
    is_flag=True,
    help="first rewrite the generated parts of each solutions/<hw>/README.md (task table, "
    "not-allowed list) from its tasks.toml",
)
@click.option(
    "--cell-timeout",
    type=click.IntRange(min=1),
    help="nbgrader's seconds per cell (with --nbgrader; measured by default)",
)
@_ALLOW_MISSING
@_KIT
def release_cmd(
    names: tuple[str, ...],
    check: bool,
    course: Path | None,
    course_id: str | None,
    cell_timeout: int | None,
    allow_missing: bool,
    wheel: bool,
    handouts: bool,
    kit: Path | None,
) -> None:
    """Regenerate assignments/ from solutions/ (all assignments, or NAMES).

    The release fails when a handout's task table or not-allowed list disagrees with
    tasks.toml; --handouts rewrites them first.

    Beside them it writes the wheel students install (assignments/dlkit_autograder-*.whl, not
    in git), checked to hold no solution and no hidden-test line of any assignment.

    With --nbgrader COURSE_DIR, lay out an nbgrader course from them instead (source/,
    nbgrader_config.py) and run nbgrader generate_assignment; no solution or hidden test line may
    reach COURSE_DIR/release/.
    """
    kit = kit or find_kit()
    try:
        if handouts:
            if check:
                _fail("--handouts rewrites solutions/; --check only checks")
            for handout in update_handouts(kit, list(names) or None):
                click.echo(f"rewrote the generated parts of {handout}")
        if course is not None:
            if check:
                _fail("--check applies to assignments/, not to an nbgrader course")

            try:
                folders = release_course(
                    kit,
                    course,
                    list(names) or None,
                    course_id=course_id,
                    timeout=cell_timeout,
                    allow_missing=allow_missing,
                )
            except NbgraderError as exc:
                _fail(str(exc))
            for folder in folders:
                click.echo(f"released {folder} (nbgrader generate_assignment, no leak)")
            return
        if check:
            differ = check_release(kit, list(names) or None)
            if differ:
                click.echo("assignments/ is out of date; run 'autograder release'. Differs:")
                for path in differ:
                    click.echo(f"  {path}")
                sys.exit(1)
            click.echo("assignments/ is up to date.")
            return
        for folder in release(kit, list(names) or None):
            click.echo(f"released {folder}")
        if wheel:
            built = build_wheel(kit, kit / "assignments")
            click.echo(f"wrote {built} (the engine students install; no solution line)")
    except (ReleaseError, TasksError) as exc:
        _fail(str(exc))


@main.command("new")
@click.argument("name")
@click.option(
    "--framework",
    type=click.Choice(list(FRAMEWORKS)),
    default="numpy",
    show_default=True,
    help="what the student's module computes with",
)
@click.option("--title", help="the handout's title (a placeholder by default)")
@_KIT
def new_cmd(name: str, framework: str, title: str | None, kit: Path | None) -> None:
    """Scaffold a new assignment NAME in solutions/: one task, its handout, tests, mutant,
    variant and notebook, ready to release and grade (docs/adding-an-assignment.md)."""
    kit = kit or find_kit()
    try:
        folder = scaffold(kit, name, framework, title=title)
    except (ReleaseError, TasksError) as exc:
        _fail(str(exc))
    click.echo(f"wrote {folder}")
    click.echo(f"next: autograder release {name}, then autograder grade {name} {folder}")


@main.command("grade")
@click.argument("name")
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("results.json"))
@click.option("--task", "tasks", multiple=True, help="grade only this task id")
@click.option("--public-only", is_flag=True, help="leave out the hidden tests")
@click.option("--no-sandbox", is_flag=True, help="no namespaces or cgroup (debugging only)")
@click.option(
    "--worker-user",
    type=click.Choice(["nobody", "keep"]),
    default="nobody",
    help="run the worker as nobody where possible, or keep this uid (never any capability)",
)
@_KIT
def grade_cmd(
    name: str,
    submission: Path,
    out: Path,
    tasks: tuple[str, ...],
    public_only: bool,
    no_sandbox: bool,
    worker_user: str,
    kit: Path | None,
) -> None:
    """Grade one SUBMISSION (a folder or zip) of assignment NAME into Gradescope's results.json."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # results are written either way
    resolved = _resolve(kit, name)
    try:
        results = grade_submission(
            resolved,
            submission,
            out,
            public_only=public_only,
            tasks=tasks,
            sandbox=not no_sandbox,
            worker_user=worker_user,
        )
    except GradingInterrupted as exc:
        click.echo(f"autograder: {exc}", err=True)
        sys.exit(130)
    except (GradingError, TasksError) as exc:
        _fail(str(exc))
    click.echo(results["output"])
    click.echo(f"score {results['score']:g} / {results['max_score']:g}; written to {out}")


@main.command("check")
@click.argument("name")
@click.option("--task", "tasks", multiple=True, help="check only this task id (e.g. 1.2)")
@click.option("--path", type=click.Path(path_type=Path, file_okay=False), help="your copy")
def check_cmd(name: str, tasks: tuple[str, ...], path: Path | None) -> None:
    """Run the public tests of assignment NAME on your copy and show a table by task."""
    folder = _student_copy(name, path)
    try:
        result = check_folder(folder, tasks)
    except (TasksError, GradingError) as exc:
        _fail(str(exc))
    for line in result.lines():
        click.echo(line)
    sys.exit(1 if result.failing else 0)


@main.command("pack")
@click.argument("name")
@click.option("--path", type=click.Path(path_type=Path, file_okay=False), help="your copy")
@click.option("--out", type=click.Path(path_type=Path), help="the zip to write")
def pack_cmd(name: str, path: Path | None, out: Path | None) -> None:
    """Build the zip you submit for assignment NAME (your editable files only)."""
    folder = _student_copy(name, path)
    out = out or Path.cwd() / f"{name}-submission.zip"
    files, stubs = pack(folder, out)
    click.echo(f"wrote {out} ({', '.join(files)})")
    if stubs:
        click.echo(f"still untouched stubs in tasks: {', '.join(sorted(stubs))}")


@main.command("grade-class")
@click.argument("name")
@click.argument("submissions", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path), default=Path("graded"))
@click.option("--jobs", type=int, default=2, show_default=True, help="submissions at once")
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="grade on a Dask cluster: its scheduler's address, or 'local' for a LocalCluster",
)
@_ALLOW_MISSING
@_KIT
def grade_class_cmd(
    name: str,
    submissions: Path,
    out: Path,
    jobs: int,
    dask_address: str | None,
    allow_missing: bool,
    kit: Path | None,
) -> None:
    """Grade every submission in SUBMISSIONS; write results and gradebook.csv.

    SUBMISSIONS is a folder with a folder or .zip per student, nbgrader's submitted/ folder (or
    the course above it), or an unzipped Gradescope submissions export. Students whose files and
    tests are unchanged since their results were written are not graded again, so rerunning
    after an interrupt finishes the class.
    """
    resolved = _resolve(kit, name)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stops as Ctrl-C does
    backend = DaskBackend(dask_address, jobs) if dask_address else LocalBackend(jobs)
    try:
        results = grade_class(
            resolved,
            submissions,
            out,
            jobs=jobs,
            backend=backend,
            allow_missing=allow_missing,
            report=lambda line: click.echo(line, err=True),
        )
    except KeyboardInterrupt:
        click.echo(
            f"autograder: interrupted; finished results are kept in {out} and "
            f"{out / 'gradebook.csv'}. Run the same command again to grade the rest.",
            err=True,
        )
        sys.exit(130)
    except (GradingError, TasksError) as exc:
        _fail(str(exc))
    for line in score_table(resolved, results):
        click.echo(line)
    click.echo(f"gradebook: {out / 'gradebook.csv'}")


@main.command("report")
@click.argument("name")
@click.argument("graded", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path), help="the page [GRADED/report.html]")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
def report_cmd(name: str, graded: Path, out: Path | None, top: int) -> None:
    """Write the class report of NAME from GRADED (what grade-class wrote): one HTML page."""
    page = write_report(graded, name, out=out, top=top)
    click.echo(f"report: {page}")


@main.command("similarity")
@click.argument("name")
@click.argument("source", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--submissions",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="with a graded SOURCE: where its code is [the submissions/ folder beside it]",
)
@click.option("--out", type=click.Path(path_type=Path), help="the page to write")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--min-match",
    type=click.IntRange(min=5),
    default=25,
    show_default=True,
    help="the shortest match that counts, in characters of code with names filtered out",
)
@_KIT
def similarity_cmd(
    name: str,
    source: Path,
    submissions: Path | None,
    out: Path | None,
    top: int,
    min_match: int,
    kit: Path | None,
) -> None:
    """Rank pairs of submissions of NAME whose edited code is alike; write similarity.html.

    SOURCE is a submissions folder (a folder or zip per student) or a graded folder, whose
    students' code is read from --submissions. Only the editable files are compared, and the
    released stubs never count.
    """
    resolved = _resolve(kit, name)
    try:
        result = similarity(
            resolved,
            source,
            submissions=submissions,
            out=out,
            top=top,
            noise=min_match,
            guarantee=min_match,
        )
    except SimilarityError as exc:
        _fail(str(exc))
    for note in result.notes:
        click.echo(f"left out: {note}")
    width = max([len(p.a) for p in result.pairs[:top]] + [1])
    for rank, pair in enumerate(result.pairs[:top], 1):
        click.echo(
            f"{rank:>3}. {pair.a:<{width}}  {pair.b:<{width}}  {100 * pair.score:3.0f} %  "
            f"(shares {100 * pair.share_a:.0f} % / {100 * pair.share_b:.0f} %, "
            f"{pair.tokens} in common)"
        )
    click.echo(f"similarity: {result.page}")


@main.command("nbgrader-grade")
@click.argument("course", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("name")
@click.option("--student", "students", multiple=True, help="grade only this student")
@click.option("--jobs", type=int, default=2, show_default=True)
@_ALLOW_MISSING
@_KIT
def nbgrader_grade_cmd(
    course: Path,
    name: str,
    students: tuple[str, ...],
    jobs: int,
    allow_missing: bool,
    kit: Path | None,
) -> None:
    """Grade COURSE/submitted/*/NAME with the kit; write the scores into nbgrader's gradebook."""
    resolved = _resolve(kit, name)
    try:
        results, changes = nbgrader_grade(
            resolved,
            course,
            students=students,
            jobs=jobs,
            allow_missing=allow_missing,
            report=click.echo,
        )
    except GradingError as exc:
        _fail(str(exc))
    for line in score_table(resolved, results):
        click.echo(line)
    for change in changes:
        if change.differs:
            click.echo(
                f"{change.student}: the notebook's test cells gave {change.notebook_total:g}, "
                f"the kit gives {change.kit_total:g} (the kit's score is in the gradebook)"
            )
    click.echo(f"wrote {len(changes)} students' task scores to {course / 'gradebook.db'}")


@main.group("export")
def export_group() -> None:
    """Build an assignment's autograder for a grading platform."""


@export_group.command("gradescope")
@click.argument("name")
@click.option("--out", type=click.Path(path_type=Path), help="the zip to write")
@_KIT
def export_gradescope_cmd(name: str, out: Path | None, kit: Path | None) -> None:
    """Write Gradescope's autograder zip for assignment NAME (setup.sh, run_autograder, the kit's
    wheel, the release and its hidden tests; no reference code)."""
    out = out or Path.cwd() / f"{name}-gradescope.zip"
    resolved = _resolve(kit, name)
    try:
        export_gradescope(resolved, out)
    except (GradescopeError, TasksError) as exc:
        _fail(str(exc))
    click.echo(f"wrote {out}: upload it as the assignment's autograder on Gradescope")


@main.group("data")
def data_group() -> None:
    """The data sets the assignments' graded tests need: what this machine has, and fetching.

    NAMES are assignments (their graded tests' requires(...) are read) or data sets
    (fashion-mnist, mnist, sst). Data go to the kit's data cache: $AUTOGRADER_DATA_DIR/<set>,
    datasets/cache/<set> in a checkout, else ~/.cache/autograder/<set>.
    """


_DATA_DIR = click.option(
    "--dir",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="the data cache's root folder (sets $AUTOGRADER_DATA_DIR for this command)",
)


def _use_data_dir(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["AUTOGRADER_DATA_DIR"] = str(data_dir.resolve())


@data_group.command("list")
@click.argument("names", nargs=-1)
@_DATA_DIR
@_KIT
def data_list_cmd(names: tuple[str, ...], data_dir: Path | None, kit: Path | None) -> None:
    """Show what each assignment (NAMES, by default all) needs and what this machine has."""
    _use_data_dir(data_dir)
    try:
        lines = list_data(kit or find_kit(), names)
    except GradingError as exc:
        _fail(str(exc))
    for line in lines:
        click.echo(line)


@data_group.command("fetch")
@click.argument("names", nargs=-1)
@click.option(
    "--from",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="install from this local copy instead of downloading (a folder or SST's zip); repeatable",
)
@_DATA_DIR
@_KIT
def data_fetch_cmd(
    names: tuple[str, ...], sources: tuple[Path, ...], data_dir: Path | None, kit: Path | None
) -> None:
    """Download (or, with --from, copy) and verify the data sets NAMES need (by default what
    every assignment needs). Exits 1 when one could not be had, naming its URL, checksum and
    folder."""
    _use_data_dir(data_dir)
    try:
        fetched = fetch_data(
            kit or find_kit(),
            names,
            sources,
            progress=True,
            report=lambda line: click.echo(line, err=True),
        )
    except GradingError as exc:
        _fail(str(exc))
    for item in fetched:
        for line in item.said.splitlines():
            click.echo(f"  {line}", err=not item.ok)
    failed = [f.name for f in fetched if not f.ok]
    if failed:
        click.echo(f"autograder: could not fetch {', '.join(failed)} (see above)", err=True)
        sys.exit(1)
    click.echo(f"data ready: {', '.join(f.name for f in fetched) or 'nothing needed'}")


@main.command("demo")
@click.argument("name", default="hw1_mlp_numpy")
@click.option("--out", type=click.Path(path_type=Path), default=Path("out/demo"))
@click.option("--jobs", type=int, default=2, show_default=True)
@_KIT
def demo_cmd(name: str, out: Path, jobs: int, kit: Path | None) -> None:
    """Release, then grade an example class (reference, skeleton, mutants) of NAME."""
    kit = kit or find_kit()
    start = time.monotonic()
    try:
        release(kit, [name])
    except (ReleaseError, TasksError) as exc:
        _fail(str(exc))
    resolved = _resolve(kit, name)  # once released
    click.echo(f"released assignments/{name}")
    if out.exists():
        shutil.rmtree(out)
    example_class(resolved, out / "submissions")
    results = grade_class(
        resolved,
        out / "submissions",
        out / "graded",
        jobs=jobs,
        allow_missing=True,  # the example class shows what this machine can grade
        report=lambda line: click.echo(f"note: {line}"),
    )
    for line in score_table(resolved, results):
        click.echo(line)
    click.echo(f"results in {out / 'graded'}; {time.monotonic() - start:.0f} s")


@main.command("mutate")
@click.argument("name")
@click.option("--task", "tasks", multiple=True, help="only the mutants of this task id")
@click.option("--jobs", type=click.IntRange(min=1), default=2, show_default=True)
@_KIT
def mutate_cmd(name: str, tasks: tuple[str, ...], jobs: int, kit: Path | None) -> None:
    """Grade operator mutants of NAME's solution regions on their tasks' tests; report survivors.

    Writes solutions/NAME/mutation-report.md (with --task the partial report is only printed).
    Exits 1 when a non-equivalent mutant survives.
    """
    resolved = _resolve(kit, name)

    def progress(outcome, done: int, total: int) -> None:
        verdict = "equivalent" if outcome.equivalent else "killed" if outcome.killed else "SURVIVED"
        click.echo(f"[{done}/{total}] {outcome.mutant.id} ({outcome.mutant.task}): {verdict}")

    try:
        run = run_mutants(resolved, tasks=tasks, jobs=jobs, progress=progress)
    except (TasksError, EquivalentError, MutationError) as exc:
        _fail(str(exc))
    text = report_markdown(run)
    if tasks:
        click.echo(text)
    else:
        out = resolved.kit / "solutions" / name / REPORT_FILE
        out.write_text(text, encoding="utf-8")
        click.echo(text.split("## Survivors")[0].rstrip())
        click.echo(f"written to {out}")
    sys.exit(1 if any(t.survivors for t in run.tasks) else 0)


if __name__ == "__main__":
    main()
