"""GPTQ (Frantar et al. 2022, "GPTQ: Accurate Post-Training Quantization for Generative
Pre-trained Transformers", Algorithm 1): quantize a layer's kernel one input row at a time,
spreading each row's rounding error over the rows not yet quantized through the Cholesky
factor of the inverse Hessian `H = 2 X^T X` of the layer's calibration inputs.

The per-layer solve runs once, offline, in float64 NumPy on the host (the same numbers on
every backend); collecting inputs and the quantized layer's call use `cornu.ops`.
"""

import numpy as np

from cornu import ops


class HessianAccumulator:
    """Running `H = 2 X^T X / n` over the rows `X` (all leading axes flattened) of the inputs
    a layer sees, contracted over `axes` (the layer's contracted input axes)."""

    def __init__(self, rows, axes=(-1,)):
        self.hessian = np.zeros((rows, rows))
        self.count = 0
        self.axes = axes

    def update(self, inputs):
        x = contracted_rows(inputs, self.axes)
        n = x.shape[0]
        total = self.count + n
        self.hessian *= self.count / max(total, 1)
        self.hessian += (2.0 / max(total, 1)) * (x.T @ x)
        self.count = total


def contracted_rows(inputs, axes):
    """`inputs` as float64 rows `(samples, contracted size)`: the contracted axes last."""
    x = np.asarray(ops.convert_to_numpy(ops.cast(inputs, "float32")), "float64")
    axes = [a % x.ndim for a in axes]  # in the kernel's row order
    kept = [a for a in range(x.ndim) if a not in axes]
    x = np.transpose(x, kept + axes)
    size = int(np.prod([x.shape[a] for a in range(len(kept), x.ndim)]))
    return x.reshape(-1, size)


def group_parameters(weights, bits, symmetric):
    """Scale and zero point per column of `weights` (rows of one group): asymmetric over the
    group's range widened to hold 0 (so the zero point is a code in `[0, 2**bits)`), or
    symmetric around the mid code `2 ** (bits - 1)`.

    Keras 3.15.1 takes the bare min and max and clips a negative zero point to 0, so a group
    whose weights are all positive cannot reach its own maximum there; cornu keeps the range
    holding 0 (the reference GPTQ quantizer's). Where a group has weights of both signs (the
    usual case) both give the same scales and zero points.
    """
    maxq = 2**bits - 1
    weights = np.asarray(weights, "float32")
    low = np.minimum(weights.min(axis=0), 0)
    high = np.maximum(weights.max(axis=0), 0)
    if symmetric:
        high = np.maximum(-low, high)
        low = -high
    flat = high == low  # an all-zero group
    low, high = np.where(flat, -1, low), np.where(flat, 1, high)
    scale = ((high - low) * np.float32(1.0 / maxq)).astype("float32")  # as Keras rounds it
    if symmetric:
        zero = np.full_like(scale, 2 ** (bits - 1))
    else:
        zero = np.clip(np.round(-low / scale), 0, maxq)
    return scale, zero


