"""The kit's engine: release, harness, grading and data for the deep-learning assignments.

Students install this package too, so it never contains solution code.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
