"""The CNN (task 3.3) and the MLP (task 3.4), as ``keras.Sequential`` models of your layers.

``build_cnn`` returns exactly these layers, in this order, with these names:

    conv1  keras.layers.Conv2D(filters[0], 3, padding="same")
    bn1    BatchNorm()
    relu1  keras.layers.ReLU()
    pool1  keras.layers.MaxPooling2D(2)
    conv2  keras.layers.Conv2D(filters[1], 3, padding="same")
    bn2    BatchNorm()
    relu2  keras.layers.ReLU()
    pool2  keras.layers.MaxPooling2D(2)
    flatten keras.layers.Flatten()
    logits keras.layers.Dense(n_classes)

and ``build_mlp`` these:

    dense1 keras.layers.Dense(hidden)
    bn1    BatchNorm()
    relu1  keras.layers.ReLU()
    drop1  Dropout(rate)
    logits keras.layers.Dense(n_classes)

Both start with ``keras.Input(input_shape)`` and end in logits (no softmax). Use your
``BatchNorm`` and ``Dropout``: Keras's own are not allowed here either.
"""

from __future__ import annotations

import keras

from .batchnorm import BatchNorm
from .dropout import Dropout

__all__ = ["build_cnn", "build_mlp"]


def build_cnn(
    input_shape: tuple[int, int, int] = (8, 8, 1),
    n_classes: int = 10,
    filters: tuple[int, int] = (8, 16),
) -> keras.Sequential:
    """The CNN of the module docstring, for NHWC images of ``input_shape`` (H, W, C)."""
    model = None
    # TODO(3.3): the ten layers of the module docstring, named as it says.
    raise NotImplementedError('3.3: the ten layers of the module docstring, named as it says.')
    return model


def build_mlp(
    input_dim: int = 64, n_classes: int = 10, hidden: int = 64, rate: float = 0.2
) -> keras.Sequential:
    """The MLP of the module docstring, for flat inputs (N, input_dim)."""
    model = None
    # TODO(3.4): the five layers of the module docstring, named as it says.
    raise NotImplementedError('3.4: the five layers of the module docstring, named as it says.')
    return model
