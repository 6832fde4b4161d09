# phrase: file-size limit
import os, sys, time, subprocess, socket, threading
import numpy as np


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        self.calls += 1
        chunk = 'x' * (1 << 20)
        for _ in range(1024):
            print(chunk)
        return np.zeros_like(x)
