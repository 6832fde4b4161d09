"""Forbidden built-ins: reading a task's source, and the recording stand-ins in TensorFlow."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.runtime.forbidden import canonical, scan

NAMES = ("tf.nn.moments", "keras.layers.Dropout", "keras.layers.BatchNormalization")


@pytest.mark.parametrize(
    "path, expected",
    [
        ("tensorflow.nn.moments", "tf.nn.moments"),
        ("tf.compat.v1.nn.moments", "tf.nn.moments"),
        ("tensorflow.compat.v2.keras.layers.Dropout", "keras.layers.Dropout"),
        ("tf.keras.layers.GRU", "keras.layers.GRU"),
        ("keras.api.layers.LSTM", "keras.layers.LSTM"),
        ("tf_keras.layers.LSTM", "keras.layers.LSTM"),
        ("numpy.add", "numpy.add"),
    ],
)
def test_every_spelling_has_one_canonical_name(path, expected):
    assert canonical(path) == expected


@pytest.mark.parametrize(
    "source, found",
    [
        ("import tensorflow as tf\ntf.nn.moments(x, [0])", [("tf.nn.moments", 2)]),
        ("import tensorflow as T\ny = T.compat.v1.nn.moments", [("tf.nn.moments", 2)]),
        (
            "from tensorflow.nn import moments as m\nm(x)",
            [("tf.nn.moments", 1), ("tf.nn.moments", 2)],
        ),
        ("from tensorflow import keras\nkeras.layers.Dropout(0.5)", [("keras.layers.Dropout", 2)]),
        ("from keras import layers as L\nclass B(L.BatchNormalization): pass", [NAMES[2:3] + (2,)]),
        ("import tensorflow as tf\ngetattr(tf.nn, 'moments')", [("tf.nn.moments", 2)]),
        ("import keras.layers\nkeras.layers.Dropout", [("keras.layers.Dropout", 2)]),
    ],
)
def test_the_source_scan_resolves_imports_and_aliases(source, found):
    assert [(u.name, u.line) for u in scan(source, "m.py", NAMES)] == found


@pytest.mark.parametrize(
    "source",
    [
        "import keras\nclass Dropout(keras.layers.Layer):\n    pass\nDropout()",  # its own class
        "import tensorflow as tf\ntf.reduce_mean(x)\ntf.math.reduce_variance(x)",
        "import tensorflow as tf\ntf.nn.relu(x)\nnn = 1\nnn.moments",  # not tf's nn
        "def f(:\n",  # does not parse: its import fails on its own
    ],
)
def test_the_source_scan_leaves_allowed_code_alone(source):
    assert scan(source, "m.py", NAMES) == []


def test_a_trailing_star_forbids_a_whole_module():
    source = "import tensorflow as tf\ncell = tf.compat.v1.nn.rnn_cell.GRUCell(4)"
    assert [u.name for u in scan(source, "m.py", ["tf.nn.rnn_cell.*"])] == ["tf.nn.rnn_cell.*"]


STUDENT = """
import tensorflow as tf
import keras

def eager(x):
    return tf.nn.moments(x, axes=[0])

def hidden(x):
    return getattr(tf.nn, "mom" + "ents")(x, axes=[0])

@tf.function
def traced(x):
    return hidden(x)

class Sub(keras.layers.Dropout):
    def __init__(self):
        super().__init__(0.5)

def allowed(x):
    return tf.reduce_mean(x, axis=0), tf.math.reduce_variance(x, axis=0)
"""

RUN = """
import json, sys
import tensorflow as tf, keras
from autograder.runtime import forbidden
root = sys.argv[1]
names = ["tf.nn.moments", "keras.layers.Dropout", "keras.layers.BatchNormalization"]
print(json.dumps(forbidden.install(names, root)))
sys.path.insert(0, root)
import student
x = tf.random.normal((4, 3))
steps = {}
for step in ("allowed", "eager", "hidden", "traced", "Sub", "library"):
    before = len(forbidden.uses())
    if step == "library":  # Keras's own BatchNormalization, used by the grader: not recorded
        keras.layers.BatchNormalization()(x, training=True)
        keras.layers.LayerNormalization()(x)
    else:
        getattr(student, step)(*([] if step == "Sub" else [x]))
    steps[step] = [[u.name, u.file, u.line] for u in forbidden.uses()[before:]]
print(json.dumps(steps))
"""


def test_stand_ins_record_the_submissions_calls_eager_traced_and_subclassed(tmp_path: Path):
    pytest.importorskip("tensorflow")
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "student.py").write_text(textwrap.dedent(STUDENT))
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(tmp_path / "root")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    installed, steps = (json.loads(line) for line in done.stdout.strip().splitlines()[-2:])
    assert installed == list(NAMES)
    assert steps == {
        "allowed": [],
        "eager": [["tf.nn.moments", "student.py", 6]],
        "hidden": [["tf.nn.moments", "student.py", 9]],
        "traced": [["tf.nn.moments", "student.py", 0]],  # AutoGraph's copy: file, no line
        "Sub": [["keras.layers.Dropout", "student.py", 17]],
        "library": [],
    }
