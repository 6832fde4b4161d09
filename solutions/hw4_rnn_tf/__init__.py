"""HW4: recurrent cells from basic TensorFlow ops, for sentence sentiment.

Student modules: ``cells`` (tasks 4.1, 4.2, 4.3), ``rnn`` (4.4), ``classifier`` (4.5) and
``training`` (4.6). Data, vocabulary and baselines come from ``autograder.data``.
"""
