"""The capstone's topic: RNA structures folded with ViennaRNA and SHAPE reactivities (``data``),
the U-Net's training and toy networks run on the submission's side (``probe``), and the PyTorch
oracles of its encoding, layers, losses and metrics (``oracle``)."""
