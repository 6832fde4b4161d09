"""HW4: test accuracy of the reference cells on the offline corpus over seeds, and the baselines.

Sets the thresholds of the learning tests of task 4.6 (solutions/hw4_rnn_tf/tests/
test_training.py and tests/hidden/test_hidden_training.py): the configurations below are the
tests' (``SentenceClassifier(V, Cell(32, 16, seed=s), seed=s)``, Adam(2e-2), mini-batches of 64,
T = 16, patience = epochs; 8 epochs for the basic RNN, 3 for the GRU and the LSTM), run in this
process without the grader. Also prints the dev accuracy after each epoch, seconds per run, and
with ``--sst``, where ``load_sst`` finds the data, the SST-2 test accuracy of the reference GRU
and LSTM over the seeds in the hidden SST test's configuration (Cell(32, 16), T = 40, 4 epochs,
the best dev epoch kept) and the two baselines. Run from the kit's root::

    .venv/bin/python benchmarks/hw4_corpus_seeds.py [n_seeds] [rnn|gru|lstm ...] [--sst]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import tensorflow as tf

from autograder.data import Vocabulary
from autograder.integrations.notebook import use_assignment
from autograder.topics.recurrent.data import (
    accuracy,
    bigram_baseline,
    last_word_baseline,
    load_sentiment_corpus,
    load_sst,
)

use_assignment("hw4_rnn_tf", start=Path(__file__).resolve().parents[1] / "solutions")

from hw4_rnn_tf import cells, classifier, training  # noqa: E402

CONFIG = {"basic RNN": (cells.BasicRNNCell, 8), "GRU": (cells.GRUCell, 3)}
CONFIG["LSTM"] = (cells.BasicLSTMCell, 3)


def run(data, cell_class, epochs: int, seed: int, units=32, dim=16, max_len=16, n_classes=2):
    """Train one classifier; returns (test accuracy, dev accuracies, seconds)."""
    tf.random.set_seed(seed)
    vocab = Vocabulary.build(data.train.sentences)
    encoded = [vocab.encode(s.sentences, max_len) for s in (data.train, data.dev, data.test)]
    model = classifier.SentenceClassifier(
        len(vocab), cell_class(units, dim, seed=seed), n_classes, seed=seed
    )
    start = time.perf_counter()
    history = training.train(
        model,
        (*encoded[0], data.train.labels),
        (*encoded[1], data.dev.labels),
        epochs=epochs,
        batch_size=64,
        learning_rate=2e-2,
        patience=epochs,
        seed=seed,
    )
    seconds = time.perf_counter() - start
    test = training.evaluate(model, *encoded[2], data.test.labels)
    return test, history["dev_accuracy"], seconds


def main() -> None:
    n_seeds = int(next((a for a in sys.argv[1:] if a.isdigit()), 10))
    data = load_sentiment_corpus()
    bigram = accuracy(bigram_baseline(data.train, data.test.sentences), data.test.labels)
    last = accuracy(last_word_baseline(data.train, data.test.sentences), data.test.labels)
    print(f"baselines on the offline corpus: bigram LR {bigram:.4f}, last word {last:.4f}")
    only = {a.lower() for a in sys.argv[1:] if a.lower() in ("rnn", "gru", "lstm")}
    for name, (cell_class, epochs) in CONFIG.items():
        if only and name.split()[-1].lower() not in only:
            continue
        tests = []
        for seed in range(n_seeds):
            test, dev, seconds = run(data, cell_class, epochs, seed)
            tests.append(test)
            print(f"{name} seed {seed}: test {test:.4f}, dev {np.round(dev, 3)}, {seconds:.1f} s")
        t = np.array(tests)
        print(
            f"{name}, {epochs} epochs, seeds 0..{n_seeds - 1}: "
            + " ".join(f"{v:.4f}" for v in t)
            + f"; min {t.min():.4f} mean {t.mean():.4f} std {t.std():.4f}",
            flush=True,
        )
    if "--sst" in sys.argv:  # the configuration of the hidden test_lstm_on_sst2
        sst = load_sst(binary=True)
        bigram = accuracy(bigram_baseline(sst.train, sst.test.sentences), sst.test.labels)
        last = accuracy(last_word_baseline(sst.train, sst.test.sentences), sst.test.labels)
        print(f"SST-2 baselines: bigram LR {bigram:.4f}, last word {last:.4f}")
        for name in ("GRU", "LSTM"):
            tests = []
            for seed in range(n_seeds):
                test, dev, seconds = run(sst, CONFIG[name][0], 4, seed, max_len=40)
                tests.append(test)
                print(f"SST-2 {name} seed {seed}: test {test:.4f}, dev {np.round(dev, 3)}, "
                      f"{seconds:.0f} s", flush=True)  # fmt: skip
            t = np.array(tests)
            spread = f"min {t.min():.4f} mean {t.mean():.4f} max {t.max():.4f}"
            print(f"SST-2 {name}, 4 epochs: {spread}")


if __name__ == "__main__":
    main()
