"""HW3: a CNN in TensorFlow, with batch normalisation and dropout written from basic ops.

Student modules: ``batchnorm`` (task 3.1), ``dropout`` (3.2), ``models`` (3.3, 3.4) and
``training`` (3.5, 3.6). Provided: ``data`` (the digits and Fashion-MNIST as NHWC images) and
``plots``.
"""
