"""Public tests of task 4.6: the history, TensorBoard logs, early stopping, and learning.

The first two train the classifier with the kit's test cell (``autograder.topics.recurrent.oracle``)
on a small corpus, so they do not depend on your cells. The learning test trains
``SentenceClassifier(V, GRUCell(32, 16, seed=0), seed=0)`` with your ``train`` on the offline corpus
(``load_sentiment_corpus()``: 2000 / 500 / 1000 sentences, T = 16) for 3 epochs, mini-batches of 64,
Adam(2e-2), patience 3.

Thresholds (``benchmarks/hw4_corpus_seeds.py``, reference, training seeds 0..9, this
configuration): GRU test accuracy 1.0000 for nine seeds and 0.9990 for one (min 0.9990, mean
0.9999); the bigram baseline 0.6150, the last-word baseline 0.5810. The graded threshold 0.90
(and 0.15 above the bigram baseline, i.e. 0.765) is 99 test sentences below the worst seed; the
dev accuracy after the first epoch is 0.55-0.75, after the second 0.986-1.0.
"""

import numpy as np

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission
from autograder.data import Vocabulary
from autograder.topics.recurrent.data import load_sentiment_corpus
from autograder.topics.recurrent.oracle import TEST_CELL_SOURCE, check_sentence_learning

cells = submission("hw4_rnn_tf.cells")
classifier = submission("hw4_rnn_tf.classifier")
training = submission("hw4_rnn_tf.training")

SMALL = {"n_train": 300, "n_dev": 100, "n_test": 100}


def kit_cell(seed):
    rng = np.random.default_rng(seed)
    w, u = rng.normal(scale=0.5, size=(8, 8)), rng.normal(scale=0.5, size=(8, 8))
    return probe("code.load", TEST_CELL_SOURCE, "TestCell")(w, u, False)


@graded("4.6", points=4)
def test_history_tensorboard_and_best_weights():
    seed_everything(480)
    run = probe(
        "recurrent.train_and_predict",
        kit_cell(480),
        classifier.SentenceClassifier,
        training.train,
        epochs=2,
        patience=5,
        batch_size=32,
        seed=1,
        corpus=SMALL,
        tensorboard=True,
    )
    history = run["history"]
    check(
        isinstance(history, dict)
        and {"loss", "train_accuracy", "dev_accuracy", "best_epoch"} <= set(history),
        "train must return a dict with loss, train_accuracy, dev_accuracy and best_epoch",
    )
    for key in ("loss", "train_accuracy", "dev_accuracy"):
        check(len(history[key]) == 2, f"history[{key!r}] has {len(history[key])} entries, not 2")
    check(all(0 <= a <= 1 for a in history["dev_accuracy"]), "dev accuracies outside [0, 1]")
    check(all(np.isfinite(x) and x > 0 for x in history["loss"]), "losses must be positive")
    best = int(np.argmax(history["dev_accuracy"]))
    check(
        history["best_epoch"] == best,
        f"best_epoch is {history['best_epoch']}, but the first best dev accuracy is at {best}",
    )
    dev = load_sentiment_corpus(**SMALL).dev
    restored = float(np.mean(run["dev_predictions"] == dev.labels))
    assert_close(
        restored,
        history["dev_accuracy"][best],
        name="dev accuracy after train (the best epoch's weights restored) vs its history",
        atol=1e-9,
    )
    logs = run["logs"]
    check(
        logs["train"].get("loss") == 2 and logs["train"].get("accuracy") == 2,
        f"TensorBoard: <log_dir>/train holds {logs['train']}, expected loss and accuracy, "
        "one value each per epoch (2)",
    )
    check(
        logs["dev"].get("accuracy") == 2,
        f"TensorBoard: <log_dir>/dev holds {logs['dev']}, expected accuracy once per epoch (2)",
    )


@graded("4.6", points=3)
def test_early_stopping_when_nothing_improves():
    seed_everything(481)
    run = probe(
        "recurrent.train_and_predict",
        kit_cell(481),
        classifier.SentenceClassifier,
        training.train,
        epochs=8,
        patience=2,
        learning_rate=0.0,
        seed=2,
        corpus=SMALL,
    )
    history = run["history"]
    ran = len(history["dev_accuracy"])
    check(
        ran == 3,
        f"with learning_rate=0 (the dev accuracy never improves) and patience=2, train ran "
        f"{ran} epochs of 8, expected 3 (the first, then 2 without improvement)",
    )
    check(history["best_epoch"] == 0, f"best_epoch {history['best_epoch']}, expected 0")


@graded("4.6", points=1)
def test_zero_epochs_train_nothing_and_keep_the_weights():
    """``epochs=0`` (the handout): no epoch runs, nothing is restored (no epoch's weights were
    saved), the history's lists are empty and ``best_epoch`` is None. After one epoch of real
    training first, so that a ``train`` that does nothing does not pass."""
    seed_everything(483)
    data = load_sentiment_corpus(**SMALL)
    vocab = Vocabulary.build(data.train.sentences)
    splits = [(*vocab.encode(s.sentences, 16), s.labels) for s in (data.train, data.dev)]
    model = classifier.SentenceClassifier(len(vocab), kit_cell(483), seed=3)
    start = np.asarray(model(splits[1][0], splits[1][1]))
    first = training.train(model, splits[0], splits[1], epochs=1, seed=3)
    before = np.asarray(model(splits[1][0], splits[1][1]))
    check(
        len(first["loss"]) == 1 and not np.allclose(before, start),
        "train(..., epochs=1) must run one epoch and change the model's weights",
    )
    history = training.train(model, splits[0], splits[1], epochs=0, seed=3)
    for key in ("loss", "train_accuracy", "dev_accuracy"):
        check(
            len(history[key]) == 0,
            f"train(..., epochs=0) returned {len(history[key])} entries in history[{key!r}]; "
            "no epoch runs, so it is empty",
        )
    check(
        history["best_epoch"] is None,
        f"train(..., epochs=0) returned best_epoch {history['best_epoch']!r}; no epoch ran: None",
    )
    assert_close(
        model(splits[1][0], splits[1][1]),
        before,
        atol=0,
        rtol=0,
        name="logits after train(..., epochs=0) vs before (the model keeps its weights)",
    )


@graded("4.6", points=6)
def test_gru_learns_the_offline_corpus():
    seed_everything(482)
    cell = cells.GRUCell(32, 16, seed=0)
    check_sentence_learning(
        "GRU", cell, classifier.SentenceClassifier, training.train, epochs=3, seed=0
    )
