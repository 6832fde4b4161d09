"""Public tests of tasks 3.3 and 3.4: the CNN and the MLP, their layers and forward passes.

The forward passes are compared with ``autograder.authoring.oracles.keras``, which rebuilds each
model from its weights with ``tf.nn`` ops (inference mode: BatchNorm uses its moving statistics,
Dropout is the identity).
"""

import numpy as np
import pytest

from autograder.authoring import assert_close, check, graded, seed_everything, submission, type_name
from autograder.authoring.oracles.keras import cnn_forward, mlp_forward

models = submission("hw3_cnn_tf.models")

CNN_LAYERS = [
    ("conv1", "Conv2D"),
    ("bn1", "BatchNorm"),
    ("relu1", "ReLU"),
    ("pool1", "MaxPooling2D"),
    ("conv2", "Conv2D"),
    ("bn2", "BatchNorm"),
    ("relu2", "ReLU"),
    ("pool2", "MaxPooling2D"),
    ("flatten", "Flatten"),
    ("logits", "Dense"),
]
MLP_LAYERS = [
    ("dense1", "Dense"),
    ("bn1", "BatchNorm"),
    ("relu1", "ReLU"),
    ("drop1", "Dropout"),
    ("logits", "Dense"),
]


def _layers(model):
    return [(layer.name, type_name(layer)) for layer in model.layers]


def _check_layers(got, expected, what):
    check(
        got == expected,
        f"{what}: layers {got}; the handout fixes these names and classes in this order: "
        f"{expected}",
    )


def _randomise_statistics(model, seed):
    """Moving statistics that differ from their starting values, so inference shows them."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if layer.name.startswith("bn"):
            channels = layer.moving_mean.numpy().shape[0]
            layer.moving_mean.assign(rng.normal(size=channels).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 2.0, channels).astype("float32"))
            layer.gamma.assign(rng.uniform(0.5, 2.0, channels).astype("float32"))
            layer.beta.assign(rng.normal(size=channels).astype("float32"))


def _weights(model):
    out = {}
    for layer in model.layers:
        if layer.name.startswith("bn"):
            out[layer.name] = [
                getattr(layer, n).numpy()
                for n in ("gamma", "beta", "moving_mean", "moving_variance")
            ]
        else:
            out[layer.name] = layer.get_weights()
    return out


@graded("3.3", points=3)
def test_cnn_layers_names_and_order():
    seed_everything(3030)
    model = models.build_cnn((8, 8, 1), 10, (4, 6))
    _check_layers(_layers(model), CNN_LAYERS, "build_cnn")
    # 3 x 3 kernels of filters[0] then filters[1] channels: (8, 8) -> (4, 4) -> (2, 2) x 6 = 24
    expected = {"conv1": (3, 3, 1, 4), "conv2": (3, 3, 4, 6), "logits": (24, 10)}
    for name, shape in expected.items():
        got = tuple(model.get_layer(name).get_weights()[0].shape)
        check(
            got == shape,
            f"build_cnn((8, 8, 1), 10, filters=(4, 6)): {name}'s kernel has shape {got}, "
            f"expected {shape} (conv1 Conv2D(filters[0], 3), conv2 Conv2D(filters[1], 3), "
            "padding same)",
        )


@graded("3.3", points=2)
@pytest.mark.parametrize("shape, n_classes", [((8, 8, 1), 10), ((28, 28, 1), 7)])
def test_cnn_output_shape(shape, n_classes):
    seed_everything(3031)
    model = models.build_cnn(shape, n_classes, (4, 6))
    x = np.zeros((3, *shape), dtype="float32")
    out = model(x)
    check(
        out.shape == (3, n_classes),
        f"build_cnn({shape}, {n_classes}): output shape {out.shape}, expected (3, {n_classes})",
    )


@graded("3.3", points=4)
def test_cnn_forward_matches_an_independent_forward_pass():
    seed_everything(3032)
    model = models.build_cnn((8, 8, 1), 10, (4, 6))
    _randomise_statistics(model, seed=1)
    x = np.random.default_rng(2).normal(size=(5, 8, 8, 1)).astype("float32")
    assert_close(
        model(x, training=False),
        cnn_forward(_weights(model), x),
        rtol=1e-4,
        atol=1e-4,
        name="build_cnn's logits at inference (conv, BatchNorm, ReLU, max-pool, twice, dense)",
    )


@graded("3.4", points=3)
def test_mlp_layers_names_and_order():
    seed_everything(3040)
    _check_layers(_layers(models.build_mlp(64, 10, 32, 0.2)), MLP_LAYERS, "build_mlp")


@graded("3.4", points=3)
def test_mlp_inference_matches_an_independent_forward_pass():
    seed_everything(3041)
    model = models.build_mlp(12, 4, 16, 0.5)
    _randomise_statistics(model, seed=3)
    x = np.random.default_rng(4).normal(size=(6, 12)).astype("float32")
    assert_close(
        model(x, training=False),
        mlp_forward(_weights(model), x),
        rtol=1e-4,
        atol=1e-4,
        name="build_mlp's logits at inference (dense, BatchNorm, ReLU, dropout off, dense)",
    )
