"""What kind of value a 0-d op result is, and the dtypes of `unique`/`scatter` on 64-bit data.

On the numpy backend an op gives what NumPy itself gives, as Keras's numpy backend does: a
NumPy scalar (`np.float32`) from ufuncs and from reductions and products down to 0-d, a 0-d
array from conversions and array constructors. Elsewhere every result is a framework tensor.
"""

import numpy as np
import pytest

from cornu import backend, ops

A = np.arange(12, dtype="float32").reshape(3, 4) / 7 - 0.5
I = np.array([[3, -1, 2, 7], [0, 5, -4, 1]], dtype="int32")
V = np.array([1.0, 2.0, 3.0], dtype="float32")
ON_NUMPY = backend.backend() == "numpy"

SCALAR_RESULTS = {
    "sum": lambda: ops.sum(A),
    "sum_all_axes": lambda: ops.sum(A, axis=(0, 1)),
    "mean_int": lambda: ops.mean(I),
    "max": lambda: ops.max(A),
    "prod_int": lambda: ops.prod(I),
    "std": lambda: ops.std(A),
    "all": lambda: ops.all(I > -5),
    "argmax": lambda: ops.argmax(A),
    "quantile": lambda: ops.quantile(A, 0.25),
    "logsumexp": lambda: ops.logsumexp(A),
    "norm": lambda: ops.norm(A),
    "trace": lambda: ops.trace(A),
    "dot": lambda: ops.dot(V, V),
    "einsum": lambda: ops.einsum("i,i->", V, V),
    "exp_of_scalar": lambda: ops.exp(np.float32(1.0)),
    "clip_of_0d": lambda: ops.clip(np.array(7.0, "float32"), 0, 3),
    "searchsorted": lambda: ops.searchsorted(np.array([1.0, 3.0], "float32"), np.float32(2.0)),
    "while_loop": lambda: ops.while_loop(lambda x: x < 3, lambda x: x + 1, 0),
}

ARRAY_RESULTS = {
    "convert_float": lambda: ops.convert_to_tensor(1.0),
    "convert_numpy_scalar": lambda: ops.convert_to_tensor(np.float32(1.0)),
    "cast_numpy_scalar": lambda: ops.cast(np.float32(2.0), "int32"),
    "zeros": lambda: ops.zeros(()),
    "where": lambda: ops.where(np.array(True), 1.0, 2.0),
    "squeeze": lambda: ops.squeeze(np.ones((1, 1), "float32")),
    "tensordot": lambda: ops.tensordot(V, V, axes=1),
}


@pytest.mark.parametrize("name", sorted(SCALAR_RESULTS))
def test_zero_d_reductions_and_products_are_numpy_scalars(name):
    out = SCALAR_RESULTS[name]()
    assert tuple(out.shape) == ()
    if ON_NUMPY:
        assert isinstance(out, np.generic), f"{name} gave {type(out).__name__}"
    else:
        assert backend.is_tensor(out)


@pytest.mark.parametrize("name", sorted(ARRAY_RESULTS))
def test_conversions_and_constructors_give_0d_arrays(name):
    out = ARRAY_RESULTS[name]()
    assert tuple(out.shape) == ()
    if ON_NUMPY:
        assert isinstance(out, np.ndarray), f"{name} gave {type(out).__name__}"


def test_scalar_results_keep_their_dtype():
    assert backend.standardize_dtype(ops.sum(A).dtype) == "float32"
    assert backend.standardize_dtype(ops.sum(I > 0).dtype) == "int32"
    assert backend.standardize_dtype(ops.argmax(A).dtype) == "int32"
    assert backend.standardize_dtype(ops.mean(I).dtype) == "float32"


@pytest.mark.skipif(
    backend.backend() not in ("numpy", "torch"),
    reason="pins the Python-loop while_loop (numpy, torch); jax/tensorflow loop natively",
)
def test_python_while_loop_makes_tensors_of_its_loop_variables():
    counted = ops.while_loop(lambda x: x < 3, lambda x: x + 1, 0)
    assert backend.standardize_dtype(counted.dtype) == "int32"
    assert backend.is_tensor(counted)


def test_scalar_results_feed_other_ops():
    total = ops.sum(A)
    out = ops.add(ops.multiply(total, 2.0), ops.mean(A))
    np.testing.assert_allclose(ops.convert_to_numpy(out), A.sum() * 2 + A.mean(), rtol=1e-5)
    assert backend.standardize_dtype(out.dtype) == "float32"


# int64/float64 NumPy data: the numpy backend narrows it to 32 bits here, as JAX does by
# default; other backends give the dtype their conversion gives (torch/tensorflow keep 64 bits).
WIDE = {"int64": "int32", "float64": "float32"}


def _expected(dtype):
    if ON_NUMPY:
        return WIDE.get(dtype, dtype)
    return backend.standardize_dtype(ops.convert_to_tensor(np.zeros(1, dtype)).dtype)


@pytest.mark.parametrize("dtype", ["int64", "float64", "int32", "int8", "float32", "float16"])
def test_unique_dtype(dtype):
    out = ops.unique(np.array([3, 1, 3, 2], dtype=dtype))
    assert backend.standardize_dtype(out.dtype) == _expected(dtype)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), [1, 2, 3])


@pytest.mark.parametrize("dtype", ["int64", "float64", "int32", "int8", "float32", "float16"])
def test_scatter_dtype(dtype):
    out = ops.scatter(np.array([[0], [2], [0]]), np.array([1, 2, 3], dtype=dtype), (4,))
    assert backend.standardize_dtype(out.dtype) == _expected(dtype)
    np.testing.assert_array_equal(ops.convert_to_numpy(out), [4, 0, 2, 0])
