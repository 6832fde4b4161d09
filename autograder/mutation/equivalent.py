"""Equivalent mutants: changes that cannot alter behaviour, listed with the reason.

``solutions/<hw>/mutants/equivalent.toml``::

    [[equivalent]]
    id = "ops.py:19:swap_args:0"      # the mutant's id, as ``autograder mutate`` prints it
    reason = "np.add is commutative"

The mutation score leaves them out; an entry whose id matches no mutant is reported as stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograder.assignment.patches import EQUIVALENT_MUTANTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["EQUIVALENT_FILE", "EquivalentError", "load_equivalent"]

EQUIVALENT_FILE = EQUIVALENT_MUTANTS


class EquivalentError(ValueError):
    """An equivalent.toml that cannot be read."""


def load_equivalent(solution: Path) -> dict[str, str]:
    """Mutant id -> reason, from ``<solution>/mutants/equivalent.toml`` (empty when absent).

    Raises:
        EquivalentError: an entry without exactly ``id`` and ``reason``, or an id listed twice.
    """
    path = solution / "mutants" / EQUIVALENT_FILE
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if set(data) - {"equivalent"}:
        raise EquivalentError(f"{path}: only [[equivalent]] entries, found {sorted(data)}")
    out: dict[str, str] = {}
    for entry in data.get("equivalent", []):
        if set(entry) != {"id", "reason"} or not str(entry["reason"]).strip():
            raise EquivalentError(f"{path}: each entry has exactly id and a non-empty reason")
        if entry["id"] in out:
            raise EquivalentError(f"{path}: {entry['id']} is listed twice")
        out[entry["id"]] = entry["reason"]
    return out
