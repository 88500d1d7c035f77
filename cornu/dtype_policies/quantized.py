"""Quantized dtype policies: a float policy ("source") plus a quantization mode, named like
Keras's: "int8_from_float32", "int4/128_from_mixed_bfloat16", "gptq/4/128_from_float32"."""

from cornu.dtype_policies import policy as float_policy

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


def _check_mode(mode):
    if not isinstance(mode, str) or mode.split("/")[0] not in QUANTIZATION_MODES:
        raise ValueError(
            f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: "
            f"mode={mode}"
        )


class QuantizedDTypePolicy(float_policy.DTypePolicy):
    """A float policy whose layers keep quantized weights.

    Args:
        mode: the quantization mode ("int8", "int4", ...).
        source_name: the float policy the layer computes in (None: the global policy).

    Example:
        >>> QuantizedDTypePolicy("int8", "float32").name
        'int8_from_float32'
    """

    def __init__(self, mode, source_name=None):
        _check_mode(mode)
        source = float_policy.DTypePolicy(source_name)
        super().__init__(source.name)
        self._source_name = source.name
        self._mode = mode
        self._name = f"{mode}_from_{source.name}"
        self._check_compute_dtype()

    def _check_compute_dtype(self):
        base = self._mode.split("/")[0]
        if base == "int8" and self._compute_dtype == "float16":
            raise ValueError(
                f"Quantization mode='{base}' doesn't work well with compute_dtype='float16'. "
                "Use a float32 or bfloat16 source policy."
            )

    @property
    def quantization_mode(self):
        return self._mode.split("/")[0]

    @property
    def source_name(self):
        return self._source_name

    def get_config(self):
        return {"mode": self._mode, "source_name": self._source_name}

    def __repr__(self):
        return f'<{type(self).__name__} "{self._name}">'


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """A quantized policy for float8 training, with the length of its amax histories.

    Args:
        mode, source_name: as in `QuantizedDTypePolicy`.
        amax_history_length: how many past amax values the delayed scaling keeps.
    """

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode, source_name)
        if not isinstance(amax_history_length, int) or amax_history_length < 1:
            raise TypeError(
                "QuantizedFloat8DTypePolicy: amax_history_length must be a positive int; "
                f"received amax_history_length={amax_history_length!r}."
            )
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self):
        return self._amax_history_length

    def get_config(self):
        return {**super().get_config(), "amax_history_length": self._amax_history_length}


def _int_fields(mode, prefix, fields, cls_name):
    """`"int4/128"` -> (128,): the integer fields after the prefix, or a clear error."""
    parts = mode.split("/") if isinstance(mode, str) else []
    expected = "/".join([prefix] + [f"<{f}>" for f in fields])
    if len(parts) != len(fields) + 1 or parts[0] != prefix:
        raise ValueError(
            f"Invalid mode for {cls_name}. Expected format '{expected}', but got '{mode}'."
        )
    try:
        values = tuple(int(p) for p in parts[1:])
    except ValueError:
        raise ValueError(
            f"Invalid mode for {cls_name}. Expected format '{expected}' with integers, but "
            f"got '{mode}'."
        ) from None
    return values


class Int4DTypePolicy(QuantizedDTypePolicy):
    """int4 weights in blocks: mode "int4/<block_size>" ("int4/-1": one block per column)."""

    def __init__(self, mode, source_name=None):
        (self.block_size,) = _int_fields(mode, "int4", ("block_size",), "Int4DTypePolicy")
        super().__init__(mode, source_name)


class GPTQDTypePolicy(QuantizedDTypePolicy):
    """GPTQ-quantized weights: mode "gptq/<weight_bits>/<group_size>"."""

    def __init__(self, mode, source_name=None):
        self.weight_bits, self.group_size = _int_fields(
            mode, "gptq", ("weight_bits", "group_size"), "GPTQDTypePolicy"
        )
        super().__init__(mode, source_name)


class AWQDTypePolicy(QuantizedDTypePolicy):
    """AWQ-quantized weights: mode "awq/<weight_bits>/<group_size>"."""

    def __init__(self, mode, source_name=None):
        self.weight_bits, self.group_size = _int_fields(
            mode, "awq", ("weight_bits", "group_size"), "AWQDTypePolicy"
        )
        super().__init__(mode, source_name)


def from_name(name):
    """The quantized policy a "<mode>_from_<source>" name describes, or None when `name` is
    not such a name."""
    if "_from_" not in name:
        return None
    mode, source_name = name.split("_from_", 1)
    base = mode.split("/")[0]
    if base == "float8":
        return QuantizedFloat8DTypePolicy(mode, source_name)
    if base == "int4" and "/" in mode:
        return Int4DTypePolicy(mode, source_name)
    if base == "gptq":
        return GPTQDTypePolicy(mode, source_name)
    if base == "awq":
        return AWQDTypePolicy(mode, source_name)
    if base in ("int8", "int4"):
        return QuantizedDTypePolicy(mode, source_name)
    return None
