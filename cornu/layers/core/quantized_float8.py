"""float8 training with delayed scaling ("float8_from_<source>" policies), on Dense and
EinsumDense, in Keras's layout.

The kernel stays float (and trainable). Each call quantize-dequantizes the inputs and the
kernel to float8 e4m3 with their current scales, contracts them in the compute dtype, and the
gradient flowing back into the contraction's output is quantize-dequantized to e5m2 with its
own scale. Delayed scaling (Micikevicius et al. 2022, "FP8 Formats for Deep Learning"): each
training step pushes the current abs-max of a tensor into its amax history, and the next
scale is `max(history) / fmax`; the scale used now is the one computed at the previous step.

Variables (Keras's names, float32, trainable with `overwrite_with_gradient=True`): for each
of `inputs`, `kernel` and `outputs_grad`, `<role>_scale` `()` (ones) and
`<role>_amax_history` `(amax_history_length,)` (zeros). Their new values travel as their
"gradients" (from a custom gradient), and the optimizer assigns them instead of applying an
update: this is what lets them change inside a jitted, stateless train step, where the
output-gradient amax exists only in the backward pass. Calls outside training leave them
unchanged.

The float8 arithmetic is `cornu.quantizers`' (`quantize_and_dequantize`, rounding exactly
as a native float8 cast in float32 on every backend; `compute_float8_scale`;
`compute_float8_amax_history`).
"""

import contextlib

from cornu import dtype_policies, ops, quantizers
from cornu.backend.common import scopes
from cornu.optimizers import optimizer as optimizer_module

ROLES = ("inputs", "kernel", "outputs_grad")
DEFAULT_AMAX_HISTORY_LENGTH = 1024
E4M3_MAX = 448.0  # float8_e4m3fn's largest finite value
E5M2_MAX = 57344.0  # float8_e5m2's


def quantize_dequantize(x, scale, float8_dtype):
    """`x` through a float8 format with `scale` (saturating), computed in float32 and
    returned in `x`'s dtype."""
    values = quantizers.quantize_and_dequantize(
        ops.cast(x, "float32"), scale, float8_dtype, "float32"
    )
    return ops.cast(values, ops.dtype(x))


def next_scale(history, scale, fmax):
    """The delayed scale `max(history) / fmax`; the current one while the history holds no
    positive finite amax."""
    return quantizers.compute_float8_scale(ops.max(history), scale, fmax)


def pushed(history, x):
    """The history after a step with `x` (Keras's observable order: rolled left by one,
    `max|x|` written first: `[a1, 0, 0] -> [a2, 0, a1] -> [a3, a1, a2]`)."""
    return quantizers.compute_float8_amax_history(ops.cast(x, "float32"), history)


def _check_trainable():
    """Refuses to compute float8 gradients while the optimizers would treat the new scales
    and histories as gradients to descend along (a silently wrong training run)."""
    if not hasattr(optimizer_module.Optimizer, "_overwrite_with_gradients"):
        raise NotImplementedError(
            "float8 training needs optimizers that assign the new value of variables created "
            "with overwrite_with_gradient=True (the float8 scales and amax histories); "
            "cornu's optimizers do not do this yet. float8 inference works."
        )


@ops.custom_gradient
def _quantize_operand(x, scale, history):
    """Forward: `x` through e4m3. Backward: the upstream gradient unchanged (straight-through)
    for `x`; the next scale and history as the gradients of `scale` and `history`."""

    def grad(upstream):
        _check_trainable()
        return upstream, next_scale(history, scale, E4M3_MAX), pushed(history, x)

    return quantize_dequantize(x, scale, "float8_e4m3fn"), grad


@ops.custom_gradient
def _quantize_output_gradient(y, scale, history):
    """Forward: `y` unchanged. Backward: the upstream gradient through e5m2; the next scale
    and history as the gradients of `scale` and `history`."""

    def grad(upstream):
        _check_trainable()
        return (
            quantize_dequantize(upstream, scale, "float8_e5m2"),
            next_scale(history, scale, E5M2_MAX),
            pushed(history, upstream),
        )

    return ops.copy(y), grad


def add_variables(layer, amax_history_length=None):
    """Creates the six scale and amax-history variables of `layer` (Keras's order)."""
    if amax_history_length is None:
        amax_history_length = getattr(
            layer.dtype_policy, "amax_history_length", DEFAULT_AMAX_HISTORY_LENGTH
        )
    for role in ROLES:
        for suffix, shape, initializer in (
            ("scale", (), "ones"),
            ("amax_history", (amax_history_length,), "zeros"),
        ):
            name = f"{role}_{suffix}"
            variable = layer.add_weight(
                shape=shape, initializer=initializer, dtype="float32", trainable=True,
                autocast=False, overwrite_with_gradient=True, name=name,
            )  # fmt: skip
            setattr(layer, name, variable)


def quantize(layer, config):
    """`layer.quantize("float8")`: adds the float8 variables; the kernel stays float."""
    # Under the kernel's parent path (a layer built inside a model: "model/dense/..."), as
    # Keras names them.
    parent = layer.kernel.path.rsplit("/", 2)[0] if layer.kernel.path.count("/") > 1 else None
    scope = scopes.name_scope(parent, override_parent="") if parent else contextlib.nullcontext()
    with scope:
        add_variables(layer, DEFAULT_AMAX_HISTORY_LENGTH)
    layer.quantization_config = config or quantizers.Float8QuantizationConfig()
    layer.dtype_policy = dtype_policies.QuantizedFloat8DTypePolicy(
        "float8", layer.dtype_policy.name
    )


def saved_variables(layer):
    """Keras's order in `.keras` files: kernel, bias, then the float8 variables."""
    bias = [layer.bias] if layer.bias is not None else []
    extra = [getattr(layer, f"{role}_{suffix}") for role in ROLES
             for suffix in ("scale", "amax_history")]  # fmt: skip
    return [layer.kernel] + bias + extra


def contract(layer, inputs, contraction):
    """`contraction(inputs, kernel)` in float8 with delayed scaling, plus the bias.

    Keras adds the bias cast to bfloat16 on this path (its outputs and bias gradients show
    it), so cornu does too.
    """
    dtype = layer.compute_dtype
    x = _quantize_operand(inputs, layer.inputs_scale.value, layer.inputs_amax_history.value)
    kernel = _quantize_operand(
        layer.kernel.value, layer.kernel_scale.value, layer.kernel_amax_history.value
    )
    y = contraction(ops.cast(x, dtype), ops.cast(kernel, dtype))
    y = _quantize_output_gradient(
        y, layer.outputs_grad_scale.value, layer.outputs_grad_amax_history.value
    )
    if layer.bias is not None:
        y = ops.add(y, ops.cast(ops.cast(layer.bias.value, "bfloat16"), dtype))
    return y
