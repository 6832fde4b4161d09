# phrase: malformed reply
import os, sys, time, subprocess, socket, threading
import numpy as np


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def apply(self, x):
        self.calls += 1
        for fd in os.listdir('/proc/self/fd'):
            try:
                if 'pipe' in os.readlink(f'/proc/self/fd/{fd}'):
                    os.write(int(fd), b'garbage garbage garbage garbage')
            except OSError:
                pass
        time.sleep(1)
        return np.zeros_like(x)
