"""audio_dataset_from_directory and its .wav decoding, on cornu's TensorFlow-free dataset (any
backend); one test checks the tf.data path when TensorFlow is installed."""

import importlib.util
import wave

import numpy as np
import pytest

import cornu
from cornu import utils
from cornu.utils import audio_dataset, directory_index
from cornu.utils.host_dataset import HostDataset
from tests.conftest import requires_training

# name -> (samples, channels, sampling rate); clip k holds the values k * 100 + sample index.
CLIPS = {
    "yes/b.wav": (6, 1, 16000),
    "yes/a.wav": (4, 1, 16000),
    "yes/sub/c.wav": (5, 1, 16000),
    "no/Z.WAV": (3, 1, 16000),
    "no/x.wav": (7, 1, 16000),
}
EXPECTED_ORDER = ["no/Z.WAV", "no/x.wav", "yes/a.wav", "yes/b.wav", "yes/sub/c.wav"]


def write_wav(path, samples, sampling_rate=16000, width=2):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(samples.shape[1])
        f.setsampwidth(width)
        f.setframerate(sampling_rate)
        f.writeframes(np.asarray(samples, dtype=f"<i{width}").tobytes())


def _clip(name):
    samples, channels, _ = CLIPS[name]
    k = list(CLIPS).index(name)
    values = k * 100 + np.arange(samples * channels).reshape(samples, channels)
    return values.astype("int16")


@pytest.fixture
def audio_dir(tmp_path):
    for name, (_, _, rate) in CLIPS.items():
        write_wav(tmp_path / name, _clip(name), rate)
    (tmp_path / "no/notes.txt").write_text("not audio")
    write_wav(tmp_path / "top.wav", np.zeros((2, 1)))  # not in a class folder: skipped
    return tmp_path


@pytest.fixture(autouse=True)
def without_tensorflow(monkeypatch):
    monkeypatch.setattr(directory_index, "tensorflow_available", lambda: False)


def _decoded(name):
    return _clip(name).astype("float32") / 32768.0


def test_decode_wav_matches_int16_scaling(tmp_path):
    stereo = np.array([[-32768, 32767], [0, 1], [100, -100]], "int16")
    write_wav(tmp_path / "s.wav", stereo, 8000)
    audio, rate = audio_dataset.decode_wav(str(tmp_path / "s.wav"))
    assert rate == 8000 and audio.dtype == np.float32 and audio.shape == (3, 2)
    np.testing.assert_array_equal(audio, stereo / np.float32(32768))
    assert audio.min() == -1.0 and audio.max() < 1.0


def test_unbatched_clips_in_order(audio_dir):
    ds = utils.audio_dataset_from_directory(audio_dir, batch_size=None, shuffle=False)
    assert isinstance(ds, HostDataset) and ds.class_names == ["no", "yes"]
    assert not hasattr(ds, "file_paths")  # as in Keras, which sets none for audio
    elements = list(ds)
    assert [int(y) for _, y in elements] == [0, 0, 1, 1, 1]
    for (x, _), name in zip(elements, EXPECTED_ORDER):
        np.testing.assert_array_equal(x, _decoded(name))


def test_batches_pad_to_longest_clip(audio_dir):
    ds = utils.audio_dataset_from_directory(audio_dir, batch_size=2, shuffle=False)
    shapes = [(x.shape, y.tolist()) for x, y in ds]
    assert shapes == [((2, 7, 1), [0, 0]), ((2, 6, 1), [1, 1]), ((1, 5, 1), [1])]
    x, _ = ds[0]
    np.testing.assert_array_equal(x[0, :3], _decoded("no/Z.WAV"))
    np.testing.assert_array_equal(x[0, 3:], 0.0)


@pytest.mark.parametrize("length", [0, 4, 9], ids=["empty", "cut", "padded"])
def test_output_sequence_length(audio_dir, length):
    ds = utils.audio_dataset_from_directory(
        audio_dir, batch_size=5, shuffle=False, output_sequence_length=length,
        label_mode="categorical",
    )  # fmt: skip
    x, y = ds[0]
    assert x.shape == (5, length, 1) and y.shape == (5, 2) and y.dtype == np.float32
    for row, name in zip(x, EXPECTED_ORDER):
        expected = audio_dataset.fit_length(_decoded(name), length)
        np.testing.assert_array_equal(row, expected)


def test_ragged(audio_dir):
    ds = utils.audio_dataset_from_directory(audio_dir, batch_size=2, shuffle=False, ragged=True)
    x, y = ds[0]
    assert x.dtype == object and [c.shape for c in x] == [(3, 1), (7, 1)]
    assert y.tolist() == [0, 0] and len(ds) == 3
    single = utils.audio_dataset_from_directory(audio_dir, batch_size=None, ragged=True,
                                                shuffle=False)  # fmt: skip
    assert single[1][0].shape == (7, 1)


