"""The TensorFlow training step: `tf.GradientTape` inside a `tf.function` (XLA when
`jit_compile=True`), unless `run_eagerly`.

Under a `tf.distribute` strategy (a `cornu.distribution` DataParallel, or a model made inside
the user's own `with strategy.scope():`, as in Keras 2 (TensorFlow)) each step runs every replica's rows
of the batch with `strategy.run`. A replica's loss is scaled by its share of the global batch
(its rows / all rows), so the summed gradients are those of the mean over the global batch, as
Keras 2 (TensorFlow) scales them; the update is applied once, outside `strategy.run`, to the mirrored
variables, and the compiled metrics see the whole global batch, so the results equal one
device's on the same batch.
"""

import functools
import warnings

import tensorflow as tf

from cornu.backend.common import distribution_state
from cornu.backend.common.steps import StepsBase

_SUM = tf.distribute.ReduceOp.SUM


class Steps(StepsBase):
    def __init__(self, model, unpack):
        super().__init__(model, unpack)
        # A model made inside `with strategy.scope():` trains under that strategy even when
        # fit is called outside the scope (Keras 2 (TensorFlow) remembers the strategy the same way).
        self._creation_strategy = tf.distribute.get_strategy() if _in_user_scope() else None
        self._function_strategies = {}  # "train"/"test"/"predict" -> strategy they run under
        self._warned = set()  # overridden steps already warned about

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

    def _compiled(self, step, data_builder=None, strategy=None):
        model = self.model
        if model.run_eagerly:
            function = step
        else:
            function = tf.function(
                step,
                reduce_retracing=True,
                # (XLA does not compile strategy.run's cross-device reductions)
                jit_compile=model.jit_compile is True and strategy is None,
                autograph=False,
            )

        check_shapes = getattr(model, "_check_data_shapes", None)
        seen = set()

        def run(data):
            with _scope(strategy):
                if data_builder is not None:
                    data_builder(data)
                if strategy is not None or check_shapes is not None:
                    # tf.function generalizes shapes (reduce_retracing), so the model's own
                    # input check sees `None` dims: check each new batch signature here, on
                    # the host.
                    x, _, _ = self.unpack(data)
                    leaves = tf.nest.flatten(x)
                    signature = tuple(tuple(leaf.shape) for leaf in leaves)
                    if signature not in seen:
                        if strategy is not None:
                            _check_batch_splits(strategy, leaves)
                        if check_shapes is not None:
                            check_shapes(x)
                        seen.add(signature)
                return function(data)

        if model.run_eagerly and strategy is None:
            return step
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

    # -- the loops' functions ----------------------------------------------------------------

    def make_train_function(self):
        model = self.model
        strategy = self._strategy()
        if model.train_function is None or self._stale("train", strategy):
            if not model.optimizer.built:
                with _scope(strategy):
                    model.optimizer.build(model.trainable_weights)
            step = model.train_step
            if strategy is not None:
                step = functools.partial(self._distributed_train_step, strategy)
            model.train_function = self._compiled(step, self._prepare, strategy)
            self._function_strategies["train"] = strategy
        return model.train_function

    def make_test_function(self):
        model = self.model
        strategy = self._strategy()
        if model.test_function is None or self._stale("test", strategy):
            step = model.test_step
            if strategy is not None:
                step = functools.partial(self._distributed_test_step, strategy)
            model.test_function = self._compiled(step, self._prepare, strategy)
            self._function_strategies["test"] = strategy
        return model.test_function

    def make_predict_function(self):
        model = self.model
        strategy = self._strategy()
        if model.predict_function is None or self._stale("predict", strategy):
            step = model.predict_step
            if strategy is not None:
                step = functools.partial(self._distributed_predict_step, strategy)
            model.predict_function = self._compiled(step, strategy=strategy)
            self._function_strategies["predict"] = strategy
        return model.predict_function

    def _stale(self, mode, strategy):
        """Whether the cached function was made for another strategy (or for none)."""
        return self._function_strategies.get(mode) is not strategy

    def _strategy(self):
        """The strategy the steps run under: the user's scope in force, the current cornu
        distribution's, the one the model (or its variables) was made under; else None."""
        if _in_user_scope():
            return tf.distribute.get_strategy()
        if distribution_state.get() is not None:
            from cornu.backend.tensorflow import distribution  # lazy: only when distributed

            return distribution.strategy_for(distribution_state.get())
        if self._creation_strategy is not None:
            return self._creation_strategy
        for variable in self.model.weights:
            strategy = getattr(variable._storage, "distribute_strategy", None)
            if strategy is not None:
                return strategy
        return None

    # -- the steps under a strategy ----------------------------------------------------------

    def _distributed_train_step(self, strategy, data):
        model = self.model
        if not self._is_default("train_step"):
            return model.train_step(data)
        trainable = model.trainable_weights
        global_size = _global_batch_size(strategy, self.unpack, data)
        missing = set()

        def replica_step(data):
            data, share = _replica_rows(strategy, data, global_size)
            x, y, sample_weight = self.unpack(data)
            with tf.GradientTape() as tape:
                y_pred = model(x, training=True)
                loss = model._call_compute_loss(x, y, y_pred, sample_weight, training=True)
                # This replica's part of the global batch's mean loss (Keras 2 (TensorFlow)'s scaling).
                loss = loss * tf.cast(share, loss.dtype)
                scaled = model.optimizer.scale_loss(loss)
            grads = tape.gradient(scaled, trainable) if trainable else []
            missing.update(i for i, g in enumerate(grads) if g is None)
            grads = [tf.zeros(()) if g is None else g for g in grads]
            return grads, loss, (x, y, y_pred, sample_weight)

        grads, loss, batch = strategy.run(replica_step, args=(data,))
        if trainable:
            grads = [
                None if i in missing else strategy.reduce(_SUM, g, axis=None)
                for i, g in enumerate(grads)
            ]
            model.optimizer.apply(grads, trainable)
        return self._distributed_metrics(strategy, loss, batch, global_size)

    def _distributed_test_step(self, strategy, data):
        model = self.model
        if not self._is_default("test_step"):
            return model.test_step(data)
        global_size = _global_batch_size(strategy, self.unpack, data)

        def replica_step(data):
            data, share = _replica_rows(strategy, data, global_size)
            x, y, sample_weight = self.unpack(data)
            y_pred = model(x, training=False)
            loss = model._call_compute_loss(x, y, y_pred, sample_weight, training=False)
            return loss * tf.cast(share, loss.dtype), (x, y, y_pred, sample_weight)

        loss, batch = strategy.run(replica_step, args=(data,))
        return self._distributed_metrics(strategy, loss, batch, global_size)

    def _distributed_predict_step(self, strategy, data):
        model = self.model
        if not self._is_default("predict_step"):
            return model.predict_step(data)

        def replica_step(data):
            x, _, _ = self.unpack(_replica_rows(strategy, data)[0])
            return model(x, training=False)

        return _gather(strategy, strategy.run(replica_step, args=(data,)))

    def _distributed_metrics(self, strategy, loss, batch, global_size):
        """The loss tracker and compiled metrics, updated once with the whole global batch."""
        model = self.model
        loss = strategy.reduce(_SUM, loss, axis=None)
        model._loss_tracker.update_state(loss, sample_weight=global_size)
        x, y, y_pred, sample_weight = _gather(strategy, batch)
        return model.compute_metrics(x, y, y_pred, sample_weight)

    def _is_default(self, name):
        """Whether the model's `name` step is cornu's own (not a user's override). An override
        runs on the whole batch outside `strategy.run` (one device computes; the update still
        reaches every replica's copy), with a warning."""
        for klass in type(self.model).__mro__:
            if name in vars(klass):
                default = vars(klass)[name].__module__ == "cornu.trainers.trainer"
                break
        else:
            default = True
        if not default and name not in self._warned:
            self._warned.add(name)
            warnings.warn(
                f"Model '{self.model.name}' overrides {name}: under a tf.distribute strategy "
                "cornu runs an overridden step on the whole batch outside strategy.run, on "
                "one device (results are those of one device; the replicas' devices are not "
                "used for it).",
                stacklevel=2,
            )
        return default


