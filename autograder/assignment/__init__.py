"""An assignment as data: its tasks (``tasks``), where its folders are (``paths``), and the
mutants and variants written as patches on its reference (``patches``)."""
