"""Hidden tests of task 4.6: the basic RNN and the LSTM learn the offline corpus too.

Configuration as the public GRU test (batch 64, Adam(2e-2), T = 16) with 6 epochs for the basic
RNN (it leaves its plateau near 0.6 later than the gated cells) and 3 for the LSTM. Reference
over seeds 0..9: benchmarks/hw4_corpus_seeds.py, figures in the test docstrings.
"""

import numpy as np
import pytest

from autograder import harness
from autograder.data import bigram_baseline, load_sentiment_corpus
from autograder.harness import graded, submission
from autograder.testing import check, seed_everything

pytestmark = pytest.mark.hidden

cells = submission("hw4_rnn_tf.cells")
classifier = submission("hw4_rnn_tf.classifier")
training = submission("hw4_rnn_tf.training")

ACCURACY_THRESHOLD = 0.90
MARGIN_OVER_BIGRAMS = 0.15


def learning_check(kind, cell, n_epochs, seed):
    run = harness.probe(
        "recurrent.train_and_predict",
        cell,
        classifier.SentenceClassifier,
        training.train,
        epochs=n_epochs,
        patience=n_epochs,
        seed=seed,
    )
    data = load_sentiment_corpus()
    accuracy = float(np.mean(run["test_predictions"] == data.test.labels))
    bigrams = float(np.mean(bigram_baseline(data.train, data.test.sentences) == data.test.labels))
    what = f"{kind} classifier trained {n_epochs} epochs: test accuracy {accuracy:.3f}"
    check(accuracy >= ACCURACY_THRESHOLD, f"{what}, below the threshold {ACCURACY_THRESHOLD}")
    check(
        accuracy >= bigrams + MARGIN_OVER_BIGRAMS,
        f"{what}, not {MARGIN_OVER_BIGRAMS} above the bigram baseline's {bigrams:.3f}",
    )


@graded("4.6", points=7)
def test_basic_rnn_learns_the_offline_corpus():
    """Reference, training seeds 0..9: see benchmarks/hw4_corpus_seeds.py (RNN, 6 epochs)."""
    seed_everything(490)
    learning_check("basic RNN", cells.BasicRNNCell(32, 16, seed=0), n_epochs=6, seed=0)


@graded("4.6", points=8)
def test_lstm_learns_the_offline_corpus():
    """Reference, training seeds 0..9: see benchmarks/hw4_corpus_seeds.py (LSTM, 3 epochs)."""
    seed_everything(491)
    learning_check("LSTM", cells.BasicLSTMCell(32, 16, seed=0), n_epochs=3, seed=0)
