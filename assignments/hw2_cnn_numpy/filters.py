"""Warm-up: image filters with your convolution (task 2.1).

``apply_filter`` filters a grey (H, W) or colour (H, W, 3) float64 image with a small kernel, each
colour channel on its own, through ``conv.conv2d_forward``. The output has the input's shape:
an odd (KH, KW) kernel is centred on each pixel and the image is padded with zeros
(``pad = (KH // 2, KW // 2)``). It is a cross-correlation, the kernel is not flipped: the same as
OpenCV's ``cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_CONSTANT)``.
"""

from __future__ import annotations

import numpy as np

from .conv import conv2d_forward

__all__ = ["EDGE", "EMBOSS", "SHARPEN", "apply_filter"]

EDGE = np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]])
SHARPEN = np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])
EMBOSS = np.array([[-2.0, -1.0, 0.0], [-1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])


def apply_filter(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Filter an image with a kernel, channel by channel, keeping its size.

    Args:
        image: (H, W) or (H, W, 3), float64.
        kernel: (KH, KW) with odd KH and KW.

    Returns:
        filtered: the image's shape, float64.
    """
    filtered = None
    # TODO(2.1): channels as a batch of 1-channel images; conv2d_forward, pad (KH // 2, KW // 2).
    raise NotImplementedError('2.1: channels as a batch of 1-channel images; conv2d_forward, pad (KH // 2, KW // 2).')
    return filtered
