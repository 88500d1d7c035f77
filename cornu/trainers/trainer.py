"""`Trainer`: compile / fit / evaluate / predict, written once for every backend.

The loops live here; the steps live in `cornu/backend/<b>/trainer.py`, whose `Steps` class
(see `cornu.backend.common.steps`) the Trainer composes: each model holds one `Steps(model,
unpack)`. Its `MODEL_METHODS` (`train_step`, `test_step`, `predict_step`; JAX adds
`compute_loss_and_updates`) become the model's methods with the backend's signatures, so
Keras-style overrides and `super().train_step(...)` work; its `make_*_function` and `loop_*`
hooks run the loops (JAX keeps the model's state outside the Variables while a loop runs).
"""

import functools
import importlib
import inspect
import warnings

import numpy as np

from cornu import backend, config, optimizers, tree
from cornu.backend.common import dtypes
from cornu.callbacks.callback_list import CallbackList
from cornu.metrics.metric import Mean
from cornu.saving import keras_archive
from cornu.trainers import data_adapters, fit_checks
from cornu.trainers import jit_compile as jit_compile_rules
from cornu.trainers.batch_methods import BatchMethods, needs_build
from cornu.trainers.compile_utils import (
    CompileLoss,
    CompileMetrics,
    _output_names,
    metrics_in_order,
)
from cornu.trainers.logs import LazyLogs, flatten_logs
from cornu.utils import data_packing

# The chosen backend's steps (cornu/backend/<b>/trainer.py).
Steps = importlib.import_module(f"cornu.backend.{config.backend()}.trainer").Steps


def _to_backend(structure):
    """NumPy leaves -> backend tensors; float arrays become floatx (as Keras feeds them)."""

    def convert(a):
        if not isinstance(a, np.ndarray):
            if a is None or backend.is_tensor(a) or not hasattr(a, "shape"):
                return a
            a = np.asarray(a)
        if a.dtype.kind == "f" and a.dtype != np.dtype(backend.floatx()):
            return backend.convert_to_tensor(a, dtype=backend.floatx())
        return backend.convert_to_tensor(a)

    return tree.map_structure(convert, structure)


def _batch_to_data(x, y, sample_weight):
    """The step's `data`, as Keras packs it: `x` alone (a list or tuple of inputs as `(x,)`),
    `(x, y)` or `(x, y, sample_weight)`."""
    if y is None and sample_weight is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _steps_method(name):
    """A Trainer method that runs the backend steps' method `name` (with its signature and
    docstring), so a Model subclass overrides it and calls `super()` as in Keras."""
    step = getattr(Steps, name)

    def method(self, *args, **kwargs):
        return getattr(self._backend_steps, name)(*args, **kwargs)

    functools.update_wrapper(method, step)
    method.__qualname__ = f"Trainer.{name}"
    method.__module__ = __name__
    return method


