"""Getting a file into the data cache: :func:`download` (a URL into a ``.part`` file with a
progress bar, renamed only by the caller once its checksum matches) and :func:`install_copy` (a
local copy, already checked). Every data set of the kit fetches through these two."""

from __future__ import annotations

import http.client
import os
import shutil
import urllib.request
from pathlib import Path

from tqdm import tqdm

__all__ = ["download", "install_copy"]

_CHUNK = 1 << 16


def download(url: str, part: Path, *, progress: bool = False, timeout: float = 60) -> Path:
    """Write the content of ``url`` (``https://``, ``http://`` or ``file://``) to ``part``.

    Args:
        url: what to fetch.
        part: the file to write (its folder is created); deleted again when the download fails.
        progress: show a progress bar in bytes on standard error.
        timeout: seconds without an answer before giving up.

    Raises:
        OSError: the download failed; the message starts with the URL.
    """
    part.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, part.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            label = url.rsplit("/", 1)[-1]
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=label, disable=not progress
            ) as bar:
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (OSError, http.client.HTTPException) as exc:
        part.unlink(missing_ok=True)
        raise OSError(f"{url}: {exc}") from exc
    return part


def install_copy(path: Path, folder: Path) -> Path:
    """Copy ``path`` into ``folder`` under its own name, through a ``.part`` file renamed at the
    end (a reader never sees half a file); returns the new file."""
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{path.name}.part"
    shutil.copyfile(path, part)
    os.replace(part, folder / path.name)
    return folder / path.name
