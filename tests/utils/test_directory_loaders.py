"""image_dataset_from_directory / text_dataset_from_directory and their TensorFlow-free
dataset (any backend). Most tests force the TensorFlow-free path; one checks tf.data."""

import numpy as np
import pytest

import cornu
from cornu import utils
from cornu.utils import directory_index
from cornu.utils.host_dataset import HostDataset
from tests.conftest import requires_training

PIL = pytest.importorskip("PIL.Image", reason="image files need Pillow")

# name -> (height, width, value): each image is one flat colour, so resizing keeps it.
IMAGES = {
    "b/z.png": (4, 6, 10),
    "b/A.png": (6, 4, 20),
    "b/sub/0.png": (5, 5, 30),
    "a/2.png": (4, 4, 40),
    "a/10.png": (8, 4, 50),
    "a/skip.txt": None,
    "top.png": (4, 4, 60),
}
EXPECTED_ORDER = ["a/10.png", "a/2.png", "b/A.png", "b/z.png", "b/sub/0.png"]


@pytest.fixture
def image_dir(tmp_path):
    for name, spec in IMAGES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if spec is None:
            path.write_text("not an image")
            continue
        height, width, value = spec
        pixels = np.full((height, width, 3), value, "uint8")
        pixels[..., 1] += 1  # distinct channels
        PIL.fromarray(pixels).save(path)
    (tmp_path / "c_empty").mkdir()
    return tmp_path


