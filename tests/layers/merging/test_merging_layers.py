"""Merging layers: a battery adapted to list inputs (config round trip, eager and symbolic
calls, output shapes, mixed precision, training), NumPy references, masks, the functional
forms, the multi-input fixture's config, and errors."""

import json
import os
import zipfile

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu.backend.common import dtypes

RNG = np.random.default_rng(0)
FIXTURES = os.path.join(os.path.dirname(__file__), "../../../../shared/fixtures/keras3")


def _np(x):
    return ops.convert_to_numpy(x)


def _inputs(shapes, dtype="float32"):
    return [RNG.normal(size=s).astype(dtype) for s in shapes]


def check_merge(layer_cls, init_kwargs, input_shapes, expected_shape, train=False):
    """The standard battery, for a layer taking a list of tensors."""
    layer = layer_cls(**init_kwargs)
    config = json.loads(json.dumps(layer.get_config()))
    revived = layer_cls.from_config(config)
    assert json.loads(json.dumps(revived.get_config())) == config
    data = _inputs(input_shapes)
    out = layer(data)
    assert tuple(out.shape) == expected_shape
    assert dtypes.standardize_dtype(out.dtype) == "float32"
    assert layer.weights == []
    assert tuple(layer.compute_output_shape([s for s in input_shapes])) == expected_shape
    np.testing.assert_allclose(_np(revived(data)), _np(out), rtol=1e-6, atol=1e-6)
    for batch in (input_shapes[0][0], None):
        sym = layer_cls(**init_kwargs)(
            [cornu.Input(batch_shape=(batch,) + tuple(s[1:])) for s in input_shapes]
        )
        assert tuple(sym.shape) == (batch,) + expected_shape[1:]
    mixed = layer_cls(**init_kwargs, dtype="mixed_float16")(data)
    assert dtypes.standardize_dtype(mixed.dtype) == "float16"
    if train and backend.IS_DIFFERENTIABLE:
        ins = [cornu.Input(shape=s[1:]) for s in input_shapes]
        dense = [layers.Dense(s[-1]) for s in input_shapes]
        model = cornu.Model(ins, layer_cls(**init_kwargs)([d(i) for d, i in zip(dense, ins)]))
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(data, np.zeros(expected_shape, "float32"), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][-1])
    return out


CASES = [
    ("add", layers.Add, {}, [(2, 3, 4), (2, 3, 4)], (2, 3, 4), True),
    ("add_three", layers.Add, {}, [(2, 3), (2, 3), (2, 3)], (2, 3), False),
    ("add_broadcast", layers.Add, {}, [(2, 1, 4), (2, 3, 4)], (2, 3, 4), False),
    ("add_lower_rank", layers.Add, {}, [(2, 4), (2, 3, 4)], (2, 3, 4), False),
    ("subtract", layers.Subtract, {}, [(2, 3), (2, 3)], (2, 3), True),
    ("multiply", layers.Multiply, {}, [(2, 3), (2, 3), (2, 3)], (2, 3), True),
    ("average", layers.Average, {}, [(2, 3, 2), (2, 3, 2)], (2, 3, 2), False),
    ("maximum", layers.Maximum, {}, [(2, 3), (2, 3)], (2, 3), True),
    ("minimum", layers.Minimum, {}, [(2, 3), (2, 3)], (2, 3), False),
    ("concatenate", layers.Concatenate, {}, [(2, 3), (2, 4)], (2, 7), True),
    ("concatenate_axis1", layers.Concatenate, {"axis": 1}, [(2, 3, 4), (2, 2, 4)], (2, 5, 4), False),
    ("dot_vectors", layers.Dot, {"axes": 1}, [(2, 3), (2, 3)], (2, 1), True),
    ("dot_sequences", layers.Dot, {"axes": (2, 2)}, [(2, 3, 4), (2, 5, 4)], (2, 3, 5), False),
    ("dot_normalize", layers.Dot, {"axes": -1, "normalize": True}, [(2, 4), (2, 4)], (2, 1), True),
    ("dot_mixed_axes", layers.Dot, {"axes": [1, 2]}, [(2, 3, 4), (2, 5, 3)], (2, 4, 5), False),
]  # fmt: skip


