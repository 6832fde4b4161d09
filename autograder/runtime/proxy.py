"""The lazy proxy of a submission's module: ``SubmissionModule``.

Nothing is imported until a test touches it, so a module that fails to import fails the tests
that use it, each with the import error as its message, instead of stopping collection. Its
attributes are ``RemoteObject`` proxies (``autograder.runtime.remote``).
"""

from __future__ import annotations

from typing import Any

from autograder.runtime.remote import RemoteObject
from autograder.runtime.session import current_session

__all__ = ["SubmissionModule"]


class SubmissionModule:
    """A lazy proxy for a module of the submission, imported on first use in the active session.

    Args:
        name: the dotted module name, e.g. ``hw1_mlp_numpy.layers``.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._cache: tuple[Any, int, RemoteObject] | None = None

    def _module(self) -> RemoteObject:
        session = current_session()
        if self._cache is not None:
            cached_session, generation, module = self._cache
            if cached_session is session and generation == session.generation:
                return module
        module = session.import_module(self._name)
        self._cache = (session, session.generation, module)
        return module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self._module(), name)

    def __repr__(self) -> str:
        return f"<submission module {self._name}>"
