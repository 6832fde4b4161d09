"""Seeding of one process: the worker's ``seed`` request and the tests' own side call it.

``autograder.authoring.seed_everything`` seeds the tests' process and the submission's.
"""

from __future__ import annotations

import random
import sys

import numpy as np

__all__ = ["seed_local"]


def seed_local(seed: int) -> None:
    """Seed Python's, numpy's and (when imported) torch's and TensorFlow's generators here.

    Also switches off TF32 and other reduced-precision matrix math, so that results on a GPU
    agree with the CPU within the tests' tolerances.
    """
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        torch.manual_seed(seed)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        tf.random.set_seed(seed)
        tf.config.experimental.enable_tensor_float_32_execution(False)
