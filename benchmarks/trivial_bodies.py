"""By hand: every trivial body (``autograder.mutation.trivial.KINDS``) on every task; prints the
points each keeps on its own task, as a Markdown table (for solutions/trivial-bodies-report.md).
Run from the kit's root::

    .venv/bin/python benchmarks/trivial_bodies.py [assignment ...]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from autograder.assignment.paths import assignment_names, resolve_assignment
from autograder.mutation.trivial import KINDS, score_trivial

KIT = Path(__file__).resolve().parents[1]


def main(names: list[str]) -> None:
    print("| assignment | task | kind | points kept | tests that gave points |")
    print("| --- | --- | --- | ---: | --- |")
    for name in names or assignment_names(KIT / "solutions"):
        start = time.monotonic()
        tasks = [t.id for t in resolve_assignment(KIT, name).assignment.tasks]
        cases = [(task, kind) for task in tasks for kind in KINDS]
        for row in score_trivial(KIT, name, cases):
            kept = ", ".join(row.kept) or "-"
            print(f"| {name} | {row.task} | {row.kind} | {row.points:g} of {row.of:g} | {kept} |")
        print(f"<!-- {name}: {time.monotonic() - start:.0f} s -->", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
