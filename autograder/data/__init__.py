"""The kit's one data-loading package: IDX parsing, scikit-learn digits, MNIST and Fashion-MNIST.

Every loader returns a :class:`Split` whose images are float64 in [0, 1] and whose labels are int64
class ids. Where files come from, their checksums and what to do offline: ``datasets/README.md``.
Modules: ``idx`` (the file format), ``sources`` (registry, cache, downloads, MNIST loaders),
``digits`` (scikit-learn's digits), ``split`` (the return type); for sentences ``text``
(splits, vocabulary, GloVe vectors), ``sentiment`` (the offline corpus from VADER's ratings),
``sst`` (the Stanford Sentiment Treebank) and ``baselines`` (bag-of-n-grams, last word).
"""

from autograder.data.baselines import accuracy, bigram_baseline, last_word_baseline
from autograder.data.digits import load_digits_split
from autograder.data.idx import read_idx
from autograder.data.sentiment import LexiconError, blocked, load_sentiment_corpus
from autograder.data.sources import (
    REGISTRY,
    ChecksumError,
    DatasetNotFound,
    IdxDataset,
    default_cache_dir,
    load_fashion_mnist,
    load_mnist,
)
from autograder.data.split import Split, standardised
from autograder.data.text import TextDataset, TextSplit, Vocabulary, load_word_vectors

__all__ = [
    "REGISTRY",
    "ChecksumError",
    "DatasetNotFound",
    "IdxDataset",
    "LexiconError",
    "Split",
    "TextDataset",
    "TextSplit",
    "Vocabulary",
    "accuracy",
    "bigram_baseline",
    "blocked",
    "default_cache_dir",
    "load_digits_split",
    "load_fashion_mnist",
    "last_word_baseline",
    "load_mnist",
    "load_sentiment_corpus",
    "load_word_vectors",
    "read_idx",
    "standardised",
]
