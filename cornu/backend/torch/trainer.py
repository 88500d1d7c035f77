"""The torch training step: eager forward, `loss.backward()`, optimizer update in no_grad.

`compile(jit_compile=True)` wraps the step in `torch.compile`.
"""

import torch

from cornu import tree
from cornu.trainers.data_adapters import unpack
from cornu.trainers.trainer import Trainer as BaseTrainer


class Trainer(BaseTrainer):
    def train_step(self, data):
        """One step: forward, loss, backward, update, metrics. Override to customize."""
        x, y, sample_weight = unpack(data)
        y_pred = self(x, training=True)
        loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=True)
        trainable = self._trainable_cache
        for v in trainable:
            v.value.grad = None
        if loss.requires_grad:  # a frozen model's loss has no graph to go back through
            self.optimizer.scale_loss(loss).backward()
        grads = [v.value.grad for v in trainable]
        with torch.no_grad():
            if trainable:
                self.optimizer.apply(grads, trainable)
            self._update_loss_tracker(loss, x)
            return self.compute_metrics(x, y, _detach(y_pred), sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack(data)
        with torch.no_grad():
            y_pred = self(x, training=False)
            loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=False)
            self._update_loss_tracker(loss, x)
            return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack(data)
        with torch.no_grad():
            return self(x, training=False)

    def _make_train_function(self):
        self._trainable_cache = self.trainable_weights
        if not self.optimizer.built:
            self.optimizer.build(self._trainable_cache)
        step = self.train_step
        if self.jit_compile is True and not self.run_eagerly:
            step = torch.compile(step)
        return step

    def _make_test_function(self):
        return self.test_step

    def _make_predict_function(self):
        return self.predict_step


def _detach(structure):
    return tree.map_structure(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, structure)
