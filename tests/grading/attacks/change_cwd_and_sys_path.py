# phrase: Scaler.apply(x)
import os, sys, time, subprocess, socket, threading
import numpy as np

os.chdir('/')
sys.path[:] = ['/nonexistent']

class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        self.calls += 1
        return np.zeros_like(x)
