"""Probes: kit code that runs on the submission's side and returns arrays.

A test calls one with ``autograder.authoring.probe("module.function", ...)``. Probes exist for work
that cannot cross the channel one value at a time: gradients through a GradientTape or autograd,
and whole training runs. Whatever they return is checked by the grader like any other reply.
"""
