"""The torch training step: eager forward, `loss.backward()`, optimizer update in no_grad.

`compile(jit_compile=True)` wraps the step in `torch.compile`.

Under a DataParallel distribution with several processes (see
`cornu/backend/torch/distribution.py`), the loops start by giving every process process 0's
weights, a `GradientAverager` averages the gradients across processes as each `backward()`
ends (in any train step, overrides included), and the trainer asks `reduce_logs` for the
metrics of the global batch.

Under a ModelParallel over several processes (`cornu/backend/torch/model_parallel.py`) the
variables are DTensors: each step runs on the global batch as a DTensor (`_on_mesh`), a
`GradientPlacer` gives each gradient its variable's placements, and `loop_sync` gathers the
variables so that process 0 can write checkpoints alone.
"""

import os

import numpy as np
import torch

from cornu import tree
from cornu.backend.common import distribution_state
from cornu.backend.common.steps import StepsBase


class Steps(StepsBase):
    def __init__(self, model, unpack):
        super().__init__(model, unpack)
        self._trainable = None  # the trainable weights, read once per train function
        self._processes = None  # the process count under a multi-process distribution
        self._synced = None  # ids of the variables last made equal across processes
        # the GradientAverager (DataParallel) or GradientPlacer (ModelParallel) while a
        # multi-process train loop runs
        self._averager = None
        self._mesh_plan = None  # (mesh, batch axis) under a multi-process ModelParallel

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
        self._join_processes()
        step = model.train_step
        if model.jit_compile is True and not model.run_eagerly:
            step = torch.compile(step)
        if self._mesh_plan is not None:
            return _on_mesh(step, self._mesh_plan)
        if self._processes is None:
            return step

        def step_counting_rows(data):
            if self._averager is not None:  # (the gradients are weighted by rows)
                self._averager.local_count = _batch_size(self.unpack(data)[0])
            return step(data)

        return step_counting_rows

    def loop_begin(self, mode):
        if self._mesh_plan is not None:  # (DTensor autograd reduces the partial gradients)
            if mode == "train" and self._averager is None:
                from cornu.backend.torch import model_parallel  # ModelParallel only

                self._averager = model_parallel.GradientPlacer(self.model.trainable_weights)
            return
        if mode == "train" and self._processes is not None and self._averager is None:
            self._averager = _distribution().GradientAverager(self.model.trainable_weights)

    def loop_end(self, mode):
        if mode == "train" and self._averager is not None:
            self._averager.remove()
            self._averager = None

    def loop_sync(self):
        """Under ModelParallel, gathers the DTensor variables' whole values (every process is
        here), so process 0 alone can write them in the callbacks that follow."""
        if self._mesh_plan is not None:
            from cornu.backend.torch import model_parallel  # ModelParallel only

            model = self.model
            variables = list(model.weights)
            if model.optimizer is not None and model.optimizer.built:
                variables += list(model.optimizer.variables)
            model_parallel.gather_for_host([v.value for v in variables])

    def make_test_function(self):
        self._join_processes()
        return _on_mesh(super().make_test_function(), self._mesh_plan)

    def make_predict_function(self):
        self._join_processes()
        # (predict is not split by process: every process holds each whole batch)
        return _on_mesh(super().make_predict_function(), self._mesh_plan, whole=True)

    # -- several processes (DataParallel) ---------------------------------------------------

    def data_shard(self):
        """`(process_id, num_processes)` when each process should train on its slice of every
        global batch (a multi-process DataParallel that shards the data), else None."""
        count = _process_count()
        if count is None or not distribution_state.get().auto_shard_dataset:
            return None
        plan = _distribution().mesh_plan()
        if plan is not None:  # (ModelParallel: the processes along the batch axis split it)
            from cornu.backend.torch import model_parallel  # ModelParallel only

            return model_parallel.batch_coordinate(*plan)
        return _distribution().process_id(), count

    def shared_seed(self, seed):
        """Process 0's data-order seed, so every process shuffles the data alike."""
        if _process_count() is None:
            return seed
        return _distribution().broadcast_int(seed)

    def _join_processes(self):
        """Reads the distribution as a loop starts; under several processes, gives every
        process process 0's values of variables it has not synchronized yet."""
        self._processes = _process_count()
        self._mesh_plan = None if self._processes is None else _distribution().mesh_plan()
        if self._processes is None or self._mesh_plan is not None:
            return  # (ModelParallel's DTensors hold process 0's initial values already)
        model = self.model
        variables = list(model.weights)
        if model.optimizer is not None and model.optimizer.built:
            variables += list(model.optimizer.variables)
        unique = {id(v): v for v in variables}  # (shared layers list a weight twice)
        if frozenset(unique) != self._synced:
            _distribution().broadcast_variables(list(unique.values()))
            self._synced = frozenset(unique)

    def logs_reducer(self):
        """`reduce_logs` while a loop runs over several processes, else None."""
        if self._processes is None or self._mesh_plan is not None:
            return None  # (ModelParallel's steps compute the global batch's logs already)
        return self.reduce_logs

    def reduce_logs(self, logs):
        """The flat `logs` of this process's steps -> those of the global batch, the same on
        every process: the metrics' states are combined across processes (summed, as their
        `aggregation` says) and their results read from the combined states; any other
        value is averaged. A collective: every process calls it at the same step."""
        model = self.model
        variables = model.metrics_variables
        own = {k: _host(r) for k, r in model.get_metrics_result().items()}
        combined = _distribution().reduce_variables(variables)
        local = [v.value.detach().clone() for v in variables]
        with torch.no_grad():
            for v, value in zip(variables, combined):
                v.value.copy_(value)
            try:
                results = {k: _host(r) for k, r in model.get_metrics_result().items()}
            finally:
                for v, value in zip(variables, local):
                    v.value.copy_(value)
        # A value a step computed itself (not its metric's result) is averaged; the choice
        # is made alike on every process (a metric's result on all of them).
        values = {k: _host(v) for k, v in logs.items()}
        scalars = [k for k, v in values.items() if np.size(v) == 1]
        is_metric = [float(k in own and _same(own[k], values[k])) for k in scalars]
        reduced = _distribution().all_reduce_mean([values[k] for k in scalars] + is_metric)
        out = {k: results.get(k, v) for k, v in values.items()}  # (per-class arrays)
        for k, mean, metric in zip(scalars, reduced, reduced[len(scalars) :]):
            out[k] = results[k] if metric == 1.0 and k in results else mean
        return out


