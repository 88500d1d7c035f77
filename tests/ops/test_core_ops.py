"""Core ops: control flow, custom gradients, slices, scatters, unstack, rearrange, vectorize."""

import numpy as np
import pytest

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from tests.conftest import requires_training
from tests.helpers import backend_grad_of_sum, matches_reference_test

BACKEND = backend.backend()
rng = np.random.default_rng(1234)
X = rng.standard_normal((4, 5)).astype("float32")
X3 = rng.standard_normal((2, 6, 4)).astype("float32")
V = rng.standard_normal((7,)).astype("float32")


def to_np(x):
    return np.asarray(ops.convert_to_numpy(x))


# -- references --------------------------------------------------------------------------


def np_slice(x, starts, shape):
    starts = [min(max(int(s), 0), d - n) for s, d, n in zip(starts, x.shape, shape)]
    return x[tuple(slice(s, s + n) for s, n in zip(starts, shape))]


def np_slice_update(x, starts, updates):
    out = x.copy()
    starts = [min(max(int(s), 0), d - n) for s, d, n in zip(starts, x.shape, updates.shape)]
    out[tuple(slice(s, s + n) for s, n in zip(starts, updates.shape))] = updates
    return out


def np_scatter(indices, values, shape):
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(indices[..., i] for i in range(indices.shape[-1])), values)
    return out


_UFUNCS = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def np_scatter_update(inputs, indices, updates, reduction=None):
    out = inputs.copy()
    index = tuple(indices[..., i] for i in range(indices.shape[-1]))
    if reduction is None:
        out[index] = updates
    else:
        _UFUNCS[reduction].at(out, index, updates.astype(inputs.dtype))
    return out


def np_unstack(x, num=None, axis=0):
    return [np.take(x, i, axis=axis) for i in range(x.shape[axis])]


def np_linear_recurrence(elems, reverse=False, axis=0):
    """Sequential reference of the associative (a, b) linear-recurrence combiner."""
    a, b = (np.moveaxis(e, axis, 0) for e in elems)
    order = range(a.shape[0] - 1, -1, -1) if reverse else range(a.shape[0])
    out_a, out_b = np.empty_like(a), np.empty_like(b)
    acc = None
    for i in order:
        acc = (a[i], b[i]) if acc is None else (acc[0] * a[i], acc[1] * a[i] + b[i])
        out_a[i], out_b[i] = acc
    return np.moveaxis(out_a, 0, axis), np.moveaxis(out_b, 0, axis)


def linear_combine(left, right):
    return (ops.multiply(left[0], right[0]), ops.add(ops.multiply(left[1], right[0]), right[1]))


IDX = np.array([[0, 1], [2, 3], [0, 1], [3, 4]], "int32")
IDX1 = np.array([[1], [3], [1]], "int32")
A_REC = rng.uniform(0.5, 1.5, (9, 3)).astype("float32")
B_REC = rng.standard_normal((9, 3)).astype("float32")

