"""HW1: a multilayer perceptron in numpy.

Student modules: ``layers`` (tasks 1.1 to 1.3), ``losses`` (1.4 to 1.6), ``optim`` (1.7, 1.8) and
``training`` (1.9). Provided modules: ``network``, ``parameters``, ``solver`` and
``plots``.
"""
