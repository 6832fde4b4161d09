"""Hidden tests of task 4.6: the basic RNN and the LSTM learn the offline corpus too; the LSTM
on SST-2 where the Stanford Sentiment Treebank is in the data cache (a slow test).

Configuration as the public GRU test (batch 64, Adam(2e-2), T = 16) with 8 epochs for the basic
RNN (it leaves its plateau near 0.6 later than the gated cells) and 3 for the LSTM. Reference
over seeds 0..9: benchmarks/hw4_corpus_seeds.py, figures in the test docstrings.
"""

import pytest

from autograder.authoring import check_accuracy, graded, requires, seed_everything, submission
from autograder.data import Vocabulary
from autograder.topics.recurrent.data import load_sst
from autograder.topics.recurrent.oracle import check_sentence_learning

pytestmark = pytest.mark.hidden

cells = submission("hw4_rnn_tf.cells")
classifier = submission("hw4_rnn_tf.classifier")
training = submission("hw4_rnn_tf.training")


@graded("4.6", points=7)
def test_basic_rnn_learns_the_offline_corpus():
    """Reference, training seeds 0..14, 8 epochs (benchmarks/hw4_corpus_seeds.py): test accuracy
    1.0000 for 14 seeds, 0.9990 for one. The basic RNN stays near the bag-of-words level for one
    to five epochs (dev accuracy 0.5-0.7), then jumps to 0.95-1.0; the slowest seed (8) jumped
    in epoch 6, so 8 epochs leave two to spare. Threshold 0.90 as for the GRU."""
    seed_everything(490)
    cell = cells.BasicRNNCell(32, 16, seed=0)
    check_sentence_learning(
        "basic RNN", cell, classifier.SentenceClassifier, training.train, epochs=8, seed=0
    )


@graded("4.6", points=7)
def test_lstm_learns_the_offline_corpus():
    """Reference, training seeds 0..9, 3 epochs (benchmarks/hw4_corpus_seeds.py): test accuracy
    1.0000 for every seed; dev accuracy 0.55-0.65 after the first epoch, 1.0 after the second.
    Threshold 0.90 as for the GRU."""
    seed_everything(491)
    cell = cells.BasicLSTMCell(32, 16, seed=0)
    check_sentence_learning(
        "LSTM", cell, classifier.SentenceClassifier, training.train, epochs=3, seed=0
    )


SST2_THRESHOLD = 0.75


@pytest.mark.slow
@requires("sst")
@graded("4.6", points=1, timeout=400.0)
def test_lstm_on_sst2():
    """SST-2 (sentence level, neutral dropped: 6920 / 872 / 1821 sentences), LSTM(32) on
    16-dimensional embeddings learnt from scratch, sentences cut to 40 tokens, mini-batches of 64,
    Adam(2e-2), 4 epochs, the weights of the best dev epoch kept.

    Measured on the published SST-2 with the reference solution (random embeddings), as reported
    in the kit's issue 24 (the kit's own machines have no copy of the SST, so it was not
    re-measured here): this configuration 0.803 test accuracy; a GRU of the same size 0.794;
    LSTM(64) on 64-dimensional embeddings with Adam(3e-3) 0.804; the kit's bigram logistic
    regression 0.811; the last word alone 0.506. The cells overfit after one or two epochs, so
    the best dev epoch is kept. The threshold, 0.75, is 0.05 below the measured figures (room
    for seeds and other correct implementations) and far above what a cell that does not carry
    its state along the sentence reaches (the last word, 0.506).
    """
    data = load_sst(binary=True)
    seed_everything(492)
    vocab = Vocabulary.build(data.train.sentences)
    train_ids, train_mask = vocab.encode(data.train.sentences, 40)
    dev_ids, dev_mask = vocab.encode(data.dev.sentences, 40)
    test_ids, test_mask = vocab.encode(data.test.sentences, 40)
    model = classifier.SentenceClassifier(len(vocab), cells.BasicLSTMCell(32, 16, seed=0), seed=0)
    settings = {"epochs": 4, "batch_size": 64, "learning_rate": 2e-2, "patience": 4, "seed": 0}
    training.train(
        model, (train_ids, train_mask, data.train.labels), (dev_ids, dev_mask, data.dev.labels),
        **settings,
    )  # fmt: skip
    check_accuracy(
        model.predict(test_ids, test_mask),
        data.test.labels,
        SST2_THRESHOLD,
        data="SST-2",
        model="the LSTM classifier trained 4 epochs",
    )
