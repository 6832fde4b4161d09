"""Hidden tests of task 4.6: each epoch is the handout's Adam loop; the basic RNN and the LSTM
learn the offline corpus too; the LSTM on SST-2 where the Stanford Sentiment Treebank is in the
data cache (a slow test).

Configuration as the public GRU test (batch 64, Adam(2e-2), T = 16) with 8 epochs for the basic
RNN (it leaves its plateau near 0.6 later than the gated cells) and 3 for the LSTM. Reference
over seeds 0..9: benchmarks/hw4_corpus_seeds.py, figures in the test docstrings.
"""

import numpy as np
import pytest
import tensorflow as tf

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
from autograder.data import Vocabulary
from autograder.topics.recurrent.data import load_sentiment_corpus, load_sst
from autograder.topics.recurrent.oracle import check_sentence_learning

pytestmark = pytest.mark.hidden

cells = submission("hw4_rnn_tf.cells")
classifier = submission("hw4_rnn_tf.classifier")
training = submission("hw4_rnn_tf.training")

# A model of the kit's (not the student's cells or classifier, so that only ``train`` is graded
# here): the mean of the embeddings of a sentence's real tokens, tanh, a linear layer. Built on the
# submission's side (``code.load``) for ``train``, and here for the handout's loop.
BAG_OF_WORDS_SOURCE = """
import numpy as np
import tensorflow as tf


class BagOfWords(tf.Module):
    def __init__(self, vocab_size, dim, n_classes, seed):
        super().__init__(name="BagOfWords")
        rng = np.random.default_rng(seed)
        embedding = rng.normal(scale=0.3, size=(vocab_size, dim))
        self.embedding = tf.Variable(embedding, dtype=tf.float32, name="embedding")
        w = rng.normal(scale=0.3, size=(dim, n_classes))
        self.w_out = tf.Variable(w, dtype=tf.float32, name="w_out")
        self.b_out = tf.Variable(np.zeros(n_classes), dtype=tf.float32, name="b_out")

    def __call__(self, ids, mask):
        embedded = tf.gather(self.embedding, ids)
        keep = tf.cast(mask, tf.float32)[..., None]
        mean = tf.reduce_sum(embedded * keep, 1) / tf.maximum(tf.reduce_sum(keep, 1), 1.0)
        return tf.tanh(mean) @ self.w_out + self.b_out

    def predict(self, ids, mask):
        return np.argmax(self(ids, mask).numpy(), axis=1).astype(np.int64)
"""


def _handout_loop(model, train_data, dev_data, *, epochs, batch_size, learning_rate, seed):
    """The handout's 4.6, without early stopping (the test's patience is its epochs): Adam over
    ``model.trainable_variables``, the mean softmax cross-entropy of each mini-batch, each
    epoch's order ``rng.permutation(N)`` from one ``rng = np.random.default_rng(seed)``, the
    accuracies of ``model.predict``. Returns the history and each epoch's dev logits."""
    (ids, mask, labels), (dev_ids, dev_mask, dev_labels) = train_data, dev_data
    optimizer = tf.keras.optimizers.Adam(learning_rate)
    variables = model.trainable_variables
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_accuracy": [], "dev_accuracy": []}
    dev_logits = []
    for _ in range(epochs):
        order = rng.permutation(len(ids))
        losses = []
        for start in range(0, len(ids), batch_size):
            batch = order[start : start + batch_size]
            with tf.GradientTape() as tape:
                logits = model(ids[batch], mask[batch])
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels[batch], logits)
                )
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            losses.append(float(loss))
        history["loss"].append(sum(losses) / len(losses))
        history["train_accuracy"].append(float(np.mean(model.predict(ids, mask) == labels)))
        history["dev_accuracy"].append(
            float(np.mean(model.predict(dev_ids, dev_mask) == dev_labels))
        )
        dev_logits.append(model(dev_ids, dev_mask).numpy())
    return history, dev_logits


@graded("4.6", points=3)
def test_each_epoch_is_the_handouts_adam_loop():
    """``train`` on the kit's bag-of-words model against the handout's loop run here on a copy:
    300 training sentences in 6 mini-batches of 50 (all of one size, so an epoch's loss is the
    same averaged over batches or over sentences), 3 epochs, Adam(0.05), patience 3.

    Measured (reference, seeds 0..4, the loop here): the losses and accuracies are equal, to
    the last bit. A generator made anew each epoch (the same order every epoch) changes the
    second or third epoch's loss by 0.46 % to 2 % (the smallest largest change over the three
    epochs); a summed cross-entropy multiplies the loss by 50 (Adam's steps barely change).
    The tolerance, 1e-4 relative, is 46 times below the smallest of those changes and leaves
    room for a step in ``tf.function`` or another formula of the same loss."""
    seed_everything(493)
    corpus = load_sentiment_corpus(n_train=300, n_dev=100, n_test=100)
    vocab = Vocabulary.build(corpus.train.sentences)
    train_data = (*vocab.encode(corpus.train.sentences, 16), corpus.train.labels)
    dev_data = (*vocab.encode(corpus.dev.sentences, 16), corpus.dev.labels)
    settings = {"epochs": 3, "batch_size": 50, "learning_rate": 0.05, "seed": 4}
    model = probe("code.load", BAG_OF_WORDS_SOURCE, "BagOfWords")(len(vocab), 8, 2, 4)
    history = training.train(model, train_data, dev_data, patience=3, **settings)
    namespace: dict = {}
    exec(compile(BAG_OF_WORDS_SOURCE, "<bag of words>", "exec"), namespace)  # noqa: S102
    expected, dev_logits = _handout_loop(
        namespace["BagOfWords"](len(vocab), 8, 2, 4), train_data, dev_data, **settings
    )
    for key in ("loss", "train_accuracy", "dev_accuracy"):
        check(
            len(history[key]) == 3,
            f"history[{key!r}] has {len(history[key])} entries after 3 epochs (patience 3)",
        )
    assert_close(
        np.asarray(history["loss"], dtype=np.float64),
        np.asarray(expected["loss"]),
        rtol=1e-4,
        atol=0,
        name="each epoch's loss vs the handout's loop (Adam, the mean cross-entropy of each "
        "mini-batch, one generator per call: a new permutation from it every epoch)",
    )
    for key, n in (("train_accuracy", 300), ("dev_accuracy", 100)):
        assert_close(
            np.asarray(history[key], dtype=np.float64),
            np.asarray(expected[key]),
            rtol=0,
            atol=1.5 / n,
            name=f"history[{key!r}] vs the handout's loop (model.predict after each epoch)",
        )
    best = int(np.argmax(expected["dev_accuracy"]))
    check(
        history["best_epoch"] == best,
        f"best_epoch is {history['best_epoch']}; the handout's loop reaches its best dev "
        f"accuracy first in epoch {best}",
    )
    assert_close(
        model(dev_data[0], dev_data[1]),
        dev_logits[best],
        rtol=1e-3,
        atol=1e-4,
        name=f"dev logits after train vs the handout's loop after epoch {best} (the best "
        "epoch's weights restored)",
    )


@graded("4.6", points=6)
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


@graded("4.6", points=6)
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
