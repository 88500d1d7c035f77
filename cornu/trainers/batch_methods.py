"""`train_on_batch`, `test_on_batch` and `predict_on_batch`: the Trainer's one-batch API."""

import numpy as np

from cornu import backend, tree
from cornu.layers.layer import Layer
from cornu.trainers import data_adapters
from cornu.trainers.compile_utils import metrics_in_order


class BatchMethods:
    """One step on one batch, outside any loop (a mixin of `Trainer`, whose step functions,
    loop hooks and log formatting it uses)."""

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss and metrics of that batch alone
        (the metrics are reset first)."""
        self._assert_compiled()
        batch = self._single_batch(x, y, sample_weight, class_weight, split="train_on_batch")
        fn = self._make_train_function()
        self.reset_metrics()
        self._loop_begin("train")
        try:
            raw = fn(self._convert_batch(*batch))
        finally:
            self._loop_end("train")
        return self._format_single(self._reduce_logs(raw), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluates one batch; returns the logs (the metrics are reset first)."""
        self._assert_compiled()
        batch = self._single_batch(x, y, sample_weight, split="test_on_batch")
        fn = self._make_test_function()
        self.reset_metrics()
        self._loop_begin("test")
        try:
            raw = fn(self._convert_batch(*batch))
        finally:
            self._loop_end("test")
        return self._format_single(self._reduce_logs(raw), return_dict)

    def predict_on_batch(self, x):
        """The model's outputs on one batch, as NumPy arrays."""
        batch = self._single_batch(x)
        fn = self._make_predict_function()
        self._loop_begin("predict")
        try:
            out = fn(self._convert_batch(batch[0], None, None))
        finally:
            self._loop_end("predict")
        return tree.map_structure(backend.convert_to_numpy, out)

    def _single_batch(self, x, y=None, sample_weight=None, class_weight=None, split=None):
        """`(x, y, sample_weight)` as one batch (the model built on it if it was not); with
        `split` (the method's name), this process's slice of it under several processes."""
        iterator = data_adapters.get_epoch_iterator(
            x, y, sample_weight, batch_size=_num_samples(x), class_weight=class_weight
        )
        if split is not None:
            self._split_by_process(iterator, split)
        batch = iterator.peek()
        if batch is None:
            raise ValueError("The batch is empty: x has no samples.")
        if needs_build(self):
            self._build_on_batch(batch[0])
        return batch

    def _format_single(self, raw, return_dict):
        logs = dict(self._logs(raw))
        if return_dict:
            return logs
        values = metrics_in_order(self, logs)
        return values[0] if len(values) == 1 else values


def needs_build(model):
    """Unbuilt (itself or a direct child) and able to build: a subclass that overrides only
    `train_step` and has no `call` is left to build itself (Keras guides set `built`)."""
    if model.built and all(getattr(layer, "built", True) for layer in model._layers):
        return False
    return type(model).call is not Layer.call


def _num_samples(x):
    leaves = tree.flatten(x)
    return int(np.shape(leaves[0])[0]) if leaves else 1
