"""Sentences for HW4: the offline sentiment corpus (``sentiment``, from VADER's ratings), the
Stanford Sentiment Treebank (``sst``) and the baselines a recurrent network is set against
(``baselines``: bag of n-grams, last word). Splits, vocabulary and word vectors are generic
(``autograder.data.text``)."""

from autograder.topics.recurrent.data.baselines import accuracy, bigram_baseline, last_word_baseline
from autograder.topics.recurrent.data.sentiment import LexiconError, blocked, load_sentiment_corpus
from autograder.topics.recurrent.data.sst import load_sst

__all__ = [
    "LexiconError",
    "accuracy",
    "bigram_baseline",
    "blocked",
    "last_word_baseline",
    "load_sentiment_corpus",
    "load_sst",
]