def _distribution():
    from cornu.backend.torch import distribution  # (torch.distributed loads on first use)

    return distribution


def _on_mesh(step, plan, whole=False):
    """`step` run on DTensors of the global batch under a ModelParallel `plan`, else itself."""
    if plan is None:
        return step
    from cornu.backend.torch import model_parallel  # ModelParallel only

    return model_parallel.run_on_mesh(step, *plan, whole=whole)


def _process_count():
    """The number of processes a distribution trains over, or None for one process (no
    distribution, or a DataParallel of one process: the steps run as without one)."""
    if distribution_state.get() is None:
        return None
    count = _distribution().num_processes()
    if count == 1:
        _check_launched_alone()
        return None
    distribution_state.record_processes(_distribution().process_id(), count)
    return count


def _check_launched_alone():
    """A process of a multi-process launch (torchrun, KERAS_DISTRIBUTION_*) that has not
    joined its job would train alone on the whole data: refuse."""
    for name in ("WORLD_SIZE", "KERAS_DISTRIBUTION_NUM_PROCESSES"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 1:
            raise ValueError(
                f"A distribution is set and this process was launched as one of {value} "
                f"processes (${name}={value}), but it has not joined them: call "
                "cornu.distribution.initialize() in every process before fit, evaluate or "
                "predict (it reads torchrun's and KERAS_DISTRIBUTION_* variables)."
            )


def _batch_size(x):
    leaves = tree.flatten(x)
    return int(leaves[0].shape[0]) if leaves else 1


def _host(value):
    """A log value as a Python float (or a NumPy array for per-class results)."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    return float(array.reshape(())) if array.size == 1 else array


def _same(a, b):
    return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))


def _detach(structure):
    return tree.map_structure(lambda t: t.detach() if isinstance(t, torch.Tensor) else t, structure)
