"""A bare holder of parameters and gradients (provided, not graded)."""

from __future__ import annotations

import numpy as np

__all__ = ["Parameters"]


class Parameters:
    """``params`` and ``grads`` as an optimiser's ``step`` sees a layer, and nothing else.

    It computes nothing: the optimiser tests set its ``params`` and ``grads`` directly, so your
    optimisers are graded with this provided holder, never with your ``Linear``.

    Args:
        d_in: rows of "W".
        d_out: columns of "W" and length of "b".

    Attributes:
        params: "W" (D_in, D_out) and "b" (D_out,), zeros.
        grads: "W" (D_in, D_out) and "b" (D_out,), zeros.
    """

    def __init__(self, d_in: int, d_out: int) -> None:
        self.params = {"W": np.zeros((d_in, d_out)), "b": np.zeros(d_out)}
        self.grads = {"W": np.zeros((d_in, d_out)), "b": np.zeros(d_out)}

    def write_grads(self, grads: dict[str, np.ndarray]) -> None:
        """Write new gradient values into the existing ``grads`` arrays, in place.

        As a layer whose ``backward`` fills its gradient arrays in place would: an optimiser must
        not keep a gradient array (say, as its momentum buffer) that a later step overwrites.
        """
        for key, value in grads.items():
            self.grads[key][...] = value
