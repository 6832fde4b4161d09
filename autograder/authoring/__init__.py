"""What an assignment's test files import, under one name: ``from autograder.authoring import ...``.

- ``marks``: ``graded``, ``requires``, ``submission``, ``probe``, ``record``, ``type_name``;
- ``checks``: ``check``, ``check_shape``, ``check_finite``, ``assert_close``, ``CheckFailed``;
- ``gradients``: ``numeric_grad``, ``numeric_grad_array`` (central differences in float64);
- ``seeding``: ``seed_everything``;
- ``learning``: ``check_accuracy``, ``check_learning`` (thresholds measured over seeds);
- ``oracles``: expected values from a framework, one module per framework
  (``autograder.authoring.oracles.pytorch``, ``.keras``), imported by name since each loads its
  framework.
"""

from autograder.authoring.checks import CheckFailed, assert_close, check, check_finite, check_shape
from autograder.authoring.gradients import numeric_grad, numeric_grad_array
from autograder.authoring.learning import accuracy, check_accuracy, check_learning
from autograder.authoring.marks import graded, probe, record, requires, submission, type_name
from autograder.authoring.seeding import seed_everything

__all__ = [
    "CheckFailed",
    "accuracy",
    "assert_close",
    "check",
    "check_accuracy",
    "check_finite",
    "check_learning",
    "check_shape",
    "graded",
    "numeric_grad",
    "numeric_grad_array",
    "probe",
    "record",
    "requires",
    "seed_everything",
    "submission",
    "type_name",
]
