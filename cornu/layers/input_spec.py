"""`InputSpec`: what a layer accepts (rank, dtype, fixed axes), checked on every call."""

from cornu.backend.common import dtypes


class InputSpec:
    """Constraints on one input of a layer.

    Args:
        dtype: the expected dtype, or None.
        shape: the expected full shape (None entries match anything).
        ndim, max_ndim, min_ndim: rank constraints.
        axes: `{axis: size}` for axes that must have a given size.
        allow_last_axis_squeeze: accept a rank one higher/lower if the last axis is 1.
        name: the input's name.
        optional: whether the input may be None.
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = dtypes.standardize_dtype(dtype) if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            limit = (self.ndim or self.max_ndim) - 1
            if max(self.axes) > limit:
                raise ValueError(
                    f"InputSpec axes {self.axes} are out of range for ndim {limit + 1}."
                )

    def get_config(self):
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raises a ValueError naming the layer if `inputs` break `input_spec`."""
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    values = inputs if isinstance(inputs, (list, tuple)) and len(specs) > 1 else [inputs]
    if len(values) != len(specs):
        raise ValueError(
            f"Layer '{layer_name}' expects {len(specs)} input(s), but it received "
            f"{len(values)} input tensors."
        )
    for index, (spec, x) in enumerate(zip(specs, values)):
        if spec is None or (x is None and spec.optional):
            continue
        shape = getattr(x, "shape", None)
        if shape is None:
            continue
        shape = tuple(shape)
        where = f"Input {index} of layer '{layer_name}' is incompatible with the layer"
        ndim = len(shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                f"{where}: expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(
                f"{where}: expected max_ndim={spec.max_ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                f"{where}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: {shape}"
            )
        if spec.dtype is not None:
            got = dtypes.standardize_dtype(x.dtype)
            if got != spec.dtype:
                raise ValueError(f"{where}: expected dtype={spec.dtype}, found dtype={got}")
        for axis, size in spec.axes.items():
            if size is None:
                continue
            if not -ndim <= axis < ndim:
                raise ValueError(
                    f"{where}: expected axis {axis} to exist, but the input has rank {ndim}. Full shape received: {shape}"
                )
            if shape[axis] not in (size, None):
                raise ValueError(
                    f"{where}: expected axis {axis} of input shape to have value {size}, but "
                    f"received input with shape {shape}"
                )
        if spec.shape is not None:
            for expected, got in zip(spec.shape, shape):
                if expected is not None and got is not None and expected != got:
                    raise ValueError(f"{where}: expected shape={spec.shape}, found shape={shape}")
