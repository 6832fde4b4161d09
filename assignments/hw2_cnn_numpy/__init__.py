"""HW2: a convolutional network in numpy.

Student modules: ``filters`` (task 2.1), ``conv`` (2.2, 2.3), ``pooling`` (2.4, 2.5),
``cnn_layers`` (2.6), ``conv_fast`` (2.7) and ``lenet`` (2.8). Provided modules, HW1's reference:
``layers``, ``losses``, ``optim``, ``network``, ``solver`` and ``training``.
"""
