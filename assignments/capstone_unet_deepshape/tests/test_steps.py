"""Public tests of task 5.7: one training step against the same Adam steps done by the kit on
the same small network, and prediction in evaluation mode."""

import numpy as np

from autograder.authoring import assert_close, check, graded, probe, submission
from autograder.topics.deepshape.oracle import adam_toy_run
from autograder.topics.deepshape.probe import toy_regressor

steps = submission("capstone_unet_deepshape.steps")


def toy_data(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(8, 6))
    y = rng.normal(size=(8, 4))
    y[rng.random((8, 4)) < 0.3] = np.nan
    return x, y


@graded("5.7", points=3)
def test_train_step_does_what_adam_steps_do():
    x, y = toy_data(570)
    got = probe("deepshape.train_toy", steps.train_step, 7, x, y, 3)
    expected = adam_toy_run(7, x, y, 3)
    assert_close(
        got["losses"],
        expected["losses"],
        rtol=1e-7,
        atol=1e-10,
        name="train_step: the losses of 3 calls on a model left in evaluation mode (train mode "
        "first, gradients cleared before each backward pass)",
    )
    for name, value in expected["params"].items():
        assert_close(
            got["params"][name],
            value,
            rtol=1e-6,
            atol=1e-9,
            name=f"train_step: parameter {name} after 3 Adam steps",
        )


@graded("5.7", points=2)
def test_predict_uses_evaluation_mode_without_gradients():
    import torch

    x, _ = toy_data(571)
    got = probe("deepshape.predict_toy", steps.predict, 8, x, 3)
    model = toy_regressor(8)
    with torch.no_grad():
        for _ in range(3):
            model(torch.from_numpy(x))
        model.eval()
        expected = model(torch.from_numpy(x)).numpy().astype(np.float32)
    check(
        got["type"] == "numpy.ndarray",
        f"predict returned a {got['type']}, expected a numpy array (.numpy() of the logits)",
    )
    check(
        got["logits"].dtype == np.float32,
        f"predict returned {got['logits'].dtype}, expected a float32 numpy array",
    )
    assert_close(
        got["logits"],
        expected,
        rtol=1e-5,
        atol=1e-6,
        name="predict: logits in evaluation mode (BatchNorm's running statistics, no dropout)",
    )
    check(got["grads"] == 0, "predict recorded gradients: use torch.no_grad()")
