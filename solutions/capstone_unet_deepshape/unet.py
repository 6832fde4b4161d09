"""The U-Net (tasks 5.2 and 5.3).

Images are (N, C, H, W) float32 tensors; the input is the pairwise image (N, 16, L, L) of
``encoding.pair_image`` with L a multiple of ``2 ** depth``. Module names and parameter shapes are
fixed, so that a ``state_dict`` saved from one U-Net loads into another (the tests load one):

- ``DoubleConv(c_in, c_out)``: ``self.block = nn.Sequential(Conv2d(c_in, c_out, 3, padding=1,
  bias=False), BatchNorm2d(c_out), ReLU(), Conv2d(c_out, c_out, 3, padding=1, bias=False),
  BatchNorm2d(c_out), ReLU())``; keeps H and W.
- ``Down(c_in, c_out)``: ``self.pool = nn.MaxPool2d(2)`` then ``self.conv = DoubleConv(c_in,
  c_out)``; halves H and W.
- ``Up(c_in, c_out)``: ``self.up = nn.ConvTranspose2d(c_in, c_in // 2, 2, stride=2)`` doubles H
  and W; the result is concatenated **after** the skip input along the channels,
  ``torch.cat([skip, up], dim=1)`` (the skip has ``c_in // 2`` channels), then
  ``self.conv = DoubleConv(c_in, c_out)``.
- ``UNet(in_channels=16, base=8, depth=2)``: ``self.inc = DoubleConv(in_channels, base)``;
  ``self.downs = nn.ModuleList(Down(base * 2**k, base * 2**(k + 1)) for k in 0..depth-1)``;
  ``self.ups = nn.ModuleList(Up(base * 2**(k + 1), base * 2**k) for k = depth-1 down to 0)``,
  each taking as skip the output at its resolution on the way down; ``self.outc =
  nn.Conv2d(base, 1, 1)``. ``pair_map(x)`` returns the map M (N, L, L) (``outc``'s one channel);
  ``forward(x)`` returns the per-nucleotide logits (N, L) of ``average_head(M)``.
  ``self.ups[-1]`` is the last decoder block, whose output the symmetry penalty reads.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["DoubleConv", "Down", "UNet", "Up", "average_head"]


class DoubleConv(nn.Module):
    """Two 3x3 convolutions (padding 1, no bias), each followed by BatchNorm2d and ReLU.

    Args:
        c_in: input channels.
        c_out: output channels.
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        # TODO(5.2): self.block, the nn.Sequential of the module docstring.
        ### BEGIN SOLUTION
        self.block = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(inplace=True),
        )
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args: x: (N, c_in, H, W). Returns: out: (N, c_out, H, W)."""
        out = None
        # TODO(5.2): run self.block.
        ### BEGIN SOLUTION
        out = self.block(x)
        ### END SOLUTION
        return out


class Down(nn.Module):
    """Max-pool by 2, then a DoubleConv.

    Args:
        c_in: input channels.
        c_out: output channels.
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        # TODO(5.2): self.pool (nn.MaxPool2d(2)) and self.conv (DoubleConv).
        ### BEGIN SOLUTION
        self.pool = nn.MaxPool2d(2)
        self.conv = DoubleConv(c_in, c_out)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args: x: (N, c_in, H, W). Returns: out: (N, c_out, H // 2, W // 2)."""
        out = None
        # TODO(5.2): pool, then convolve.
        ### BEGIN SOLUTION
        out = self.conv(self.pool(x))
        ### END SOLUTION
        return out


class Up(nn.Module):
    """Up-sample by a transposed convolution, concatenate after the skip input, DoubleConv.

    Args:
        c_in: input channels (the skip input has ``c_in // 2``).
        c_out: output channels.
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        # TODO(5.2): self.up (ConvTranspose2d(c_in, c_in // 2, 2, stride=2)), self.conv.
        ### BEGIN SOLUTION
        self.up = nn.ConvTranspose2d(c_in, c_in // 2, 2, stride=2)
        self.conv = DoubleConv(c_in, c_out)
        ### END SOLUTION

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        """Args: x: (N, c_in, H, W); skip: (N, c_in // 2, 2H, 2W).
        Returns: out: (N, c_out, 2H, 2W)."""
        out = None
        # TODO(5.2): up-sample x, torch.cat([skip, x_up], dim=1), convolve.
        ### BEGIN SOLUTION
        out = self.conv(torch.cat([skip, self.up(x)], dim=1))
        ### END SOLUTION
        return out


def average_head(m: torch.Tensor) -> torch.Tensor:
    """Per-nucleotide logits from the map: ``logit_i = (mean_j M_ij + mean_j M_ji) / 2``.

    Args:
        m: (N, L, L).

    Returns:
        logits: (N, L).
    """
    logits = None
    # TODO(5.3): average each row and each column of M, then the two.
    ### BEGIN SOLUTION
    logits = (m.mean(dim=2) + m.mean(dim=1)) / 2
    ### END SOLUTION
    return logits


class UNet(nn.Module):
    """The U-Net of the module docstring.

    Args:
        in_channels: channels of the input image (16 for the pairwise image).
        base: channels of the first DoubleConv; level k has ``base * 2**k``.
        depth: number of Down (and Up) blocks; L must be a multiple of ``2**depth``.
    """

    def __init__(self, in_channels: int = 16, base: int = 8, depth: int = 2) -> None:
        super().__init__()
        self.depth = depth
        # TODO(5.3): self.inc, self.downs, self.ups, self.outc as the module docstring says.
        ### BEGIN SOLUTION
        self.inc = DoubleConv(in_channels, base)
        self.downs = nn.ModuleList(Down(base * 2**k, base * 2 ** (k + 1)) for k in range(depth))
        self.ups = nn.ModuleList(
            Up(base * 2 ** (k + 1), base * 2**k) for k in reversed(range(depth))
        )
        self.outc = nn.Conv2d(base, 1, 1)
        ### END SOLUTION

    def pair_map(self, x: torch.Tensor) -> torch.Tensor:
        """Args: x: (N, in_channels, L, L). Returns: m: (N, L, L), the map M."""
        m = None
        # TODO(5.3): inc, the Down blocks (keep each output as a skip), the Up blocks, outc.
        ### BEGIN SOLUTION
        skips = [self.inc(x)]
        for down in self.downs:
            skips.append(down(skips[-1]))
        h = skips.pop()
        for up in self.ups:
            h = up(h, skips.pop())
        m = self.outc(h)[:, 0]
        ### END SOLUTION
        return m

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args: x: (N, in_channels, L, L). Returns: logits: (N, L) (provided)."""
        return average_head(self.pair_map(x))
