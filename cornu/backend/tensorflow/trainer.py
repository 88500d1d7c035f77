"""The TensorFlow training step: `tf.GradientTape` inside a `tf.function` (XLA when
`jit_compile=True`), unless `run_eagerly`."""

import tensorflow as tf

from cornu.trainers.data_adapters import unpack
from cornu.trainers.trainer import Trainer as BaseTrainer


class Trainer(BaseTrainer):
    def train_step(self, data):
        """One step: forward and loss under a GradientTape, update, metrics."""
        x, y, sample_weight = unpack(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=True)
            scaled = self.optimizer.scale_loss(loss)  # LossScaleOptimizer: times its scale
        trainable = self.trainable_weights
        if trainable:
            self.optimizer.apply(tape.gradient(scaled, trainable), trainable)
        self._update_loss_tracker(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack(data)
        y_pred = self(x, training=False)
        loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=False)
        self._update_loss_tracker(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack(data)
        return self(x, training=False)

    def _compiled(self, step, data_builder=None):
        if self.run_eagerly:
            return step
        function = tf.function(
            step, reduce_retracing=True, jit_compile=self.jit_compile is True, autograph=False
        )

        check_shapes = getattr(self, "_check_data_shapes", None)
        seen = set()

        def run(data):
            if data_builder is not None:
                data_builder(data)
            if check_shapes is not None:
                # tf.function generalizes shapes (reduce_retracing), so the model's own input
                # check sees `None` dims: check each new batch signature here, on the host.
                x, _, _ = unpack(data)
                signature = tuple(tuple(leaf.shape) for leaf in tf.nest.flatten(x))
                if signature not in seen:
                    check_shapes(x)
                    seen.add(signature)
            return function(data)

        return run

    def _prepare(self, data):
        """Creates state (optimizer slots, metric variables) before tracing: tf.function may
        not create variables after its first trace."""
        x, y, _ = unpack(data)
        unbuilt = [
            c for c in (self._compile_metrics, self._compile_loss) if c is not None and not c.built
        ]
        if y is not None and unbuilt:
            self._build_compile_metrics(y, self(x, training=False))

    def _make_train_function(self):
        if self.train_function is None:
            if not self.optimizer.built:
                self.optimizer.build(self.trainable_weights)
            self.train_function = self._compiled(self.train_step, self._prepare)
        return self.train_function

    def _make_test_function(self):
        if self.test_function is None:
            self.test_function = self._compiled(self.test_step, self._prepare)
        return self.test_function

    def _make_predict_function(self):
        if self.predict_function is None:
            self.predict_function = self._compiled(self.predict_step)
        return self.predict_function