def test_labels_modes_and_class_names(audio_dir):
    load = utils.audio_dataset_from_directory
    binary = load(audio_dir, batch_size=5, shuffle=False, label_mode="binary")[0][1]
    assert binary.shape == (5, 1) and binary.ravel().tolist() == [0, 0, 1, 1, 1]
    reordered = load(audio_dir, batch_size=None, shuffle=False, class_names=["yes", "no"])
    assert [int(y) for _, y in reordered] == [0, 0, 0, 1, 1]
    only = load(audio_dir, batch_size=None, labels=None, shuffle=False)
    # Without labels the whole tree is read, a folder's own files first (top.wav).
    assert only.class_names is None and [c.shape for c in only][:2] == [(2, 1), (3, 1)]
    listed = load(audio_dir / "yes", labels=[2, 0, 1], batch_size=None, shuffle=False)
    assert listed.class_names == ["0", "1", "2"]
    assert [int(y) for _, y in listed] == [2, 0, 1]


def test_shuffle_split_and_both(audio_dir, capsys):
    load = utils.audio_dataset_from_directory
    train, val = load(audio_dir, batch_size=None, validation_split=0.4, subset="both", seed=7)
    assert "Found 5 files belonging to 2 classes." in capsys.readouterr().out
    lengths = sorted(len(x) for part in (train, val) for x, _ in part)
    assert lengths == [3, 4, 5, 6, 7] and len(val) == 2
    again = load(audio_dir, batch_size=None, validation_split=0.4, subset="validation",
                 seed=7, verbose=False)  # fmt: skip
    assert sorted(len(x) for x, _ in again) == sorted(len(x) for x, _ in val)


def test_multichannel_and_sampling_rate(tmp_path):
    write_wav(tmp_path / "a/s.wav", np.arange(12).reshape(6, 2), 8000)
    ds = utils.audio_dataset_from_directory(tmp_path, batch_size=None, sampling_rate=8000)
    assert list(ds)[0][0].shape == (6, 2)
    wrong = utils.audio_dataset_from_directory(tmp_path, batch_size=None, sampling_rate=16000)
    with pytest.raises(ValueError, match=r"\(8000 Hz\) does not have the requested sampling"):
        list(wrong)


def test_follow_links(tmp_path):
    write_wav(tmp_path / "outside/a.wav", np.zeros((3, 1)))
    (tmp_path / "root/cls").mkdir(parents=True)
    (tmp_path / "root/cls/link").symlink_to(tmp_path / "outside")
    load = utils.audio_dataset_from_directory
    with pytest.raises(ValueError, match="No audio files found"):
        load(tmp_path / "root", verbose=False)
    assert len(load(tmp_path / "root", follow_links=True, batch_size=None)) == 1


@requires_training
def test_fit_on_fixed_length_clips(audio_dir):
    ds = utils.audio_dataset_from_directory(audio_dir, batch_size=2, output_sequence_length=8)
    model = cornu.Sequential([cornu.Input((8, 1)), cornu.layers.Flatten(), cornu.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(ds, epochs=1, verbose=0)


def test_errors(audio_dir, tmp_path):
    load = utils.audio_dataset_from_directory
    with pytest.raises(ValueError, match="Cannot set both `ragged` and `output_sequence_length`"):
        load(audio_dir, ragged=True, output_sequence_length=3)
    with pytest.raises(ValueError, match="`sampling_rate` should have an integer value"):
        load(audio_dir, sampling_rate=1.5)
    with pytest.raises(ValueError, match="`sampling_rate` should be higher than 0"):
        load(audio_dir, sampling_rate=0)
    with pytest.raises(ValueError, match="`output_sequence_length` should be a non-negative"):
        load(audio_dir, output_sequence_length=-2)
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        load(audio_dir, label_mode="sparse")
    with pytest.raises(ImportError, match="format='grain' requires the grain module"):
        load(audio_dir, format="grain")
    write_wav(tmp_path / "eight/a/x.wav", np.zeros((3, 1)), width=1)
    with pytest.raises(ValueError, match="Can only read 16-bit .wav files.*8-bit"):
        list(load(tmp_path / "eight", batch_size=None, verbose=False))
    (tmp_path / "bad/a").mkdir(parents=True)
    (tmp_path / "bad/a/x.wav").write_bytes(b"RIFF....not a wave")
    with pytest.raises(ValueError, match="Cannot read .* as a PCM .wav file"):
        list(load(tmp_path / "bad", batch_size=None, verbose=False))


@pytest.mark.skipif(
    importlib.util.find_spec("tensorflow") is None, reason="the tf.data path needs TensorFlow"
)
def test_tf_dataset_path(audio_dir, monkeypatch):
    monkeypatch.setattr(directory_index, "tensorflow_available", lambda: True)
    ds = utils.audio_dataset_from_directory(audio_dir, batch_size=2, shuffle=False)
    assert type(ds).__module__.startswith("tensorflow") and ds.class_names == ["no", "yes"]
    x, y = next(iter(ds))
    np.testing.assert_array_equal(x.numpy()[0, :3], _decoded("no/Z.WAV"))
    assert tuple(x.shape) == (2, 7, 1)
