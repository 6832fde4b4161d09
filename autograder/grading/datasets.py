"""Which data sets the assignments' graded tests need, and getting them onto this machine: the
work of ``autograder data list`` and ``autograder data fetch``.

An assignment's needs are what its graded tests declare with ``requires(...)``, read by
collecting them (no submission code runs; 5 to 8 s an assignment). A name given to these commands
is an assignment of the kit or a data set of ``autograder.data.catalog``; no name means every
assignment of the kit.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment.paths import AssignmentError, assignment_names, resolve_assignment
from autograder.data.catalog import CATALOG, data_set
from autograder.data.sources import DatasetNotFound
from autograder.grading.errors import GradingError
from autograder.grading.requirements import declared_needs

__all__ = ["Fetched", "fetch_data", "kit_assignments", "list_data", "needed_data"]


def kit_assignments(kit: Path) -> list[str]:
    """The kit's assignments: those of ``solutions/``, else of ``assignments/``."""
    return assignment_names(kit / "solutions") or assignment_names(kit / "assignments")


def needed_data(kit: Path, names: list[str] | tuple[str, ...]) -> dict[str, list[str]]:
    """Data set -> the assignments among ``names`` whose graded tests need it; a name that is a
    data set stands for itself (no assignment); no names: every assignment of the kit.

    Raises:
        GradingError: a name that is neither an assignment of the kit nor a data set, or an
            assignment whose tests cannot be collected.
    """
    known = kit_assignments(kit)
    names = list(names) or known
    for name in names:
        if name not in CATALOG and name not in known:
            raise GradingError(
                f"{name!r} is neither an assignment of {kit} ({', '.join(known) or 'none'}) nor "
                f"a data set ({', '.join(CATALOG)})"
            )
    assignments = [n for n in dict.fromkeys(names) if n not in CATALOG]
    try:
        resolved = [resolve_assignment(kit, n) for n in assignments]
    except AssignmentError as exc:
        raise GradingError(str(exc)) from None
    with ThreadPoolExecutor(max_workers=2) as pool:  # each collection is a process of its own
        declared = list(pool.map(declared_needs, resolved))
    needs = dict(zip(assignments, declared, strict=True))
    wanted: dict[str, list[str]] = {n: [] for n in names if n in CATALOG}
    for assignment, found in needs.items():
        for need in found:
            if need in CATALOG:  # "gpu" is not a data set
                wanted.setdefault(need, []).append(assignment)
    return wanted


def list_data(kit: Path, names: list[str] | tuple[str, ...]) -> list[str]:
    """Lines of a table: each data set, the assignments that need it, whether this machine has
    it (and where) or where to fetch it from. No names: every assignment of the kit."""
    wanted = needed_data(kit, names)
    rows = [("data set", "needed by", "on this machine")]
    for name in CATALOG:
        if name not in wanted and names:
            continue
        data = CATALOG[name]
        files = data.files()
        here = f"yes: {files[0].parent}" if data.missing() is None and files else "no"
        rows.append((name, ", ".join(wanted.get(name, [])) or "-", here))
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]
    absent = [n for n, _, here in rows[1:] if here == "no"]
    for name in absent:
        data = CATALOG[name]
        lines.append(f"{name}: `autograder data fetch {name}` downloads it from {data.origin}")
        lines.append(
            f"  offline: `autograder data fetch {name} --from PATH`, PATH {data.local_copy}"
        )
    return lines


@dataclass(frozen=True)
class Fetched:
    """What ``fetch_data`` did for one data set.

    Attributes:
        name: the data set.
        needed_by: the assignments that need it.
        ok: a checked copy is on this machine now.
        said: what was done (files present, copied or downloaded), or why it failed (the URL,
            the checksum and the folder).
    """

    name: str
    needed_by: list[str]
    ok: bool
    said: str


def fetch_data(
    kit: Path,
    names: list[str] | tuple[str, ...],
    sources: list[Path] | tuple[Path, ...] = (),
    *,
    progress: bool = False,
    report: Callable[[str], None] | None = None,
) -> list[Fetched]:
    """Put a checked copy of every data set that ``names`` need (:func:`needed_data`) in the
    kit's data cache (``default_cache_dir``), unless one is found on this machine already.

    Args:
        kit: the kit (for assignment names).
        names: assignments or data sets; none: every assignment of the kit.
        sources: local copies to install from instead of downloading; each data set takes the
            first that holds it, and is not downloaded when none does.
        progress: progress bars for downloads.
        report: told the name of each data set as its work starts.

    Raises:
        GradingError: a name that is neither an assignment nor a data set.
    """
    done = []
    for name, needed_by in needed_data(kit, names).items():
        data = data_set(name)
        if report is not None:
            by = f"needed by {', '.join(needed_by)}" if needed_by else "asked for"
            report(f"{name} ({data.title}): {by}")
        fetched, failures = None, []
        for source in list(sources) or [None]:
            try:
                fetched = Fetched(name, needed_by, True, data.fetch(data.cache(), source, progress))
                break
            except DatasetNotFound as exc:  # not in this copy, or the download failed
                failures.append(str(exc))
            except (ValueError, OSError) as exc:  # a damaged copy is not passed over
                failures.append(f"{type(exc).__name__}: {exc}")
                break
        done.append(fetched or Fetched(name, needed_by, False, "\n".join(failures)))
    return done
