"""The torch training step: eager forward, `loss.backward()`, optimizer update in no_grad.

`compile(jit_compile=True)` wraps the step in `torch.compile`.
"""

import torch

from cornu import tree
from cornu.backend.common.steps import StepsBase


class Steps(StepsBase):
    def __init__(self, model, unpack):
        super().__init__(model, unpack)
        self._trainable = None  # the trainable weights, read once per train function

    def train_step(self, data):
        """One step: forward, loss, backward, update, metrics. Override to customize."""
        model = self.model
        x, y, sample_weight = self.unpack(data)
        y_pred = model(x, training=True)
        loss = model._call_compute_loss(x, y, y_pred, sample_weight, training=True)
        trainable = self._trainable
        if trainable is None:  # (a step called before any train function was made)
            trainable = model.trainable_weights
        for v in trainable:
            v.value.grad = None
        if loss.requires_grad:  # a frozen model's loss has no graph to go back through
            model.optimizer.scale_loss(loss).backward()
        grads = [v.value.grad for v in trainable]
        with torch.no_grad():
            if trainable:
                model.optimizer.apply(grads, trainable)
            model._update_loss_tracker(loss, x)
            return model.compute_metrics(x, y, _detach(y_pred), sample_weight)

    def test_step(self, data):
        with torch.no_grad():
            return super().test_step(data)

    def predict_step(self, data):
        with torch.no_grad():
            return super().predict_step(data)

    def make_train_function(self):
        model = self.model
        self._trainable = model.trainable_weights
        if not model.optimizer.built:
            model.optimizer.build(self._trainable)
        step = model.train_step
        if model.jit_compile is True and not model.run_eagerly:
            step = torch.compile(step)
        return step


def _detach(structure):
    return tree.map_structure(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, structure)
