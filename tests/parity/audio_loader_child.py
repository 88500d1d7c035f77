"""Runs the audio loader scenarios under one library and pickles plain results.

    python -m tests.parity.audio_loader_child PACKAGE ROOT OUT.pkl [host]

PACKAGE is `keras` or `cornu`; ROOT holds the files `write_files` made. With `host`, cornu is
made to believe TensorFlow is absent, so its loader returns the TensorFlow-free dataset. Each
scenario's result (or the exception's class name and message) is stored under its name.
"""

import importlib
import os
import pickle
import sys
import wave

import numpy as np


def write_wav(path, samples, sampling_rate=16000):
    """Writes int16 `samples` of shape (frames, channels) as a 16-bit PCM .wav file."""
    samples = np.asarray(samples, dtype="<i2")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as f:
        f.setnchannels(samples.shape[1])
        f.setsampwidth(2)
        f.setframerate(sampling_rate)
        f.writeframes(samples.tobytes())


def write_files(root):
    """Class folders of mono clips of several lengths (one nested, one .WAV, one non-audio
    file), and a folder of stereo clips; a link to a class folder elsewhere."""
    rng = np.random.default_rng(3)
    clips = {
        "mono/yes/b.wav": (11, 1),
        "mono/yes/a.wav": (7, 1),
        "mono/yes/deep/c.wav": (9, 1),
        "mono/no/Z.WAV": (13, 1),
        "mono/no/x.wav": (5, 1),
        "mono/top.wav": (6, 1),
        "stereo/left/1.wav": (8, 2),
        "stereo/right/2.wav": (6, 2),
        "stereo/right/3.wav": (10, 2),
        "elsewhere/w.wav": (4, 1),
    }
    for name, shape in clips.items():
        samples = rng.integers(-32768, 32768, shape)
        samples[0, 0] = -32768  # the extremes decode to -1 and 32767 / 32768
        samples[-1, 0] = 32767
        write_wav(os.path.join(root, name), samples)
    with open(os.path.join(root, "mono/no/notes.txt"), "w") as f:
        f.write("not audio")
    os.makedirs(os.path.join(root, "linked"), exist_ok=True)
    os.symlink(os.path.join(root, "mono/yes"), os.path.join(root, "linked/yes"))
    os.symlink(os.path.join(root, "elsewhere"), os.path.join(root, "linked/other"))


def _plain(value):
    if type(value).__name__ == "RaggedTensor":  # Keras's clips: lists of Python floats
        rows = value.to_list()
        if value.shape.rank > 2:
            return [np.asarray(row, dtype="float32") for row in rows]
        return np.asarray(rows, dtype="float32")
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    value = np.asarray(value)
    if value.dtype == object:  # cornu's ragged batch without TensorFlow
        return [np.asarray(v) for v in value]
    return value


def _dataset(ds):
    return {
        "type": "tf" if type(ds).__module__.startswith("tensorflow") else "host",
        "class_names": ds.class_names,
        "has_file_paths": hasattr(ds, "file_paths"),
        "elements": [_plain(e) for e in ds],
    }


SCENARIOS = {
    "unbatched": dict(batch_size=None),
    "padded_batches": dict(batch_size=2),
    "cut": dict(batch_size=4, output_sequence_length=6, label_mode="categorical"),
    "padded_to_length": dict(batch_size=3, output_sequence_length=12, label_mode="binary"),
    "no_labels": dict(batch_size=2, labels=None),
    "label_list": dict(batch_size=2, labels=[1, 0, 2, 1, 0, 2]),
    "class_names": dict(batch_size=None, class_names=["yes", "no"]),
    "ragged": dict(batch_size=2, ragged=True),
    "ragged_unbatched": dict(batch_size=None, ragged=True),
    "zero_length": dict(batch_size=2, output_sequence_length=0),
}


def scenarios(keras, root):
    load = keras.utils.audio_dataset_from_directory

    def clips(folder, **kwargs):
        ds = load(os.path.join(root, folder), shuffle=False, verbose=False, **kwargs)
        return _dataset(ds)

    results = {}
    for name, kwargs in SCENARIOS.items():
        folder = "mono/yes" if "labels" in kwargs and kwargs["labels"] is not None else "mono"
        results[name] = _attempt(clips, folder, **kwargs)
    results["stereo"] = _attempt(clips, "stereo", batch_size=2)
    results["stereo_cut"] = _attempt(clips, "stereo", batch_size=None, output_sequence_length=7)
    results["no_follow_links"] = _attempt(clips, "linked", batch_size=None)
    results["follow_links"] = _attempt(clips, "linked", batch_size=None, follow_links=True)
    for seed in (1, 42):
        results[f"split_{seed}"] = _attempt(_split, load, os.path.join(root, "mono"), seed)
    mono = os.path.join(root, "mono")
    for name, kwargs in {
        "ragged_and_length": dict(ragged=True, output_sequence_length=4),
        "negative_rate": dict(sampling_rate=-1),
        "float_rate": dict(sampling_rate=1.5),
        "bad_label_mode": dict(label_mode="sparse"),
        "binary_one_class": dict(label_mode="binary", class_names=["yes"], shuffle=False),
        "split_without_seed": dict(validation_split=0.2, subset="training"),
        "bad_subset": dict(validation_split=0.2, subset="test", seed=1),
    }.items():
        results[name] = _attempt(load, mono, verbose=False, **kwargs)
    results["empty"] = _attempt(load, os.path.join(root, "stereo/empty_parent"), verbose=False)
    return results


def _split(load, directory, seed):
    parts = load(directory, seed=seed, validation_split=0.4, subset="both", batch_size=None,
                 verbose=False)  # fmt: skip
    found = [type(parts).__name__]
    for part in parts:
        # A shuffled pipeline's order is TensorFlow's RNG: compare the multiset of clips.
        elements = [(int(np.asarray(y)), len(np.asarray(x)), float(np.asarray(x).sum()))
                    for x, y in part]  # fmt: skip
        found.append(sorted((label, length, round(total, 4)) for label, length, total in elements))
    return found


def _attempt(fn, *args, **kwargs):
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:  # the class name is compared: messages are cornu's own
        return f"raised {type(exc).__name__}"
    return result if not hasattr(result, "class_names") else _dataset(result)


def main(argv):
    package, root, out_path = argv[:3]
    keras = importlib.import_module(package)
    if argv[3:] == ["host"]:
        from cornu.utils import directory_index

        directory_index.tensorflow_available = lambda: False
    with open(out_path, "wb") as f:
        pickle.dump(scenarios(keras, root), f)


if __name__ == "__main__":
    main(sys.argv[1:])
