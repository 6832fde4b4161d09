"""The kit's offline sentiment corpus: short film-review sentences whose label needs word order.

Words and their polarity come from VADER's human valence ratings (vaderSentiment 3.3.2, MIT;
C. J. Hutto and E. Gilbert, "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM 2014), read from the installed package with ``importlib.resources``
and checked by SHA-256. Only the reviewed words of ``sentiment_words.txt`` are used (each must
still pass the strength and agreement thresholds below), and none whose digest is in
``sentiment_blocklist.txt``.

A sentence is one clause or two, and a clause is ``<subject> <verb> [very|...] <adjective>``
with a verb like ``was`` or, negated, ``was not``. Its polarity is the adjective's, flipped by a
negation. Two clauses are joined by ``but`` or ``although`` (the clauses disagree, and the second
one decides) or ``and`` (they agree). So a bag of words cannot tell ``good , but bad`` from
``bad , but good``, and bigrams cannot tell ``not very good`` from ``not very bad``; a recurrent
network can learn both.
Same arguments, same corpus: one ``numpy.random.default_rng(seed)`` draws everything.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from autograder.data.text import TextDataset, TextSplit

__all__ = [
    "LEXICON_SHA256",
    "LexiconError",
    "SentimentWord",
    "blocked",
    "load_sentiment_corpus",
    "sentiment_words",
]

LEXICON_SHA256 = "1ec9c6e9ee19aade328f8beb393a6afa71a5bb3acf7d3cc22d4ef568df374bf5"
MIN_STRENGTH = 1.5  # |mean valence| of a kept word, on VADER's -4..4 scale
MAX_SD = 1.0  # standard deviation of its ten ratings: the raters agree

SUBJECTS = ("the film", "the movie", "the plot", "the acting", "the music", "the ending")
SUBJECTS += ("the cast", "the story", "the script", "the dialogue", "the director", "the scenery")
VERBS = ("was", "is", "seemed", "felt", "looked")
NEGATED_VERBS = ("was not", "is not", "was never", "is never", "did not seem", "never felt")
INTENSIFIERS = ("very", "really", "so", "truly", "quite", "rather")

_HERE = Path(__file__).resolve().parent


class LexiconError(RuntimeError):
    """VADER's lexicon is missing or another version than the corpus was reviewed against."""


@dataclass(frozen=True)
class SentimentWord:
    """A word of the corpus with its VADER mean valence and the standard deviation of ratings."""

    word: str
    valence: float
    sd: float

    @property
    def positive(self) -> bool:
        return self.valence > 0


