"""The zip a student submits: the editable files of their copy, and nothing else."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from autograder.assignment.tasks import TASK_ID, load_tasks

__all__ = ["pack"]

_STUB = re.compile(rf"raise NotImplementedError\(['\"]({TASK_ID}):")


def pack(folder: Path, out: Path) -> tuple[tuple[str, ...], list[str]]:
    """Write ``out``: the editable files of the assignment copy ``folder``, under its name.

    The zip is the same bytes for the same files (fixed dates).

    Returns:
        The files packed, and the tasks whose stubs are still untouched.
    """
    assignment = load_tasks(folder)
    stubs: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in assignment.editable_files:
            text = (folder / rel).read_text(encoding="utf-8")
            stubs |= set(_STUB.findall(text))
            info = zipfile.ZipInfo(f"{assignment.id}/{rel}", date_time=(2020, 1, 1, 0, 0, 0))
            zf.writestr(info, text, zipfile.ZIP_DEFLATED)
    return assignment.editable_files, sorted(stubs)
