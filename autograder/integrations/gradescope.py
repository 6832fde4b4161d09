"""Gradescope: the autograder zip that grades one assignment inside Gradescope's layout.

Gradescope unpacks the zip into ``/autograder/source``, runs ``setup.sh`` once while it builds
the autograder's image (as root, on its Ubuntu base image), then ``run_autograder`` for each
submission: the student's files are in ``/autograder/submission``, the results go to
``/autograder/results/results.json``. The zip holds:

- ``setup.sh``: Python 3 from apt, a virtual environment ``/autograder/venv``, and in it the
  kit's wheel with the assignment's extras (``extras`` in tasks.toml; PyTorch's CPU build); then
  ``autograder data fetch`` of the data sets the graded tests declare (``requires(...)``) into
  ``/autograder/data``, checked by SHA-256 (Gradescope builds the image with network);
- ``run_autograder``: ``autograder grade`` of the submission into ``results.json`` with
  ``AUTOGRADER_DATA_DIR=/autograder/data``, the same
  grading as on the instructor's machine; if grading cannot start, a ``results.json`` that
  scores 0 and says why;
- the wheel (``autograder.release.wheel``), checked to hold no solution and no hidden test;
- ``kit/``: what ``grade`` reads (``autograder.grading.bundle``): the release, tasks.toml and
  the public and hidden tests, with the release's stubs for the modules tasks.toml names; no
  reference code at all (the leak check runs over the whole zip before it is written).

Both scripts take Gradescope's root as their first argument (``/autograder`` by default), and
``run_autograder`` the Python in ``$AUTOGRADER_PYTHON`` (``<root>/venv/bin/python`` by default),
so that a test lays the layout out in a temporary folder.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from autograder.assignment.paths import ResolvedAssignment
from autograder.data.catalog import CATALOG
from autograder.grading.bundle import pack, unpack
from autograder.grading.errors import GradingError
from autograder.grading.requirements import declared_needs
from autograder.release.build import kit_leaks
from autograder.release.errors import ReleaseError
from autograder.release.wheel import WHEEL_NAME, build_wheel

__all__ = ["GradescopeError", "export_gradescope", "run_autograder_script", "setup_script"]

_EXECUTABLE = ("setup.sh", "run_autograder")
_TORCH_CPU = "https://download.pytorch.org/whl/cpu"


class GradescopeError(RuntimeError):
    """An export that cannot be built; the message says why."""


def setup_script(extras: tuple[str, ...], data: tuple[str, ...] = ()) -> str:
    """``setup.sh``: Python, a virtual environment and the wheel with ``extras``; then the data
    sets ``data`` that the graded tests need, fetched and checked into ``ROOT/data``."""
    wanted = f"[{','.join(extras)}]" if extras else ""
    index = f" --extra-index-url {_TORCH_CPU}" if "torch" in extras else ""
    why = " (PyTorch: its CPU build)" if index else ""
    fetch = ""
    if data:
        fetch = (
            "# the data sets the graded tests need, fetched (Gradescope builds with a network)\n"
            "# and checked by SHA-256; $AUTOGRADER_DATA_FROM: a local copy to install instead\n"
            f'"$PYTHON" -m autograder.cli data fetch {" ".join(data)} --kit "$SOURCE/kit" '
            '--dir "$ROOT/data" \\\n'
            '    ${AUTOGRADER_DATA_FROM:+--from "$AUTOGRADER_DATA_FROM"}\n'
        )
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu base image).
# Usage: setup.sh [ROOT]   ROOT is Gradescope's /autograder. With $AUTOGRADER_PYTHON set, that
# Python (with the kit installed) is used and nothing is installed (to try the layout locally).
set -euo pipefail
ROOT="${{1:-/autograder}}"
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
PYTHON="${{AUTOGRADER_PYTHON:-}}"
if [ -z "$PYTHON" ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y python3 python3-venv python3-pip
    python3 -m venv "$ROOT/venv"
    "$ROOT/venv/bin/python" -m pip install --upgrade pip
    # the kit's engine with this assignment's extras{why}
    "$ROOT/venv/bin/python" -m pip install{index} "$SOURCE/{WHEEL_NAME}{wanted}"
    PYTHON="$ROOT/venv/bin/python"
fi
"$PYTHON" -m autograder.cli --help >/dev/null
{fetch}"""


