"""Public tests of tasks 3.5 and 3.6: the training tools and every layer's output.

They train a CNN made of Keras's own layers (``keras_tools.kit_cnn``, built by the kit on the
submission's side), so that only ``train`` and ``layer_outputs`` are graded here.
"""

import numpy as np

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission

training = submission("hw3_cnn_tf.training")
data = submission("hw3_cnn_tf.data")

HISTORY_KEYS = {"loss", "accuracy", "val_loss", "val_accuracy"}


def _small_digits(n_train=300, n_val=100):
    digits = data.load_digits_images()
    return {
        "x_train": digits["x_train"][:n_train],
        "y_train": digits["y_train"][:n_train],
        "x_val": digits["x_val"][:n_val],
        "y_val": digits["y_val"][:n_val],
    }


def _accuracy(logits, y):
    return float(np.mean(np.argmax(logits, axis=1) == y))


@graded("3.5", points=3)
def test_train_returns_the_history_and_stops_early():
    seed_everything(3050)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 0, False)
    small = _small_digits()
    # without batch norms and with a learning rate of 0 nothing changes: early stopping ends it
    history = training.train(
        model, small, epochs=12, learning_rate=0.0, patience=2, checkpoint="still.weights.h5"
    )
    check(
        set(history) >= HISTORY_KEYS,
        f"train returned the keys {sorted(history)}; expected {sorted(HISTORY_KEYS)}",
    )
    epochs = len(history["val_accuracy"])
    check(
        epochs == 3,
        f"train(..., patience=2) with nothing to learn ran {epochs} epochs; early stopping on "
        "val_accuracy should stop it after 3 (the first, then 2 without improvement)",
    )


@graded("3.5", points=1)
def test_zero_epochs_train_nothing_and_load_no_checkpoint():
    """``epochs=0`` (the handout): no epoch runs, so no checkpoint is saved; the file an earlier
    run (one epoch of another model) left at ``checkpoint`` must not be loaded."""
    seed_everything(3055)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 6, False)
    other = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 7, False)
    small = _small_digits(n_train=32, n_val=32)
    earlier = training.train(other, small, epochs=1, checkpoint="old.weights.h5")
    check(
        len(dict(earlier).get("val_accuracy", [])) == 1,
        f"train(..., epochs=1) returned {earlier!r}: one val_accuracy per epoch run expected",
    )
    before = model(small["x_val"], training=False)
    history = training.train(model, small, epochs=0, checkpoint="old.weights.h5")
    check(
        all(len(values) == 0 for values in dict(history).values()),
        f"train(..., epochs=0) returned {history!r}; no epoch runs, so the history is empty",
    )
    assert_close(
        model(small["x_val"], training=False),
        before,
        rtol=0,
        atol=0,
        name="logits after train(..., epochs=0) vs before (the model keeps its weights; no "
        "checkpoint was saved by this call, so none is loaded)",
    )


@graded("3.5", points=4)
def test_the_model_returned_holds_the_best_checkpoint():
    """The validation labels are shifted by one class, so the validation accuracy is best
    before the model has learnt much and falls as it learns: the best epoch is not the last."""
    seed_everything(3051)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 1)
    small = _small_digits()
    small["y_val"] = (small["y_val"] + 1) % 10
    history = training.train(
        model, small, epochs=5, patience=5, learning_rate=0.01, checkpoint="best.weights.h5"
    )
    accuracies = history["val_accuracy"]
    x_val = small["x_val"]
    reloaded = probe("keras_tools.predict_from_checkpoint", "best.weights.h5", x_val, (8, 8, 1))
    best = max(accuracies)
    got = _accuracy(reloaded, small["y_val"])
    check(
        abs(got - best) < 0.5 / len(small["y_val"]),
        f"the checkpoint's validation accuracy is {got:.3f}, the best epoch's was {best:.3f} "
        f"(per epoch: {', '.join(f'{a:.3f}' for a in accuracies)}): save only the best epoch "
        "(monitor val_accuracy, mode max)",
    )
    assert_close(
        model(x_val, training=False),
        reloaded,
        rtol=1e-5,
        atol=1e-5,
        name="logits of the model train returned and of a fresh model loaded from the checkpoint "
        "(train must end by loading the best epoch's weights)",
    )


@graded("3.5", points=4)
def test_tensorboard_logs_hold_each_epochs_loss_and_accuracy():
    seed_everything(3052)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 2)
    logs = "logs-of-the-tensorboard-test"  # no other test writes here
    history = training.train(
        model, _small_digits(), epochs=3, patience=5, checkpoint="tb.weights.h5", log_dir=logs
    )
    scalars = probe("keras_tools.tensorboard_scalars", logs)
    for run, prefix in (("train", ""), ("validation", "val_")):
        for tag in ("loss", "accuracy"):
            key = f"{run}/epoch_{tag}"
            check(key in scalars, f"the TensorBoard logs lack {key}; found {sorted(scalars)}")
            assert_close(
                np.array(scalars[key]),
                np.array(history[prefix + tag]),
                rtol=1e-5,
                atol=1e-6,
                name=f"TensorBoard's {key} against the history's {prefix + tag}",
            )


@graded("3.6", points=4)
def test_layer_outputs_are_named_in_order_with_their_shapes():
    seed_everything(3060)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 3)
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 1)).astype("float32")
    outputs = training.layer_outputs(model, x)
    names = [layer.name for layer in model.layers]
    check(list(outputs) == names, f"layer_outputs keys {list(outputs)}, expected {names}")
    shapes = {k: tuple(v.shape) for k, v in outputs.items()}
    expected = {"conv1": (2, 8, 8, 8), "pool1": (2, 4, 4, 8), "pool2": (2, 2, 2, 16)}
    expected |= {"flatten": (2, 64), "logits": (2, 10)}
    for name, shape in expected.items():
        check(
            shapes[name] == shape,
            f"layer_outputs[{name!r}]: shape {shapes[name]}, expected {shape}",
        )


@graded("3.6", points=4)
def test_layer_outputs_chain_each_layer_on_the_last():
    seed_everything(3061)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 4)
    x = np.random.default_rng(1).normal(size=(3, 8, 8, 1)).astype("float32")
    outputs = training.layer_outputs(model, x)
    layers = model.layers
    h = x
    for i, name in enumerate(outputs):
        h = layers[i](h, training=False)
        assert_close(outputs[name], h, rtol=1e-5, atol=1e-5, name=f"layer_outputs[{name!r}]")
    assert_close(
        outputs["logits"],
        model(x, training=False),
        rtol=1e-5,
        atol=1e-5,
        name="layer_outputs['logits'] against the model's own output",
    )
