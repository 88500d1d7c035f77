"""`audio_dataset_from_directory`: a dataset of audio clips (and labels) from the .wav files
under a directory.

With TensorFlow installed it is a `tf.data.Dataset` decoded by `tf.audio.decode_wav`, as in
Keras; without, a `HostDataset` decoded by Python's `wave` module and NumPy. Both read 16-bit
PCM files into float32 in [-1, 1), shape `(samples, channels)`.
"""

import wave

import numpy as np

from cornu.utils import directory_index
from cornu.utils.directory_dataset import build_dataset, no_files_message
from cornu.utils.host_dataset import HostDataset, stack_elements

ALLOWLIST_FORMATS = (".wav",)


def audio_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    sampling_rate=None,
    output_sequence_length=None,
    ragged=False,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
    format="tf",
):
    """Creates a dataset of audio clips from the .wav files (16-bit PCM) under `directory`.

    With `labels="inferred"`, each subdirectory of `directory` is a class (sorted by name
    unless `class_names` orders them) and its files, at any depth, are labelled with the
    class's index.

    Args:
        directory: the directory to read.
        labels: "inferred", None (clips only), or a list of int labels, one per file in the
            order of a sorted walk of `directory`.
        label_mode: "int", "categorical", "binary" or None (clips only).
        class_names: with `labels="inferred"`, the subdirectories to use, in label order.
        batch_size: clips per batch; None yields single clips.
        sampling_rate: the sampling rate (Hz) the files must have. cornu does not resample:
            a file with another rate raises an error (Keras needs tensorflow-io to resample).
        output_sequence_length: cut or zero-pad every clip to this many samples. Without it,
            each batch is zero-padded to its longest clip.
        ragged: keep clips at their own lengths: `tf.RaggedTensor` batches with TensorFlow;
            without, a batch is a NumPy object array of the float32 clips.
        shuffle: shuffle the files (with `seed`), and the samples again each epoch.
        seed: the shuffling seed (required with `shuffle` and `validation_split`).
        validation_split: the fraction of files (the last ones) kept for validation.
        subset: "training", "validation" or "both" (a tuple of the two datasets).
        follow_links: follow symbolic links to directories.
        verbose: print how many files were found.
        format: "tf" (a `tf.data.Dataset`; without TensorFlow, cornu's own dataset) or
            "grain" (not supported: raises ImportError). Not an argument of Keras's function;
            cornu's loaders share it.

    Returns:
        A dataset of `(audio, labels)` batches (audio alone when there are no labels), float32
        audio of shape `(batch, samples, channels)`, with a `class_names` attribute. For
        `subset="both"`, a tuple `(training, validation)`.

    Example:

    >>> ds = audio_dataset_from_directory("speech", output_sequence_length=16000)  # doctest: +SKIP
    >>> ds.class_names  # doctest: +SKIP
    ['no', 'yes']
    """
    labels = directory_index.check_labels_args(labels, label_mode, class_names)
    label_mode = None if labels is None else label_mode
    _check_sampling_rate(sampling_rate)
    output_sequence_length = _checked_sequence_length(output_sequence_length)
    if ragged and output_sequence_length is not None:
        raise ValueError(
            "Cannot set both `ragged` and `output_sequence_length`: ragged batches keep each "
            "clip's own length. Pass one of them."
        )
    directory_index.check_split_args(validation_split, subset, shuffle, seed)
    directory_index.check_format(format)
    seed = directory_index.resolve_seed(shuffle, seed)

    paths, labels, class_names = directory_index.list_files(
        directory, labels, ALLOWLIST_FORMATS, class_names, follow_links, verbose, label_mode,
        shuffle, seed, no_files_message("audio files", directory, ALLOWLIST_FORMATS)
    )  # fmt: skip
    use_tf = directory_index.wants_tf_dataset(format)
    loader = _AudioLoader(sampling_rate, output_sequence_length, ragged)

    def build(part_paths, part_labels):
        # Without TensorFlow, clips of different lengths are batched here (see _ClipBatches).
        host_batches = not use_tf and batch_size is not None and output_sequence_length is None
        dataset = build_dataset(
            part_paths,
            part_labels,
            label_mode,
            class_names,
            loader,
            None if host_batches else batch_size,
            shuffle,
            seed,
            use_tf,
            with_file_paths=False,
        )
        if host_batches:
            dataset = HostDataset(_ClipBatches(dataset, batch_size, ragged))
            dataset.class_names = class_names
        return dataset

    parts = directory_index.split_files(paths, labels, validation_split, subset, verbose)
    return tuple(build(*part) for part in parts) if subset == "both" else build(*parts)


