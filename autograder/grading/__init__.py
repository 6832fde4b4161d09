"""Grading one submission and checking a student's copy.

``plugin`` (the pytest hooks that grade), ``intake`` (editable files from a folder or zip),
``run`` (the pytest run), ``status``, ``records`` (one ``TestResult`` per test) and ``results``
(Gradescope's results.json, tables by task), ``grade`` (one submission: ``grade`` resolves the
assignment, ``grade_submission`` takes it resolved), ``check`` (a student's
public check), ``feedback`` (a test's failure in words, and its cause).
"""

from autograder.grading.errors import GradingError, GradingInterrupted
from autograder.grading.grade import grade, grade_submission

__all__ = ["GradingError", "GradingInterrupted", "grade", "grade_submission"]
