"""Why the solutions cannot be released as they are."""

from __future__ import annotations

__all__ = ["ReleaseError"]


class ReleaseError(ValueError):
    """The solutions cannot be released as they are."""
