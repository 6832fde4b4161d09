"""The shared learning checks: accuracy from predictions, a threshold, a margin over a baseline."""

import numpy as np
import pytest

from autograder.authoring import CheckFailed, accuracy, check_accuracy, check_learning


def test_check_accuracy_returns_the_accuracy_and_names_data_model_and_threshold():
    labels = np.array([0, 1, 2, 1])
    assert check_accuracy(np.array([0, 1, 2, 0]), labels, 0.75, data="digits", model="m") == 0.75
    with pytest.raises(CheckFailed) as failed:
        check_accuracy(np.array([0, 0, 0, 0]), labels, 0.9, data="digits", model="build_mlp()")
    assert failed.value.summary == (
        "digits test accuracy 0.2500 of build_mlp(): below the threshold 0.9"
    )


def test_predictions_of_another_shape_are_refused():
    with pytest.raises(CheckFailed, match=r"predictions: shape \(3, 1\), expected \(3,\)"):
        accuracy(np.zeros((3, 1)), np.zeros(3))


def test_check_learning_asks_the_margin_over_the_baseline():
    check_learning(0.70, 0.6574, 0.04, model="UNet")
    with pytest.raises(CheckFailed) as failed:
        check_learning(
            0.69, 0.6574, 0.04, model="UNet", measure="masked test accuracy",
            baseline_name="the nucleotide-only baseline",
        )  # fmt: skip
    assert failed.value.summary == (
        "masked test accuracy 0.6900 of UNet: below the nucleotide-only baseline 0.6574 + 0.04"
    )
