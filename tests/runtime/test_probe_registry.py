"""Probe names find their module: the kit's own probes and each topic folder's ``probe.py``."""

import importlib.util

import pytest

from autograder.runtime.probes import probe_module, probe_modules


def test_kit_and_topic_probes_are_found_by_name():
    assert probe_module("code") == "autograder.runtime.probes.code"
    assert probe_module("recurrent") == "autograder.topics.recurrent.probe"
    assert probe_module("deepshape") == "autograder.topics.deepshape.probe"
    for module in probe_modules().values():
        assert importlib.util.find_spec(module) is not None, module


def test_an_unknown_probe_module_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="no probe module 'nope' \\(known: .*recurrent"):
        probe_module("nope")
