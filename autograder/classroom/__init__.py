"""A whole class: the grading pool with its cache and gradebook (``pool``), and an example
class for the demo (``demo``)."""
