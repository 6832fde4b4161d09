"""Hidden tests of tasks 3.5 and 3.6: accuracy on the digits and Fashion-MNIST, inference mode.

The digits threshold: benchmarks/hw3_seeds.py runs the reference ``train`` on the kit's CNN
(``keras_tools.kit_cnn``), the full digits split, 10 epochs, patience 3, seeds 0..9: test
accuracy 0.9610 0.9526 0.9694 0.9415 0.9415 0.9582 0.9387 0.9526 0.9582 0.8858; min 0.8858,
mean 0.9460, std 0.0221 (patience 3 may stop a run early). The threshold 0.85 is 13 test images
below the worst seed and 4.3 standard deviations below the mean.

The Fashion-MNIST subset (6000 train, 1000 test, 3 epochs, patience 2, ``--fashion``), seeds
0..4: 0.8550 0.8460 0.8310 0.8580 0.8760; min 0.8310, mean 0.8532, std 0.0148 -> threshold 0.75.
"""

import numpy as np
import pytest

from autograder.authoring import (
    assert_close,
    check,
    check_accuracy,
    graded,
    probe,
    requires,
    seed_everything,
    submission,
)

training = submission("hw3_cnn_tf.training")
data = submission("hw3_cnn_tf.data")

pytestmark = pytest.mark.hidden

TRAIN_THRESHOLD = 0.85
FASHION_THRESHOLD = 0.75


@graded("3.5", points=6)
def test_training_reaches_the_digits_threshold():
    seed_everything(3053)
    digits = data.load_digits_images()
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 0)
    training.train(model, digits, epochs=10, patience=3, checkpoint="digits.weights.h5")
    logits = model.predict(digits["x_test"], verbose=0)
    check_accuracy(
        np.argmax(logits, axis=1),
        digits["y_test"],
        TRAIN_THRESHOLD,
        data="digits",
        model="the kit's CNN trained by your train (10 epochs, patience 3)",
    )


@graded("3.5", points=2)
@pytest.mark.slow
@requires("fashion-mnist")
def test_training_on_a_fashion_mnist_subset():
    seed_everything(3054)
    fashion = data.load_fashion_images(subset=(6000, 1000))
    model = probe("keras_tools.kit_cnn", (28, 28, 1), 10, 0)
    training.train(model, fashion, epochs=3, patience=2, checkpoint="fashion.weights.h5")
    logits = model.predict(fashion["x_test"], verbose=0)
    check_accuracy(
        np.argmax(logits, axis=1),
        fashion["y_test"],
        FASHION_THRESHOLD,
        data="Fashion-MNIST",
        model="the kit's CNN trained by your train on 6000 images (3 epochs, patience 2)",
    )


@graded("3.6", points=2)
def test_layer_outputs_run_in_inference_mode():
    seed_everything(3062)
    model = probe("keras_tools.kit_cnn", (8, 8, 1), 10, 5)
    before = model.get_layer("bn1").moving_mean.numpy()
    x = np.random.default_rng(2).normal(3.0, 1.0, (4, 8, 8, 1)).astype("float32")
    outputs = training.layer_outputs(model, x)
    after = model.get_layer("bn1").moving_mean.numpy()
    check(
        np.array_equal(before, after),
        "layer_outputs changed BatchNormalization's moving mean: call each layer with "
        "training=False",
    )
    # the outputs too (a layer_outputs that computes nothing leaves the moving mean alone): in
    # training mode the batch norms would use this batch's statistics (its mean is 3, not 0)
    check(
        isinstance(outputs, dict) and "logits" in outputs,
        "layer_outputs must return a dict keyed by layer name",
    )
    assert_close(
        outputs["logits"],
        model(x, training=False),
        rtol=1e-5,
        atol=1e-5,
        name="layer_outputs['logits'] against the model's output in inference mode",
    )
