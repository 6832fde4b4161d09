"""Grader-given source code, run on the submission's side.

A hidden test that needs kit code next to the submission (a baseline to time the submission
against, in the same process) sends that code's source, so that nothing of it ships in the
``autograder`` package that students install. ``load`` executes the source in a fresh module
namespace and returns one of its objects, which the test then calls through its proxy.
"""

from __future__ import annotations

import types
from typing import Any

__all__ = ["load"]


def load(source: str, name: str) -> Any:
    """Execute ``source`` as a module of its own and return its attribute ``name``.

    Args:
        source: Python source text, from the grader's tests.
        name: the object to return (a function, usually).
    """
    module = types.ModuleType("autograder_grader_code")
    exec(compile(source, "<grader code>", "exec"), module.__dict__)  # noqa: S102 - the grader's code
    return getattr(module, name)
