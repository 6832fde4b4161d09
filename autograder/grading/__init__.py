"""Grading one submission and checking a student's copy.

``intake`` (editable files from a folder or zip), ``run`` (the pytest run), ``status`` and
``results`` (typed statuses, Gradescope's results.json, tables by task), ``grade`` (one
submission), ``check`` (a student's public check), ``feedback`` (a test's failure in words).
"""

from autograder.grading.errors import GradingError, GradingInterrupted
from autograder.grading.grade import grade

__all__ = ["GradingError", "GradingInterrupted", "grade"]
