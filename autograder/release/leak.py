"""The leak check: no released line is a line of a solution region or of a hidden test."""

from __future__ import annotations

import re
from pathlib import Path

from autograder.release.notebooks import notebook_source

__all__ = ["leak_check"]


def _norm(line: str) -> str:
    return " ".join(line.split())


_IMPORT = re.compile(r"^(from \S+ import|import \S+)|^[A-Za-z_][\w.]*,?$")  # or a name in its list


def _trivial(line: str, min_length: int = 12) -> bool:
    """Lines that give nothing away: short ones, comments, punctuation, imports."""
    return (
        len(line) < min_length
        or line.startswith("#")
        or not re.search(r"[A-Za-z0-9]", line)
        or bool(_IMPORT.match(line))
    )


def leak_check(dest: Path, secret: list[str], public: list[str], min_length: int = 12) -> list[str]:
    """Every released line that is a secret line and not also a line of the public source.

    Args:
        dest: the released assignment folder.
        secret: lines of solution regions and hidden tests.
        public: lines the solutions hold outside regions in released files (these may repeat a
            secret line legitimately, e.g. ``return out``).
        min_length: shorter lines are not secrets (another assignment's tests, written
            independently, share short lines such as ``for _ in range(3):`` by chance).
    """
    released: dict[str, list[str]] = {}
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".ipynb":
            text = notebook_source(text)
        released[str(path)] = [_norm(x) for x in text.splitlines()]
    secrets = {_norm(x) for x in secret} - {_norm(x) for x in public}
    secrets = {s for s in secrets if not _trivial(s, min_length)}
    leaks = []
    for path, lines in released.items():
        for n, line in enumerate(lines, 1):
            if line in secrets:
                leaks.append(f"{path}:{n}: {line[:80]}")
    return leaks
