"""Labelled sentences, a vocabulary, padded id batches and pretrained word vectors.

The sentence data sets (the kit's offline sentiment corpus, the Stanford Sentiment Treebank) are
:class:`TextDataset` objects: three :class:`TextSplit` (train, dev, test) of token tuples and int64
labels. A :class:`Vocabulary` maps tokens to ids (0 is padding, 1 the unknown word) and turns
sentences into an id matrix with a mask; :func:`load_word_vectors` reads GloVe's text format.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["PAD", "UNK", "TextDataset", "TextSplit", "Vocabulary", "load_word_vectors"]

PAD = "<pad>"
UNK = "<unk>"


@dataclass(frozen=True)
class TextSplit:
    """Sentences and their labels.

    Attributes:
        sentences: one tuple of lower-case tokens per sentence.
        labels: int64 class ids, (N,).
    """

    sentences: tuple[tuple[str, ...], ...]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.sentences)


@dataclass(frozen=True)
class TextDataset:
    """A sentence classification data set: train, dev and test splits and the class names."""

    train: TextSplit
    dev: TextSplit
    test: TextSplit
    classes: tuple[str, ...]


class Vocabulary:
    """Token <-> id. Id 0 is ``<pad>``, id 1 is ``<unk>``; the other tokens follow by decreasing
    count in the sentences it was built from, ties in alphabetical order (deterministic)."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens: tuple[str, ...] = (PAD, UNK, *(t for t in tokens if t not in (PAD, UNK)))
        self.index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], min_count: int = 1) -> Vocabulary:
        """The tokens seen at least ``min_count`` times in ``sentences``."""
        counts = Counter(t for s in sentences for t in s)
        kept = sorted(
            (t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t)
        )
        return cls(kept)

    def __len__(self) -> int:
        return len(self.tokens)

    def id(self, token: str) -> int:
        """The token's id, 1 (unknown) for a token outside the vocabulary."""
        return self.index.get(token, 1)

    def encode(
        self, sentences: Sequence[Sequence[str]], max_len: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids padded at the end, and the mask of real tokens.

        Args:
            sentences: N token sequences.
            max_len: T; longer sentences keep their first T tokens. Default: the longest.

        Returns:
            ``(ids, mask)``: int32 (N, T) with 0 at padded steps, and bool (N, T), true at real
            tokens (each row's true entries come first).
        """
        longest = max((len(s) for s in sentences), default=1)
        t = max(1, longest if max_len is None else max_len)
        ids = np.zeros((len(sentences), t), dtype=np.int32)
        for row, sentence in enumerate(sentences):
            kept = [self.id(tok) for tok in sentence[:t]]
            ids[row, : len(kept)] = kept
        return ids, ids != 0

    def decode(self, ids: Sequence[int]) -> tuple[str, ...]:
        """Tokens of one row of ids, padding dropped."""
        return tuple(self.tokens[int(i)] for i in ids if int(i) != 0)


def load_word_vectors(
    path: str | os.PathLike[str],
    vocab: Vocabulary,
    *,
    oov: str = "random",
    scale: float = 0.1,
    seed: int = 0,
) -> tuple[np.ndarray, int]:
    """An embedding matrix for ``vocab`` from word vectors in GloVe's text format.

    Each line is a word and its D numbers separated by spaces (``the 0.418 0.24968 ...``); the
    first line fixes D. Words are matched as they are and then lower-cased; lines of words outside
    the vocabulary are skipped (but still checked).

    Args:
        path: the ``.txt`` file.
        vocab: the vocabulary whose rows to fill.
        oov: rows of words not in the file: ``"random"`` (uniform in [-scale, scale], from
            ``np.random.default_rng(seed)``) or ``"zeros"``. The padding row is always zeros.
        scale: half-width of the random rows.
        seed: seeds the random rows.

    Returns:
        ``(matrix, found)``: float32 (len(vocab), D) and how many vocabulary words the file had.

    Raises:
        FileNotFoundError: no such file.
        ValueError: a malformed line (wrong number of values, not a number), naming file and line.
    """
    if oov not in ("random", "zeros"):
        raise ValueError(f"oov must be 'random' or 'zeros', not {oov!r}")
    path = Path(path)
    rows: dict[int, np.ndarray] = {}
    dim = None
    with path.open(encoding="utf-8") as lines:
        for lineno, line in enumerate(lines, start=1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if parts == [""]:
                continue
            word, values = parts[0], parts[1:]
            if dim is None:
                dim = len(values)
                if dim == 0:
                    raise ValueError(f"{path}:{lineno}: a word without a vector")
            if len(values) != dim:
                raise ValueError(
                    f"{path}:{lineno}: {len(values)} values for {word!r}, expected {dim} "
                    "(as on the first line)"
                )
            i = vocab.index.get(word, vocab.index.get(word.lower()))
            try:
                vector = np.array(values, dtype=np.float32)
            except ValueError:
                raise ValueError(f"{path}:{lineno}: a value of {word!r} is not a number") from None
            if i is not None and i != 0 and i not in rows:
                rows[i] = vector
    if dim is None:
        raise ValueError(f"{path}: no word vectors in the file")
    rng = np.random.default_rng(seed)
    if oov == "random":
        matrix = rng.uniform(-scale, scale, size=(len(vocab), dim)).astype(np.float32)
    else:
        matrix = np.zeros((len(vocab), dim), dtype=np.float32)
    matrix[0] = 0.0
    for i, vector in rows.items():
        matrix[i] = vector
    return matrix, len(rows)