@pytest.mark.parametrize(
    "layer_cls, init_kwargs, shapes, expected, train",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_merge_battery(layer_cls, init_kwargs, shapes, expected, train):
    check_merge(layer_cls, init_kwargs, shapes, expected, train)


def _expand_to(x, rank):
    while x.ndim < rank:
        x = np.expand_dims(x, 1)
    return x


@pytest.mark.parametrize(
    "layer_cls, reference",
    [
        (layers.Add, lambda xs: sum(xs)),
        (layers.Multiply, lambda xs: np.prod(np.broadcast_arrays(*xs), axis=0)),
        (layers.Average, lambda xs: sum(xs) / len(xs)),
        (layers.Maximum, lambda xs: np.max(np.broadcast_arrays(*xs), axis=0)),
        (layers.Minimum, lambda xs: np.min(np.broadcast_arrays(*xs), axis=0)),
    ],
    ids=["add", "multiply", "average", "maximum", "minimum"],
)
def test_elementwise_merges_match_numpy(layer_cls, reference):
    xs = _inputs([(2, 3, 4), (2, 1, 4), (2, 4)])
    out = _np(layer_cls()(xs))
    expected = reference([_expand_to(x, 3) for x in xs])
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)


def test_subtract_and_concatenate_match_numpy():
    a, b = _inputs([(2, 3, 4), (2, 3, 4)])
    np.testing.assert_allclose(_np(layers.Subtract()([a, b])), a - b, rtol=1e-6)
    c = _inputs([(2, 3, 2)])[0]
    np.testing.assert_array_equal(
        _np(layers.Concatenate(axis=-1)([a, c])), np.concatenate([a, c], axis=-1)
    )
    np.testing.assert_array_equal(
        _np(layers.Concatenate(axis=0)([a, b])), np.concatenate([a, b], axis=0)
    )


def _np_normalize(x, axis):
    return x / np.maximum(np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), 1e-12)