_FALLBACK = """import json, sys
out, log, status = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    with open(log, encoding="utf-8", errors="replace") as fh:
        said = fh.read().strip()[-2000:]
except OSError:
    said = ""
message = f"Grading could not run (exit status {status}): {said or 'no message'}"
results = {"score": 0, "output": message, "tests": []}
with open(out, "w", encoding="utf-8") as fh:
    json.dump(results, fh, indent=2)
"""


def run_autograder_script(name: str) -> str:
    """``run_autograder``: grade ``<root>/submission`` into ``<root>/results/results.json``."""
    return f"""#!/usr/bin/env bash
# Gradescope runs this for each submission: the kit grades ROOT/submission ({name}) as
# `autograder grade` does and writes ROOT/results/results.json.
# Usage: run_autograder [ROOT]   ROOT is Gradescope's /autograder; the Python is
# $AUTOGRADER_PYTHON, by default ROOT/venv/bin/python (made by setup.sh).
set -u
ROOT="${{1:-/autograder}}"
SOURCE="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
export AUTOGRADER_DATA_DIR="$ROOT/data"  # where setup.sh put the data sets
LOG="$(mktemp)"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
"$PYTHON" -m autograder.cli grade {name} "$ROOT/submission" --kit "$SOURCE/kit" \\
    --out "$RESULTS" 2>"$LOG"
status=$?
cat "$LOG" >&2
if [ ! -s "$RESULTS" ]; then
    "$PYTHON" - "$RESULTS" "$LOG" "$status" <<'EOF'
{_FALLBACK}EOF
fi
rm -f "$LOG"
"""


def _stage(resolved: ResolvedAssignment, stage: Path) -> None:
    """Lay the zip's files out in ``stage``."""
    kit, name = resolved.kit, resolved.name
    hidden = resolved.solution / "tests" / "hidden" if resolved.solution else None
    if hidden is None or not hidden.is_dir():
        raise GradescopeError(
            f"{name}: no hidden tests in {kit / 'solutions' / name / 'tests' / 'hidden'}; "
            "export from the instructors' kit"
        )
    build_wheel(kit, stage)
    unpack(pack(resolved), stage / "kit")  # what grading reads, as the Dask workers get it
    try:
        needs = declared_needs(resolved)
    except GradingError as exc:
        raise GradescopeError(str(exc)) from None
    data = tuple(n for n in needs if n in CATALOG)
    setup = setup_script(resolved.assignment.extras, data)
    (stage / "setup.sh").write_text(setup, encoding="utf-8")
    (stage / "run_autograder").write_text(run_autograder_script(name), encoding="utf-8")


def _zip(stage: Path, out: Path) -> None:
    """Every file of ``stage``, sorted, with fixed times: the same bytes for the same files."""
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            rel = path.relative_to(stage).as_posix()
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if rel in _EXECUTABLE else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    part.replace(out)


def export_gradescope(resolved: ResolvedAssignment, out: Path) -> Path:
    """Write Gradescope's autograder zip for the assignment (resolved by the command) to ``out``.

    Raises:
        GradescopeError: no hidden tests, the wheel could not be built, or a solution line (of
            any assignment) or another assignment's hidden test is in the zip.
    """
    with tempfile.TemporaryDirectory(prefix="ag-gradescope-") as tmp:
        stage = Path(tmp) / "autograder"
        stage.mkdir()
        try:
            _stage(resolved, stage)
        except ReleaseError as exc:
            raise GradescopeError(str(exc)) from None
        leaks = kit_leaks(stage, resolved.kit / "solutions", grading=resolved.name)
        if leaks:
            listed = "\n".join(leak.replace(str(stage), out.name, 1) for leak in leaks)
            raise GradescopeError(f"{out.name}: solution lines in the export:\n{listed}")
        _zip(stage, out)
    return out
