"""`TensorBoard`: writes training logs as TensorBoard event files, on every backend.

The files are written with tensorboardX, so TensorFlow is only imported when it is the
backend. The layout is Keras's: `log_dir/train` and `log_dir/validation` runs, epoch scalars
tagged `epoch_<name>`, batch scalars `batch_<name>`, profiles in `log_dir/plugins/profile`.
"""

import json
import os
import sys
import time

import numpy as np

from cornu import backend
from cornu.backend.common import distribution_state
from cornu.callbacks import loop_state
from cornu.callbacks.callback import Callback
from cornu.layers.core.embedding import Embedding


def _import_tensorboardx():
    """tensorboardX, imported on first use."""
    # tensorboardX imports torch (when installed) only to recognise torch tensors; this
    # callback passes NumPy arrays, so spare other backends that multi-second import.
    hide_torch = "torch" not in sys.modules and backend.backend() != "torch"
    if hide_torch:
        sys.modules["torch"] = None
    try:
        import tensorboardX
    except ImportError as e:
        raise ImportError(
            "The TensorBoard callback writes event files with tensorboardX, which is not "
            "installed: `pip install tensorboardX` (or `pip install cornu[tensorboard]`)."
        ) from e
    finally:
        if hide_torch and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    return tensorboardX


def _profile_range(profile_batch):
    """`profile_batch` as (start, stop) batches counted from 1, or None when disabled."""
    value = profile_batch
    if isinstance(value, str):
        value = [p.strip() for p in value.split(",")]
    if isinstance(value, (list, tuple)):
        if len(value) == 2:
            try:
                start, stop = int(value[0]), int(value[1])
            except (TypeError, ValueError):
                start, stop = -1, -1
            if 0 < start <= stop:
                return start, stop
    elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return (value, value) if value else None
    raise ValueError(
        "TensorBoard: `profile_batch` must be a non-negative int, or a pair of positive ints "
        f"(start, stop) with start <= stop (or 'start,stop'); received {profile_batch!r}."
    )


class _NoWriter:
    """A SummaryWriter that writes nothing: the writers of processes other than 0."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class _Profiler:
    """Starts and stops the backend's profiler, writing into `log_dir/plugins/profile`."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.folder = os.path.join(log_dir, "plugins", "profile")
        self._torch_profile = None

    def start(self):
        name = backend.backend()
        if name == "jax":
            import jax

            # jax.profiler adds plugins/profile/<run> under the folder it is given.
            jax.profiler.start_trace(self.log_dir)
        elif name == "tensorflow":
            import tensorflow as tf

            tf.profiler.experimental.start(self.log_dir)
        elif name == "torch":
            import torch.profiler

            run = os.path.join(self.folder, time.strftime("%Y_%m_%d_%H_%M_%S"))
            self._torch_profile = torch.profiler.profile(
                on_trace_ready=torch.profiler.tensorboard_trace_handler(run)
            )
            self._torch_profile.start()
        else:
            raise ValueError(
                f"TensorBoard: profile_batch needs a backend with a profiler (jax, torch or "
                f"tensorflow); the {name} backend has none. Use profile_batch=0."
            )

    def stop(self):
        name = backend.backend()
        if name == "jax":
            import jax

            jax.profiler.stop_trace()
        elif name == "tensorflow":
            import tensorflow as tf

            tf.profiler.experimental.stop()
        elif name == "torch":
            self._torch_profile.stop()
            self._torch_profile = None


