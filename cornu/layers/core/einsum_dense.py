"""`EinsumDense`: a dense layer whose contraction is an einsum equation."""

import re

import numpy as np

from cornu import activations, ops, regularizers
from cornu.layers import arguments
from cornu.layers.core import quantized_float8, quantized_gptq, quantized_int4, quantized_layer
from cornu.layers.layer import Layer

_EQUATION = re.compile(r"^([a-zA-Z.]+),([a-zA-Z.]+)->([a-zA-Z.]+)$")
_WEIGHT_ARGUMENTS = arguments.of_weights("kernel", "bias")


def _split(spec, what, equation):
    """`"...ab"` -> (letters before the ellipsis, letters after it, has_ellipsis)."""
    if spec.count("...") > 1 or spec.replace("...", "").count(".") > 0:
        raise ValueError(
            f"EinsumDense: the {what} part of equation {equation!r} is malformed: at most one "
            f"'...' and no other dots are allowed; received {spec!r}."
        )
    if "..." in spec:
        before, after = spec.split("...")
        return before, after, True
    return spec, "", False


def _dims_of(spec, shape, what, equation):
    """Maps each letter of an operand's spec to its size in `shape` (ellipsis dims apart)."""
    before, after, has_ellipsis = spec
    rank = len(shape)
    n = len(before) + len(after)
    if (not has_ellipsis and rank != n) or (has_ellipsis and rank < n):
        raise ValueError(
            f"EinsumDense: equation {equation!r} expects the {what} to have rank "
            f"{n if not has_ellipsis else f'>= {n}'}; received shape {tuple(shape)}."
        )
    sizes = {}
    for i, c in enumerate(before):
        sizes[c] = shape[i]
    for i, c in enumerate(after):
        sizes[c] = shape[rank - len(after) + i]
    ellipsis_dims = tuple(shape[len(before) : rank - len(after)]) if has_ellipsis else ()
    return sizes, ellipsis_dims