@pytest.fixture
def text_dir(tmp_path):
    for name, text in {
        "pos/1.txt": "good movie",
        "pos/2.txt": "héllo wörld",
        "neg/1.txt": "bad",
        "neg/x.md": "ignored",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.fixture(autouse=True)
def without_tensorflow(monkeypatch):
    monkeypatch.setattr(directory_index, "tensorflow_available", lambda: False)


def _load(directory, **kwargs):
    kwargs = {"image_size": (4, 4), "shuffle": False, "verbose": False, **kwargs}
    return utils.image_dataset_from_directory(str(directory), **kwargs)


def _relative(paths, root):
    return [str(p)[len(str(root)) + 1 :] for p in paths]


def test_order_class_names_and_batches(image_dir, capsys):
    ds = _load(image_dir, batch_size=2, verbose=True)
    assert isinstance(ds, HostDataset) and isinstance(ds, utils.PyDataset)
    assert "Found 5 files belonging to 3 classes." in capsys.readouterr().out
    assert ds.class_names == ["a", "b", "c_empty"]
    assert _relative(ds.file_paths, image_dir) == EXPECTED_ORDER
    assert len(ds) == 3
    batches = list(ds)
    assert [x.shape for x, _ in batches] == [(2, 4, 4, 3), (2, 4, 4, 3), (1, 4, 4, 3)]
    assert batches[0][0].dtype == np.float32
    np.testing.assert_array_equal(np.concatenate([y for _, y in batches]), [0, 0, 1, 1, 1])
    # Flat colours survive resizing: channel 0 carries each file's value.
    values = np.concatenate([x[:, 0, 0, 0] for x, _ in batches])
    np.testing.assert_array_equal(values, [50, 40, 20, 10, 30])


@pytest.mark.parametrize(
    "label_mode,dtype,first",
    [("int", "int32", 0), ("categorical", "float32", [1, 0, 0]), ("binary", "float32", [0])],
    ids=str,
)
def test_label_modes(image_dir, label_mode, dtype, first):
    class_names = ["a", "b"] if label_mode == "binary" else None
    ds = _load(image_dir, label_mode=label_mode, class_names=class_names, batch_size=None)
    _, label = ds[0]
    assert label.dtype == dtype
    np.testing.assert_array_equal(label, first)


def test_no_labels_walks_the_whole_tree(image_dir):
    for kwargs in ({"labels": None}, {"label_mode": None}):
        ds = _load(image_dir, batch_size=None, **kwargs)
        assert ds.class_names is None
        assert _relative(ds.file_paths, image_dir) == ["top.png"] + EXPECTED_ORDER
        assert ds[1].shape == (4, 4, 3)


def test_explicit_labels_and_class_names(image_dir):
    ds = _load(image_dir, labels=[0, 2, 2, 0, 5, 2], label_mode="categorical", batch_size=6)
    assert ds.class_names == ["0", "2", "5"]
    _, y = ds[0]
    # One-hot over len(class_names) columns; an out-of-range label is all zeros.
    np.testing.assert_array_equal(y[:3], [[1, 0, 0], [0, 0, 1], [0, 0, 1]])
    np.testing.assert_array_equal(y[4], [0, 0, 0])
    ordered = _load(image_dir, class_names=["b", "a"], batch_size=None)
    assert _relative(ordered.file_paths, image_dir)[:3] == ["b/A.png", "b/z.png", "b/sub/0.png"]
    assert int(ordered[0][1]) == 0
    only_b = _load(image_dir, class_names=["b"], batch_size=None)
    assert len(only_b) == 3 and only_b.class_names == ["b"]


def test_shuffle_uses_numpy_random_state(image_dir):
    ds = _load(image_dir, shuffle=True, seed=5, batch_size=None)
    expected = list(EXPECTED_ORDER)
    np.random.RandomState(5).shuffle(expected)
    assert _relative(ds.file_paths, image_dir) == expected
    labels = sorted(int(y) for _, y in ds)
    assert labels == [0, 0, 1, 1, 1]


def test_validation_split(image_dir, capsys):
    kwargs = {"shuffle": True, "seed": 3, "validation_split": 0.4, "verbose": True}
    training, validation = _load(image_dir, subset="both", **kwargs)
    out = capsys.readouterr().out
    assert "Using 3 files for training." in out and "Using 2 files for validation." in out
    every = list(EXPECTED_ORDER)
    np.random.RandomState(3).shuffle(every)
    assert _relative(training.file_paths, image_dir) == every[:3]
    assert _relative(validation.file_paths, image_dir) == every[3:]
    alone = _load(image_dir, subset="validation", **kwargs)
    assert alone.file_paths == validation.file_paths


@pytest.mark.parametrize(
    "kwargs,shape",
    [
        ({"color_mode": "grayscale"}, (4, 4, 1)),
        ({"color_mode": "rgba"}, (4, 4, 4)),
        ({"data_format": "channels_first"}, (3, 4, 4)),
        ({"image_size": (2, 3), "crop_to_aspect_ratio": True}, (2, 3, 3)),
        ({"image_size": (2, 3), "pad_to_aspect_ratio": True}, (2, 3, 3)),
        ({"interpolation": "area"}, (4, 4, 3)),
    ],
    ids=["grayscale", "rgba", "channels_first", "crop", "pad", "area"],
)
def test_image_options(image_dir, kwargs, shape):
    x, _ = _load(image_dir, batch_size=None, **kwargs)[0]
    assert x.shape == shape and x.dtype == np.float32


def test_pad_to_aspect_ratio_pads_with_zeros(image_dir):
    # a/10.png is 8x4 (value 50): padded to 8x8, its columns 0-1 and 6-7 are zeros.
    x, _ = _load(
        image_dir,
        image_size=(8, 8),
        pad_to_aspect_ratio=True,
        interpolation="nearest",
        batch_size=None,
    )[0]
    np.testing.assert_array_equal(x[0, :, 0], [0, 0, 50, 50, 50, 50, 0, 0])


def test_grayscale_uses_tensorflow_weights(image_dir):
    x, _ = _load(image_dir, color_mode="grayscale", batch_size=None)[0]
    # floor(0.299 * 50 + 0.587 * 51 + 0.114 * 50)
    assert x[0, 0, 0] == 50


ERRORS = [
    ({"labels": "folders"}, "`labels` argument should be a list/tuple"),
    ({"label_mode": "sparse"}, "`label_mode` argument must be one of"),
    ({"labels": None, "class_names": ["a"]}, "`class_names` cannot be specified"),
    ({"class_names": ["a", "zzz"]}, "did not match the names of the subdirectories"),
    ({"color_mode": "cmyk"}, "`color_mode` must be one of"),
    ({"image_size": (3,)}, "Invalid `image_size` value"),
    ({"interpolation": "cubic"}, "`interpolation` should be one of"),
    ({"validation_split": 0.2}, "If `subset` is set, `validation_split` must be set"),
    ({"subset": "training"}, "If `subset` is set, `validation_split` must be set"),
    ({"validation_split": 0.2, "subset": "test", "seed": 1}, "`subset` must be either"),
    ({"validation_split": 1.5, "subset": "training", "seed": 1}, "must be between 0 and 1"),
    ({"validation_split": 0.2, "subset": "training", "shuffle": True}, "must provide a `seed`"),
    ({"labels": [0, 1]}, "Expected the lengths of `labels` to match"),
    ({"label_mode": "binary"}, "exactly 2 class_names"),
    ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "Only one of"),
    ({"data_format": "nhwc"}, "data_format"),
    ({"format": "numpy"}, '`format` should be either "tf" or "grain"'),
    ({"interpolation": "gaussian"}, "available with TensorFlow only"),
]


@pytest.mark.parametrize("kwargs,message", ERRORS, ids=[m[:28] for _, m in ERRORS])
def test_errors(image_dir, kwargs, message):
    with pytest.raises(ValueError, match=message):
        list(_load(image_dir, **kwargs))


