"""TensorFlow and Keras work on the submission's side, for HW3 and HW4's tests.

Each function takes the submission's objects (a layer, a model) as the grader's proxies send
them and returns plain data: gradients from a ``GradientTape``, outputs of calls inside one
``tf.function``, TensorBoard scalars read back from event files, and a small CNN made of Keras's
own layers, so that the tests of the training tools need none of the student's layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "calls_in_function",
    "fit",
    "kit_cnn",
    "predict_from_checkpoint",
    "tape_gradients",
    "tensorboard_scalars",
]


def tape_gradients(
    layer: Any, x: np.ndarray, upstream: np.ndarray, training: bool = True
) -> dict[str, np.ndarray]:
    """Gradients of ``sum(layer(x) * upstream)`` by a ``GradientTape``.

    Returns:
        ``{"x": d/dx, <weight name>: d/dweight, ...}`` for the layer's trainable weights (a
        weight without a gradient is all zeros); arrays in the dtype of ``x``.
    """
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x, training=training)
        loss = tf.reduce_sum(tf.cast(out, x.dtype) * tf.constant(upstream, x.dtype))
    weights = list(layer.trainable_weights)
    grads = tape.gradient(loss, [x, *weights])
    result = {"x": np.asarray(grads[0])}
    for weight, grad in zip(weights, grads[1:], strict=True):
        name = weight.name.split("/")[-1].split(":")[0]
        result[name] = np.zeros(weight.shape) if grad is None else np.asarray(grad)
    return result


def calls_in_function(layer: Any, x: np.ndarray, runs: int = 2) -> np.ndarray:
    """Two calls of ``layer(x, training=True)`` inside one ``tf.function``, run ``runs`` times.

    Returns:
        (runs, 2, *x.shape): each run's two outputs.
    """
    import tensorflow as tf

    @tf.function
    def twice(value: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        return layer(value, training=True), layer(value, training=True)

    value = tf.constant(x)
    return np.stack([np.stack([np.asarray(o) for o in twice(value)]) for _ in range(runs)])


def tensorboard_scalars(log_dir: str) -> dict[str, list[float]]:
    """Scalars of the TensorBoard event files under ``log_dir``, as ``{"train/epoch_loss":
    [v_step0, v_step1, ...], ...}`` (the run's folder, then the tag), ordered by step."""
    import tensorflow as tf

    found: dict[str, dict[int, float]] = {}
    root = Path(log_dir)
    for path in sorted(root.rglob("events.out.tfevents.*")):
        run = path.parent.relative_to(root).as_posix()
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.HasField("tensor"):
                    array = tf.make_ndarray(value.tensor)
                    if array.dtype.kind not in "fiu" or array.size != 1:
                        continue  # Keras also logs the model's configuration as text
                    number = float(array)
                elif value.HasField("simple_value"):
                    number = float(value.simple_value)
                else:
                    continue
                found.setdefault(f"{run}/{value.tag}", {})[int(event.step)] = number
    return {tag: [steps[s] for s in sorted(steps)] for tag, steps in sorted(found.items())}


def kit_cnn(
    input_shape: tuple[int, ...] = (8, 8, 1),
    n_classes: int = 10,
    seed: int = 0,
    batch_norm: bool = True,
    training_default: bool = False,
) -> Any:
    """A small CNN of Keras's own layers: conv, batch norm, ReLU, max-pool, twice, then dense
    (without the batch norms when ``batch_norm`` is false: nothing then changes while training
    with a learning rate of 0). With ``training_default`` a layer ``shift`` after ``flatten``
    adds 1 in training mode, and its ``call``'s ``training`` defaults to True (a layer may
    choose that default): only a call with ``training=False`` puts it in inference mode."""
    import keras

    class ShiftWhileTraining(keras.layers.Layer):
        def call(self, x, training=True):
            return x + 1.0 if training else x

    keras.utils.set_random_seed(seed)
    layers = keras.layers
    stack: list[Any] = [keras.Input(tuple(input_shape))]
    for i, filters in ((1, 8), (2, 16)):
        stack.append(layers.Conv2D(filters, 3, padding="same", name=f"conv{i}"))
        if batch_norm:
            stack.append(layers.BatchNormalization(name=f"bn{i}"))
        stack += [layers.ReLU(name=f"relu{i}"), layers.MaxPooling2D(2, name=f"pool{i}")]
    stack.append(layers.Flatten(name="flatten"))
    if training_default:
        stack.append(ShiftWhileTraining(name="shift"))
    stack.append(layers.Dense(n_classes, name="logits"))
    return keras.Sequential(stack)


def predict_from_checkpoint(
    checkpoint: str, x: np.ndarray, input_shape: tuple[int, ...], n_classes: int = 10
) -> np.ndarray:
    """Logits of a fresh ``kit_cnn`` with the weights of ``checkpoint`` loaded."""
    model = kit_cnn(input_shape, n_classes, seed=12345)
    model.load_weights(str(checkpoint))
    return np.asarray(model(x, training=False))


def fit(
    model: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int = 32,
    learning_rate: float = 3e-3,
    seed: int = 0,
) -> list[float]:
    """Train a model with Adam and sparse cross-entropy on logits (the kit's own loop, for tests
    of a student's model); returns the training loss per epoch."""
    import keras

    keras.utils.set_random_seed(seed)
    cross_entropy = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=cross_entropy)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    return [float(v) for v in history.history["loss"]]
