"""The operators for library calls: keywords dropped or changed, conversions dropped, mode flags
and mode calls. Each is checked on a small module written here: the mutants it makes (by id and
changed line), and that none of them reaches outside the solution region.
"""

from __future__ import annotations

from autograder.mutation import make_mutants

MODULE = """\
import numpy as np
import tensorflow as tf


def f(x, model, training):
    out = None
    # TODO(1.1): calls of libraries.
    ### BEGIN SOLUTION
    s = np.sum(x, axis=1, keepdims=True)
    y = np.asarray(x, dtype=np.float64).astype(np.float32)
    z = float(np.mean(x)) + int(x.shape[0])
    h = tf.cast(model(x, training=training), tf.float32)
    cb = tf.keras.callbacks.ModelCheckpoint("c", mode="max", save_best_only=True)
    model.eval()
    out = model.train().fit(h.numpy(), drop=False)
    ### END SOLUTION
    return out


def g(x):
    return float(np.sum(x, axis=0, keepdims=True))
"""


def _changed(operator: str) -> dict[str, str]:
    """The mutants of one operator: id -> the changed line (stripped, without the "+")."""
    out = {}
    for m in make_mutants(MODULE, "m.py"):
        assert 9 <= m.line <= 15 and "return float(np.sum(x, axis=0, keepdims=True))" in m.text
        if m.operator == operator:
            out[m.id] = m.diff.splitlines()[-1][1:].strip()
    return out


def test_drop_kwarg_drops_each_keyword_argument_in_turn():
    changed = _changed("drop_kwarg")
    assert changed["m.py:9:drop_kwarg:0"] == "s = np.sum(x, keepdims=True)"
    assert changed["m.py:9:drop_kwarg:1"] == "s = np.sum(x, axis=1)"
    assert changed["m.py:10:drop_kwarg:0"] == "y = np.asarray(x).astype(np.float32)"
    assert changed["m.py:12:drop_kwarg:0"] == "h = tf.cast(model(x), tf.float32)"
    assert changed["m.py:13:drop_kwarg:0"] == (
        "cb = tf.keras.callbacks.ModelCheckpoint('c', save_best_only=True)"
    )
    # the existing keyword operator still changes axis= and keepdims= values, under its own name
    assert _changed("keyword")["m.py:9:keyword:0"] == "s = np.sum(x, axis=0, keepdims=True)"


def test_kwarg_value_exchanges_a_string_value_with_its_counterpart():
    changed = _changed("kwarg_value")
    assert changed == {
        "m.py:13:kwarg_value:0": "cb = tf.keras.callbacks.ModelCheckpoint('c', mode='min', "
        "save_best_only=True)"
    }


def test_drop_conversion_keeps_the_converted_value():
    changed = _changed("drop_conversion")
    assert changed["m.py:10:drop_conversion:0"] == "y = np.asarray(x, dtype=np.float64)"
    assert changed["m.py:10:drop_conversion:1"] == "y = x.astype(np.float32)"
    assert changed["m.py:11:drop_conversion:0"] == "z = np.mean(x) + int(x.shape[0])"
    assert changed["m.py:11:drop_conversion:1"] == "z = float(np.mean(x)) + x.shape[0]"
    assert changed["m.py:12:drop_conversion:0"] == "h = model(x, training=training)"
    assert changed["m.py:15:drop_conversion:0"] == "out = model.train().fit(h, drop=False)"
    assert len(changed) == 6  # np.float64 and tf.float32 are dtypes here, not calls


def test_flip_flag_negates_boolean_keywords_and_mode_keywords():
    changed = _changed("flip_flag")
    assert changed == {
        "m.py:12:flip_flag:0": "h = tf.cast(model(x, training=not training), tf.float32)",
        "m.py:13:flip_flag:0": "cb = tf.keras.callbacks.ModelCheckpoint('c', mode='max', "
        "save_best_only=False)",
        "m.py:15:flip_flag:0": "out = model.train().fit(h.numpy(), drop=True)",
    }
    # a flag's constant is not made twice, by "constant" as well
    assert not any("drop=True" in line for line in _changed("constant").values())


def test_mode_call_deletes_or_exchanges_train_and_eval():
    changed = _changed("mode_call")
    assert changed == {
        "m.py:14:mode_call:0": "pass",  # the statement deleted
        "m.py:14:mode_call:1": "model.train()",
        "m.py:15:mode_call:0": "out = model.eval().fit(h.numpy(), drop=False)",
        "m.py:15:mode_call:1": "out = model.fit(h.numpy(), drop=False)",  # the call deleted
    }
    assert "m.py:14:delete:0" not in {m.id for m in make_mutants(MODULE, "m.py")}
