"""Capstone: a U-Net for RNA SHAPE reactivity (DeepShape), in PyTorch.

Student modules: ``encoding`` (task 5.1), ``unet`` (5.2, 5.3), ``losses`` (5.4, 5.5),
``metrics`` (5.6) and ``steps`` (5.7). Provided modules: ``training`` (the training loop,
checkpoints, early stopping, TensorBoard, every layer's output) and ``plots``.
"""
