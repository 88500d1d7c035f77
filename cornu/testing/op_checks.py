"""The op-checking harness: one call checks an op eagerly against a NumPy reference and checks
that its symbolic spec (shape and dtype) agrees with the eager result."""

import numpy as np

from cornu import backend, tree
from cornu.graph.keras_tensor import KerasTensor


def symbolic_like(x, unknown_batch=False):
    """A KerasTensor with `x`'s shape (first dim None if `unknown_batch`) and dtype."""
    array = np.asarray(x)
    shape = array.shape
    if unknown_batch and shape:
        shape = (None,) + shape[1:]
    return KerasTensor(shape, dtype=backend.standardize_dtype(array.dtype))


def _is_array(x):
    return isinstance(x, np.ndarray)


def assert_op_matches(
    op,
    reference,
    *args,
    rtol=1e-5,
    atol=1e-6,
    expected_dtype=None,
    check_symbolic=True,
    unknown_batch=False,
    **kwargs,
):
    """Checks `op(*args, **kwargs)` against `reference(*args, **kwargs)` and its symbolic spec.

    NumPy arrays among `args` (top level or in lists/tuples) are converted to backend tensors
    for the eager call and to KerasTensors for the symbolic one; other arguments pass as they are.

    Args:
        op: the cornu op.
        reference: a NumPy/SciPy function computing the expected value (or None to skip).
        *args, **kwargs: the op's arguments.
        rtol, atol: tolerances for the value comparison.
        expected_dtype: if given, the dtype name the eager result must have.
        check_symbolic: also check the spec from KerasTensor inputs.
        unknown_batch: give the symbolic inputs a None leading dimension.

    Returns:
        The eager result as NumPy (a structure of arrays for multi-output ops).
    """
    tensor_args = tree.map_structure(
        lambda x: backend.convert_to_tensor(x) if _is_array(x) else x, list(args)
    )
    eager = op(*tensor_args, **kwargs)
    eager_np = tree.map_structure(lambda t: np.asarray(backend.convert_to_numpy(t)), eager)
    if reference is not None:
        expected = reference(*args, **kwargs)
        for got, want in zip(tree.flatten(eager_np), tree.flatten(expected)):
            want = np.asarray(want)
            assert got.shape == want.shape, f"{op.__name__}: shape {got.shape} != {want.shape}"
            np.testing.assert_allclose(
                got.astype("float64") if got.dtype.kind not in "bc" else got,
                want.astype("float64") if want.dtype.kind not in "bc" else want,
                rtol=rtol,
                atol=atol,
                err_msg=f"{op.__name__} disagrees with its reference",
            )
    if expected_dtype is not None:
        for t in tree.flatten(eager):
            assert backend.standardize_dtype(t.dtype) == expected_dtype, (
                f"{op.__name__}: dtype {backend.standardize_dtype(t.dtype)} != {expected_dtype}"
            )
    if check_symbolic:
        sym_args = tree.map_structure(
            lambda x: symbolic_like(x, unknown_batch) if _is_array(x) else x, list(args)
        )
        spec = op(*sym_args, **kwargs)
        for s, t in zip(tree.flatten(spec), tree.flatten(eager)):
            assert isinstance(s, KerasTensor), f"{op.__name__}: symbolic call gave {type(s)}"
            shape = tuple(backend.convert_to_numpy(t).shape)
            assert len(s.shape) == len(shape) and all(
                d is None or d == e for d, e in zip(s.shape, shape)
            ), f"{op.__name__}: symbolic shape {s.shape} vs eager {shape}"
            assert s.dtype == backend.standardize_dtype(t.dtype), (
                f"{op.__name__}: symbolic dtype {s.dtype} vs eager "
                f"{backend.standardize_dtype(t.dtype)}"
            )
    return eager_np
