"""The calibration driver GPTQ and AWQ share: turn a config's dataset into model inputs, run
the model block by block, and hand each Dense/EinsumDense of a block the inputs it saw.

A model is quantized over its "quantization layer structure": a dict with
`"pre_block_layers"` (run once, in order, on the calibration inputs) and
`"sequential_blocks"` (layers or sub-models run one after the other). Each block's layers are
quantized from the inputs the block received; the next block then sees the outputs of the
quantized block, so errors of earlier blocks are taken into account (Frantar et al. 2022, §4).
"""

import numpy as np

from cornu import ops

_STRUCTURE_KEYS = ("pre_block_layers", "sequential_blocks")
_BATCH = 8  # calibration samples per forward pass


def layer_structure(model, config, mode):
    """The structure dict of `model` for `mode`: the config's, else the model's
    `get_quantization_layer_structure(mode)`, else Keras's ValueError."""
    structure = config.quantization_layer_structure
    if structure is None and hasattr(model, "get_quantization_layer_structure"):
        structure = model.get_quantization_layer_structure(mode)
    if not isinstance(structure, dict) or any(k not in structure for k in _STRUCTURE_KEYS):
        raise ValueError(
            f"For mode='{mode}', a valid quantization structure must be provided either via "
            "`config.quantization_layer_structure` or by overriding "
            "`model.get_quantization_layer_structure(mode)`. The structure should be a "
            "dictionary with keys 'pre_block_layers' and 'sequential_blocks'."
        )
    return list(structure["pre_block_layers"]), list(structure["sequential_blocks"])


def calibration_inputs(config, mode):
    """The calibration samples as one array `(num_samples, ...)`: strings are tokenized
    (`config.tokenizer`), joined and cut into windows of `sequence_length` tokens; arrays
    give their first `num_samples` rows (token sequences cut to `sequence_length`)."""
    if config.dataset is None or config.tokenizer is None:
        raise ValueError(
            f"{mode.upper()} quantization requires a dataset and a tokenizer. Please provide "
            f"them in the `{type(config).__name__}`."
        )
    dataset = config.dataset
    if isinstance(dataset, str):
        dataset = [dataset]
    if isinstance(dataset, (list, tuple)) and dataset and isinstance(dataset[0], str):
        return _token_windows(config, dataset)
    samples = np.asarray(ops.convert_to_numpy(dataset) if not isinstance(dataset, list) else [
        np.asarray(ops.convert_to_numpy(d)) for d in dataset
    ])  # fmt: skip
    if samples.ndim == 0 or samples.shape[0] == 0:
        raise ValueError(
            f"{type(config).__name__}: dataset holds no samples (received an array of shape "
            f"{samples.shape}); pass a list of strings or an array (num_samples, ...)."
        )
    samples = samples[: config.num_samples]
    if samples.ndim == 2 and np.issubdtype(samples.dtype, np.integer):
        samples = samples[:, : config.sequence_length]
    return samples


def _token_windows(config, texts):
    tokens = []
    for text in texts:
        ids = config.tokenizer(text)
        ids = ops.convert_to_numpy(ids) if not isinstance(ids, (list, tuple)) else ids
        tokens.extend(np.asarray(ids).reshape(-1).tolist())
    length = config.sequence_length
    count = min(config.num_samples, len(tokens) // length)
    if count == 0:
        raise ValueError(
            f"{type(config).__name__}: the tokenized dataset has {len(tokens)} tokens, fewer "
            f"than one sequence of sequence_length={length}. Pass more text or a shorter "
            "sequence_length."
        )
    return np.asarray(tokens[: count * length], "int32").reshape(count, length)


def quantizable_layers(block, filters):
    """The Dense and EinsumDense layers inside `block` (itself included) that `filters`
    selects, in depth-first order."""
    from cornu.layers.core import dense, einsum_dense, quantized_layer

    kinds = (dense.Dense, einsum_dense.EinsumDense)
    found = [layer for layer in block._all_layers() if isinstance(layer, kinds)]
    return [layer for layer in found if quantized_layer._selected(layer, filters)]


def run_blocks(model, config, mode, filters, observe, quantize):
    """Runs the calibration samples through the model's blocks. For each block, `observe(
    layer, inputs)` is called with every batch of inputs each quantizable layer receives,
    then `quantize(layer)` for each of them; the next block then sees the quantized block's
    outputs."""
    pre_block_layers, blocks = layer_structure(model, config, mode)
    samples = calibration_inputs(config, mode)
    batches = [samples[i : i + _BATCH] for i in range(0, len(samples), _BATCH)]
    for layer in pre_block_layers:
        batches = [layer(x) for x in batches]
    for block in blocks:
        targets = quantizable_layers(block, filters)
        with _recording(targets, observe):
            for x in batches:
                block(x)
        for layer in targets:
            quantize(layer)
        batches = [block(x) for x in batches]


class _recording:
    """Within the block, each target layer reports its inputs to `observe` before its call."""

    def __init__(self, layers, observe):
        self.layers, self.observe = layers, observe

    def __enter__(self):
        for layer in self.layers:
            layer.call = _observed(layer, type(layer).call, self.observe)

    def __exit__(self, *exc):
        for layer in self.layers:
            del layer.call


def _observed(layer, call, observe):
    def wrapped(inputs, *args, **kwargs):
        observe(layer, inputs)
        return call(layer, inputs, *args, **kwargs)

    return wrapped