def quantize_matrix(weights, hessian, bits=4, group_size=128, symmetric=False,
                    activation_order=False, damping=0.01):  # fmt: skip
    """GPTQ on a `(rows, columns)` kernel view (rows: the contracted input dims).

    Args:
        weights: the float kernel view `(rows, columns)`.
        hessian: `(rows, rows)`, from `HessianAccumulator` (None: identity, i.e. plain
            round-to-nearest).
        bits, group_size (-1: one group), symmetric, activation_order, damping: as in
            `GPTQConfig` (`hessian_damping`).

    Returns:
        `(codes, scale, zero, g_idx)`: integer codes `(rows, columns)` in `[0, 2**bits)`,
        scale and zero point `(columns, groups)`, and the group of each row `(rows,)`.
    """
    w = np.asarray(weights, "float64").copy()
    rows, columns = w.shape
    h = np.eye(rows) if hessian is None else np.asarray(hessian, "float64").copy()
    size = rows if group_size in (None, -1) else int(group_size)
    groups = -(-rows // size)
    # Group parameters are fixed from the original weights, in the original row order, before
    # the error-compensated sweep ("static groups", Keras's layout: g_idx = row / group_size,
    # whatever the order of the sweep).
    row_group = np.arange(rows) // size
    scale, zero = np.zeros((columns, groups), "float32"), np.zeros((columns, groups), "float32")
    for g in range(groups):
        scale[:, g], zero[:, g] = group_parameters(w[g * size : (g + 1) * size], bits, symmetric)
    dead = np.diag(h) == 0  # inputs that never fire carry no information: weight 0
    h[dead, dead] = 1.0
    w[dead] = 0.0
    # Activation order: rows with the largest Hessian diagonal (the most active inputs)
    # first, so that their errors can still be spread over the most rows.
    order = np.argsort(-np.diag(h), kind="stable") if activation_order else np.arange(rows)
    w, h = w[order], h[order][:, order]
    h += damping * np.mean(np.diag(h)) * np.eye(rows)
    upper = _inverse_cholesky(h)
    codes = np.zeros((rows, columns))
    maxq = 2**bits - 1
    for i in range(rows):
        s, z = scale[:, row_group[order[i]]], zero[:, row_group[order[i]]]
        # The codes are rounded in float32, as the stored scales are.
        codes[i] = np.clip(np.round(w[i].astype("float32") / s) + z, 0, maxq)
        error = (w[i] - (codes[i] - z) * s.astype("float64")) / upper[i, i]
        w[i + 1 :] -= np.outer(upper[i, i + 1 :], error)
    codes = codes[np.argsort(order)]
    return codes.astype("int32"), scale, zero, np.arange(rows) / size


def _inverse_cholesky(h):
    """The upper Cholesky factor of `h^-1` (Frantar et al., §3.3 "Cholesky reformulation")."""
    try:
        return np.linalg.cholesky(np.linalg.inv(h)).T
    except np.linalg.LinAlgError:
        raise ValueError(
            "GPTQ: the damped Hessian of a layer's calibration inputs is not positive "
            "definite. Increase `hessian_damping` in the GPTQConfig or use more samples."
        ) from None


def quantize_model(model, config, filters=None):
    """`model.quantize("gptq", config)`: calibrates block by block and replaces each selected
    Dense/EinsumDense kernel by its GPTQ codes (see `cornu.quantizers.calibration`)."""
    from cornu.layers.core import quantized_gptq
    from cornu.quantizers import calibration

    hessians = {}

    def observe(layer, inputs):
        rows, _ = kernel_view_shape(layer)
        if id(layer) not in hessians:
            hessians[id(layer)] = HessianAccumulator(rows, contracted_input_axes(layer))
        hessians[id(layer)].update(inputs)

    def quantize(layer):
        accumulator = hessians.pop(id(layer), None)
        codes, scale, zero, g_idx = quantize_matrix(
            kernel_view(layer), None if accumulator is None else accumulator.hessian,
            bits=config.weight_bits, group_size=config.group_size,
            symmetric=config.symmetric, activation_order=config.activation_order,
            damping=config.hessian_damping,
        )  # fmt: skip
        quantized_gptq.store(layer, "gptq", codes, scale, zero, g_idx,
                             config.weight_bits, config.group_size)  # fmt: skip
        layer.quantization_config = config

    calibration.run_blocks(model, config, "gptq", filters, observe, quantize)


def kernel_view_shape(layer):
    """`(rows, columns)`: the contracted size and the rest of a Dense/EinsumDense kernel."""
    if hasattr(layer, "units"):
        return tuple(layer.kernel.shape[:1]) + (layer.units,)
    return layer.kernel_dims_2d()


def kernel_view(layer):
    return np.asarray(ops.convert_to_numpy(layer.kernel), "float64").reshape(
        kernel_view_shape(layer)
    )


def contracted_input_axes(layer):
    """The input axes of the kernel's contracted letters, in the kernel's order."""
    if hasattr(layer, "units"):
        return (-1,)
    before, after, _ = layer._in
    axes = []
    for letter in layer._contracted_kernel_letters():
        axes.append(before.index(letter) if letter in before else after.index(letter) - len(after))
    return tuple(axes)
