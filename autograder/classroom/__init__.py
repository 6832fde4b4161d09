"""A whole class: the grading pool with its cache and gradebook (``pool``), the class report
(``report``), similarity between submissions (``similarity``), the self-contained HTML page both
are written as (``page``), and an example class for the demo (``demo``)."""