def _digest(word: str) -> str:
    return hashlib.sha256(word.lower().encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _blocklist() -> frozenset[str]:
    text = (_HERE / "sentiment_blocklist.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line and line[0] != "#")


def blocked(word: str) -> bool:
    """Whether ``word`` is on the kit's blocklist (obscenities, slurs, insults, violence)."""
    return _digest(word) in _blocklist()


def _lexicon() -> dict[str, tuple[float, float]]:
    try:
        resource = importlib.resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
        raw = resource.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise LexiconError(
            "The offline sentiment corpus needs VADER's lexicon: pip install vaderSentiment==3.3.2 "
            f"(it is in the kit's 'tf' extra). ({exc})"
        ) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != LEXICON_SHA256:
        raise LexiconError(
            f"vaderSentiment's vader_lexicon.txt has SHA-256 {digest}, expected {LEXICON_SHA256} "
            "(version 3.3.2): install vaderSentiment==3.3.2"
        )
    table = {}
    for line in raw.decode("utf-8").splitlines():
        word, mean, sd, _ratings = line.split("\t")
        table[word] = (float(mean), float(sd))
    return table


@lru_cache(maxsize=1)
def sentiment_words() -> tuple[SentimentWord, ...]:
    """The reviewed words with their valence, in the order of ``sentiment_words.txt``.

    Raises:
        LexiconError: the lexicon is missing or of another version, or a reviewed word is not in
            it, is too weak, too disputed, or blocklisted.
    """
    lexicon = _lexicon()
    text = (_HERE / "sentiment_words.txt").read_text(encoding="utf-8")
    words = []
    for line in text.splitlines():
        word = line.split("#")[0].strip()
        if not word:
            continue
        if word not in lexicon or blocked(word):
            raise LexiconError(f"sentiment_words.txt: {word!r} is not usable (absent or blocked)")
        mean, sd = lexicon[word]
        if abs(mean) < MIN_STRENGTH or sd > MAX_SD:
            raise LexiconError(
                f"sentiment_words.txt: {word!r} has valence {mean} and sd {sd}; needs |valence| >= "
                f"{MIN_STRENGTH} and sd <= {MAX_SD}"
            )
        words.append(SentimentWord(word, mean, sd))
    return tuple(words)


def _clause(rng: np.random.Generator, polarity: bool, by_polarity, p_neg: float, p_int: float):
    """Tokens of one clause of the given polarity (True: positive)."""
    negated = rng.random() < p_neg
    adjectives = by_polarity[polarity != negated]
    verbs = NEGATED_VERBS if negated else VERBS
    tokens = SUBJECTS[rng.integers(len(SUBJECTS))].split() + verbs[rng.integers(len(verbs))].split()
    if rng.random() < p_int:
        tokens.append(INTENSIFIERS[rng.integers(len(INTENSIFIERS))])
    tokens.append(adjectives[rng.integers(len(adjectives))])
    return tokens


def _sentence(rng: np.random.Generator, label: bool, by_polarity, p_neg: float, p_int: float):
    form = rng.choice(4, p=(0.3, 0.35, 0.2, 0.15))
    last = _clause(rng, label, by_polarity, p_neg, p_int)
    if form == 0:
        return last
    if form == 3:  # agreeing clauses
        return [*_clause(rng, label, by_polarity, p_neg, p_int), "and", *last]
    first = _clause(rng, not label, by_polarity, p_neg, p_int)
    if form == 1:
        return [*first, ",", "but", *last]
    return ["although", *first, ",", *last]


def load_sentiment_corpus(
    n_train: int = 2000,
    n_dev: int = 500,
    n_test: int = 1000,
    *,
    seed: int = 2014,
    p_negation: float = 0.4,
    p_intensifier: float = 0.5,
) -> TextDataset:
    """The offline sentiment corpus (binary: 0 negative, 1 positive), generated.

    Sentences are distinct across and within the splits; labels alternate before shuffling, so
    each split is balanced within a few sentences.

    Args:
        n_train: training sentences.
        n_dev: dev sentences (early stopping).
        n_test: test sentences.
        seed: seeds the one generator that draws every sentence.
        p_negation: chance that a clause is negated.
        p_intensifier: chance that a clause has an intensifier.

    Raises:
        LexiconError: vaderSentiment 3.3.2 is not installed (the message says how to install it).
    """
    words = sentiment_words()
    by_polarity = {
        True: [w.word for w in words if w.positive],
        False: [w.word for w in words if not w.positive],
    }
    rng = np.random.default_rng(seed)
    total = n_train + n_dev + n_test
    seen: set[tuple[str, ...]] = set()
    sentences, labels = [], []
    while len(sentences) < total:
        label = len(sentences) % 2 == 1
        tokens = tuple(_sentence(rng, label, by_polarity, p_negation, p_intensifier))
        if tokens in seen:
            continue
        seen.add(tokens)
        sentences.append(tokens)
        labels.append(int(label))
    order = rng.permutation(total)
    sentences = [sentences[i] for i in order]
    y = np.array(labels, dtype=np.int64)[order]
    cuts = (0, n_train, n_train + n_dev, total)
    splits = [
        TextSplit(tuple(sentences[a:b]), y[a:b]) for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]
    return TextDataset(*splits, classes=("negative", "positive"))
