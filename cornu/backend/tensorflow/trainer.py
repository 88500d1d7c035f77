"""The TensorFlow training step: `tf.GradientTape` inside a `tf.function` (XLA when
`jit_compile=True`), unless `run_eagerly`."""

import tensorflow as tf

from cornu.backend.common.steps import StepsBase


class Steps(StepsBase):
    def train_step(self, data):
        """One step: forward and loss under a GradientTape, update, metrics."""
        model = self.model
        x, y, sample_weight = self.unpack(data)
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = model._call_compute_loss(x, y, y_pred, sample_weight, training=True)
            scaled = model.optimizer.scale_loss(loss)  # LossScaleOptimizer: times its scale
        trainable = model.trainable_weights
        if trainable:
            model.optimizer.apply(tape.gradient(scaled, trainable), trainable)
        model._update_loss_tracker(loss, x)
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def _compiled(self, step, data_builder=None):
        model = self.model
        if model.run_eagerly:
            return step
        function = tf.function(
            step, reduce_retracing=True, jit_compile=model.jit_compile is True, autograph=False
        )

        check_shapes = getattr(model, "_check_data_shapes", None)
        seen = set()

        def run(data):
            if data_builder is not None:
                data_builder(data)
            if check_shapes is not None:
                # tf.function generalizes shapes (reduce_retracing), so the model's own input
                # check sees `None` dims: check each new batch signature here, on the host.
                x, _, _ = self.unpack(data)
                signature = tuple(tuple(leaf.shape) for leaf in tf.nest.flatten(x))
                if signature not in seen:
                    check_shapes(x)
                    seen.add(signature)
            return function(data)

        return run

    def _prepare(self, data):
        """Creates state (optimizer slots, metric variables) before tracing: tf.function may
        not create variables after its first trace."""
        model = self.model
        x, y, _ = self.unpack(data)
        unbuilt = [
            c
            for c in (model._compile_metrics, model._compile_loss)
            if c is not None and not c.built
        ]
        if y is not None and unbuilt:
            model._build_compile_metrics(y, model(x, training=False))

    def make_train_function(self):
        model = self.model
        if model.train_function is None:
            if not model.optimizer.built:
                model.optimizer.build(model.trainable_weights)
            model.train_function = self._compiled(model.train_step, self._prepare)
        return model.train_function

    def make_test_function(self):
        model = self.model
        if model.test_function is None:
            model.test_function = self._compiled(model.test_step, self._prepare)
        return model.test_function

    def make_predict_function(self):
        model = self.model
        if model.predict_function is None:
            model.predict_function = self._compiled(model.predict_step)
        return model.predict_function
