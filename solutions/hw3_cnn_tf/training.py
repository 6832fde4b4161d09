"""Training with Keras's tools (task 3.5) and every layer's output (task 3.6).

``train`` compiles the model with ``keras.optimizers.Adam(learning_rate)``, the loss
``keras.losses.SparseCategoricalCrossentropy(from_logits=True)`` and the metric ``"accuracy"``,
then fits it on ``data["x_train"], data["y_train"]`` for at most ``epochs`` epochs of
mini-batches of ``batch_size`` (shuffled), validating on ``data["x_val"], data["y_val"]``, with
these callbacks:

- ``keras.callbacks.ModelCheckpoint(checkpoint, monitor="val_accuracy", mode="max",
  save_best_only=True, save_weights_only=True)``: the best epoch's weights, in a file whose name
  ends in ``.weights.h5``;
- ``keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=patience)``;
- ``keras.callbacks.TensorBoard(log_dir)`` when ``log_dir`` is given: the loss and accuracy of
  every epoch, for training and validation (``tensorboard --logdir LOG_DIR`` shows them).

When it returns, the model holds the checkpoint's weights (those of its best epoch on the
validation split), and the result is Keras's history: ``{"loss": [...], "accuracy": [...],
"val_loss": [...], "val_accuracy": [...]}``, one value per epoch run. With ``epochs=0`` no epoch
runs and no checkpoint is saved: the history is empty and the model keeps its weights (a file
an earlier run left at ``checkpoint`` is not loaded).

``layer_outputs`` runs the model's layers one after the other in inference mode and returns
each one's output, keyed by the layer's name, for the notebook's feature-map plots.
"""

from __future__ import annotations

import keras
import numpy as np

__all__ = ["layer_outputs", "train"]


def train(
    model: keras.Model,
    data: dict[str, np.ndarray],
    *,
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 3e-3,
    patience: int = 3,
    checkpoint: str = "best.weights.h5",
    log_dir: str | None = None,
    verbose: int = 0,
) -> dict[str, list[float]]:
    """Train ``model`` as the module docstring says; return its history."""
    history = None
    # TODO(3.5): compile, fit with the three callbacks, load the best checkpoint.
    ### BEGIN SOLUTION
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            checkpoint,
            monitor="val_accuracy",
            mode="max",
            save_best_only=True,
            save_weights_only=True,
        ),
        keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=patience),
    ]
    if log_dir is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir))
    fit = model.fit(
        data["x_train"],
        data["y_train"],
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(data["x_val"], data["y_val"]),
        shuffle=True,
        callbacks=callbacks,
        verbose=verbose,
    )
    if epochs > 0:  # else no epoch ran and no checkpoint was saved by this call
        model.load_weights(checkpoint)
    history = {key: [float(v) for v in values] for key, values in fit.history.items()}
    ### END SOLUTION
    return history


def layer_outputs(model: keras.Sequential, x: np.ndarray) -> dict[str, np.ndarray]:
    """Each layer's output for the input batch ``x``, in inference mode, keyed by layer name
    (in the model's order)."""
    outputs = None
    # TODO(3.6): apply the layers in turn with training=False; keep each output as numpy.
    ### BEGIN SOLUTION
    outputs = {}
    h = x
    for layer in model.layers:
        h = layer(h, training=False)
        outputs[layer.name] = np.asarray(h)
    ### END SOLUTION
    return outputs
