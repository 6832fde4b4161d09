"""The wheel students install: the ``autograder`` package alone, checked to hold no secret.

The release puts it beside the assignment folders (``assignments/<WHEEL_NAME>``, git-ignored:
it is build output, rebuilt by every ``autograder release``), and each handout's install line
names it: ``pip install "dlkit_autograder-0.1.0-py3-none-any.whl[torch]"``. Its name changes only
with the kit's version, so the committed handouts stay true from one engine commit to the next.

The steps of ``build_wheel``: copy the engine's sources (``pyproject.toml``, ``README.md``,
``autograder/``, no caches) to a temporary folder, so that no stale ``build/`` of the checkout
can slip a deleted module in; build with setuptools through pip, offline, without build
isolation; then unpack the wheel and run the leak check over every file in it
(``kit_leaks``): no solution-region line and no hidden-test line of any assignment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder import __version__
from autograder.release.build import kit_leaks
from autograder.release.errors import ReleaseError

__all__ = ["WHEEL_NAME", "build_wheel", "engine_source", "install_line"]

WHEEL_NAME = f"dlkit_autograder-{__version__}-py3-none-any.whl"

_SOURCES = ("pyproject.toml", "README.md", "autograder")
# *.tmpl: the templates of `autograder new` hold a reference solution (release/scaffold.py)
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.tmpl")
_EPOCH = "315532800"  # 1980-01-01, the earliest time a zip can hold: the same bytes every build


def install_line(extras: tuple[str, ...] | list[str]) -> str:
    """The command a student runs, in the folder holding the wheel, for these extras."""
    wanted = f"[{','.join(extras)}]" if extras else ""
    return f'pip install "{WHEEL_NAME}{wanted}"'


def engine_source() -> Path:
    """The checkout that holds this ``autograder`` package and its ``pyproject.toml``.

    Raises:
        ReleaseError: the package is installed from a wheel, not run from a checkout.
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file() or not (root / "autograder").is_dir():
        raise ReleaseError(
            f"the wheel is built from a checkout of the kit (pyproject.toml beside autograder/); "
            f"{root} is not one"
        )
    return root


def _build(source: Path, out: Path) -> Path:
    """``pip wheel`` of a copy of the engine's sources; the wheel written to ``out``."""
    with tempfile.TemporaryDirectory(prefix="ag-wheel-") as tmp:
        copy = Path(tmp) / "src"
        copy.mkdir()
        for name in _SOURCES:
            path = source / name
            if path.is_dir():
                shutil.copytree(path, copy / name, ignore=_IGNORE)
            else:
                shutil.copy2(path, copy / name)
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        cmd += ["--no-index", "--disable-pip-version-check", "-q", "-w", str(out), str(copy)]
        env = dict(os.environ, SOURCE_DATE_EPOCH=_EPOCH, PIP_NO_INPUT="1")
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp)
    if done.returncode != 0:
        hint = "" if _has_setuptools() else " (it needs setuptools: pip install setuptools)"
        raise ReleaseError(f"building the wheel failed{hint}:\n{done.stdout}{done.stderr}")
    built = out / WHEEL_NAME
    if not built.is_file():
        found = ", ".join(p.name for p in out.glob("*.whl")) or "nothing"
        raise ReleaseError(
            f"the wheel is not {WHEEL_NAME} (built: {found}): pyproject.toml's version must be "
            f"autograder.__version__ ({__version__})"
        )
    return built


def _has_setuptools() -> bool:
    cmd = [sys.executable, "-c", "import setuptools"]
    return subprocess.run(cmd, capture_output=True).returncode == 0


def wheel_leaks(wheel: Path, solutions: Path) -> list[str]:
    """Lines of a solution region or hidden test of any assignment in any file of ``wheel``."""
    with tempfile.TemporaryDirectory(prefix="ag-wheel-check-") as tmp:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tmp)
        leaks = kit_leaks(Path(tmp), solutions)
    return [leak.replace(tmp, wheel.name, 1) for leak in leaks]


def build_wheel(kit: Path, out: Path) -> Path:
    """Build the engine's wheel into the folder ``out`` and check it against ``kit``'s solutions.

    Returns:
        The wheel, ``out / WHEEL_NAME`` (replaced if it was there).

    Raises:
        ReleaseError: no checkout to build from, the build failed, or a leak was found (the
            wheel is then not written).
    """
    source = engine_source()
    with tempfile.TemporaryDirectory(prefix="ag-wheel-out-") as tmp:
        built = _build(source, Path(tmp))
        leaks = wheel_leaks(built, kit / "solutions")
        if leaks:
            raise ReleaseError(
                f"{WHEEL_NAME}: solution or hidden-test lines in the engine:\n" + "\n".join(leaks)
            )
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, out / WHEEL_NAME)
    return out / WHEEL_NAME