class TensorBoard(Callback):
    """Writes scalars, histograms, images and profiles for TensorBoard.

    Start TensorBoard with `tensorboard --logdir=<log_dir>`.

    Args:
        log_dir: the folder of the event files (runs `train` and `validation` inside).
        histogram_freq: every that many epochs, write histograms of the weights (0: never).
        write_graph: write the model's architecture (its JSON config, as the "keras" text
            summary; there is no TensorFlow graph to draw on the other backends).
        write_images: with `histogram_freq`, also write the weights as images.
        write_steps_per_second: also log the training speed (`steps_per_second`).
        update_freq: "epoch", "batch" (every batch), or an int (every that many batches):
            how often to write the batch-level scalars `batch_<name>`.
        profile_batch: profile batch N (an int, counted from 1; 0 disables) or the batches
            (start, stop), with the backend's profiler, into `log_dir/plugins/profile`.
        embeddings_freq: every that many epochs, write the `Embedding` layers' tables for the
            projector (0: never).
        embeddings_metadata: a file of labels (one per line) for the embeddings' rows, or a
            dict mapping `Embedding` layer names to such files.
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        freqs = (("histogram_freq", histogram_freq), ("embeddings_freq", embeddings_freq))
        for arg, value in freqs:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"TensorBoard: `{arg}` must be a non-negative int (epochs); received "
                    f"{arg}={value!r}."
                )
        if update_freq not in ("epoch", "batch") and not (
            isinstance(update_freq, int) and not isinstance(update_freq, bool) and update_freq > 0
        ):
            raise ValueError(
                "TensorBoard: `update_freq` must be 'epoch', 'batch' or a positive int "
                f"(batches); received update_freq={update_freq!r}."
            )
        if embeddings_metadata is not None and not isinstance(embeddings_metadata, (str, dict)):
            raise TypeError(
                "TensorBoard: `embeddings_metadata` must be a file path or a dict of Embedding "
                f"layer names to file paths; received {type(embeddings_metadata).__name__}."
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self._profile_range = _profile_range(profile_batch)
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._train_step = 0
        self._epoch_start = None
        self._epoch_steps = 0
        self._batch_start = None
        self._profiler = None

    # -- writers ---------------------------------------------------------------------------

    def _writer(self, run):
        if run not in self._writers:
            if not distribution_state.is_chief():  # (process 0 writes for the whole job)
                self._writers[run] = _NoWriter()
            else:
                tensorboardx = _import_tensorboardx()
                self._writers[run] = tensorboardx.SummaryWriter(os.path.join(self.log_dir, run))
        return self._writers[run]

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks -----------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._train_step = 0
        if not distribution_state.is_chief():
            return
        try:
            os.makedirs(self.log_dir, exist_ok=True)
        except OSError as e:
            raise OSError(f"TensorBoard cannot create log_dir={self.log_dir!r}: {e}") from e
        self._train_step = 0
        writer = self._writer("train")
        if self.write_graph:
            self._write_model_config(writer)

    def on_train_end(self, logs=None):
        if self._profiler is not None:
            self._profiler.stop()
            self._profiler = None
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._epoch_steps = 0

    def on_train_batch_begin(self, batch, logs=None):
        self._train_step += 1
        chief = distribution_state.is_chief()
        if self._profile_range and chief and self._train_step == self._profile_range[0]:
            self._profiler = _Profiler(self.log_dir)
            self._profiler.start()
        if self.write_steps_per_second:
            self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self._epoch_steps += 1
        if self._profiler is not None and self._train_step == self._profile_range[1]:
            self._profiler.stop()
            self._profiler = None
        if self.update_freq == "epoch" or self._train_step % self.update_freq:
            return
        # Reading a lazy log converts it from the device: only on the batches written.
        writer = self._writer("train")
        for name, value in (logs or {}).items():
            self._scalar(writer, f"batch_{name}", value, self._train_step)
        if self.write_steps_per_second and self._batch_start is not None:
            elapsed = time.perf_counter() - self._batch_start
            if elapsed > 0:
                writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, self._train_step)

    def on_epoch_end(self, epoch, logs=None):
        train, validation = self._writer("train"), None
        for name, value in (logs or {}).items():
            if name.startswith("val_"):
                validation = validation or self._writer("validation")
                self._scalar(validation, f"epoch_{name[4:]}", value, epoch)
            else:
                self._scalar(train, f"epoch_{name}", value, epoch)
        if "learning_rate" not in (logs or {}):
            lr = self._learning_rate()
            if lr is not None:
                train.add_scalar("epoch_learning_rate", lr, epoch)
        if self.write_steps_per_second and self._epoch_start is not None:
            elapsed = time.perf_counter() - self._epoch_start
            if elapsed > 0:
                train.add_scalar("epoch_steps_per_second", self._epoch_steps / elapsed, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            loop_state.sync_from_loop(self.model)
            self._write_weights(train, epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            loop_state.sync_from_loop(self.model)
            self._write_embeddings(train, epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_test_end(self, logs=None):
        # Evaluation inside fit: also log against the training iterations, as Keras does.
        if not getattr(self.model, "_in_fit", False) or not logs:
            return
        writer = self._writer("validation")
        for name, value in logs.items():
            self._scalar(writer, f"evaluation_{name}_vs_iterations", value, self._train_step)

    # -- what is written -------------------------------------------------------------------

    @staticmethod
    def _scalar(writer, tag, value, step):
        value = np.asarray(backend.convert_to_numpy(value) if not np.isscalar(value) else value)
        if value.size == 1:
            writer.add_scalar(tag, float(value.reshape(())), step)

    def _learning_rate(self):
        optimizer = getattr(self.model, "optimizer", None)
        lr = getattr(optimizer, "learning_rate", None)
        if lr is None:
            return None
        try:
            return float(np.asarray(backend.convert_to_numpy(lr)).reshape(()))
        except (TypeError, ValueError):
            return None

    def _write_model_config(self, writer):
        try:
            config = self.model.get_config()
            text = json.dumps(
                {"class_name": type(self.model).__name__, "config": config}, default=repr
            )
        except (NotImplementedError, TypeError, ValueError):
            return
        writer.add_text("keras", text, 0)

    def _write_weights(self, writer, epoch):
        for variable in self.model.weights:
            tag = variable.path.replace(":", "_")
            values = np.asarray(backend.convert_to_numpy(variable.value))
            writer.add_histogram(tag, values, epoch)
            if self.write_images:
                image = _weight_image(values)
                if image is not None:
                    writer.add_image(f"{tag}/image", image, epoch, dataformats="HW")

    def _write_embeddings(self, writer, epoch):
        for layer in _all_layers(self.model):
            if not isinstance(layer, Embedding):
                continue
            table = np.asarray(backend.convert_to_numpy(layer.embeddings.value))
            metadata = self._metadata_for(layer.name, table.shape[0])
            writer.add_embedding(table, metadata=metadata, global_step=epoch, tag=layer.name)

    def _metadata_for(self, layer_name, rows):
        path = self.embeddings_metadata
        if isinstance(path, dict):
            path = path.get(layer_name)
        if path is None:
            return None
        with open(path, encoding="utf-8") as f:
            labels = [line.rstrip("\n") for line in f]
        if len(labels) != rows:
            raise ValueError(
                f"TensorBoard: embeddings_metadata {path!r} for layer '{layer_name}' has "
                f"{len(labels)} labels, but the embedding has {rows} rows."
            )
        return labels


def _weight_image(values):
    """A weight as a grayscale image in [0, 1] (vectors become one row), or None if > 2-D."""
    if values.ndim == 1:
        values = values[None, :]
    if values.ndim != 2 or values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    scale = high - low
    return (values - low) / scale if scale > 0 else np.zeros_like(values, dtype="float32")


def _all_layers(model):
    """Every layer of `model`, nested ones included."""
    seen, stack, out = set(), list(getattr(model, "layers", [])), []
    while stack:
        layer = stack.pop(0)
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        out.append(layer)
        stack.extend(getattr(layer, "layers", []) or [])
    return out