class Trainer(BatchMethods):
    """The training API of `Model`.

    `train_step`, `test_step` and `predict_step` (and JAX's `compute_loss_and_updates`) are
    the backend's (`Steps.MODEL_METHODS`), installed below the class with their signatures.
    """

    def _trainer_init(self):
        self.compiled = False
        self.optimizer = None
        self._compile_loss = None
        self._compile_metrics = None
        self.loss = None  # compile()'s `loss`, as given
        self._loss_tracker = None
        self._compile_config = None
        self.stop_training = False
        self.history = None
        self._in_fit = False
        self.run_eagerly = False
        self._jit_compile = None  # resolved from "auto" on first read, as Keras does
        self.steps_per_execution = 1
        self.train_function = self.test_function = self.predict_function = None
        self._backend_steps = Steps(self, data_packing.unpack)

    # -- compile -------------------------------------------------------------------------

    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures training.

        Args:
            optimizer: an optimizer or its name ("adam", "sgd", ...).
            loss: a loss (name, function or Loss), a list (one per output) or a dict (by
                output name).
            loss_weights: weights of each output's loss (list or dict).
            metrics: metrics (names, functions, Metric objects), as a list, or per output as a
                list of lists or a dict.
            weighted_metrics: like `metrics`, but weighted by `sample_weight`.
            run_eagerly: run the step without compilation (for debugging).
            steps_per_execution: accepted; cornu runs one step per call.
            jit_compile: "auto" (compile where it helps), True or False. On torch, True means
                `torch.compile`.
            auto_scale_loss: scale the loss for mixed precision (done by LossScaleOptimizer).
        """
        self.optimizer = _loss_scaled(self, optimizers.get(optimizer), auto_scale_loss)
        names = _output_names(self)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights, names) if loss is not None else None
        self._compile_metrics = (
            CompileMetrics(metrics, weighted_metrics, names, loss)
            if metrics is not None or weighted_metrics is not None
            else None
        )
        self._loss_tracker = Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile_rules.for_compile(jit_compile, run_eagerly)
        self.steps_per_execution = steps_per_execution
        self._compile_config = {
            "optimizer": optimizer if isinstance(optimizer, str) else None,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        self.compiled = True
        self.train_function = self.test_function = self.predict_function = None

    @property
    def jit_compile(self):
        """Whether the steps are compiled (True/False once "auto" or None is resolved)."""
        if self._jit_compile is None:
            self._jit_compile = jit_compile_rules.resolve_auto()
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value):
        self._jit_compile = value

    def _assert_compiled(self):
        if not self.compiled:
            # ValueError, as Keras raises.
            raise ValueError(
                f"You must call `compile()` before using the model '{self.name}' for "
                "training or evaluation (compile gives it an optimizer, a loss and metrics)."
            )

    def get_compile_config(self):
        """compile()'s arguments serialized as Keras records them ({} before compile)."""
        return keras_archive._serialize_compile_config(self)

    def compile_from_config(self, config):
        """Compiles the model from `get_compile_config()`'s output (warns, as loading
        does, where part of it cannot be restored)."""
        keras_archive.compile_from_config(self, config)

    # -- metrics -------------------------------------------------------------------------

    @property
    def metrics(self):
        """The loss tracker, the compiled metrics, and metrics assigned as attributes."""
        result = []
        if self._loss_tracker is not None:
            result.append(self._loss_tracker)
        if self._compile_metrics is not None:
            result.append(self._compile_metrics)
        if self._compile_loss is not None:
            result.extend(self._compile_loss.metrics)  # one loss tracker per output
        result.extend(getattr(self, "_tracked_metrics", []))
        return result

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """The current value of every metric, as a flat dict of tensors."""
        logs = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return logs

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss: the compiled loss plus every `add_loss` and regularization loss."""
        terms = []
        if self._compile_loss is not None:
            terms.append(self._compile_loss(y, y_pred, sample_weight))
        terms.extend(self.losses)
        if not terms:
            raise ValueError(
                f"Model '{self.name}' has no loss to minimize: pass `loss=` to compile() or "
                "add losses with add_loss()."
            )
        total = terms[0]
        for term in terms[1:]:
            total = total + backend.cast(term, dtypes.standardize_dtype(total.dtype))
        return total

    def _call_compute_loss(self, x, y, y_pred, sample_weight, training):
        """`compute_loss`, passing `training` only to an override whose signature takes it
        (overrides written before Keras added the argument do not)."""
        if _takes_training(type(self).compute_loss):
            return self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
            )
        return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics; returns the current results."""
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _logs(self, raw):
        """Lazy, flat logs sorted by key, as Keras hands them to callbacks and History on
        every backend. Sorting happens only if the logs are read."""

        def ordered():
            flat = flatten_logs(raw)
            return {k: flat[k] for k in sorted(flat)}

        return LazyLogs(ordered)

    def _update_loss_tracker(self, loss, x):
        leaves = tree.flatten(x)
        batch = backend.shape(leaves[0])[0] if leaves else 1
        self._loss_tracker.update_state(loss, sample_weight=batch)

    def _build_compile_metrics(self, y, y_pred):
        """Builds the compiled metrics' state (before a compiled step needs their variables)."""
        cm = self._compile_metrics
        if cm is not None and not cm.built and y is not None:
            cm.build(y, y_pred)
        cl = self._compile_loss  # (its per-output loss trackers)
        if cl is not None and not cl.built and y is not None:
            cl.build(y, y_pred)

    # -- fit -----------------------------------------------------------------------------

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Trains the model; returns a `History` whose `history` maps metric names to lists.

        Args:
            x, y, sample_weight: the data: arrays, Pandas, dicts/lists of them, or (with y
                None) a generator, `PyDataset`, `tf.data.Dataset` or torch `DataLoader`
                yielding `(x, y[, sample_weight])` batches.
            batch_size: samples per step (32 by default for arrays).
            epochs: the epoch to stop at.
            verbose: "auto"/1 progress bar, 2 one line per epoch, 0 silent.
            callbacks: Callback instances.
            validation_split: the fraction of array data held out for validation.
            validation_data: `(x_val, y_val[, sample_weight_val])`, or a dataset, PyDataset,
                DataLoader or generator, evaluated at the end of each epoch.
            shuffle: shuffle array data each epoch (True, False or "batch").
            class_weight: `{class: weight}` applied to the loss.
            initial_epoch: the epoch to start at (for resuming).
            steps_per_epoch: steps per epoch (required for endless generators); the data
                stream then runs on across epochs.
            validation_steps, validation_batch_size: for the validation data.
            validation_freq: validate every `validation_freq` epochs, or in the epochs
                (counted from 1) of a list.

        Example:
            >>> history = model.fit(x, y, epochs=3, validation_split=0.2, verbose=0)
        """
        self._assert_compiled()
        fit_checks.check_epochs(epochs, initial_epoch)
        if validation_split and validation_data is None:
            if not all(data_adapters.is_array_like(leaf) for leaf in tree.flatten(x)):
                raise ValueError(
                    "validation_split is only supported for array data (NumPy, tensors, "
                    f"Pandas); received x of type {type(x).__name__}. Pass validation_data "
                    "instead."
                )
            (x, y, sample_weight), validation_data = data_adapters.train_validation_split(
                (x, y, sample_weight), validation_split
            )
        iterator = data_adapters.get_epoch_iterator(
            x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps_per_epoch,
            shuffle=shuffle, class_weight=class_weight,
        )  # fmt: skip
        self._split_by_process(iterator, "fit")
        val_iterator = None
        if validation_data is not None:
            vx, vy, vsw = data_adapters.split_validation_data(validation_data)
            val_iterator = data_adapters.get_epoch_iterator(
                vx, vy, vsw, batch_size=validation_batch_size or batch_size,
                steps_per_epoch=validation_steps, replay=True,
            )  # fmt: skip
            self._split_by_process(val_iterator, "fit (validation_data)")
        max_epochs = config.max_epochs()
        if max_epochs is not None:
            epochs = min(epochs, max_epochs)
        steps = iterator.num_batches
        limit = config.max_steps_per_epoch()  # (a cap for quick runs, None normally)
        if limit is not None:
            steps = min(steps or limit, limit)
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=steps,
        )  # fmt: skip
        self.stop_training = False
        fit_checks.check_input_data(self, iterator.peek(), "fit")
        self._in_fit = True
        self._build_from(iterator)
        fit_checks.check_class_weight(self, class_weight)
        check_targets = fit_checks.target_checker(self, iterator, _to_backend)
        train_fn = self._make_train_function()
        self._fit_iterator = iterator  # (BackupAndRestore saves its data-order seed)
        self._loop_begin("train")
        callback_list.on_train_begin()
        # A callback (BackupAndRestore) may resume from a later epoch.
        initial_epoch = self.__dict__.pop("_resume_epoch", None) or initial_epoch
        # ... and skip the batches of that epoch it had already trained on.
        resume_step = self.__dict__.pop("_resume_step", None) or 0
        # ... and order the data as the interrupted run did.
        iterator.start_at(initial_epoch, seed=self.__dict__.pop("_resume_data_seed", None))
        epoch_logs = training_logs = {}
        batch_begin = callback_list.overrides("on_train_batch_begin")
        batch_end = callback_list.overrides("on_train_batch_end")
        try:
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callback_list.on_epoch_begin(epoch)
                # Callbacks may have changed variables (weights, learning rate) between epochs.
                self._loop_refresh()
                raw = None
                for first, last, batches in self._executions(iterator, limit, resume_step):
                    if batch_begin:
                        callback_list.on_train_batch_begin(first)
                    for batch in batches:
                        if check_targets is not None:
                            check_targets(batch[1])
                        raw = train_fn(self._convert_batch(*batch))
                    raw = self._reduce_logs(raw)
                    if batch_end:
                        callback_list.on_train_batch_end(last, self._logs(raw))
                    if self.stop_training:
                        break
                resume_step = 0
                if raw is None:
                    _check_ran_out(iterator, first_epoch=epoch == initial_epoch)
                    self.stop_training = True
                    break
                self._loop_sync()
                epoch_logs = dict(self._logs(raw))
                if val_iterator is not None and _should_validate(epoch, validation_freq):
                    val_logs = self._evaluate_iterator(val_iterator, callback_list)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                    epoch_logs = dict(sorted(epoch_logs.items()))  # (Keras sorts them all)
                # on_train_end sees the epoch's results, not what callbacks add to them.
                training_logs = dict(epoch_logs)
                callback_list.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
        finally:
            self._loop_end("train")
            self._in_fit = False
            self.__dict__.pop("_fit_iterator", None)
        if self.optimizer is not None and self.optimizer.built:  # as Keras: with use_ema
            self.optimizer.finalize_variable_values(self.trainable_variables)  # (wrapped too),
        # the weights become their averages
        callback_list.on_train_end(training_logs)
        return self.history

    def _executions(self, iterator, limit=None, skip=0):
        """One epoch's batches grouped by `steps_per_execution`: yields `(first, last,
        batches)`. Batch callbacks run once per group, with `last = first + n - 1` (as Keras
        numbers them, even for a shorter final group)."""
        per = max(1, int(self.steps_per_execution or 1))
        group, first = [], 0
        for step, batch in iterator.epoch():
            if step < skip:
                continue
            if not group:
                first = step
            group.append(batch)
            final = limit is not None and step + 1 >= limit
            if len(group) == per or final:
                yield first, first + per - 1, group
                group = []
            if final:
                return
        if group:
            yield first, first + per - 1, group

    def _build_from(self, iterator):
        """Builds an unbuilt model on the first batch, before any step is compiled: variables
        (and the global SeedGenerator) must not be born inside jax.jit or tf.function."""
        if not needs_build(self):
            return
        first = iterator.peek()
        if first is not None:
            self._build_on_batch(first[0])

    def _build_on_batch(self, x):
        with backend.no_grad():
            self(_to_backend(x), training=False)

    # -- evaluate ------------------------------------------------------------------------

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """Returns the loss and metrics on the data: a float when there is only the loss, a
        list of floats otherwise (in `metrics_names` order), or a dict with `return_dict`."""
        self._assert_compiled()
        if kwargs:
            raise TypeError(f"evaluate: unexpected argument(s) {sorted(kwargs)}.")
        iterator = data_adapters.get_epoch_iterator(
            x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps
        )
        self._split_by_process(iterator, "evaluate")
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=iterator.num_batches,
        )  # fmt: skip
        logs = self._evaluate_iterator(iterator, callback_list)
        if return_dict:
            return logs
        values = metrics_in_order(self, logs)
        return values[0] if len(values) == 1 else values

    def _evaluate_iterator(self, iterator, callback_list):
        fit_checks.check_input_data(self, iterator.peek(), "evaluate")
        self._build_from(iterator)
        check_targets = fit_checks.target_checker(self, iterator, _to_backend)
        test_fn = self._make_test_function()
        self._loop_begin("test")
        self.reset_metrics()
        self._loop_reset_metrics()
        callback_list.on_test_begin()
        raw = None
        try:
            for first, last, batches in self._executions(iterator):
                callback_list.on_test_batch_begin(first)
                for batch in batches:
                    if check_targets is not None:
                        check_targets(batch[1])
                    raw = test_fn(self._convert_batch(*batch))
                raw = self._reduce_logs(raw)
                callback_list.on_test_batch_end(last, self._logs(raw))
        finally:
            self._loop_end("test")
        if raw is None:
            raise ValueError(
                "The evaluation data gave no batches (an empty dataset, or a generator already "
                "consumed?)."
            )
        logs = dict(self._logs(raw))
        callback_list.on_test_end(logs)
        return logs

    # -- predict -------------------------------------------------------------------------

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs on `x`, batch by batch, as NumPy arrays."""
        iterator = data_adapters.get_epoch_iterator(x, batch_size=batch_size, steps_per_epoch=steps)
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=iterator.num_batches,
        )  # fmt: skip
        fit_checks.check_input_data(self, iterator.peek(), "predict")
        self._build_from(iterator)
        predict_fn = self._make_predict_function()
        self._loop_begin("predict")
        callback_list.on_predict_begin()
        outputs = []
        try:
            for first, last, batches in self._executions(iterator):
                callback_list.on_predict_batch_begin(first)
                for bx, _, _ in batches:
                    out = predict_fn(self._convert_batch(bx, None, None))
                    outputs.append(tree.map_structure(backend.convert_to_numpy, out))
                callback_list.on_predict_batch_end(last, {"outputs": out})
        finally:
            self._loop_end("predict")
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError(
                "predict() received no data: the dataset or generator gave no batches."
            )
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    # -- several processes (a multi-process distribution) -----------------------------------

    def _split_by_process(self, iterator, method):
        """Under a distribution over several processes whose steps each train on a slice of
        the global batch (torch's DataParallel), makes `iterator` yield this process's
        slices. (Backends whose steps take global batches have no `data_shard`.)"""
        data_shard = getattr(self._backend_steps, "data_shard", None)
        shard = data_shard() if data_shard is not None else None
        if shard is not None:
            iterator.split_by_process(*shard, method, self._backend_steps.shared_seed)

    def _reduce_logs(self, raw):
        """The step's logs combined across processes (each saw its slice of the batch), so
        every process reports the global batch's numbers; `raw` itself with one process.
        Runs eagerly after every execution, on every process alike (a collective)."""
        logs_reducer = getattr(self._backend_steps, "logs_reducer", None)
        reduce_logs = logs_reducer() if logs_reducer is not None else None
        if reduce_logs is None or raw is None:
            return raw
        return reduce_logs(flatten_logs(raw))

    # -- what the backend's steps provide ---------------------------------------------------

    def _make_train_function(self):
        """A function of one batch's `data` running a train step; returns the logs."""
        return self._backend_steps.make_train_function()

    def _make_test_function(self):
        return self._backend_steps.make_test_function()

    def _make_predict_function(self):
        return self._backend_steps.make_predict_function()

    def _convert_batch(self, x, y, sample_weight):
        """A NumPy batch -> the step's `data` (of backend tensors unless the step takes NumPy)."""
        if self._backend_steps.takes_host_batches():
            return data_packing.pack_x_y_sample_weight(x, y, sample_weight)
        return _batch_to_data(*_to_backend((x, y, sample_weight)))

    def _loop_begin(self, mode):
        self._backend_steps.loop_begin(mode)

    def _loop_end(self, mode):
        self._backend_steps.loop_end(mode)

    def _loop_sync(self):
        """Writes a running loop's state to the Variables (JAX keeps it outside them)."""
        self._backend_steps.loop_sync()

    def _loop_refresh(self):
        """Re-reads the Variables into a running loop's state, after callbacks changed them."""
        self._backend_steps.loop_refresh()

    def _loop_reset_metrics(self):
        self._backend_steps.loop_reset_metrics()


for _name in Steps.MODEL_METHODS:
    setattr(Trainer, _name, _steps_method(_name))
del _name


_TAKES_TRAINING = {}


def _takes_training(compute_loss):
    """Whether a `compute_loss` function accepts `training` (cached per function)."""
    if compute_loss not in _TAKES_TRAINING:
        parameters = inspect.signature(compute_loss).parameters.values()
        _TAKES_TRAINING[compute_loss] = any(
            p.name == "training" or p.kind == p.VAR_KEYWORD for p in parameters
        )
    return _TAKES_TRAINING[compute_loss]


def _should_validate(epoch, validation_freq):
    """`validation_freq`: every N epochs (an int), or the listed epochs (counted from 1)."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _check_ran_out(iterator, first_epoch):
    """An epoch without batches: an error for the first epoch, else (a spent generator) a
    warning, and training stops, as in Keras."""
    if first_epoch:
        raise ValueError(
            "The training data gave no batches (an empty dataset, or a generator already "
            "consumed?)."
        )
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset or "
        "generator can generate at least `steps_per_epoch * epochs` batches (a Python "
        "generator gives one pass: set steps_per_epoch, or pass a PyDataset or a "
        "tf.data.Dataset, which start again each epoch).",
        stacklevel=3,
    )


def _loss_scaled(model, optimizer, auto_scale_loss):
    """Wraps the optimizer of a "mixed_float16" model in a LossScaleOptimizer, as Keras's
    compile does: small float16 gradients underflow to zero without loss scaling."""
    policy = getattr(getattr(model, "dtype_policy", None), "name", None)
    if (
        auto_scale_loss
        and policy == "mixed_float16"
        and optimizer is not None
        and not isinstance(optimizer, optimizers.LossScaleOptimizer)
    ):
        return optimizers.LossScaleOptimizer(optimizer, name="loss_scale_optimizer")
    return optimizer
