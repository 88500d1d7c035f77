"""AWQ (Lin et al. 2023, "AWQ: Activation-aware Weight Quantization for LLM Compression and
Acceleration", §3.2): before group-wise round-to-nearest, scale each input row of the kernel
by `s = mean|x| ** alpha` (the inputs' mean magnitude on that row) and divide the inputs by
`s` at call time, so that rows fed by large activations lose less precision. `alpha` is
searched on a grid of `num_grid_points` values in [0, 1) for the smallest output error on
the calibration inputs.

The search runs once, offline, in NumPy on the host; the output error of a candidate is
`trace(E^T X^T X E)` (E: the kernel's quantization error), from the same running `X^T X`
GPTQ uses, so the calibration inputs need not be kept.
"""

import numpy as np

from cornu.quantizers import gptq


class ActivationStatistics(gptq.HessianAccumulator):
    """`X^T X` (as in GPTQ) and the mean magnitude of each input row."""

    def __init__(self, rows, axes=(-1,)):
        super().__init__(rows, axes)
        self.magnitude = np.zeros(rows)

    def update(self, inputs):
        x = gptq.contracted_rows(inputs, self.axes)
        total = self.count + x.shape[0]
        self.magnitude = (self.magnitude * self.count + np.abs(x).sum(axis=0)) / max(total, 1)
        super().update(inputs)


def round_to_nearest(weights, bits, group_size):
    """Asymmetric group-wise codes of `weights` `(rows, columns)` (as GPTQ's static groups)."""
    return gptq.quantize_matrix(weights, None, bits=bits, group_size=group_size)


def search_scales(weights, statistics, bits=4, group_size=128, num_grid_points=20):
    """AWQ on a `(rows, columns)` kernel view.

    Returns:
        `(codes, scale, zero, g_idx, awq_scales)`: the codes of `weights * awq_scales[:, None]`
        and their group parameters, as `gptq.quantize_matrix` gives them.
    """
    w = np.asarray(weights, "float64")
    magnitude = np.maximum(statistics.magnitude, 1e-8)
    best = None
    for alpha in np.arange(num_grid_points) / num_grid_points:
        s = magnitude**alpha
        s = np.maximum(s / np.sqrt(s.max() * s.min()), 1e-4)  # centred around 1 (the paper's)
        s = s.astype("float32").astype("float64")  # the stored awq_scales are float32
        result = round_to_nearest(w * s[:, None], bits, group_size)
        codes, scale, zero, g_idx = result
        groups = np.floor(g_idx).astype(int)
        kernel = (codes - zero[:, groups].T) * scale[:, groups].T / s[:, None]
        error = w - kernel
        loss = np.einsum("ic,ij,jc->", error, statistics.hessian, error)
        if best is None or loss < best[0]:
            best = (loss, result, s)
    _, (codes, scale, zero, g_idx), s = best
    return codes, scale, zero, g_idx, s


def quantize_model(model, config, filters=None):
    """`model.quantize("awq", config)`: calibrates block by block and replaces each selected
    Dense/EinsumDense kernel by its AWQ codes and scales."""
    from cornu.layers.core import quantized_gptq
    from cornu.quantizers import calibration

    statistics = {}

    def observe(layer, inputs):
        if id(layer) not in statistics:
            rows, _ = gptq.kernel_view_shape(layer)
            statistics[id(layer)] = ActivationStatistics(rows, gptq.contracted_input_axes(layer))
        statistics[id(layer)].update(inputs)

    def quantize(layer):
        weights = gptq.kernel_view(layer)
        stats = statistics.pop(id(layer), None)
        if stats is None:  # the layer saw no calibration input: no scaling
            stats = ActivationStatistics(weights.shape[0])
            stats.magnitude, stats.hessian = np.ones(weights.shape[0]), np.eye(weights.shape[0])
        codes, scale, zero, g_idx, s = search_scales(
            weights, stats, config.weight_bits, config.group_size, config.num_grid_points
        )
        quantized_gptq.store(layer, "awq", codes, scale, zero, g_idx, config.weight_bits,
                             config.group_size, awq_scales=s)  # fmt: skip
        layer.quantization_config = config

    calibration.run_blocks(model, config, "awq", filters, observe, quantize)
