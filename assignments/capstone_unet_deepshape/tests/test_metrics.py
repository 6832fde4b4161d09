"""Public tests of task 5.6: masked accuracy and AUROC on the known positions, against a direct
count and scikit-learn's roc_auc_score."""

import math

import numpy as np

from autograder.authoring import assert_close, check, graded, submission
from autograder.topics.deepshape.oracle import auroc, masked_accuracy

metrics = submission("capstone_unet_deepshape.metrics")


def batch(seed: int, n: int = 4, length: int = 30):
    rng = np.random.default_rng(seed)
    targets = (rng.random((n, length)) < 0.4).astype(np.float64)
    scores = rng.normal(size=(n, length)) + 0.8 * targets
    targets[rng.random((n, length)) < 0.35] = np.nan
    return scores, targets


@graded("5.6", points=3)
def test_masked_accuracy_counts_known_positions_only():
    scores, targets = batch(560)
    got = metrics.masked_accuracy(scores, targets)
    assert_close(
        float(got),
        masked_accuracy(scores, targets),
        rtol=1e-12,
        name="masked_accuracy (logits > 0 vs targets, over the known positions only; NaN "
        "positions are neither right nor wrong)",
    )


@graded("5.6", points=1)
def test_masked_accuracy_without_known_positions_is_nan():
    got = metrics.masked_accuracy(np.ones((2, 3)), np.full((2, 3), np.nan))
    check(math.isnan(got), f"masked_accuracy without known positions: {got}, expected nan")


@graded("5.6", points=3)
def test_masked_auroc_matches_scikit_learn_on_known_positions():
    scores, targets = batch(561)
    got = metrics.masked_auroc(scores, targets)
    assert_close(
        float(got),
        auroc(scores, targets),
        rtol=1e-10,
        name="masked_auroc vs scikit-learn's roc_auc_score over the known positions only",
    )


@graded("5.6", points=2)
def test_masked_auroc_counts_ties_as_half():
    scores, targets = batch(562)
    scores = np.round(scores)  # many ties
    got = metrics.masked_auroc(scores, targets)
    assert_close(
        float(got),
        auroc(scores, targets),
        rtol=1e-10,
        name="masked_auroc with tied scores vs roc_auc_score on the known positions (a tie "
        "counts as half)",
    )


@graded("5.6", points=1)
def test_masked_auroc_of_one_class_is_nan():
    targets = np.array([[1.0, np.nan, 1.0, 1.0]])
    got = metrics.masked_auroc(np.array([[0.2, 0.1, 0.3, 0.5]]), targets)
    check(math.isnan(got), f"masked_auroc with only one class known: {got}, expected nan")
