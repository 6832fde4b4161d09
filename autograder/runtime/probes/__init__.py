"""Probes: kit code that runs on the submission's side and returns arrays.

A test calls one with ``autograder.authoring.probe("module.function", ...)``. Probes exist for
work that cannot cross the channel one value at a time: gradients through a GradientTape or
autograd, and whole training runs. Whatever they return is checked by the grader like any other
reply.

The module of a probe name is found in one registry, :func:`probe_modules`: the kit's own here
(``code``, ``training``, ``keras_tools``) and each topic's ``probe.py`` under the topic's name
(``recurrent`` is ``autograder.topics.recurrent.probe``), so a new topic's probes need no entry.
"""

from __future__ import annotations

import functools
import pkgutil
from pathlib import Path

__all__ = ["probe_module", "probe_modules"]

_HERE = Path(__file__).resolve().parent
_TOPICS = _HERE.parents[1] / "topics"


@functools.cache
def probe_modules() -> dict[str, str]:
    """Probe module name -> importable module, kit probes first, then one per topic folder."""
    found = {m.name: f"{__name__}.{m.name}" for m in pkgutil.iter_modules([str(_HERE)])}
    for topic in sorted(_TOPICS.iterdir()) if _TOPICS.is_dir() else []:
        if (topic / "probe.py").is_file() and topic.name not in found:
            found[topic.name] = f"autograder.topics.{topic.name}.probe"
    return found


def probe_module(name: str) -> str:
    """The importable module of probe module ``name`` (``"recurrent"``, ``"code"``).

    Raises:
        ValueError: no kit or topic probe module has that name.
    """
    modules = probe_modules()
    if name not in modules:
        raise ValueError(f"no probe module {name!r} (known: {', '.join(sorted(modules))})")
    return modules[name]
