"""Oracles: expected values computed by a framework, one module per framework.

Public and hidden tests of every assignment import them (``autograder.authoring.oracles.pytorch``,
``.keras``), so a test compares the submission with one independent implementation instead of its
own copy. They run in the grader's test process only, never in the submission's worker, and never
import the submission. An oracle of one topic (a model of one assignment) lives in that topic's
folder, ``autograder/topics/<topic>/oracle.py``.
"""