CASES = [
    ("slice", ops.slice, np_slice, (X, [1, 2], (2, 3)), {}),
    ("slice-clamped", ops.slice, np_slice, (X, [3, 4], (2, 3)), {}),
    ("slice-3d", ops.slice, np_slice, (X3, (0, 1, 1), (2, 4, 2)), {}),
    ("slice_update", ops.slice_update, np_slice_update, (X, [1, 2], np.ones((2, 2), "float32")), {}),
    ("slice_update-clamped", ops.slice_update, np_slice_update, (X, [3, 4], np.ones((2, 2), "float32")), {}),
    ("scatter-elements", ops.scatter, np_scatter, (IDX, np.arange(4, dtype="float32"), (4, 5)), {}),
    ("scatter-rows", ops.scatter, np_scatter, (IDX1, X[:3], (4, 5)), {}),
    ("scatter-int", ops.scatter, np_scatter, (IDX, np.arange(4, dtype="int32"), (4, 5)), {}),
    ("scatter_update", ops.scatter_update, np_scatter_update, (X, IDX[:2], np.array([9.0, 8.0], "float32")), {}),
    ("scatter_update-rows", ops.scatter_update, np_scatter_update, (X, IDX1[:2], X[:2] * 2), {}),
    ("scatter_update-add", ops.scatter_update, np_scatter_update, (X, IDX, V[:4]), {"reduction": "add"}),
    ("scatter_update-max", ops.scatter_update, np_scatter_update, (X, IDX, V[:4]), {"reduction": "max"}),
    ("scatter_update-min", ops.scatter_update, np_scatter_update, (X, IDX, V[:4]), {"reduction": "min"}),
    ("scatter_update-mul", ops.scatter_update, np_scatter_update, (X, IDX, V[:4]), {"reduction": "mul"}),
    ("scatter_update-rows-mul", ops.scatter_update, np_scatter_update, (X, IDX1, X[:3]), {"reduction": "mul"}),
    ("unstack", ops.unstack, np_unstack, (X,), {}),
    ("unstack-axis", ops.unstack, np_unstack, (X3,), {"axis": -1}),
    ("unstack-num", ops.unstack, np_unstack, (X3,), {"num": 6, "axis": 1}),
    ("rearrange-transpose", ops.rearrange, lambda t, p: np.transpose(t, (0, 2, 1)), (X3, "b h w -> b w h"), {}),
    ("rearrange-merge", ops.rearrange, lambda t, p: t.reshape(2, 24), (X3, "b h w -> b (h w)"), {}),
    ("rearrange-split", ops.rearrange, lambda t, p, h: t.reshape(2, 3, 2, 4).transpose(0, 3, 1, 2), (X3, "b (h w) c -> b c h w"), {"h": 3}),
    ("rearrange-ellipsis", ops.rearrange, lambda t, p: np.moveaxis(t, -1, 0), (X3, "... c -> c ..."), {}),
    ("rearrange-unit", ops.rearrange, lambda t, p: t[:, None], (X, "a b -> a 1 b"), {}),
    ("rearrange-squeeze-unit", ops.rearrange, lambda t, p: t[:, 0], (X[:, None].copy(), "a () b -> a b"), {}),
    ("rearrange-flatten", ops.rearrange, lambda t, p: t.reshape(-1), (X3, "a b c -> (a b c)"), {}),
    ("saturate_cast-int8", ops.saturate_cast, lambda x, d: np.clip(x, -128, 127).astype("int8"), (X * 200, "int8"), {}),
    ("saturate_cast-uint8", ops.saturate_cast, lambda x, d: np.clip(x, 0, 255).astype("uint8"), (X * 300, "uint8"), {}),
    ("saturate_cast-int16-uint8", ops.saturate_cast, lambda x, d: np.clip(x, 0, 255).astype("uint8"), ((X * 500).astype("int16"), "uint8"), {}),
    ("saturate_cast-float16", ops.saturate_cast, lambda x, d: np.clip(x, -65504, 65504).astype("float16"), (X * 1e5, "float16"), {}),
    ("saturate_cast-widen", ops.saturate_cast, lambda x, d: x.astype("float64"), (X, "float64"), {}),
    ("cast", ops.cast, lambda x, d: x.astype(d), (X, "int32"), {}),
    ("associative_scan-add", ops.associative_scan, lambda f, e: np.cumsum(e, 0), (ops.add, V), {}),
    ("associative_scan-axis", ops.associative_scan, lambda f, e, axis: np.cumsum(e, axis), (ops.add, X3), {"axis": 1}),
    ("associative_scan-max-reverse", ops.associative_scan, lambda f, e, reverse: np.flip(np.maximum.accumulate(np.flip(e, 0), 0), 0), (ops.maximum, V), {"reverse": True}),
    ("associative_scan-pytree", ops.associative_scan, lambda f, e: np_linear_recurrence(e), (linear_combine, (A_REC, B_REC)), {}),
    ("associative_scan-pytree-reverse", ops.associative_scan, lambda f, e, reverse: np_linear_recurrence(e, reverse=True), (linear_combine, (A_REC, B_REC)), {"reverse": True}),
    ("associative_scan-pytree-axis1", ops.associative_scan, lambda f, e, axis: np_linear_recurrence(e, axis=1), (linear_combine, (A_REC.T.copy(), B_REC.T.copy())), {"axis": 1}),
    ("map", ops.map, lambda f, xs: xs * 2 + 1, (lambda x: ops.add(ops.multiply(x, 2.0), 1.0), X), {}),
    ("map-pytree", ops.map, lambda f, xs: (xs[0] + xs[1], xs[0] * 0), (lambda x: (ops.add(x[0], x[1]), ops.multiply(x[0], 0.0)), (X, X)), {}),
    ("switch", ops.switch, lambda i, b, x: x * 3, (1, [lambda x: ops.add(x, 1.0), lambda x: ops.multiply(x, 3.0)], X), {}),
    ("switch-clamped", ops.switch, lambda i, b, x: x * 3, (7, [lambda x: ops.add(x, 1.0), lambda x: ops.multiply(x, 3.0)], X), {}),
    ("switch-tensor-index", ops.switch, lambda i, b, x: x + 1, (np.array(-2, "int32"), [lambda x: ops.add(x, 1.0), lambda x: ops.multiply(x, 3.0)], X), {}),
    ("rearrange-unknown-batch", ops.rearrange, lambda t, p, h: t.reshape(2, 3, 2, 4).transpose(0, 3, 1, 2), (X3, "b (h w) c -> b c h w"), {"h": 3, "unknown_batch": True}),
    ("slice_update-unknown-batch", ops.slice_update, np_slice_update, (X, [1, 2], np.ones((2, 2), "float32")), {"unknown_batch": True}),
    ("scatter_update-unknown-batch", ops.scatter_update, np_scatter_update, (X, IDX, V[:4]), {"reduction": "add", "unknown_batch": True}),
    ("unstack-unknown-batch", ops.unstack, np_unstack, (X3,), {"axis": -1, "unknown_batch": True}),
    ("associative_scan-unknown-batch", ops.associative_scan, lambda f, e, axis: np.cumsum(e, axis), (ops.add, X3), {"axis": 1, "unknown_batch": True}),
    ("scan-cumsum", ops.scan, lambda f, init, xs: (xs.sum(0), np.cumsum(xs, 0)), (lambda c, x: (ops.add(c, x), ops.add(c, x)), np.zeros(5, "float32"), X), {}),
    ("scan-reverse", ops.scan, lambda f, init, xs, reverse: (xs.sum(0), np.flip(np.cumsum(np.flip(xs, 0), 0), 0)), (lambda c, x: (ops.add(c, x), ops.add(c, x)), np.zeros(5, "float32"), X), {"reverse": True}),
]  # fmt: skip


