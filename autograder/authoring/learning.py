"""Checks that a submission learns: an accuracy threshold, and a margin over a baseline.

The grader computes every accuracy from the submission's predictions and labels it holds (the
worker never sees test labels). Thresholds are set from the reference solution measured over
several training seeds, with a margin, so that a correct implementation trained with other seeds
(or written differently) passes; each test's docstring or module docstring gives its figures,
and the thresholds in use are listed here:

``check_accuracy`` (test accuracy at least a threshold):

- HW1 digits, ``build_mlp([64, 128, 10], "relu")``, Adam(1e-3), 40 epochs: seeds 0..9 min
  0.9666, mean 0.9721 -> 0.95 (5 of 359 test images below the worst seed). Hidden: gelu, hinge
  loss, Adam(1e-3), 30 epochs: min 0.9582, mean 0.9649 -> 0.94; sigmoid, Euclidean loss,
  SGD(0.1, momentum 0.9), 40 epochs: min 0.9694, mean 0.9791 -> 0.95; Fashion-MNIST subset
  (10000, 2000), 5 epochs, seeds 0..4: min 0.8390, mean 0.8502 -> 0.80
  (``benchmarks/hw1_digits_seeds.py``).
- HW2 digits, ``build_lenet()``, Adam(3e-3), 10 epochs: seeds 0..9 min 0.9331, mean 0.9499,
  std 0.0087 -> 0.90 (12 test images below the worst seed). Hidden: Fashion-MNIST subset
  (4000, 1000), 2 epochs, seeds 0..4: min 0.8010, mean 0.8094 -> 0.75
  (``benchmarks/hw2_digits_seeds.py``).
- HW3 digits (hidden): ``build_cnn`` fitted 8 epochs, seeds 0..9 min 0.9443, mean 0.9627 ->
  0.90; the kit's CNN trained by the submission's ``train``, 10 epochs, patience 3: min 0.8858,
  mean 0.9460 -> 0.85; Fashion-MNIST subset (6000, 1000), 3 epochs: min 0.8310, mean 0.8532 ->
  0.75 (``benchmarks/hw3_seeds.py``).
- HW4 offline corpus, GRU(32) 3 epochs: seeds 0..9 min 0.9990, mean 0.9999 -> 0.90 (basic RNN
  8 epochs and LSTM 3 epochs: 0.9990 to 1.0); SST-2, LSTM(32), 4 epochs: 0.803 -> 0.75
  (``benchmarks/hw4_corpus_seeds.py``).

``check_learning`` (a measure above a baseline by a margin):

- HW4 offline corpus: the bigram baseline 0.6150 + 0.15 (the last-word baseline 0.5810).
- Capstone, masked test accuracy over the nucleotide-only baseline 0.6574: 3 epochs, seeds 0..7
  min +0.058, mean +0.061, std 0.002 -> + 0.04; 8 epochs min +0.094, mean +0.102, std 0.006
  -> + 0.06 (``benchmarks/capstone_seeds.py --epochs 3 8``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.authoring.checks import CheckFailed, check

__all__ = ["accuracy", "check_accuracy", "check_learning"]


def accuracy(predictions: Any, labels: Any) -> float:
    """The fraction of ``predictions`` equal to ``labels`` (both (N,) class ids).

    Raises:
        CheckFailed: the predictions do not have the labels' shape.
    """
    labels = np.asarray(labels)
    got = np.asarray(predictions)
    if got.shape != labels.shape:
        raise CheckFailed(f"predictions: shape {got.shape}, expected {labels.shape}")
    return float(np.mean(got == labels))


def check_accuracy(
    predictions: Any, labels: Any, threshold: float, *, data: str, model: str
) -> float:
    """Fail unless the test accuracy of ``predictions`` reaches ``threshold``; return it.

    Args:
        predictions: the submission's predicted class ids, (N,).
        labels: the true class ids, (N,), held by the grader.
        threshold: the least accuracy that passes (measured figures: this module's docstring).
        data: the data set, as the message starts: ``"digits"``, ``"Fashion-MNIST"``.
        model: what was trained and how: ``"build_lenet() trained 10 epochs with Adam(lr=3e-3)"``.

    Raises:
        CheckFailed: ``"<data> test accuracy 0.8712 of <model>: below the threshold 0.9"``.
    """
    value = accuracy(predictions, labels)
    check(
        value >= threshold,
        f"{data} test accuracy {value:.4f} of {model}: below the threshold {threshold}",
    )
    return value


def check_learning(
    value: float,
    baseline: float,
    margin: float,
    *,
    model: str,
    measure: str = "test accuracy",
    baseline_name: str = "the baseline",
) -> None:
    """Fail unless ``value`` beats ``baseline`` by at least ``margin``: the model learnt more than
    a simple rule (the nucleotide alone, a bag of bigrams) gives.

    Args:
        value: the submission's measure, computed by the grader.
        baseline: the simple rule's measure on the same data.
        margin: how far above the baseline ``value`` must be (measured figures: the docstring).
        model: what was trained and how, for the message.
        measure: what ``value`` is: ``"masked test accuracy"``.
        baseline_name: the baseline as the message names it: ``"the bigram baseline"``.

    Raises:
        CheckFailed: ``"<measure> 0.6612 of <model>: below <baseline_name> 0.6574 + 0.04"``.
    """
    check(
        value >= baseline + margin,
        f"{measure} {value:.4f} of {model}: below {baseline_name} {baseline:.4f} + {margin}",
    )
