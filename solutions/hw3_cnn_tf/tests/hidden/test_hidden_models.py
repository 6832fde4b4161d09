"""Hidden tests of tasks 3.3 and 3.4: learning digits, training-mode behaviour.

The digits threshold of the CNN: benchmarks/hw3_seeds.py trains the reference ``build_cnn``
with the kit's own loop (``keras_tools.fit``: Adam 3e-3, batches of 32, 8 epochs) on the digits'
training and validation images, seeds 0..9, and measures test accuracy; see the numbers in
``CNN_THRESHOLD``'s comment.
"""

import numpy as np
import pytest

from autograder.authoring import check, check_accuracy, graded, probe, seed_everything, submission

models = submission("hw3_cnn_tf.models")
data = submission("hw3_cnn_tf.data")

pytestmark = pytest.mark.hidden

# test accuracy over seeds 0..9: 0.9721 0.9582 0.9833 0.9526 0.9582 0.9638 0.9554 0.9721 0.9666
# 0.9443; min 0.9443, mean 0.9627, std 0.0107: 0.90 is 16 test images (of 359) below the worst
# seed and 5.9 standard deviations below the mean
CNN_THRESHOLD = 0.90


@graded("3.3", points=5)
def test_cnn_learns_the_digits():
    seed_everything(3033)
    digits = data.load_digits_images()
    x = np.concatenate([digits["x_train"], digits["x_val"]])
    y = np.concatenate([digits["y_train"], digits["y_val"]])
    model = models.build_cnn((8, 8, 1), 10)
    probe("keras_tools.fit", model, x, y, epochs=8, seed=0)
    logits = model.predict(digits["x_test"], verbose=0)
    check_accuracy(
        np.argmax(logits, axis=1),
        digits["y_test"],
        CNN_THRESHOLD,
        data="digits",
        model="build_cnn((8, 8, 1), 10) trained 8 epochs",
    )


@graded("3.3", points=2)
def test_cnn_batch_norms_learn_their_statistics_while_training():
    seed_everything(3034)
    model = models.build_cnn((8, 8, 1), 10, (4, 6))
    x = np.random.default_rng(5).normal(2.0, 1.0, (16, 8, 8, 1)).astype("float32")
    model(x, training=True)
    moved = [
        layer.name
        for layer in model.layers
        if layer.name.startswith("bn") and np.any(layer.moving_mean.numpy() != 0)
    ]
    check(
        moved == ["bn1", "bn2"],
        f"after one training call of build_cnn's model, the BatchNorm layers whose moving mean "
        f"changed are {moved}; expected ['bn1', 'bn2']",
    )


@graded("3.4", points=2)
def test_mlp_drops_while_training_only():
    seed_everything(3042)
    model = models.build_mlp(10, 3, 200, 0.5)
    x = np.random.default_rng(6).normal(size=(4, 10)).astype("float32")
    a, b = model(x, training=True), model(x, training=True)
    check(not np.allclose(a, b), "build_mlp: two training calls gave the same output (dropout?)")
    c, d = model(x), model(x)
    check(np.array_equal(c, d), "build_mlp: two inference calls gave different outputs")


@graded("3.4", points=2)
def test_mlp_passes_its_arguments_on():
    seed_everything(3043)
    model = models.build_mlp(7, 5, 9, 0.35)
    by_name = {layer.name: layer for layer in model.layers}
    check(
        by_name["dense1"].get_weights()[0].shape == (7, 9),
        "build_mlp(7, 5, 9, 0.35): dense1's kernel should be (7, 9)",
    )
    check(
        by_name["logits"].get_weights()[0].shape == (9, 5),
        "build_mlp(7, 5, 9, 0.35): the logits' kernel should be (9, 5)",
    )
    check(
        abs(float(by_name["drop1"].rate) - 0.35) < 1e-12,
        "build_mlp(..., rate=0.35): drop1's rate should be 0.35",
    )
