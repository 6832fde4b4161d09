"""An assignment as data: its tasks (``tasks``), where its folders are (``paths``: a command's
one ``ResolvedAssignment``, kit, name, folders and tasks), and the mutants and variants written as
patches on its reference (``patches``)."""
