"""The kit's engine: release, harness, grading and data for the deep-learning assignments.

Students install this package too, so it never contains solution code. Subpackages, lowest layer
first (a module imports only from its own layer and those below; ``tests/test_layout.py``):

- ``assignment``: tasks.toml, where an assignment's folders are (a command resolves its
  assignment once into a ``ResolvedAssignment`` and passes it down), mutant and variant patches;
  ``data``: the generic data loaders;
- ``runtime``: the channel, sessions and proxies, the worker, its sandbox and view, probes;
- ``authoring``: what assignment tests import (marks, checks, gradients, seeding, shared
  checks of learning, framework oracles);
- ``topics``: one folder per topic (``deepshape``, ``recurrent``): its ``data`` reader, its
  ``probe`` and its ``oracle`` sit in the data, runtime and authoring layers;
- ``release``: the student release, in ordered steps, the wheel students install, and the
  scaffold of ``autograder new`` (its templates hold a reference and stay out of the wheel);
- ``grading``: the pytest plugin (``grading.plugin``), one submission (intake, the pytest run,
  typed results) and the student's check;
- ``classroom``: a whole class (pool, backends, report, similarity);
- ``integrations``: nbgrader, otter-grader, notebooks, the Gradescope export;
- ``cli``: the ``autograder`` command.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