class EinsumDense(Layer):
    """A dense layer given by an einsum equation between the input and a kernel.

    Args:
        equation: `"<input>,<kernel>-><output>"`, e.g. `"ab,bc->ac"` (a Dense layer) or
            `"abc,cde->abde"`; one `...` may stand for leading (or trailing) input dims.
        output_shape: the output shape without the batch dimension and the `...` dims; a
            dim also present in the input may be None. An int means a 1-tuple.
        activation: an activation (name or function); None is linear.
        bias_axes: the output letters the bias spans (e.g. `"de"`), or None for no bias.
        kernel_initializer, bias_initializer: initializers (names or objects).
        kernel_regularizer, bias_regularizer: penalties added to the loss.
        kernel_constraint, bias_constraint: projections applied after each update.
        lora_rank, lora_alpha, gptq_unpacked_column_size: accepted for Keras compatibility;
            LoRA and GPTQ are not implemented (a non-None value raises ValueError).
        quantization_config: the config of a quantized layer (with a quantized `dtype` such
            as "int8_from_float32"; `quantize("int8")` sets it).

    Example:
        >>> layer = EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
        >>> layer(np.ones((2, 5, 3), "float32")).shape
        (2, 5, 8)
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        gptq_unpacked_column_size=None,
        quantization_config=None,
        **kwargs,
    ):
        activity_regularizer = regularizers.get(kwargs.pop("activity_regularizer", None))
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        arguments.refuse_unsupported(
            "EinsumDense",
            lora_rank=lora_rank,
            gptq_unpacked_column_size=gptq_unpacked_column_size,
        )
        self.quantization_config = quantized_layer.config_from_argument(
            "EinsumDense", quantization_config, self.dtype_policy.quantization_mode
        )
        if not isinstance(equation, str) or not _EQUATION.match(equation.replace(" ", "")):
            raise ValueError(
                "EinsumDense: equation must look like 'ab,bc->ac' (input,kernel->output); "
                f"received equation={equation!r}."
            )
        self.equation = equation.replace(" ", "")
        in_spec, kernel_spec, out_spec = _EQUATION.match(self.equation).groups()
        self._in = _split(in_spec, "input", equation)
        self._kernel = _split(kernel_spec, "kernel", equation)
        self._out = _split(out_spec, "output", equation)
        if self._kernel[2]:
            raise ValueError(
                f"EinsumDense: the kernel part of equation {equation!r} cannot use '...'."
            )
        if isinstance(output_shape, int) and not isinstance(output_shape, bool):
            output_shape = (output_shape,)
        if not isinstance(output_shape, (list, tuple)) or not all(
            d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
            for d in output_shape
        ):
            raise ValueError(
                "EinsumDense: output_shape must be an int or a tuple of ints/None; received "
                f"output_shape={output_shape!r}."
            )
        self.partial_output_shape = tuple(output_shape)
        out_letters = self._out[0] + self._out[1]
        expected = len(self._named_output_letters())
        if len(self.partial_output_shape) != expected:
            raise ValueError(
                f"EinsumDense: equation {equation!r} has {expected} output dims besides the "
                f"batch{' and ellipsis' if self._out[2] else ''} dims, but output_shape "
                f"{self.partial_output_shape} has {len(self.partial_output_shape)}."
            )
        if bias_axes is not None:
            if not isinstance(bias_axes, str) or any(c not in out_letters for c in bias_axes):
                raise ValueError(
                    f"EinsumDense: bias_axes must be letters of the output spec "
                    f"{out_spec!r}; received bias_axes={bias_axes!r}."
                )
        self.bias_axes = bias_axes
        arguments.store(self, locals(), ("activation",) + _WEIGHT_ARGUMENTS)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.supports_masking = True
        self.full_output_shape = None

    def _named_output_letters(self):
        """The output letters `output_shape` describes: all but the batch letter, which is the
        first one unless the output spec starts with `...` (then the batch is in the `...`)."""
        before, after, _ = self._out
        return (before + after)[1:] if before else after

    def _letter_sizes(self, input_shape):
        """Sizes of every letter (from the input, else from `output_shape`) and the ellipsis
        dims."""
        sizes, ellipsis_dims = _dims_of(self._in, input_shape, "input", self.equation)
        before = self._out[0]
        for c, given in zip(self._named_output_letters(), self.partial_output_shape):
            if c in sizes:
                if given is not None and sizes[c] is not None and given != sizes[c]:
                    raise ValueError(
                        f"EinsumDense: output_shape gives dim '{c}' size {given}, but the input "
                        f"shape {tuple(input_shape)} has {sizes[c]} there (equation "
                        f"{self.equation!r})."
                    )
            else:
                if given is None:
                    raise ValueError(
                        f"EinsumDense: output dim '{c}' is not in the input, so output_shape "
                        f"must give its size; received output_shape={self.partial_output_shape}."
                    )
                sizes[c] = given
        if before and before[0] not in sizes:
            raise ValueError(
                f"EinsumDense: the output's first (batch) letter '{before[0]}' must appear in "
                f"the input spec of equation {self.equation!r}."
            )
        return sizes, ellipsis_dims

    def compute_output_shape(self, input_shape):
        sizes, ellipsis_dims = self._letter_sizes(tuple(input_shape))
        before, after, _ = self._out
        return tuple(sizes[c] for c in before) + ellipsis_dims + tuple(sizes[c] for c in after)

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        sizes, ellipsis_dims = self._letter_sizes(input_shape)
        kernel_letters = self._kernel[0]
        kernel_shape = []
        for c in kernel_letters:
            size = sizes.get(c)
            if size is None:
                raise ValueError(
                    f"EinsumDense: kernel dim '{c}' of equation {self.equation!r} needs a known "
                    f"size (from the input or output_shape); input shape {input_shape}."
                )
            kernel_shape.append(size)
        self.full_output_shape = self.compute_output_shape(input_shape)
        mode = self.dtype_policy.quantization_mode
        self._kernel_shape = tuple(kernel_shape)
        if mode is not None:
            quantized_layer.check_buildable(self, mode)
        if mode == "float8":  # Keras creates the float8 variables first; the kernel stays float
            quantized_float8.add_variables(self)
        if mode in quantized_gptq.MODES:
            quantized_gptq.add_variables(self, *self.kernel_dims_2d(), self.dtype_policy.weight_bits,
                                         self.dtype_policy.group_size, mode)  # fmt: skip
        elif mode == "int4":
            rows, columns = self.kernel_dims_2d()
            quantized_int4.add_variables(self, rows, columns, self.dtype_policy.block_size)
        elif mode == "int8":  # float8 keeps the float kernel below
            self.kernel = self.add_weight(
                shape=tuple(kernel_shape), initializer="zeros", dtype="int8", trainable=False,
                autocast=False, name="kernel",
            )  # fmt: skip
        else:
            self.kernel = self.add_weight(
                shape=tuple(kernel_shape), name="kernel", **arguments.of_weight(self, "kernel")
            )
        self.bias = None
        if self.bias_axes:
            self.bias = self.add_weight(
                shape=self._bias_shape(sizes, len(ellipsis_dims)),
                name="bias",
                **arguments.of_weight(self, "bias"),
            )
        if mode == "int8":
            self.kernel_scale = self.add_weight(
                shape=self._kernel_scale_shape(), initializer="ones", trainable=False,
                autocast=False, name="kernel_scale",
            )  # fmt: skip
        self.built = True

    # -- int8 quantization: the kernel is scaled per output letter it carries (its
    # non-contracted letters); the scale is stored broadcastable against the output. ---------

    def kernel_dims_2d(self):
        """The 2D view `(contracted size, other size)` int4 quantizes the kernel in; the
        contracted letters must lead the kernel spec (Keras's layout for the others is not
        known to cornu)."""
        contracted = self._contracted_kernel_letters()
        letters = self._kernel[0]
        if list(letters[: len(contracted)]) != contracted:
            raise NotImplementedError(
                f"EinsumDense '{self.name}': int4 quantization of equation {self.equation!r} "
                "is not supported yet in cornu (the contracted kernel letters must come first "
                "in the kernel spec)."
            )
        rows = int(np.prod(self._kernel_shape[: len(contracted)]))
        return rows, int(np.prod(self._kernel_shape[len(contracted) :]))

    def _contracted_kernel_letters(self):
        out_letters = self._out[0] + self._out[1]
        return [c for c in self._kernel[0] if c not in out_letters]

    def _output_letters(self):
        """The output spec with one None per ellipsis dim."""
        before, after, _ = self._out
        n_ellipsis = len(self.full_output_shape) - len(before) - len(after)
        return list(before) + [None] * n_ellipsis + list(after)

    def _kernel_scale_shape(self):
        kernel_letters = self._kernel[0]
        contracted = self._contracted_kernel_letters()
        sizes = dict(zip(kernel_letters, self.kernel.shape))
        return tuple(
            sizes[c] if c is not None and c in kernel_letters and c not in contracted else 1
            for c in self._output_letters()
        )

    def _kernel_layout_scale(self):
        """`kernel_scale` reshaped to broadcast against the kernel."""
        contracted = self._contracted_kernel_letters()
        kept = [c for c in self._kernel[0] if c not in contracted]
        in_output_order = [c for c in self._output_letters() if c in kept]
        sizes = dict(zip(self._kernel[0], self.kernel.shape))
        scale = ops.reshape(self.kernel_scale, [sizes[c] for c in in_output_order])
        scale = ops.transpose(scale, [in_output_order.index(c) for c in kept])
        scale = ops.reshape(scale, [1 if c in contracted else sizes[c] for c in self._kernel[0]])
        return scale

    def _contracted_input_axes(self):
        before, after, _ = self._in
        out_letters = self._out[0] + self._out[1]
        axes = [i for i, c in enumerate(before) if c not in out_letters]
        axes += [i - len(after) for i, c in enumerate(after) if c not in out_letters]
        return tuple(axes)

    def quantize(self, mode=None, type_check=True, config=None):
        """Replaces the float kernel by an int8 kernel with scales per output letter.

        Args:
            mode: "int8", "int4" or "float8" ("gptq" and "awq" need calibration data: `model.quantize(mode, config=...)`).
            type_check: accepted for Keras compatibility.
            config: an `Int8QuantizationConfig` (None: the default one).
        """
        if mode is None and config is not None:
            mode = config.mode
        quantized_layer.check_quantize(self, mode, quantized_layer.DENSE_MODES, config)
        config = config or quantized_layer.default_config(mode)
        if mode == "float8":
            return quantized_float8.quantize(self, config)
        if mode == "int4":
            block_size = quantized_int4.block_size_of(self, config)
            rows, columns = self.kernel_dims_2d()
            matrix = ops.reshape(self.kernel, (rows, columns))
            quantized_int4.quantize_kernel(self, matrix, block_size)
            self.quantization_config = config
            self.dtype_policy = quantized_layer.quantized_policy(self, mode, block_size)
            return
        contracted = self._contracted_kernel_letters()
        axes = tuple(i for i, c in enumerate(self._kernel[0]) if c in contracted)
        values, scale = quantized_layer.quantize_weight(config, self.kernel, axis=axes)
        self.kernel = quantized_layer.replace_weight(self, "kernel", values)
        self.kernel_scale = quantized_layer.add_fixed_weight(
            self, "kernel_scale", ops.zeros(self._kernel_scale_shape())
        )
        # The scale in kernel layout -> the output layout the variable keeps.
        self.kernel_scale.assign(self._to_output_layout(scale))
        self.quantization_config = config
        self.dtype_policy = quantized_layer.quantized_policy(self, mode)

    def _to_output_layout(self, kernel_layout_scale):
        contracted = self._contracted_kernel_letters()
        kept = [c for c in self._kernel[0] if c not in contracted]
        squeezed = ops.reshape(
            kernel_layout_scale,
            [d for c, d in zip(self._kernel[0], self.kernel.shape) if c not in contracted],
        )
        out_letters = self._output_letters()
        order = sorted(range(len(kept)), key=lambda i: out_letters.index(kept[i]))
        return ops.reshape(ops.transpose(squeezed, order), self._kernel_scale_shape())

    def _quantized_call(self, inputs):
        dtype = self.compute_dtype
        if self.dtype_policy.quantization_mode in quantized_gptq.MODES:
            rows, columns = self.kernel_dims_2d()
            kernel = quantized_gptq.dequantized_kernel(self, rows, columns, dtype)
            kernel = ops.reshape(kernel, self._kernel_shape)
        elif self.dtype_policy.quantization_mode == "int4":
            _, columns = self.kernel_dims_2d()
            kernel = quantized_int4.dequantized_kernel(self, columns, dtype)
            kernel = ops.reshape(kernel, self._kernel_shape)
        else:
            kernel = ops.divide(
                ops.cast(self.kernel, dtype), ops.cast(self._kernel_layout_scale(), dtype)
            )
        quantizer = quantized_layer.activation_quantizer(self)
        if quantizer is not None:
            values, scale = quantized_layer.quantize_inputs(
                quantizer, inputs, axis=self._contracted_input_axes()
            )
            inputs = ops.divide(ops.cast(values, dtype), ops.cast(scale, dtype))
        return ops.einsum(self.equation, inputs, kernel)

    def _own_weights(self):
        """Keras's order in `.keras` files: kernel, bias, then the quantization scales."""
        if self.dtype_policy.quantization_mode is None:
            return super()._own_weights()
        if self.dtype_policy.quantization_mode in quantized_gptq.MODES:
            return quantized_gptq.saved_variables(self)
        if self.dtype_policy.quantization_mode == "int4":
            return quantized_int4.saved_variables(self)
        if self.dtype_policy.quantization_mode == "float8":
            return quantized_float8.saved_variables(self)
        return [self.kernel] + ([self.bias] if self.bias is not None else []) + [self.kernel_scale]

    def _bias_shape(self, sizes, ellipsis_rank):
        """The bias spans the output from its first bias letter to the end, with size 1 on
        the non-bias (and `...`) dims, so it broadcasts against the output."""
        before, after, _ = self._out
        dims = list(before) + [None] * ellipsis_rank + list(after)
        start = min(i for i, c in enumerate(dims) if c is not None and c in self.bias_axes)
        return tuple(sizes[c] if c is not None and c in self.bias_axes else 1 for c in dims[start:])

    def call(self, inputs, training=None):
        if self._quantization_mode == "float8":  # adds the bias itself
            x = quantized_float8.contract(
                self, inputs, lambda x, kernel: ops.einsum(self.equation, x, kernel)
            )
            return x if self.activation is activations.linear else self.activation(x)
        if self._quantization_mode is not None:
            x = self._quantized_call(inputs)
        else:
            x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self.activation is not activations.linear:
            x = self.activation(x)
        return x

    def get_config(self):
        saved = ("equation", "activation", "bias_axes")
        saved += arguments.of_weights("kernel", "bias", activity=True)
        return {
            **super().get_config(),
            "output_shape": tuple(self.partial_output_shape),
            **arguments.config(self, saved),
            **quantized_layer.config_entries(self),
        }
