"""The ``code.load`` probe: grader-given source executed on the submission's side."""

from autograder.runtime.probes.code import load


def test_load_returns_the_named_object_of_the_source():
    double = load("def double(v):\n    return 2 * v\n", "double")
    assert double(21) == 42


def test_each_load_gets_a_fresh_namespace():
    source = "calls = []\ndef record(v):\n    calls.append(v)\n    return len(calls)\n"
    first, second = load(source, "record"), load(source, "record")
    assert first(1) == 1 and first(2) == 2
    assert second(3) == 1
