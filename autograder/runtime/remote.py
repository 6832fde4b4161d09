"""A proxy for one object on the submission's side: ``RemoteObject``.

Attribute access, assignment, calls, indexing and ``len`` become requests of the session that
made the proxy; values come back as copies (numbers, strings, lists, dicts, numpy arrays) or as
further proxies. A proxy of an ended worker raises ``StaleObject``.
"""

from __future__ import annotations

from typing import Any

from autograder.runtime.channel import Ref
from autograder.runtime.errors import StaleObject

__all__ = ["RemoteObject"]


class RemoteObject:
    """A proxy for one object of the submission."""

    __slots__ = ("_ag_session", "_ag_generation", "_ag_ref", "__weakref__")

    def __init__(self, session: Any, generation: int, ref: Ref) -> None:
        object.__setattr__(self, "_ag_session", session)
        object.__setattr__(self, "_ag_generation", generation)
        object.__setattr__(self, "_ag_ref", ref)

    def _ag_ref_for(self, session: Any) -> Ref:
        if session is not self._ag_session or session.generation != self._ag_generation:
            raise StaleObject(
                f"this {self._ag_ref.type_name} belonged to a submission process that has ended"
            )
        return self._ag_ref

    def _ag_request(self, op: str, **fields: Any) -> Any:
        return self._ag_session.request(op, target=self, **fields)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ag_request("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._ag_request("setattr", name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ag_request("call", args=list(args), kwargs=kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._ag_request("getitem", key=key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._ag_request("setitem", key=key, value=value)

    def __len__(self) -> int:
        n = self._ag_request("len")
        if type(n) is not int:
            raise TypeError("len() of a submission object returned a non-integer")
        return n

    def __repr__(self) -> str:
        return f"<submission {self._ag_ref.type_name} #{self._ag_ref.id}>"

    def __del__(self) -> None:
        try:
            self._ag_session.release(self._ag_generation, self._ag_ref.id)
        except Exception:  # noqa: BLE001 - finalisers must not raise
            pass
