"""`jvp`: the forward-mode Jacobian-vector product of a function, in `cornu.ops.linalg`."""

from cornu.ops.define import dtype_of, kernels, to_tensor

_k = kernels()

__all__ = [
    "jvp",
]


def jvp(fun, primals, tangents, has_aux=False):
    """Forward-mode Jacobian-vector product of `fun` at `primals` along `tangents`.

    Args:
        fun: function of tensors to differentiate.
        primals: list/tuple of its arguments.
        tangents: list/tuple of tangents, structured like `primals`.
        has_aux: `fun` returns `(output, aux)`; `aux` is passed through undifferentiated.

    Returns:
        `(output, jvp_output)`, or `(output, jvp_output, aux)` when `has_aux`.
    """
    if not isinstance(primals, (list, tuple)) or not isinstance(tangents, (list, tuple)):
        raise TypeError(
            "jvp: `primals` and `tangents` must be lists or tuples; received "
            f"{type(primals).__name__} and {type(tangents).__name__}."
        )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: `primals` and `tangents` must have the same length; received "
            f"{len(primals)} and {len(tangents)}."
        )
    primals = tuple(to_tensor(p) for p in primals)
    tangents = tuple(to_tensor(t, dtype_of(p)) for p, t in zip(primals, tangents))
    return _k.jvp(fun, primals, tangents, bool(has_aux))