def test_grain_and_missing_files(image_dir, tmp_path_factory):
    with pytest.raises(ImportError, match="requires the grain module"):
        _load(image_dir, format="grain")
    empty = tmp_path_factory.mktemp("empty")
    (empty / "x").mkdir()
    with pytest.raises(ValueError, match="No images found"):
        _load(empty)
    with pytest.raises(FileNotFoundError):
        _load(empty / "missing")


def test_text_dataset(text_dir, capsys):
    ds = utils.text_dataset_from_directory(str(text_dir), shuffle=False, batch_size=2, max_length=7)
    assert "Found 3 files belonging to 2 classes." in capsys.readouterr().out
    assert ds.class_names == ["neg", "pos"] and not hasattr(ds, "file_paths")
    (texts, labels), (last, last_labels) = list(ds)
    assert texts.tolist() == ["bad", "good mo"] and labels.tolist() == [0, 1]
    # max_length counts UTF-8 bytes, as tf.strings.substr: "héllo " is 7 of them.
    assert last.tolist() == ["héllo "] and last_labels.tolist() == [1]
    plain = utils.text_dataset_from_directory(
        str(text_dir), labels=None, shuffle=False, batch_size=None, verbose=False
    )
    assert [str(t) for t in plain] == ["bad", "good movie", "héllo wörld"]
    empty = text_dir / "empty"
    (empty / "cls").mkdir(parents=True)
    with pytest.raises(ValueError, match="No text files found"):
        utils.text_dataset_from_directory(str(empty), verbose=False)


def test_dataset_methods():
    ds = HostDataset.from_function(lambda i: (np.full((2,), i), np.int32(i)), 5)
    assert len(ds) == 5 and ds.cardinality() == 5
    assert [int(y) for _, y in ds.skip(3)] == [3, 4]
    assert [int(y) for _, y in ds.take(2)] == [0, 1]
    doubled = ds.map(lambda x, y: (x, y * 2)).batch(2)
    assert [y.tolist() for _, y in doubled] == [[0, 2], [4, 6], [8]]
    assert [int(y) for _, y in doubled.unbatch()] == [0, 2, 4, 6, 8]
    assert [int(y) for _, y in doubled.map(lambda x, y: (x, y)).unbatch()] == [0, 2, 4, 6, 8]
    assert len(ds.batch(2, drop_remainder=True)) == 2
    assert len(ds.repeat(2)) == 10 and ds.repeat().cardinality() == -1
    assert [int(y) for _, y in ds.repeat().take(7)][5:] == [0, 1]
    assert ds.prefetch(2) is ds
    assert [y for _, y in ds.as_numpy_iterator()][-1] == 4


def test_shuffle_and_cache():
    calls = []

    def element(i):
        calls.append(i)
        return np.int32(i)

    shuffled = HostDataset.from_function(element, 8).shuffle(8, seed=1)
    first, second = [int(v) for v in shuffled], [int(v) for v in shuffled]
    assert sorted(first) == sorted(second) == list(range(8)) and first != second
    cached = HostDataset.from_function(element, 8).shuffle(8, seed=1).cache()
    calls.clear()
    assert [int(v) for v in cached] == [int(v) for v in cached]
    assert len(calls) == 8


def test_padded_batch_with_scalar_labels():
    ds = HostDataset.from_function(lambda i: (np.ones((i + 1,)), np.int32(i)), 3).padded_batch(3)
    ((values, labels),) = list(ds)
    assert values.shape == (3, 3) and labels.tolist() == [0, 1, 2]


def test_padded_batch():
    ds = HostDataset.from_function(lambda i: np.ones((i + 1,)), 3).padded_batch(3)
    np.testing.assert_array_equal(ds[0], [[1, 0, 0], [1, 1, 0], [1, 1, 1]])


@requires_training
def test_fit_on_the_tensorflow_free_dataset(image_dir):
    ds = _load(image_dir, batch_size=2, shuffle=True, seed=1)
    model = cornu.Sequential(
        [
            cornu.Input((4, 4, 3)),
            cornu.layers.Rescaling(1 / 255),
            cornu.layers.Flatten(),
            cornu.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(ds, verbose=0).shape == (5, 3)
    assert np.isfinite(model.evaluate(ds, verbose=0))


def test_format_tf_gives_a_tf_dataset(image_dir, monkeypatch):
    pytest.importorskip("tensorflow", reason="format='tf' builds a tf.data.Dataset")
    monkeypatch.undo()
    ds = _load(image_dir, batch_size=2)
    assert type(ds).__module__.startswith("tensorflow")
    assert ds.class_names == ["a", "b", "c_empty"]
    assert _relative(ds.file_paths, image_dir) == EXPECTED_ORDER
    x, y = next(iter(ds))
    assert tuple(x.shape) == (2, 4, 4, 3) and y.numpy().tolist() == [0, 0]