test_matches_numpy = matches_reference_test(CASES)


DTYPE_CASES = [
    ("scatter-keeps-values-dtype", lambda: ops.scatter(IDX, np.ones(4, "int8"), (4, 5)), "int8"),
    ("scatter_update-casts-updates", lambda: ops.scatter_update(X, IDX[:1], np.array([1], "int32")), "float32"),
    ("slice_update-casts-updates", lambda: ops.slice_update(X.astype("float16"), [0, 0], np.ones((1, 1), "float32")), "float16"),
    ("slice-int64", lambda: ops.slice(np.arange(10, dtype="int64"), [2], (3,)), "int64"),
    ("saturate_cast-bool", lambda: ops.saturate_cast(np.array([0.0, 2.0], "float32"), "bool"), "bool"),
    ("saturate_cast-int-to-float", lambda: ops.saturate_cast(np.array([1, 2], "int32"), "float32"), "float32"),
    ("unstack-bool", lambda: ops.unstack(X > 0)[0], "bool"),
    ("rearrange-int", lambda: ops.rearrange(np.arange(6, dtype="int32").reshape(2, 3), "a b -> b a"), "int32"),
]  # fmt: skip


@pytest.mark.parametrize(
    "fn,expected", [c[1:] for c in DTYPE_CASES], ids=[c[0] for c in DTYPE_CASES]
)
def test_dtypes(fn, expected):
    assert ops.dtype(fn()) == expected


def test_saturate_cast_extremes():
    big = np.array([3e9, -3e9, 1.5, np.inf, -np.inf], "float32")
    out = to_np(ops.saturate_cast(big, "int32"))
    assert out.dtype == np.int32
    info = np.iinfo(np.int32)
    assert out[0] > info.max - 256 and out[1] == info.min and out[2] == 1
    assert out[3] > info.max - 256 and out[4] == info.min
    wide = to_np(ops.saturate_cast(np.array([1e300, -1e300], "float64"), "float32"))
    np.testing.assert_array_equal(wide, np.array([3.4028235e38, -3.4028235e38], "float32"))
    unsigned = to_np(ops.saturate_cast(np.array([-5, 300], "int32"), "uint8"))
    np.testing.assert_array_equal(unsigned, [0, 255])


def test_shapes_given_as_arrays():
    starts, shape = np.array([3, 3]), np.array([2, 2])
    out = ops.slice(np.arange(25, dtype="float32").reshape(5, 5), starts, shape)
    np.testing.assert_allclose(to_np(out), [[18, 19], [23, 24]])
    out = ops.scatter(np.array([[0, 1], [1, 1]]), np.array([1.0, 1.0], "float32"), np.array([2, 2]))
    np.testing.assert_allclose(to_np(out), [[0, 1], [0, 1]])


def test_scatter_duplicates_accumulate():
    indices = np.array([[1], [1], [1], [0]], "int32")
    out = to_np(ops.scatter(indices, np.array([1.0, 2.0, 3.0, 4.0], "float32"), (3,)))
    np.testing.assert_allclose(out, [4.0, 6.0, 0.0])


def test_scatter_update_list_indices():
    out = to_np(ops.scatter_update(np.zeros((2, 3), "float32"), [[0, 1], [1, 2]], [5.0, 6.0]))
    np.testing.assert_allclose(out, [[0, 5, 0], [0, 0, 6]])


def test_slice_with_tensor_start_indices():
    starts = ops.convert_to_tensor(np.array([1, 0], "int32"))
    np.testing.assert_allclose(to_np(ops.slice(X, starts, (2, 2))), X[1:3, 0:2])
    out = to_np(ops.slice_update(X, starts, np.zeros((1, 5), "float32")))
    np.testing.assert_allclose(out, np_slice_update(X, [1, 0], np.zeros((1, 5), "float32")))


# -- control flow --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pred",
    [True, False, np.array(True), "tensor-true", "tensor-false"],
    ids=["py-true", "py-false", "numpy", "tensor-true", "tensor-false"],
)
def test_cond(pred):
    expected = pred if not isinstance(pred, str) else pred == "tensor-true"
    if isinstance(pred, str):
        pred = ops.convert_to_tensor(expected)
    x = ops.convert_to_tensor(X)
    out = ops.cond(pred, lambda: ops.multiply(x, 2.0), lambda: ops.add(x, 1.0))
    np.testing.assert_allclose(to_np(out), X * 2 if expected else X + 1, rtol=1e-6)


