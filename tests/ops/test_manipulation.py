"""Shape-manipulation ops: values vs NumPy, symbolic specs (with None dims), dtypes, errors,
gradients."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import matches_reference_test, raises_test

rng = np.random.default_rng(11)
X = rng.normal(size=(2, 3, 4)).astype("float32")
Y = rng.normal(size=(2, 3, 4)).astype("float32")
M = rng.normal(size=(3, 4)).astype("float32")
V = rng.normal(size=(5,)).astype("float32")
I = rng.integers(-5, 6, (2, 3, 4)).astype("int32")
I8 = rng.integers(-5, 6, (2, 3, 4)).astype("int8")
B = rng.integers(0, 2, (3, 4)).astype(bool)
F16 = rng.normal(size=(3, 4)).astype("float16")


def gradient_of(fn, x, weights):
    """d(sum(fn(x) * weights))/dx on the current backend (jax, torch or tensorflow)."""
    name = backend.backend()
    if name == "jax":
        import jax

        return np.asarray(jax.grad(lambda t: (fn(t) * weights).sum())(backend.convert_to_tensor(x)))
    if name == "torch":
        import torch

        t = torch.tensor(x, requires_grad=True)
        (fn(t) * torch.tensor(weights)).sum().backward()
        return t.grad.numpy()
    import tensorflow as tf

    t = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(fn(t.value()) * tf.constant(weights))
    return tf.convert_to_tensor(tape.gradient(y, t)).numpy()  # gathers give IndexedSlices


def gradient_matches(fn, ref, x, eps=1e-6):
    """Checks the backend gradient of a weighted sum of `fn` against central differences."""
    x = np.asarray(x, "float64")
    weights = np.random.default_rng(0).normal(size=np.shape(ref(x))).astype("float64")
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = ((ref(up) - ref(down)) * weights).sum() / (2 * eps)
    np.testing.assert_allclose(gradient_of(fn, x, weights), numeric, rtol=1e-5, atol=1e-6)


def _c(fn, **fixed):
    return lambda *a, **k: fn(*a, **fixed, **k)


# (id, op, reference, args, kwargs)
CASES = [
    ("reshape", ops.reshape, np.reshape, (X, (4, -1)), {}),
    ("squeeze", ops.squeeze, np.squeeze, (X[:1],), {}),
    ("transpose", ops.transpose, np.transpose, (X,), {}),
    ("transpose_axes", ops.transpose, np.transpose, (X,), {"axes": (1, 2, 0)}),
    ("transpose_negative_axes", ops.transpose, np.transpose, (X,), {"axes": (-1, 0, 1)}),
    ("moveaxis", ops.moveaxis, np.moveaxis, (X, 0, -1), {}),
    ("moveaxis_many", ops.moveaxis, np.moveaxis, (X, (0, 1), (2, 0)), {}),
    ("swapaxes", ops.swapaxes, np.swapaxes, (X, 0, 2), {}),
    ("expand_dims", ops.expand_dims, np.expand_dims, (X, 1), {}),
    ("expand_dims_negative", ops.expand_dims, np.expand_dims, (X, -1), {}),
    ("expand_dims_tuple", ops.expand_dims, np.expand_dims, (X, (0, 3)), {}),
    ("ravel", ops.ravel, np.ravel, (X,), {}),
    ("broadcast_to", ops.broadcast_to, np.broadcast_to, (M[0], (2, 3, 4)), {}),
    ("broadcast_to_scalar", ops.broadcast_to, np.broadcast_to, (np.array(2.0, "float32"), (3,)), {}),
    ("concatenate", ops.concatenate, np.concatenate, ([X, Y],), {}),
    ("concatenate_axis", ops.concatenate, np.concatenate, ([X, Y, X],), {"axis": -1}),
    ("concatenate_none", ops.concatenate, np.concatenate, ([X, M],), {"axis": None}),
    ("concatenate_promotes", ops.concatenate, np.concatenate, ([I8, I],), {"axis": 1}),
    ("append", ops.append, np.append, (X, M), {}),
    ("append_axis", ops.append, np.append, (X, Y), {"axis": 1}),
    ("stack", ops.stack, np.stack, ([X, Y],), {}),
    ("stack_axis", ops.stack, np.stack, ([M, M, M],), {"axis": -1}),
    ("hstack", ops.hstack, np.hstack, ([X, Y],), {}),
    ("hstack_vectors", ops.hstack, np.hstack, ([V, V[:2]],), {}),
    ("vstack", ops.vstack, np.vstack, ([M, M[:1]],), {}),
    ("vstack_vectors", ops.vstack, np.vstack, ([M[0], M[1]],), {}),
    ("dstack", ops.dstack, np.dstack, ([M, M],), {}),
    ("dstack_vectors", ops.dstack, np.dstack, ([V, V],), {}),
    ("split", ops.split, np.split, (X, 2), {"axis": 2}),
    ("split_indices", ops.split, np.split, (X, [1, 3]), {"axis": -1}),
    ("split_indices_past_end", ops.split, np.split, (X, [2, 5]), {"axis": 1}),
    ("array_split", ops.array_split, np.array_split, (X, 3), {"axis": 2}),
    ("array_split_more_than_size", ops.array_split, np.array_split, (V, 7), {}),
    ("hsplit", ops.hsplit, np.hsplit, (X, 3), {}),
    ("hsplit_vector", ops.hsplit, np.hsplit, (V, [2]), {}),
    ("vsplit", ops.vsplit, np.vsplit, (X, 2), {}),
    ("dsplit", ops.dsplit, np.dsplit, (X, [1]), {}),
    ("flip", ops.flip, np.flip, (X,), {}),
    ("flip_axis", ops.flip, np.flip, (X,), {"axis": 1}),
    ("flip_axes", ops.flip, np.flip, (X,), {"axis": (0, -1)}),
    ("fliplr", ops.fliplr, np.fliplr, (M,), {}),
    ("flipud", ops.flipud, np.flipud, (V,), {}),
    ("roll", ops.roll, np.roll, (X, 5), {}),
    ("roll_axis", ops.roll, np.roll, (X, -1), {"axis": 1}),
    ("roll_axes", ops.roll, np.roll, (X, (1, 6)), {"axis": (0, 2)}),
    ("rot90", ops.rot90, np.rot90, (M,), {}),
    ("rot90_k2", ops.rot90, np.rot90, (X,), {"k": 2, "axes": (1, 2)}),
    ("rot90_k3", ops.rot90, np.rot90, (X,), {"k": 3, "axes": (2, 0)}),
    ("rot90_negative_k", ops.rot90, np.rot90, (M,), {"k": -1}),
    ("repeat", ops.repeat, np.repeat, (X, 2), {}),
    ("repeat_axis", ops.repeat, np.repeat, (X, 3), {"axis": 1}),
    ("repeat_counts", ops.repeat, np.repeat, (X, [2, 0, 1]), {"axis": 1}),
    ("repeat_single_count", ops.repeat, np.repeat, (M, [2]), {"axis": 0}),
    ("repeat_tensor_counts", ops.repeat, np.repeat, (M, np.array([1, 2, 0, 3])), {"axis": 1}),
    ("tile", ops.tile, np.tile, (M, 2), {}),
    ("tile_more_reps", ops.tile, np.tile, (V, (2, 1, 3)), {}),
    ("tile_fewer_reps", ops.tile, np.tile, (X, (2, 1)), {}),
    ("pad_int", ops.pad, np.pad, (X, 1), {}),
    ("pad_pairs", ops.pad, np.pad, (X, ((0, 1), (2, 0), (1, 3))), {}),
    ("pad_constant_values", ops.pad, np.pad, (M, (1, 2)), {"constant_values": -2.5}),
    ("pad_int_input", ops.pad, np.pad, (I8, 1), {"constant_values": 3}),
    ("pad_bool", ops.pad, np.pad, (B, 1), {}),
    ("pad_reflect", ops.pad, np.pad, (X, ((1, 1), (2, 2), (3, 1))), {"mode": "reflect"}),
    ("pad_reflect_wide", ops.pad, np.pad, (V, (6, 9)), {"mode": "reflect"}),
    ("pad_symmetric", ops.pad, np.pad, (X, ((1, 1), (3, 2), (5, 0))), {"mode": "symmetric"}),
    ("pad_edge", ops.pad, np.pad, (M, 2), {"mode": "edge"}),
    ("pad_wrap", ops.pad, np.pad, (M, ((4, 1), (0, 5))), {"mode": "wrap"}),
    ("pad_empty", ops.pad, lambda x, w, mode: np.pad(x, w), (M, 2), {"mode": "empty"}),
    ("view_same_size", ops.view, lambda x, dtype: x.view(dtype), (M,), {"dtype": "int32"}),
    ("view_smaller", ops.view, lambda x, dtype: x.view(dtype), (M,), {"dtype": "uint8"}),
    ("view_float16", ops.view, lambda x, dtype: x.view(dtype), (M,), {"dtype": "float16"}),
    ("view_bigger", ops.view, lambda x, dtype: x.view(dtype), (I8,), {"dtype": "int32"}),
    ("view_from_bool", ops.view, lambda x, dtype: x.view(dtype), (B,), {"dtype": "uint8"}),
    ("view_none", ops.view, lambda x, dtype=None: x, (M,), {}),
]  # fmt: skip


# Cases whose symbolic spec must also work with a None leading dimension.
UNKNOWN_OK = {
    "transpose", "moveaxis", "swapaxes", "expand_dims", "ravel", "concatenate",
    "concatenate_axis", "stack", "flip", "roll_axis", "rot90_k2", "repeat_axis", "tile",
    "pad_pairs", "pad_reflect", "split", "array_split", "dsplit", "view_smaller",
}  # fmt: skip
test_matches_numpy = matches_reference_test(CASES, unknown_ok=UNKNOWN_OK)


NUMPY_PAD_MODES = ["linear_ramp", "maximum", "mean", "median", "minimum"]


@pytest.mark.parametrize("mode", NUMPY_PAD_MODES)
def test_statistic_pad_modes(mode):
    if backend.backend() in ("numpy", "jax"):
        assert_op_matches(ops.pad, np.pad, M, 2, mode=mode)
    else:
        with pytest.raises(ValueError, match=f"pad: mode='{mode}' is not supported"):
            ops.pad(M, 2, mode=mode)


def test_ndim_and_size():
    assert ops.ndim(X) == 3 and ops.size(X) == 24
    assert ops.ndim(backend.convert_to_tensor(V)) == 1 and ops.size(np.float32(1.0)) == 1
    assert ops.ndim(KerasTensor((None, 3))) == 2
    assert ops.size(KerasTensor((2, 3))) == 6 and ops.size(KerasTensor((None, 3))) is None


SYMBOLIC_CASES = [
    ("concatenate_none_dims", lambda a, b: ops.concatenate([a, b], axis=1), (None, 3), (None, 2), (None, 5)),
    ("concatenate_unknown_axis", lambda a, b: ops.concatenate([a, b], axis=0), (None, 3), (2, 3), (None, 3)),
    ("stack_fills_none", lambda a, b: ops.stack([a, b], axis=1), (None, 3), (4, 3), (4, 2, 3)),
    ("split_none_axis", lambda a, b: ops.split(a, [1], axis=0)[1], (None, 3), (1,), (None, 3)),
    ("hstack_none", lambda a, b: ops.hstack([a, a]), (None, 3), (1,), (None, 6)),
    ("repeat_tensor_counts", lambda a, b: ops.repeat(a, ops.cast(b, "int32"), axis=1), (2, 3), (3,), (2, None)),
    ("tile_none", lambda a, b: ops.tile(a, (2, 3)), (None, 3), (1,), (None, 9)),
    ("pad_none", lambda a, b: ops.pad(a, ((1, 1), (2, 0))), (None, 3), (1,), (None, 5)),
    ("broadcast_to", lambda a, b: ops.broadcast_to(a, (4, 3)), (None, 3), (1,), (4, 3)),
    ("unravel", lambda a, b: ops.unravel_index(ops.cast(a, "int32"), (3, 4))[1], (None, 3), (1,), (None, 3)),
    ("view_none", lambda a, b: ops.view(a, "int8"), (None, 3), (1,), (None, 12)),
]  # fmt: skip


@pytest.mark.parametrize(
    "fn,shape_a,shape_b,expected",
    [c[1:] for c in SYMBOLIC_CASES],
    ids=[c[0] for c in SYMBOLIC_CASES],
)
def test_symbolic_none_dims(fn, shape_a, shape_b, expected):
    assert fn(KerasTensor(shape_a), KerasTensor(shape_b)).shape == expected


def test_split_symbolic_returns_pieces():
    pieces = ops.array_split(KerasTensor((None, 7)), 3, axis=1)
    assert [p.shape for p in pieces] == [(None, 3), (None, 2), (None, 2)]


DTYPE_CASES = [
    ("concatenate_int8_float16", lambda: ops.concatenate([I8[0], F16]), "float16"),
    ("stack_int_bool", lambda: ops.stack([B, B.astype("int8")]), "int8"),
    ("append_int32_float32", lambda: ops.append(I, X), "float32"),
    ("pad_keeps_int8", lambda: ops.pad(I8, 1, constant_values=2), "int8"),
    ("repeat_bool", lambda: ops.repeat(B, 2, axis=0), "bool"),
    ("view_bool", lambda: ops.view(np.array([0, 1], "uint8"), "bool"), "bool"),
]


@pytest.mark.parametrize("name,fn,dtype", DTYPE_CASES, ids=[c[0] for c in DTYPE_CASES])
def test_result_dtypes(name, fn, dtype):
    assert ops.dtype(fn()) == dtype


ERROR_CASES = [
    ("transpose_bad_axes", lambda: ops.transpose(X, (0, 0, 1)), ValueError, "transpose: `axes` must be a permutation"),
    ("transpose_out_of_range", lambda: ops.transpose(X, (0, 1, 3)), ValueError, r"transpose: `axes`=3 is out of range"),
    ("moveaxis_lengths", lambda: ops.moveaxis(X, (0, 1), 2), ValueError, "moveaxis: `source` and `destination`"),
    ("swapaxes_range", lambda: ops.swapaxes(X, 0, 5), ValueError, r"swapaxes: `axis2`=5 is out of range"),
    ("expand_dims_repeated", lambda: ops.expand_dims(X, (1, 1)), ValueError, "expand_dims: `axis` has repeated"),
    ("broadcast_to_bad", lambda: ops.broadcast_to(X, (3, 3, 4)), ValueError, r"broadcast_to: .*cannot be broadcast"),
    ("concatenate_ranks", lambda: ops.concatenate([X, M]), ValueError, "concatenate: all inputs must have the same rank"),
    ("concatenate_shapes", lambda: ops.concatenate([X, M[None]], axis=1), ValueError, "concatenate: input shapes"),
    ("concatenate_not_list", lambda: ops.concatenate(3), TypeError, "concatenate: `xs` must be a list"),
    ("concatenate_empty", lambda: ops.concatenate([]), ValueError, "concatenate: `xs` must hold at least one"),
    ("stack_shapes", lambda: ops.stack([X, M]), ValueError, "stack: all inputs must have the same shape"),
    ("split_uneven", lambda: ops.split(X, 3, axis=2), ValueError, "split: an axis of size 4 cannot be split into 3"),
    ("split_zero_sections", lambda: ops.split(X, 0), ValueError, "split: the number of sections must be positive"),
    ("split_scalar", lambda: ops.split(np.float32(1.0), 1), ValueError, "split: `x` must have rank >= 1"),
    ("vsplit_vector", lambda: ops.vsplit(V, 1), ValueError, "vsplit: `x` must have rank >= 2"),
    ("dsplit_matrix", lambda: ops.dsplit(M, 1), ValueError, "dsplit: `x` must have rank >= 3"),
    ("fliplr_vector", lambda: ops.fliplr(V), ValueError, "fliplr: `x` must have rank >= 2"),
    ("roll_lengths", lambda: ops.roll(X, (1, 2), axis=0), ValueError, "roll: `shift` and `axis` must have the same length"),
    ("rot90_same_axes", lambda: ops.rot90(X, axes=(1, 1)), ValueError, "rot90: `axes` must be two different axes"),
    ("rot90_vector", lambda: ops.rot90(V), ValueError, "rot90: `array` must have rank >= 2"),
    ("repeat_counts_length", lambda: ops.repeat(X, [1, 2], axis=1), ValueError, "repeat: `repeats` has 2 entries"),
    ("repeat_negative", lambda: ops.repeat(X, [1, -2, 1], axis=1), ValueError, "repeat: `repeats` must be non-negative"),
    ("tile_negative", lambda: ops.tile(X, -1), ValueError, "tile: `repeats` must be non-negative"),
    ("pad_mode", lambda: ops.pad(X, 1, mode="nearest"), ValueError, "pad: `mode` must be one of"),
    ("pad_widths", lambda: ops.pad(X, ((1, 1), (1, 1))), ValueError, r"pad: `pad_width` .* does not fit"),
    ("pad_negative", lambda: ops.pad(X, -1), ValueError, "pad: `pad_width` must be non-negative"),
    ("pad_values_mode", lambda: ops.pad(X, 1, mode="edge", constant_values=1), ValueError, "pad: `constant_values` is only used"),
    ("view_uneven", lambda: ops.view(np.zeros((3,), "int8"), "int16"), ValueError, r"view: the last axis \(3 x int8\)"),
    ("view_scalar", lambda: ops.view(1.0, "int8"), ValueError, "view: cannot view a scalar"),
]  # fmt: skip


test_errors = raises_test(ERROR_CASES)


GRADIENT_CASES = [
    ("concatenate", lambda t: ops.concatenate([t, t * 2.0], axis=1), lambda a: np.concatenate([a, a * 2.0], axis=1), X),
    ("split", lambda t: ops.split(t, [1], axis=2)[1], lambda a: np.split(a, [1], axis=2)[1], X),
    ("roll", lambda t: ops.roll(t, 2, axis=2), lambda a: np.roll(a, 2, axis=2), X),
    ("rot90", lambda t: ops.rot90(t), lambda a: np.rot90(a), M),
    ("repeat", lambda t: ops.repeat(t, [1, 2, 0, 3], axis=1), lambda a: np.repeat(a, [1, 2, 0, 3], axis=1), M),
    ("pad_constant", lambda t: ops.pad(t, 1, constant_values=1.0), lambda a: np.pad(a, 1, constant_values=1.0), M),
    ("pad_reflect", lambda t: ops.pad(t, ((1, 2), (3, 0)), mode="reflect"), lambda a: np.pad(a, ((1, 2), (3, 0)), mode="reflect"), M),
    ("broadcast_to", lambda t: ops.broadcast_to(t, (2, 5)), lambda a: np.broadcast_to(a, (2, 5)), V),
]  # fmt: skip


@requires_training
@pytest.mark.parametrize("name,fn,ref,x", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, fn, ref, x):
    gradient_matches(fn, ref, x)


def test_variables_and_compiled_functions():
    v = backend.Variable(M)
    np.testing.assert_allclose(
        ops.convert_to_numpy(ops.concatenate([v, v], axis=1)), np.concatenate([M, M], axis=1)
    )
    np.testing.assert_allclose(ops.convert_to_numpy(ops.transpose(v)), M.T)

    def fn(x):
        n = ops.shape(x)[0]
        grown = ops.pad(ops.concatenate([x, x], axis=1), ((0, 0), (1, 1)), mode="reflect")
        return ops.broadcast_to(ops.expand_dims(ops.flip(grown, 1), 0), (2, n, 10))

    want = np.broadcast_to(
        np.flip(np.pad(np.concatenate([M, M], 1), ((0, 0), (1, 1)), "reflect"), 1), (2, 3, 10)
    )
    name = backend.backend()
    if name == "jax":
        import jax

        fn = jax.jit(fn)
    elif name == "tensorflow":
        import tensorflow as tf

        fn = tf.function(fn, input_signature=[tf.TensorSpec((None, 4), tf.float32)])
    np.testing.assert_allclose(ops.convert_to_numpy(fn(backend.convert_to_tensor(M))), want)


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric", "wrap"])
def test_pad_unknown_sizes_in_a_graph(mode):
    if backend.backend() != "tensorflow":
        pytest.skip("only TensorFlow graphs have unknown sizes at run time")
    import tensorflow as tf

    fn = tf.function(
        lambda x: ops.pad(x, ((2, 3), (1, 1)), mode=mode),
        input_signature=[tf.TensorSpec((None, None), tf.float32)],
    )
    for a in (M, M[:1, :2]):
        np.testing.assert_allclose(fn(a).numpy(), np.pad(a, ((2, 3), (1, 1)), mode=mode))


def test_reshape_to_a_run_time_shape_inside_tf_data():
    # A TF graph tensor's `ops.shape` holds tensors for unknown sizes; reshape must take them.
    tf = pytest.importorskip("tensorflow")
    if backend.backend() != "tensorflow":
        pytest.skip("run-time shapes of TF graph tensors exist on the tensorflow backend")
    ds = tf.data.Dataset.from_tensor_slices(np.arange(6.0).reshape(3, 2)).batch(2)
    out = next(iter(ds.map(lambda t: ops.reshape(ops.reshape(t, (-1,)), ops.shape(t)))))
    np.testing.assert_array_equal(out.numpy(), [[0.0, 1.0], [2.0, 3.0]])
