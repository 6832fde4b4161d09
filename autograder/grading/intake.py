"""Intake of a submission: its editable files from a folder or a zip, laid over the release.

Only files named like an editable file are read; links, paths with ``..`` and files over
``MAX_FILE_BYTES`` (checked while unpacking, so a zip bomb stops there) are left out. Nothing
else is ever extracted.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from autograder.assignment.tasks import Assignment

__all__ = ["MAX_FILE_BYTES", "IntakeError", "collect_editable", "prepare_workspace"]

MAX_FILE_BYTES = 2 * 1024 * 1024


class IntakeError(ValueError):
    """A submission that cannot be read: missing, not a zip, or without any editable file."""


def _in_folder(source: Path, wanted: set[str]) -> dict[str, list[str]]:
    """Editable-file candidates in a folder (no links, no hidden folders), by file name."""
    by_name: dict[str, list[str]] = {}
    for root, dirs, files in os.walk(source, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for f in files:
            path = Path(root, f)
            if f in wanted and not path.is_symlink() and path.is_file():
                by_name.setdefault(f, []).append(str(path.relative_to(source)))
    return by_name


def _in_zip(archive: zipfile.ZipFile, wanted: set[str]) -> dict[str, list[str]]:
    """Editable-file candidates in a zip (no folders, links or ``..``), by file name."""
    by_name: dict[str, list[str]] = {}
    for info in archive.infolist():
        parts = Path(info.filename).parts
        if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
            continue
        if parts and parts[-1] in wanted and ".." not in parts:
            by_name.setdefault(parts[-1], []).append(info.filename)
    return by_name


def _best(candidates: list[str], assignment_id: str) -> str:
    """The path to take for a file: inside a folder named after the assignment first, then the
    shallowest."""
    inside = [c for c in candidates if Path(c).parts[-2:-1] == (assignment_id,)]
    return sorted(inside or candidates, key=lambda c: (len(Path(c).parts), c))[0]


def _take(
    by_name: dict[str, list[str]], assignment_id: str, opener: Callable[[str], BinaryIO]
) -> tuple[dict[str, bytes], list[str]]:
    """Read the chosen candidate of each file, at most ``MAX_FILE_BYTES``."""
    found: dict[str, bytes] = {}
    notes: list[str] = []
    for name, candidates in by_name.items():
        chosen = _best(candidates, assignment_id)
        with opener(chosen) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            notes.append(f"{chosen} left out: larger than {MAX_FILE_BYTES} bytes")
        else:
            found[name] = data
    return found, notes


def collect_editable(source: Path, assignment: Assignment) -> tuple[dict[str, bytes], list[str]]:
    """Read the editable files of a submission (a folder or a zip).

    Returns:
        File name (e.g. ``layers.py``) to content, and notes on what was left out.

    Raises:
        IntakeError: the source is missing or unreadable, or holds no editable file.
    """
    wanted = set(assignment.editable_files)
    if source.is_dir():
        found, notes = _take(
            _in_folder(source, wanted), assignment.id, lambda rel: open(source / rel, "rb")
        )
    elif source.is_file():
        try:
            with zipfile.ZipFile(source) as archive:
                found, notes = _take(_in_zip(archive, wanted), assignment.id, archive.open)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise IntakeError(f"{source} is not a readable zip file: {exc}") from None
    else:
        raise IntakeError(f"submission {source} does not exist")
    if not found and not notes:
        raise IntakeError(
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