def test_cond_nested_outputs():
    x = ops.convert_to_tensor(X)
    out = ops.cond(
        ops.convert_to_tensor(False),
        lambda: {"a": x, "b": (ops.add(x, 1.0),)},
        lambda: {"a": ops.multiply(x, 0.0), "b": (x,)},
    )
    np.testing.assert_allclose(to_np(out["a"]), 0 * X)
    np.testing.assert_allclose(to_np(out["b"][0]), X)


def test_while_loop():
    x = ops.convert_to_tensor(V)
    i, total = ops.while_loop(
        lambda i, s: ops.less(i, 4), lambda i, s: (ops.add(i, 1), ops.add(s, x)), (0, x)
    )
    assert int(to_np(i)) == 4
    np.testing.assert_allclose(to_np(total), V * 5, rtol=1e-6)
    single = ops.while_loop(
        lambda s: ops.less(ops.sum(s), 100.0),
        lambda s: ops.multiply(s, 2.0),
        ops.convert_to_tensor(np.ones(3, "float32")),
    )
    np.testing.assert_allclose(to_np(single), np.full(3, 64.0))


def test_while_loop_maximum_iterations():
    out = ops.while_loop(
        lambda s: True, lambda s: ops.add(s, 1), ops.convert_to_tensor(0), maximum_iterations=3
    )
    assert int(to_np(out)) == 3


def test_fori_loop():
    x = ops.convert_to_tensor(V)
    out = ops.fori_loop(
        0, 4, lambda i, v: ops.add(v, x), ops.convert_to_tensor(np.zeros(7, "float32"))
    )
    np.testing.assert_allclose(to_np(out), V * 4, rtol=1e-6)
    a, b = ops.fori_loop(
        1,
        3,
        lambda i, v: (ops.add(v[0], 1.0), ops.multiply(v[1], 2.0)),
        (ops.convert_to_tensor(0.0), ops.convert_to_tensor(1.0)),
    )
    assert float(to_np(a)) == 2.0 and float(to_np(b)) == 4.0


def test_scan_nested_carry_and_length():
    def step(carry, x):
        total, state = carry
        total = ops.add(total, x)
        return (total, {"count": ops.add(state["count"], 1.0)}), ops.multiply(total, 2.0)

    init = (ops.convert_to_tensor(np.zeros(5, "float32")), {"count": ops.convert_to_tensor(0.0)})
    (total, state), ys = ops.scan(step, init, ops.convert_to_tensor(X))
    np.testing.assert_allclose(to_np(total), X.sum(0), rtol=1e-5)
    assert float(to_np(state["count"])) == 4.0
    np.testing.assert_allclose(to_np(ys), np.cumsum(X, 0) * 2, rtol=1e-5)

    carry, ys = ops.scan(
        lambda c, _: (ops.add(c, 1.0), c), ops.convert_to_tensor(0.0), None, length=3
    )
    assert float(to_np(carry)) == 3.0
    np.testing.assert_allclose(to_np(ys), [0.0, 1.0, 2.0])


def test_scan_pytree_xs():
    xs = {"a": ops.convert_to_tensor(X), "b": ops.convert_to_tensor(X * 2)}
    carry, ys = ops.scan(
        lambda c, x: (ops.add(c, x["a"]), ops.subtract(x["b"], x["a"])),
        ops.convert_to_tensor(np.zeros(5, "float32")),
        xs,
    )
    np.testing.assert_allclose(to_np(ys), X, rtol=1e-6)


def test_map_over_an_empty_axis():
    out = ops.map(lambda r: ops.sum(r), ops.convert_to_tensor(np.zeros((0, 3), "float32")))
    assert tuple(ops.shape(out)) == (0,) and ops.dtype(out) == "float32"


def test_vectorized_map():
    out = ops.vectorized_map(lambda row: ops.sum(ops.multiply(row, row)), ops.convert_to_tensor(X))
    np.testing.assert_allclose(to_np(out), (X * X).sum(1), rtol=1e-5)


# -- jit / tf.function ---------------------------------------------------------------------


