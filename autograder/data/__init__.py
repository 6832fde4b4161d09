"""The kit's one data-loading package: IDX parsing, scikit-learn digits, MNIST and Fashion-MNIST.

Every loader returns a :class:`Split` whose images are float64 in [0, 1] and whose labels are int64
class ids. Where files come from, their checksums and what to do offline: ``datasets/README.md``.
Modules: ``idx`` (the file format), ``sources`` (registry, cache, downloads, MNIST loaders),
``digits`` (scikit-learn's digits), ``split`` (the return type), ``text`` (sentence splits,
vocabulary, GloVe vectors), ``download`` and ``catalog`` (every download the kit knows). A topic's
own data live in its folder: ``autograder.topics.recurrent.data`` (the sentiment corpus, SST,
baselines), ``autograder.topics.deepshape.data`` (RNA structures, SHAPE reactivities).
"""

from autograder.data.digits import load_digits_split
from autograder.data.idx import read_idx
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
    "Split",
    "TextDataset",
    "TextSplit",
    "Vocabulary",
    "default_cache_dir",
    "load_digits_split",
    "load_fashion_mnist",
    "load_mnist",
    "load_word_vectors",
    "read_idx",
    "standardised",
]
