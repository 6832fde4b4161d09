"""Hidden tests of task 4.5: other sizes (five classes, a single-tensor state), batch 1."""

import numpy as np
import pytest

from autograder.authoring import assert_close, graded, probe, seed_everything, submission
from autograder.topics.recurrent.oracle import TEST_CELL_SOURCE, classifier_logits

pytestmark = pytest.mark.hidden

classifier = submission("hw4_rnn_tf.classifier")


@graded("4.5", points=6)
def test_five_classes_single_state_and_batch_one():
    seed_everything(470)
    rng = np.random.default_rng(470)
    w, u = rng.normal(size=(4, 6)), rng.normal(scale=0.8, size=(6, 6))
    cell = probe("code.load", TEST_CELL_SOURCE, "TestCell")(w, u, False)
    model = classifier.SentenceClassifier(20, cell, 5, seed=4)
    mask = np.arange(7)[None, :] < np.array([7, 1, 3, 6])[:, None]
    ids = np.where(mask, rng.integers(1, 20, size=mask.shape), 0).astype("int64")
    expected = classifier_logits(model.embedding, model.w_out, model.b_out, w, u, False, ids, mask)
    assert_close(
        model(ids, mask), expected.astype("float32"), name="logits, 5 classes", rtol=1e-5, atol=1e-5
    )
    seed_everything(471)
    rng = np.random.default_rng(471)
    w, u = rng.normal(size=(2, 3)), rng.normal(scale=0.8, size=(3, 3))
    cell = probe("code.load", TEST_CELL_SOURCE, "TestCell")(w, u, True)
    model = classifier.SentenceClassifier(6, cell, 2, seed=5)
    ids, mask = np.array([[3, 4, 0]], "int32"), np.array([[True, True, False]])
    expected = classifier_logits(model.embedding, model.w_out, model.b_out, w, u, True, ids, mask)
    assert_close(
        model(ids, mask), expected.astype("float32"), name="logits, batch 1", rtol=1e-5, atol=1e-5
    )
