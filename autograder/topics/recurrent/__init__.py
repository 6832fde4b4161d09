"""HW4's topic: sentences to classify (``data``: the offline sentiment corpus, the Stanford
Sentiment Treebank, baselines), cell and training runs on the submission's side (``probe``), and
Keras's cells and a test cell as oracles (``oracle``)."""
