"""Mutation testing of an assignment's tests: do they catch wrong code?

``operators`` makes operator mutants of every solution region (``ast``), ``run`` grades each on
its own task's tests, ``equivalent`` reads the mutants listed as equivalent, ``report`` writes
``solutions/<hw>/mutation-report.md``.
"""

from autograder.mutation.equivalent import EquivalentError, load_equivalent
from autograder.mutation.operators import Mutant, make_mutants
from autograder.mutation.report import REPORT_FILE, report_markdown
from autograder.mutation.run import MutationError, MutationRun, run_mutants

__all__ = [
    "REPORT_FILE",
    "EquivalentError",
    "MutationError",
    "Mutant",
    "MutationRun",
    "load_equivalent",
    "make_mutants",
    "report_markdown",
    "run_mutants",
]