def _in_user_scope():
    """Inside a `with strategy.scope():` (cross-replica context of a real strategy)."""
    return tf.distribute.has_strategy() and tf.distribute.in_cross_replica_context()


def _scope(strategy):
    return strategy.scope() if strategy is not None else _NullScope()


class _NullScope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _local_replicas(strategy):
    """The number of replicas in this process (all of them for MirroredStrategy)."""
    return len(strategy.extended.worker_devices)


def _check_batch_splits(strategy, leaves):
    """Each replica needs at least one row: an empty share has no mean loss."""
    replicas = _local_replicas(strategy)
    rows = leaves[0].shape[0] if leaves else None
    if rows is not None and rows < replicas:
        raise ValueError(
            f"A batch of {rows} samples cannot be split over the {replicas} replicas of "
            f"{type(strategy).__name__} (each replica needs at least one sample). Use a "
            f"batch_size of at least {replicas} (a multiple of {replicas} keeps the replicas "
            "evenly loaded), or drop the last, smaller batch."
        )


def _batch_rows(unpack, data):
    leaves = tf.nest.flatten(unpack(data)[0])
    return tf.shape(leaves[0])[0]


def _replica_rows(strategy, data, global_size=None):
    """This replica's contiguous rows of the process's batch `data`, and (with
    `global_size`) its share of the global batch: its rows / all replicas' rows."""
    context = tf.distribute.get_replica_context()
    local = _local_replicas(strategy)
    index = context.replica_id_in_sync_group % local
    leaves = tf.nest.flatten(data)
    rows = tf.shape(leaves[0])[0]
    start = (index * rows) // local
    end = ((index + 1) * rows) // local
    part = tf.nest.map_structure(lambda t: None if t is None else t[start:end], data)
    if global_size is None:
        return part, None
    return part, tf.cast(end - start, tf.float32) / tf.cast(global_size, tf.float32)


def _global_batch_size(strategy, unpack, data):
    """Rows in the global batch: this batch's rows summed over every worker."""
    if _local_replicas(strategy) == strategy.num_replicas_in_sync:
        return _batch_rows(unpack, data)  # one worker: its batch is the global batch

    def rows(data):
        part, _ = _replica_rows(strategy, data)
        return _batch_rows(unpack, part)

    return strategy.reduce(_SUM, strategy.run(rows, args=(data,)), axis=None)


def _gather(strategy, per_replica):
    """Per-replica values concatenated along the batch axis, in replica order."""
    one_worker = _local_replicas(strategy) == strategy.num_replicas_in_sync

    def gather(value):
        if value is None:
            return None
        if not one_worker:
            return strategy.gather(value, axis=0)
        # In one process, concatenate the local parts: `strategy.gather`'s collectives take
        # keys per strategy, and two strategies over the same devices (the user's and a
        # distribution's) would reuse them with other shapes.
        parts = strategy.experimental_local_results(value)
        return parts[0] if len(parts) == 1 else tf.concat(parts, axis=0)

    return tf.nest.map_structure(gather, per_replica)
