"""A sentence classifier: embedding, a recurrent cell unrolled with a mask, logits (task 4.5).

``SentenceClassifier(vocab_size, cell, n_classes)`` holds the embedding matrix, the cell and the
output layer (created by the provided code). Called on a batch of padded token ids and their mask
it embeds the tokens (id 0 is padding), unrolls the cell with ``rnn.unroll`` and maps the output
at the last step (that of each sentence's last real token) to logits.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from .rnn import unroll

__all__ = ["SentenceClassifier"]


class SentenceClassifier(tf.Module):
    """Embedding -> cell over time (masked) -> last output -> logits."""

    def __init__(
        self,
        vocab_size: int,
        cell,
        n_classes: int = 2,
        *,
        embeddings: np.ndarray | None = None,
        train_embeddings: bool = True,
        seed: int = 0,
    ) -> None:
        """Create the weights.

        Args:
            vocab_size: V, the number of token ids (id 0 is padding).
            cell: a cell of ``cells.py``; its ``input_dim`` is the embedding size D.
            n_classes: C.
            embeddings: pretrained vectors, (V, D), to start the embedding from; default
                uniform in [-0.1, 0.1] from ``np.random.default_rng(seed)``.
            train_embeddings: whether the embedding is trained.
            seed: seeds the embedding (when not given) and the output layer.
        """
        super().__init__(name="SentenceClassifier")
        rng = np.random.default_rng(seed)
        dim = cell.input_dim
        if embeddings is None:
            embeddings = rng.uniform(-0.1, 0.1, size=(vocab_size, dim))
        if np.shape(embeddings) != (vocab_size, dim):
            raise ValueError(f"embeddings {np.shape(embeddings)}, expected {(vocab_size, dim)}")
        self.cell = cell
        self.n_classes = int(n_classes)
        self.embedding = tf.Variable(
            embeddings, dtype=tf.float32, trainable=train_embeddings, name="embedding"
        )  # (V, D)
        limit = np.sqrt(6.0 / (cell.units + n_classes))
        w = rng.uniform(-limit, limit, size=(cell.units, n_classes))
        self.w_out = tf.Variable(w, dtype=tf.float32, name="w_out")  # (U, C)
        self.b_out = tf.Variable(np.zeros(n_classes), dtype=tf.float32, name="b_out")  # (C,)

    def __call__(self, ids, mask):
        """Logits of a batch.

        Args:
            ids: int (B, T), 0 at padding.
            mask: bool (B, T), true at real tokens.

        Returns:
            logits, float32 (B, C).
        """
        ids = tf.convert_to_tensor(ids)
        mask = tf.convert_to_tensor(mask)
        logits = None
        # TODO(4.5): embed the ids, unroll self.cell with the mask, last output @ w_out + b_out.
        ### BEGIN SOLUTION
        embedded = tf.gather(self.embedding, ids)  # (B, T, D)
        outputs, _ = unroll(self.cell, embedded, mask)  # (B, T, U)
        logits = tf.matmul(outputs[:, -1], self.w_out) + self.b_out
        ### END SOLUTION
        return logits

    def predict(self, ids, mask, batch_size: int = 500) -> np.ndarray:
        """Class ids, int64 (N,), computed batch by batch."""
        ids, mask = np.asarray(ids), np.asarray(mask)
        parts = [
            np.argmax(self(ids[i : i + batch_size], mask[i : i + batch_size]).numpy(), axis=1)
            for i in range(0, len(ids), batch_size)
        ]
        return np.concatenate(parts).astype(np.int64)