def _loops(x):
    _, total = ops.while_loop(
        lambda i, s: ops.less(i, 3), lambda i, s: (ops.add(i, 1), ops.add(s, x)), (0, x)
    )
    looped = ops.fori_loop(
        0, ops.convert_to_tensor(2, "int64"), lambda i, v: ops.multiply(v, 2.0), x
    )
    carry, ys = ops.scan(lambda c, r: (ops.add(c, r), ops.multiply(c, r)), ops.zeros((5,)), x)
    _, counted = ops.scan(
        lambda c, _: (ops.add(c, 1.0), c), ops.convert_to_tensor(0.0), None, length=3
    )
    rev = ops.scan(lambda c, r: (ops.add(c, r), c), ops.zeros((5,)), x, reverse=True)[1]
    chosen = ops.cond(ops.greater(ops.sum(x), 1e9), lambda: x, lambda: ops.multiply(x, 3.0))
    picked = ops.switch(ops.convert_to_tensor(1), [lambda a: a, lambda a: ops.add(a, 5.0)], x)
    block = ops.slice(x, ops.convert_to_tensor(np.array([1, 1], "int32")), (2, 3))
    updated = ops.slice_update(x, [ops.convert_to_tensor(2), 1], ops.zeros((2, 2)))
    cumulative = ops.associative_scan(ops.add, x, axis=1)
    mapped = ops.map(lambda r: ops.multiply(r, 2.0), x)
    scattered = ops.scatter(IDX, x[0, :4], (4, 5))
    row = ops.unstack(x, axis=0)[1]
    swapped = ops.rearrange(x, "a b -> b a")
    dots = ops.vectorize(lambda a, b: ops.sum(ops.multiply(a, b)), signature="(n),(n)->()")(x, x)
    return (
        total,
        looped,
        carry,
        ys,
        counted,
        rev,
        chosen,
        picked,
        block,
        updated,
        cumulative,
        mapped,
        scattered,
        row,
        swapped,
        dots,
    )


