"""Public tests of task 4.5: the classifier's logits, with the kit's test cell in place of yours.

Expected logits come from ``autograder.topics.recurrent.oracle.classifier_logits`` (numpy, float64)
with the classifier's own embedding and output weights, read back from it. Tolerance 1e-5 (float32).
"""

import numpy as np

from autograder.authoring import assert_close, check, graded, probe, seed_everything, submission
from autograder.topics.recurrent.oracle import TEST_CELL_SOURCE, classifier_logits

classifier = submission("hw4_rnn_tf.classifier")
TOL = {"rtol": 1e-5, "atol": 1e-5}


def build(rng, vocab, units, dim, classes, pair):
    w, u = rng.normal(size=(dim, units)), rng.normal(scale=0.8, size=(units, units))
    cell = probe("code.load", TEST_CELL_SOURCE, "TestCell")(w, u, pair)
    embeddings = rng.normal(size=(vocab, dim))
    model = classifier.SentenceClassifier(vocab, cell, classes, embeddings=embeddings, seed=3)
    return model, w, u


def ids_and_mask(rng, lengths, steps, vocab):
    mask = np.arange(steps)[None, :] < np.asarray(lengths)[:, None]
    ids = np.where(mask, rng.integers(2, vocab, size=mask.shape), 0).astype("int32")
    return ids, mask


@graded("4.5", points=6)
def test_logits_match_the_masked_unroll():
    seed_everything(460)
    rng = np.random.default_rng(460)
    model, w, u = build(rng, 12, 4, 3, 2, pair=True)
    # a bias away from its zero start, so that a logit without it, or minus it, shows
    probe("recurrent.assign_variable", model, "b_out", np.array([0.7, -1.3]))
    ids, mask = ids_and_mask(rng, [5, 2, 4], 5, 12)
    logits = model(ids, mask)
    expected = classifier_logits(model.embedding, model.w_out, model.b_out, w, u, True, ids, mask)
    assert_close(logits, expected.astype("float32"), name="SentenceClassifier logits (B, C)", **TOL)


@graded("4.5", points=4)
def test_logits_do_not_depend_on_padding():
    seed_everything(461)
    rng = np.random.default_rng(461)
    model, _, _ = build(rng, 10, 3, 2, 2, pair=False)
    ids, mask = ids_and_mask(rng, [3, 1, 4], 4, 10)
    wide_ids = np.zeros((3, 9), "int32")
    wide_ids[:, :4] = ids
    short, wide = model(ids, mask), model(wide_ids, wide_ids != 0)
    check(np.shape(short) == (3, 2), f"logits shape {np.shape(short)}, expected (3, 2)")
    assert_close(wide, short, name="logits of sentences padded to 9 vs to 4 steps", **TOL)
