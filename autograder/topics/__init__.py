"""Topics: the code that serves one assignment's subject, one folder each.

A topic folder holds what its tests need beyond the kit's generic parts, each file in its layer
(``tests/test_layout.py``):

- ``data.py`` (or a ``data/`` package): its data reader, in the data layer;
- ``probe.py``: code that runs on the submission's side, in the runtime layer; a test calls it by
  the topic's name, ``probe("<topic>.<function>", ...)`` (``autograder.runtime.probes``);
- ``oracle.py``: expected values its tests compute, in the authoring layer.

Topics: ``deepshape`` (the capstone's RNA structures and U-Net), ``recurrent`` (HW4's recurrent
cells and the sentences they classify). Adding a topic is adding a folder.
"""
