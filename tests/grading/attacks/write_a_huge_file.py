# phrase: file-size limit
import os, sys, time, subprocess, socket, threading
import numpy as np


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        self.calls += 1
        with open('big.bin', 'wb') as fh:
            for _ in range(1024):
                fh.write(b'0' * (1 << 20))
        return np.zeros_like(x)