def _check_sampling_rate(sampling_rate):
    if sampling_rate is None:
        return
    if isinstance(sampling_rate, bool) or not isinstance(sampling_rate, (int, np.integer)):
        raise ValueError(
            f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}"
        )
    if sampling_rate <= 0:
        raise ValueError(
            f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}"
        )


def _checked_sequence_length(length):
    if length is None:
        return None
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(
            "`output_sequence_length` should be a non-negative int (samples per clip). "
            f"Received: output_sequence_length={length!r}"
        )
    return int(length)


def decode_wav(path):
    """Reads a 16-bit PCM .wav file.

    Returns:
        `(audio, sampling_rate)`: float32 `audio` of shape `(samples, channels)`, each sample
        `int16 / 32768`, as `tf.audio.decode_wav`.
    """
    try:
        with wave.open(path, "rb") as f:
            width, channels = f.getsampwidth(), f.getnchannels()
            rate, data = f.getframerate(), f.readframes(f.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(
            f"Cannot read {path} as a PCM .wav file ({error}). Only 16-bit PCM .wav files "
            "are supported."
        ) from None
    if width != 2:
        raise ValueError(
            f"Can only read 16-bit .wav files, but {path} has {8 * width}-bit samples. "
            "Convert it to 16-bit PCM."
        )
    samples = np.frombuffer(data, dtype="<i2")
    samples = samples[: len(samples) // channels * channels]  # a truncated last frame
    audio = samples.reshape(-1, channels).astype("float32") / 32768.0
    return audio, rate


def fit_length(audio, length):
    """Cuts `audio` (samples, channels) to `length` samples or zero-pads it at the end."""
    if length is None:
        return audio
    if len(audio) >= length:
        return audio[:length]
    return np.pad(audio, [(0, length - len(audio)), (0, 0)])


class _AudioLoader:
    """Reads one .wav file into float32 `(samples, channels)`."""

    def __init__(self, sampling_rate, output_sequence_length, ragged):
        self.sampling_rate = sampling_rate
        self.length = output_sequence_length
        self.ragged = ragged
        # Without a fixed length, batches pad their clips to the longest (unless ragged).
        self.pad_batches = output_sequence_length is None and not ragged

    def host(self, path):
        audio, rate = decode_wav(path)
        if self.sampling_rate is not None and rate != self.sampling_rate:
            raise ValueError(_rate_message(path, rate, self.sampling_rate))
        return fit_length(audio, self.length)

    def tf(self, path):
        import tensorflow as tf

        desired = -1 if self.length is None else self.length
        audio, rate = tf.audio.decode_wav(tf.io.read_file(path), desired_samples=desired)
        if self.sampling_rate is not None:
            check = tf.debugging.assert_equal(
                rate, self.sampling_rate, message=_rate_message(None, None, self.sampling_rate)
            )
            with tf.control_dependencies([check]):
                audio = tf.identity(audio)
        return tf.RaggedTensor.from_tensor(audio) if self.ragged else audio


def _rate_message(path, rate, expected):
    found = "A file" if path is None else f"{path} ({rate} Hz)"
    return (
        f"{found} does not have the requested sampling_rate={expected}. cornu does not "
        "resample audio: resample the files beforehand, or pass sampling_rate=None."
    )


class _ClipBatches:
    """A `HostDataset` step (`count`, `get`, `new_epoch`) batching another `HostDataset` of
    `(clip, label)` (or clips) whose clips differ in length: zero-padded at the end to the
    longest clip, or (`ragged`) a NumPy object array of the clips as they are."""

    def __init__(self, samples, batch_size, ragged):
        self.samples, self.batch_size, self.ragged = samples, batch_size, ragged

    def count(self):
        return -(-len(self.samples) // self.batch_size)

    def new_epoch(self):
        self.samples.on_epoch_end()

    def get(self, i):
        stop = min((i + 1) * self.batch_size, len(self.samples))
        elements = [self.samples[j] for j in range(i * self.batch_size, stop)]
        labelled = isinstance(elements[0], tuple)
        clips = self._combine([e[0] if labelled else e for e in elements])
        if not labelled:
            return clips
        return clips, stack_elements([e[1] for e in elements])

    def _combine(self, clips):
        if not self.ragged:
            return stack_elements(clips, pad=True)
        batch = np.empty(len(clips), dtype=object)
        for k, clip in enumerate(clips):  # item by item: equal shapes must not broadcast
            batch[k] = clip
        return batch