def _check_loops(results):
    assert len(results) == 16
    total, looped, carry, ys, counted, rev, chosen, picked, block, updated, cumulative = [
        to_np(r) for r in results[:11]
    ]
    mapped, scattered, row, swapped, dots = [to_np(r) for r in results[11:]]
    np.testing.assert_allclose(mapped, X * 2, rtol=1e-6)
    np.testing.assert_allclose(scattered, np_scatter(IDX, X[0, :4], (4, 5)), rtol=1e-6)
    np.testing.assert_allclose(row, X[1])
    np.testing.assert_allclose(swapped, X.T)
    np.testing.assert_allclose(dots, (X * X).sum(1), rtol=1e-5)
    np.testing.assert_allclose(total, X * 4, rtol=1e-5)
    np.testing.assert_allclose(looped, X * 4, rtol=1e-5)
    np.testing.assert_allclose(carry, X.sum(0), rtol=1e-5, atol=1e-6)
    prefix = np.concatenate([np.zeros((1, 5), "float32"), np.cumsum(X, 0)[:-1]])
    np.testing.assert_allclose(ys, prefix * X, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(counted, [0.0, 1.0, 2.0])
    suffix = np.concatenate(
        [np.flip(np.cumsum(np.flip(X, 0), 0), 0)[1:], np.zeros((1, 5), "float32")]
    )
    np.testing.assert_allclose(rev, suffix, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(chosen, X * 3, rtol=1e-6)
    np.testing.assert_allclose(picked, X + 5, rtol=1e-6)
    np.testing.assert_allclose(block, X[1:3, 1:4])
    np.testing.assert_allclose(updated, np_slice_update(X, [2, 1], np.zeros((2, 2), "float32")))
    np.testing.assert_allclose(cumulative, np.cumsum(X, 1), rtol=1e-5, atol=1e-6)


def test_control_flow_eager():
    _check_loops(_loops(ops.convert_to_tensor(X)))


@pytest.mark.skipif(BACKEND != "jax", reason="jax.jit runs on the jax backend only")
def test_control_flow_under_jax_jit():
    import jax

    _check_loops(jax.jit(_loops)(ops.convert_to_tensor(X)))
    x = np.array([1.0, -2.0, 0.5], "float32")
    np.testing.assert_allclose(
        jax.jit(jax.grad(lambda a: ops.sum(_scaled_clip_grad(a))))(x), np.full(3, 0.5)
    )


@pytest.mark.skipif(
    BACKEND != "tensorflow", reason="tf.function runs on the tensorflow backend only"
)
def test_control_flow_under_tf_function():
    import tensorflow as tf

    _check_loops(tf.function(_loops)(ops.convert_to_tensor(X)))
    dynamic = tf.function(
        lambda x, n: ops.fori_loop(0, n, lambda i, v: ops.add(v, x), x),
        input_signature=[tf.TensorSpec((None, 5), tf.float32), tf.TensorSpec((), tf.int32)],
    )
    np.testing.assert_allclose(to_np(dynamic(X, tf.constant(3))), X * 4, rtol=1e-5)
    np.testing.assert_allclose(to_np(dynamic.python_function(X, tf.constant(2, tf.int64))), X * 3)
    unknown = tf.function(
        lambda x: (
            ops.rearrange(x, "b (h w) -> b w h", h=3),
            ops.unstack(x, axis=1)[0],
            ops.slice(x, [1, 0], (1, 6)),
            ops.associative_scan(ops.add, x, axis=1),
        ),
        input_signature=[tf.TensorSpec((None, 6), tf.float32)],
    )
    x6 = rng.standard_normal((3, 6)).astype("float32")
    swapped, first, block, cumulative = [to_np(r) for r in unknown(x6)]
    np.testing.assert_allclose(swapped, x6.reshape(3, 3, 2).transpose(0, 2, 1))
    np.testing.assert_allclose(first, x6[:, 0])
    np.testing.assert_allclose(block, x6[1:2])
    np.testing.assert_allclose(cumulative, np.cumsum(x6, 1), rtol=1e-5, atol=1e-6)


# -- symbolic inputs -----------------------------------------------------------------------


def test_cond_symbolic_pred():
    x = KerasTensor((None, 3))
    out = ops.cond(KerasTensor((), dtype="bool"), lambda: ops.multiply(x, 2.0), lambda: x)
    assert isinstance(out, KerasTensor) and out.shape == (None, 3) and out.dtype == "float32"
    merged = ops.cond(
        KerasTensor((), dtype="bool"),
        lambda: ops.zeros((2, 3)),
        lambda: ops.zeros((4, 3)),
    )
    assert merged.shape == (None, 3)
    with pytest.raises(ValueError, match="cond: the branches must return the same dtypes"):
        ops.cond(
            KerasTensor((), dtype="bool"), lambda: ops.zeros((2,)), lambda: ops.zeros((2,), "int32")
        )
    with pytest.raises(ValueError, match="cond: the branches must return tensors of the same rank"):
        ops.cond(KerasTensor((), dtype="bool"), lambda: ops.zeros((2,)), lambda: ops.zeros((2, 1)))


def test_control_flow_symbolic():
    init, xs = KerasTensor((3,)), KerasTensor((None, 3))
    carry, ys = ops.scan(lambda c, x: (ops.add(c, x), ops.multiply(c, x)), init, xs)
    assert carry.shape == (3,) and ys.shape == (None, 3)
    carry, ys = ops.scan(
        lambda c, x: (ops.add(c, x), ops.multiply(c, x)), init, KerasTensor((4, 3))
    )
    assert ys.shape == (4, 3)
    nested, _ = ops.scan(
        lambda c, x: ((c[0], {"k": ops.add(c[1]["k"], x)}), None),
        (init, {"k": init}),
        KerasTensor((4, 3)),
    )
    assert nested[1]["k"].shape == (3,)
    out = ops.associative_scan(ops.add, KerasTensor((2, 5, 3)), axis=1)
    assert out.shape == (2, 5, 3) and out.dtype == "float32"
    pair = ops.associative_scan(
        linear_combine, (KerasTensor((6, 2)), KerasTensor((6, 2))), reverse=True
    )
    assert [p.shape for p in pair] == [(6, 2), (6, 2)]
    loop = ops.while_loop(
        lambda a, b: True, lambda a, b: (a, b), (KerasTensor((2,)), KerasTensor((), dtype="int32"))
    )
    assert loop[0].shape == (2,) and loop[1].dtype == "int32"
    assert ops.fori_loop(0, 3, lambda i, v: v, KerasTensor((None, 2))).shape == (None, 2)
    assert ops.switch(
        KerasTensor((), dtype="int32"),
        [lambda a: a, lambda a: ops.multiply(a, 2.0)],
        KerasTensor((None, 4)),
    ).shape == (None, 4)
    mapped = ops.map(lambda r: ops.sum(r), KerasTensor((5, 3)))
    assert mapped.shape == (5,)
    parts = ops.unstack(KerasTensor((None, 3)), axis=1)
    assert len(parts) == 3 and parts[0].shape == (None,)
    assert ops.rearrange(KerasTensor((None, 6, 4)), "b (h w) c -> b c h w", w=2).shape == (
        None,
        4,
        3,
        2,
    )


def test_symbolic_graph_replay():
    import cornu

    inputs = cornu.Input((4, 3))
    outputs = ops.rearrange(ops.slice(inputs, [0, 1, 0], (2, 2, 3)), "b h c -> b (h c)")
    model = cornu.Model(inputs, outputs)
    out = to_np(model(np.ones((2, 4, 3), "float32")))
    assert out.shape == (2, 6)


# -- custom_gradient and gradients ---------------------------------------------------------


_grad = backend_grad_of_sum


@ops.custom_gradient
def _scaled_clip_grad(x):
    def grad(upstream):
        return ops.clip(ops.multiply(upstream, 10.0), -0.5, 0.5)

    return ops.multiply(x, 3.0), grad


@ops.custom_gradient
def _two_inputs(x, y):
    def grad(upstream):
        return ops.multiply(upstream, 0.0), ops.add(ops.multiply(upstream, 0.0), 7.0)

    return ops.multiply(x, y), grad


@ops.custom_gradient
def _two_outputs(x):
    def grad(up1, up2):
        return ops.add(ops.multiply(up1, 5.0), ops.multiply(up2, 0.0))

    return (ops.multiply(x, 2.0), ops.multiply(x, 3.0)), grad


@requires_training
def test_custom_gradient_with_two_outputs():
    x = np.array([1.0, 2.0], "float32")
    np.testing.assert_allclose(_grad(lambda a: ops.add(*_two_outputs(a)), x), [5.0, 5.0])


@requires_training
def test_custom_gradient_is_used():
    x = np.array([1.0, -2.0, 0.5], "float32")
    np.testing.assert_allclose(to_np(_scaled_clip_grad(ops.convert_to_tensor(x))), x * 3)
    np.testing.assert_allclose(_grad(_scaled_clip_grad, x), np.full(3, 0.5))
    y = ops.convert_to_tensor(np.array([2.0, 2.0, 2.0], "float32"))
    np.testing.assert_allclose(_grad(lambda a: _two_inputs(a, y), x), np.zeros(3))
    np.testing.assert_allclose(_grad(lambda a: _two_inputs(y, a), x), np.full(3, 7.0))


def test_custom_gradient_forward_on_every_backend():
    out = _scaled_clip_grad(ops.convert_to_tensor(np.array([1.0, 2.0], "float32")))
    np.testing.assert_allclose(to_np(out), [3.0, 6.0])
    spec = _scaled_clip_grad(KerasTensor((None, 2)))
    assert spec.shape == (None, 2) and spec.dtype == "float32"


def _directional_difference(fn, x, direction, eps=1e-3):
    """(f(x + eps d) - f(x - eps d)) / 2 eps for f = sum(fn(.)), in float64 sums."""

    def total(v):
        return float(
            np.sum(to_np(fn(ops.convert_to_tensor(v.astype("float32")))).astype("float64"))
        )

    return (total(x + eps * direction) - total(x - eps * direction)) / (2 * eps)


W = rng.standard_normal((4, 5)).astype("float32")
GRAD_CASES = [
    ("slice", lambda x: ops.multiply(ops.slice(x, [1, 1], (2, 3)), W[1:3, 1:4])),
    ("slice_update", lambda x: ops.multiply(ops.slice_update(x, [1, 1], ops.multiply(x[:2, :2], x[:2, :2])), W)),
    ("scatter", lambda x: ops.multiply(ops.scatter(IDX1, ops.multiply(x[:3], x[:3]), (4, 5)), W)),
    ("scatter_update", lambda x: ops.multiply(ops.scatter_update(x, IDX[:2], ops.multiply(x[0, :2], 2.0)), W)),
    ("associative_scan", lambda x: ops.multiply(ops.associative_scan(ops.add, x, axis=1), W)),
    ("rearrange", lambda x: ops.multiply(ops.rearrange(x, "a b -> b a"), W.T)),
    ("unstack", lambda x: ops.multiply(ops.unstack(x, axis=1)[2], W[:, 2])),
    ("scan", lambda x: ops.multiply(ops.scan(lambda c, r: (ops.multiply(c, r), c), ops.ones((5,)), x)[1], W)),
    ("map", lambda x: ops.multiply(ops.map(lambda r: ops.multiply(r, r), x), W)),
]  # fmt: skip


@requires_training
@pytest.mark.parametrize("fn", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_finite_differences(fn):
    x = rng.uniform(0.5, 1.5, (4, 5)).astype("float32")
    grad = _grad(fn, x)
    for _ in range(2):
        direction = rng.standard_normal(x.shape).astype("float32")
        expected = _directional_difference(fn, x.astype("float64"), direction)
        np.testing.assert_allclose(np.sum(grad * direction), expected, rtol=2e-2, atol=2e-2)


# -- vectorize -----------------------------------------------------------------------------


def test_vectorize_elementwise():
    f = ops.vectorize(lambda a, b: ops.add(ops.multiply(a, 2.0), b))
    out = f(ops.convert_to_tensor(X), ops.convert_to_tensor(V[:5]))
    np.testing.assert_allclose(to_np(out), X * 2 + V[:5], rtol=1e-6)


def test_vectorize_signature_and_excluded():
    dot = ops.vectorize(lambda a, b: ops.sum(ops.multiply(a, b)), signature="(n),(n)->()")
    out = dot(ops.convert_to_tensor(X3), ops.convert_to_tensor(X3[0, 0]))
    np.testing.assert_allclose(to_np(out), X3 @ X3[0, 0], rtol=1e-5)
    scale = ops.vectorize(lambda a, k: ops.multiply(a, k), excluded={1}, signature="(n)->(n)")
    np.testing.assert_allclose(to_np(scale(ops.convert_to_tensor(X), 3.0)), X * 3, rtol=1e-6)
    outer = ops.vectorize(lambda a: ops.multiply(a[:, None], a[None, :]), signature="(n)->(n,n)")
    assert tuple(ops.shape(outer(ops.convert_to_tensor(X)))) == (4, 5, 5)
    spec = dot(KerasTensor((7, 2, 4)), KerasTensor((4,)))
    assert spec.shape == (7, 2) and spec.dtype == "float32"


# -- errors --------------------------------------------------------------------------------

ERROR_CASES = [
    ("slice-rank", lambda: ops.slice(X, [0], (2, 2)), ValueError, "slice: `start_indices` needs one entry"),
    ("slice-shape-too-big", lambda: ops.slice(X, [0, 0], (5, 2)), ValueError, "slice: `shape` .* does not fit"),
    ("slice-shape-type", lambda: ops.slice(X, [0, 0], (2.0, 2)), TypeError, "slice: `shape` must be a tuple of ints"),
    ("slice_update-too-big", lambda: ops.slice_update(X, [0, 0], np.ones((5, 1), "float32")), ValueError, "slice_update: `updates` of shape"),
    ("scatter-shape", lambda: ops.scatter(IDX, np.ones(3, "float32"), (4, 5)), ValueError, "scatter: `values` must have shape"),
    ("scatter-float-indices", lambda: ops.scatter(IDX.astype("float32"), np.ones(4, "float32"), (4, 5)), TypeError, "scatter: `indices` must be integers"),
    ("scatter-too-many-dims", lambda: ops.scatter(np.zeros((2, 3), "int32"), np.ones(2, "float32"), (4, 5)), ValueError, "scatter: `indices` address 3 dimensions"),
    ("scatter_update-reduction", lambda: ops.scatter_update(X, IDX, V[:4], reduction="sum"), ValueError, "scatter_update: `reduction` must be one of"),
    ("unstack-num", lambda: ops.unstack(X, num=3), ValueError, "unstack: `num`=3 does not match"),
    ("unstack-unknown", lambda: ops.unstack(KerasTensor((None, 2))), ValueError, "unstack: the size of axis 0 is unknown"),
    ("unstack-scalar", lambda: ops.unstack(np.float32(1.0)), ValueError, "unstack: `x` must have at least one dimension"),
    ("rearrange-arrow", lambda: ops.rearrange(X, "a b"), ValueError, "rearrange: `pattern` must look like"),
    ("rearrange-names", lambda: ops.rearrange(X, "a b -> a c"), ValueError, "rearrange: both sides"),
    ("rearrange-rank", lambda: ops.rearrange(X, "a b c -> a b c"), ValueError, "rearrange: pattern .* has 3 input axes"),
    ("rearrange-split", lambda: ops.rearrange(X, "a (b c) -> a b c"), ValueError, "rearrange: cannot split"),
    ("rearrange-divisible", lambda: ops.rearrange(X, "a (b c) -> a b c", b=3), ValueError, "cannot be split"),
    ("associative_scan-lengths", lambda: ops.associative_scan(linear_combine, (V, V[:3])), ValueError, "associative_scan: every tensor"),
    ("associative_scan-axis", lambda: ops.associative_scan(ops.add, V, axis=2), ValueError, "associative_scan: `axis`=2 is out of range"),
    ("switch-empty", lambda: ops.switch(0, [], X), ValueError, "switch: `branches` must be a non-empty list"),
    ("cond-callable", lambda: ops.cond(True, 1, 2), TypeError, "cond: `true_fn` and `false_fn` must be callables"),
    ("scan-scalar-xs", lambda: ops.scan(lambda c, x: (c, x), 0.0, np.float32(1.0)), ValueError, "scan: every tensor in `xs` needs a leading axis"),
    ("map-scalar-xs", lambda: ops.map(lambda x: x, np.float32(1.0)), ValueError, "map: every tensor in `xs` needs a leading axis"),
    ("scan-nothing", lambda: ops.scan(lambda c, x: (c, x), 0.0), ValueError, "scan needs `xs` or `length`"),
    ("while-maximum", lambda: ops.while_loop(lambda s: True, lambda s: s, 0, maximum_iterations=-1), ValueError, "while_loop: `maximum_iterations` must be >= 0"),
    ("vectorize-signature", lambda: ops.vectorize(lambda a: a, signature="(n)"), ValueError, "vectorize: malformed signature"),
    ("vectorize-core", lambda: ops.vectorize(lambda a, b: a, signature="(n),(n)->()")(X, V), ValueError, "vectorize: core dimension 'n' has inconsistent sizes"),
]  # fmt: skip


@pytest.mark.parametrize(
    "fn,error,match", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_errors(fn, error, match):
    with pytest.raises(error, match=match):
        fn()


@pytest.mark.parametrize("length", [5, 70], ids=["short", "long"])  # tf: unrolled vs while_loop
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_short_and_long_loops_agree_with_numpy(length, reverse):
    xs = np.arange(length * 2, dtype="float32").reshape(length, 2)

    def step(carry, x):
        total = carry + x
        return total, total * 2.0

    carry, ys = ops.scan(step, np.zeros(2, "float32"), xs, reverse=reverse)
    order = xs[::-1] if reverse else xs
    expected = np.cumsum(order, axis=0)
    expected_ys = expected[::-1] * 2.0 if reverse else expected * 2.0
    np.testing.assert_allclose(ops.convert_to_numpy(carry), expected[-1])
    np.testing.assert_allclose(ops.convert_to_numpy(ys), expected_ys)
