"""What grading an assignment needs from the kit, as one archive, and fingerprints for resuming.

A grading machine needs the release (``assignments/<hw>/``: the provided files a submission is
laid over) and the tests (``solutions/<hw>/tasks.toml`` and ``tests/``, hidden ones included);
never the reference solution. ``pack`` puts exactly these in a gzipped tar, for machines that
have the ``autograder`` package but not the kit (a Dask cluster's workers); ``unpack`` lays it
out as a kit again. ``pack_data`` puts the data sets the tests need, as found on this machine,
in a plain tar of their own (their large files are gzipped already) for the same machines.
``kit_fingerprint`` is the SHA-256 of the same files and
``files_fingerprint`` that of a submission's editable files: a class run regrades a submission
when either has changed since its results were written.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

from autograder.assignment.paths import ResolvedAssignment
from autograder.data.catalog import data_set

__all__ = [
    "files_fingerprint",
    "grading_files",
    "kit_fingerprint",
    "pack",
    "pack_data",
    "unpack",
    "unpack_data",
]

_LEFT_OUT = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def _walk(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if set(rel.parts) & _LEFT_OUT or path.suffix in (".pyc", ".ipynb") or not path.is_file():
            continue
        found.append((f"{prefix}/{rel.as_posix()}", path))
    return found


def grading_files(resolved: ResolvedAssignment) -> list[tuple[str, Path]]:
    """(path inside a kit, file) for everything grading the assignment reads; no solution
    code."""
    name = resolved.name
    files = _walk(resolved.release, f"assignments/{name}")
    if resolved.solution is not None:
        files.append((f"solutions/{name}/tasks.toml", resolved.solution / "tasks.toml"))
        files += _walk(resolved.solution / "tests", f"solutions/{name}/tests")
        # tasks.toml names the tasks' modules, which must exist beside it: the release's stubs
        modules = sorted({f"{t.module}.py" for t in resolved.assignment.tasks})
        files += [(f"solutions/{name}/{m}", resolved.release / m) for m in modules]
    return files


def kit_fingerprint(resolved: ResolvedAssignment) -> str:
    """SHA-256 over the paths and contents of :func:`grading_files`."""
    digest = hashlib.sha256()
    for arcname, path in grading_files(resolved):
        data = path.read_bytes()
        digest.update(f"{arcname}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def files_fingerprint(files: dict[str, bytes]) -> str:
    """SHA-256 over a submission's editable files (names and contents, in name order)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{len(files[name])}\0".encode())
        digest.update(files[name])
    return digest.hexdigest()


def pack(resolved: ResolvedAssignment) -> bytes:
    """:func:`grading_files` as a gzipped tar (deterministic: fixed times and owners)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for arcname, path in grading_files(resolved):
            data = path.read_bytes()
            info = tarfile.TarInfo(arcname)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def unpack(data: bytes, dest: Path) -> Path:
    """Lay out an archive made by :func:`pack` as a kit in ``dest``; returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")
    return dest


def pack_data(names: list[str] | tuple[str, ...]) -> tuple[bytes, list[str]]:
    """The files of the data sets ``names`` found on this machine as a tar (not compressed: the
    large files are gzipped already), ``data/<set>/<file>``; and the sets that were not found.
    Unpacked (:func:`unpack_data`), ``data/`` is a cache root (``$AUTOGRADER_DATA_DIR``)."""
    buffer, lacking = io.BytesIO(), []
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in names:
            data = data_set(name)
            files = data.files() if data.missing() is None else []
            if not files:
                lacking.append(name)
            for path in files:
                raw = path.read_bytes()
                info = tarfile.TarInfo(f"data/{name}/{path.name}")
                info.size, info.mode, info.mtime = len(raw), 0o644, 0
                tar.addfile(info, io.BytesIO(raw))
    return buffer.getvalue(), lacking


def unpack_data(data: bytes, dest: Path) -> Path:
    """Lay out an archive of :func:`pack_data` in ``dest``; returns the cache root,
    ``dest/data``."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        tar.extractall(dest, filter="data")
    return dest / "data"
