"""`model.summary()` and the text table it is drawn with (Keras 3's layout)."""

import numpy as np
import pytest

import cornu
from cornu import layers
from cornu.utils import text_table


@pytest.mark.parametrize(
    "line_length,positions,expected",
    [
        (76, [0.45, 0.80, 1.0], [33, 24, 15]),
        (60, [0.45, 0.80, 1.0], [26, 19, 11]),
        (76, [0.3, 0.56, 0.74, 1.0], [21, 19, 12, 19]),
        (76, [0.27, 0.504, 0.666, 0.9, 1.0], [19, 17, 11, 16, 7]),
    ],
    ids=["sequential", "narrow", "functional", "functional_trainable"],
)
def test_column_widths_give_back_border_and_padding(line_length, positions, expected):
    assert text_table.column_widths(line_length, positions) == expected


def test_wrap_breaks_at_spaces_and_ends_long_words_with_an_ellipsis():
    assert text_table.wrap("concat (Concatenate)", 19) == [
        "concat" + " " * 13,
        "(Concatenate)" + " " * 6,
    ]
    assert text_table.wrap("o2_with_a_rather_long_name (Dense)", 10) == ["o2_with_a…", "(Dense)   "]
    assert text_table.wrap("Y", 5, "center") == ["  Y  "]
    assert text_table.wrap("1,234", 8, "right") == ["   1,234"]


def _text(model, **kwargs):
    calls = []
    model.summary(print_fn=calls.append, **kwargs)
    assert len(calls) == 1  # one call with the whole text, as Keras makes
    return calls[0]


def test_sequential_summary_text(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    model = cornu.Sequential(
        [cornu.Input((4,)), layers.Dense(3, name="dense"), layers.BatchNormalization(name="bn")],
        name="seq",
    )
    assert _text(model) == (
        'Model: "seq"\n'
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
        "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
        "│ dense (Dense)                   │ (None, 3)              │            15 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ bn (BatchNormalization)         │ (None, 3)              │            12 │\n"
        "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
        " Total params: 27 (108.00 B)\n"
        " Trainable params: 21 (84.00 B)\n"
        " Non-trainable params: 6 (24.00 B)\n"
    )


def test_functional_summary_connects_branches_and_lists_inputs(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    a, b = cornu.Input((2,), name="a"), cornu.Input((3,), name="b")
    c = layers.Concatenate(name="concat")([a, b])
    model = cornu.Model([a, b], layers.Dense(1, name="o")(c), name="m")
    text = _text(model, show_trainable=True)
    assert "┃ Layer (type)      ┃ Output Shape    ┃   Param # ┃ Connected to   ┃ Trai… ┃" in text
    assert "│ concat            │ (None, 5)       │         0 │ a[0][0],       │   -   │" in text
    assert "│ o (Dense)         │ (None, 1)       │         6 │ concat[0][0]   │   Y   │" in text


def test_chain_functional_with_ops_has_no_connected_column(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    cornu.backend.clear_session()  # op names come from a process-wide counter ("add", "add_1")
    i = cornu.Input((3,), name="x")
    model = cornu.Model(i, layers.Dense(2, name="d")(cornu.ops.add(i, 1.0)), name="ops")
    text = _text(model)
    assert "Connected to" not in text and "│ add (Add)" in text and "│ x (InputLayer)" in text


def test_summary_follows_columns_and_crops_wider_tables(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    model = cornu.Sequential([cornu.Input((2,)), layers.Dense(1)], name="s")
    assert max(len(line) for line in _text(model).splitlines()) == 56
    assert max(len(line) for line in _text(model, line_length=100).splitlines()) == 60


def test_layer_range_and_unbuilt_rows(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    model = cornu.Sequential([layers.Dense(2, name="alpha"), layers.Dense(1, name="beta")])
    assert "│ alpha (Dense)                   │ ?                      │   0 (unbuilt) │" in _text(
        model
    )
    model.build((None, 3))
    assert "alpha" not in _text(model, layer_range=["be", "beta"])
    with pytest.raises(ValueError, match="no layer name matches"):
        _text(model, layer_range=["nope", "beta"])


def test_nested_models_expand_with_indented_rows(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    inner = cornu.Sequential([layers.Dense(2, name="sd")], name="mid")
    model = cornu.Sequential([cornu.Input((3,)), inner, layers.Dense(1, name="last")], name="top")
    text = _text(model, expand_nested=True)
    assert "│    └ sd (Dense)                 │ (None, 2)              │             8 │" in text
    assert np.isclose(model.count_params(), 11)
