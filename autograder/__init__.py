"""The kit's engine: release, harness, grading and data for the deep-learning assignments.

Students install this package too, so it never contains solution code. Subpackages, lowest layer
first (a module imports only from its own layer and those below; ``tests/test_layout.py``):

- ``assignment``: tasks.toml, where an assignment's folders are, mutant and variant patches;
  ``data``: the data loaders;
- ``runtime``: the channel, sessions and proxies, the worker, its sandbox and view, probes;
- ``harness``, ``testing``, ``oracles``: what assignment tests import;
- ``release``: the student release, in ordered steps, and the wheel students install;
- ``grading``: one submission (intake, the pytest run, results) and the student's check;
- ``plugin`` (the pytest hooks) and ``classroom`` (a whole class: pool, backends, report,
  similarity);
- ``integrations``: nbgrader, otter-grader, notebooks, the Gradescope export;
- ``cli``: the ``autograder`` command.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