def test_dot_matches_numpy():
    a, b = _inputs([(2, 3, 4), (2, 5, 4)])
    np.testing.assert_allclose(
        _np(layers.Dot(axes=2)([a, b])), np.einsum("btf,bsf->bts", a, b), rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(
        _np(layers.Dot(axes=(-1, -1), normalize=True)([a, b])),
        np.einsum("btf,bsf->bts", _np_normalize(a, -1), _np_normalize(b, -1)),
        rtol=1e-5,
        atol=1e-5,
    )
    u, v = _inputs([(3, 4), (3, 4)])
    np.testing.assert_allclose(
        _np(layers.dot([u, v], axes=1)), np.sum(u * v, axis=1, keepdims=True), rtol=1e-5
    )
    c, d = _inputs([(2, 3, 4), (2, 5, 3)])
    np.testing.assert_allclose(
        _np(layers.Dot(axes=(1, 2))([c, d])), np.einsum("btf,bst->bfs", c, d), rtol=1e-5
    )


def test_functional_forms_and_names():
    a, b = _inputs([(2, 3), (2, 3)])
    for fn, cls in [
        (layers.add, layers.Add),
        (layers.subtract, layers.Subtract),
        (layers.multiply, layers.Multiply),
        (layers.average, layers.Average),
        (layers.maximum, layers.Maximum),
        (layers.minimum, layers.Minimum),
    ]:
        np.testing.assert_allclose(_np(fn([a, b])), _np(cls()([a, b])), rtol=1e-6)
    out = layers.concatenate([a, b], axis=0, name="joined")
    assert tuple(out.shape) == (4, 3)
    x = cornu.Input((3,), name="x")
    y = layers.add([x, x], name="summed")
    assert y._keras_history.operation.name == "summed"


def test_elementwise_masks_leave_out_masked_entries():
    a = np.array([[[1.0], [5.0], [-2.0]]], "float32")
    b = np.array([[[3.0], [2.0], [-7.0]]], "float32")
    ma = np.array([[True, False, False]])
    mb = np.array([[True, True, False]])
    out = _np(layers.Maximum()([a, b], mask=[ma, mb]))
    assert out[0, 0, 0] == 3.0 and out[0, 1, 0] == 2.0  # a's 5 is masked
    out = _np(layers.Minimum()([a, b], mask=[ma, mb]))
    assert out[0, 0, 0] == 1.0 and out[0, 1, 0] == 2.0
    out = _np(layers.Multiply()([a, b], mask=[ma, mb]))
    assert out[0, 0, 0] == 3.0 and out[0, 1, 0] == 2.0
    # Add does not look at the mask; values are summed as they are.
    np.testing.assert_allclose(_np(layers.Add()([a, b], mask=[ma, mb])), a + b)
    mask = layers.Maximum().compute_mask([a, b], [ma, mb])
    np.testing.assert_array_equal(_np(mask), [[True, True, False]])
    assert layers.Add().compute_mask([a, b], [None, None]) is None
    np.testing.assert_array_equal(_np(layers.Add().compute_mask([a, b], [ma, None])), [[1, 1, 1]])


def test_concatenate_mask():
    a, b = _inputs([(1, 3, 2), (1, 3, 4)])
    ma = np.array([[True, False, True]])
    mask = layers.Concatenate().compute_mask([a, b], [ma, None])
    np.testing.assert_array_equal(_np(mask), [[True, False, True]])
    mb = np.array([[False, True]])
    c = _inputs([(1, 2, 2)])[0]
    mask = layers.Concatenate(axis=1).compute_mask([a, c], [ma, mb])
    np.testing.assert_array_equal(_np(mask), [[True, False, True, False, True]])
    assert layers.Concatenate().compute_mask([a, b], [None, None]) is None
    assert layers.Dot(axes=2).compute_mask([a, a], [ma, ma]) is None


def test_masks_propagate_through_a_model():
    tokens = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    inputs = cornu.Input((3,), dtype="int32")
    embedded = layers.Embedding(5, 2, mask_zero=True)(inputs)
    merged = layers.Add()([embedded, embedded])

    class MaskProbe(cornu.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, x, mask=None):
            return ops.cast(mask, "float32")

        def compute_output_shape(self, input_shape):
            return tuple(input_shape[:-1])

    model = cornu.Model(inputs, MaskProbe()(merged))
    np.testing.assert_array_equal(_np(model(tokens)), tokens != 0)


def test_multi_io_fixture_config_rebuilds():
    path = os.path.join(FIXTURES, "multi_io_functional.keras")
    if not os.path.exists(path):
        pytest.skip("the multi_io_functional fixture is not available")
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    model = cornu.models.Functional.from_config(config["config"])
    names = {layer.name: type(layer).__name__ for layer in model.layers}
    assert names["concatenate"] == "Concatenate" and names["multiply"] == "Multiply"
    outputs = model.outputs if isinstance(model.outputs, (list, tuple)) else [model.outputs]
    assert sorted(tuple(o.shape) for o in outputs) == [(None, 1), (None, 3)]


@pytest.mark.parametrize(
    "make, shapes, error, match",
    [
        (layers.Subtract, [(2, 3)] * 3, ValueError, "Subtract layer .* exactly 2 inputs"),
        (layers.Add, [(2, 3), (2, 4)], ValueError, "Add layer .* not compatible"),
        (layers.Add, [(2, 3), (3, 3)], ValueError, "Add layer .* different batch sizes"),
        (lambda: layers.Concatenate(axis=1), [(2, 3, 4), (2, 3, 5)], ValueError,
         "Concatenate layer .* matching shapes except on the concatenation axis"),
        (lambda: layers.Concatenate(axis=3), [(2, 3), (2, 3)], ValueError,
         "Concatenate layer .* axis=3 is out of range"),
        (lambda: layers.Dot(axes=1), [(2, 3), (2, 4)], ValueError,
         "Dot layer .* contracted axes have different sizes"),
        (lambda: layers.Dot(axes=0), [(2, 3), (2, 3)], ValueError, "Dot layer .*axis 0 is the batch"),
        (lambda: layers.Dot(axes=1), [(2, 3)] * 3,
         ValueError, "Dot layer .* exactly 2 inputs"),
    ],
)  # fmt: skip
def test_call_errors(make, shapes, error, match):
    with pytest.raises(error, match=match):
        make()(_inputs(shapes))


def test_argument_errors():
    with pytest.raises(ValueError, match="Add layer .* must be called on a list of tensors"):
        layers.Add()(np.zeros((2, 3), "float32"))
    with pytest.raises(TypeError, match="Dot: axes must be an int or a pair"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(TypeError, match="Concatenate: axis must be an int"):
        layers.Concatenate(axis="last")


def test_configs():
    assert layers.Dot(axes=1).get_config()["axes"] == 1
    assert layers.Dot(axes=(1, 2), normalize=True).get_config()["axes"] == [1, 2]
    assert layers.Concatenate(axis=1).get_config()["axis"] == 1
    config = layers.Multiply(name="m").get_config()
    assert set(config) == {"name", "trainable", "dtype"}
    revived = layers.Dot.from_config(layers.Dot(axes=(2, 1)).get_config())
    assert revived.axes == (2, 1)
