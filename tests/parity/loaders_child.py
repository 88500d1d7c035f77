"""Runs the image/text loader scenarios under one library and pickles plain results.

    python -m tests.parity.loaders_child PACKAGE ROOT OUT.pkl [host]

PACKAGE is `keras` or `cornu` (backend from KERAS_BACKEND / CORNU_BACKEND); ROOT holds the
files `write_files` made. With `host`, cornu is made to believe TensorFlow is absent, so its
loaders return the TensorFlow-free dataset. Each scenario's result (or the exception's class
name) is stored under the scenario's name.
"""

import importlib
import os
import pickle
import sys

import numpy as np


def write_files(root):
    """Class folders of PNG/JPEG/BMP/GIF images of several sizes, and of .txt files."""
    from PIL import Image

    rng = np.random.default_rng(7)
    images = {
        "mixed/cats/b.png": (9, 13),
        "mixed/cats/A.jpg": (12, 12),
        "mixed/cats/10.png": (7, 5),
        "mixed/dogs/z.png": (6, 10),
        "mixed/dogs/sub/0.png": (11, 8),
        "gifs/g/y.gif": (8, 8),
        "gifs/h/w.bmp": (4, 6),
        "mixed/birds/q.PNG": (5, 9),
        "mixed/top.png": (6, 6),
        "pngs/x/1.png": (6, 7),
        "pngs/x/2.png": (9, 4),
        "pngs/y/3.png": (5, 5),
    }
    for name, (height, width) in images.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        pixels = rng.integers(0, 256, (height, width, 3)).astype("uint8")
        if name.startswith("pngs/y"):
            Image.fromarray(np.dstack([pixels, pixels[..., :1]])).save(path)  # RGBA
        elif name.endswith(".jpg"):
            Image.fromarray(pixels).save(path, quality=95)
        elif name.endswith(".gif"):
            Image.fromarray(pixels).convert("P").save(path)
        else:
            Image.fromarray(pixels).save(path)  # the format follows the extension
    texts = {
        "texts/pos/1.txt": "good movie",
        "texts/pos/sub/2.txt": "héllo wörld, long",
        "texts/neg/a.txt": "bad",
        "texts/neg/B.txt": "awful\n",
        "texts/neg/skip.md": "x",
    }
    for name, text in texts.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def _plain(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OSU":
        texts = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in value.reshape(-1)]
        return texts[0] if value.ndim == 0 else texts
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return np.asarray(value)


def _dataset(ds, root):
    return {
        "type": "tf" if type(ds).__module__.startswith("tensorflow") else "host",
        "class_names": ds.class_names,
        "file_paths": [os.path.relpath(p, root) for p in getattr(ds, "file_paths", [])],
        "elements": [_plain(e) for e in ds],
    }


IMAGE_SCENARIOS = {
    "bilinear": dict(image_size=(6, 7)),
    "nearest_gray": dict(image_size=(10, 6), interpolation="nearest", color_mode="grayscale"),
    "bicubic": dict(image_size=(6, 7), interpolation="bicubic"),
    "area": dict(image_size=(4, 5), interpolation="area"),
    "lanczos3": dict(image_size=(6, 7), interpolation="lanczos3"),
    "crop": dict(image_size=(4, 6), crop_to_aspect_ratio=True),
    "pad": dict(image_size=(4, 6), pad_to_aspect_ratio=True),
    "pad_tall": dict(image_size=(7, 3), pad_to_aspect_ratio=True, interpolation="bicubic"),
    "crop_nearest": dict(image_size=(5, 3), crop_to_aspect_ratio=True, interpolation="nearest"),
    "pad_nearest": dict(image_size=(5, 3), pad_to_aspect_ratio=True, interpolation="nearest"),
    "channels_first_categorical": dict(
        image_size=(3, 3), data_format="channels_first", label_mode="categorical"
    ),
    "no_labels": dict(image_size=(3, 3), labels=None),
    "class_names": dict(image_size=(3, 3), class_names=["dogs", "cats"]),
}


def image_scenarios(keras, root):
    def images(folder, batch_size=None, **kwargs):
        ds = keras.utils.image_dataset_from_directory(
            os.path.join(root, folder),
            shuffle=False,
            batch_size=batch_size,
            verbose=False,
            **kwargs,
        )
        return _dataset(ds, root)

    results = {name: images("mixed", **kwargs) for name, kwargs in IMAGE_SCENARIOS.items()}
    results["gif"] = images("gifs", image_size=(5, 5))
    results["rgba"] = images("pngs", color_mode="rgba", image_size=(5, 5))
    results["binary_batched"] = images("pngs", label_mode="binary", image_size=(2, 2), batch_size=2)
    mixed = os.path.join(root, "mixed")
    for seed in (1, 42):
        parts = keras.utils.image_dataset_from_directory(
            mixed,
            image_size=(2, 2),
            seed=seed,
            validation_split=0.3,
            subset="both",
            batch_size=2,
            verbose=False,
        )
        results[f"split_{seed}"] = [
            {
                "file_paths": [os.path.relpath(p, root) for p in part.file_paths],
                "labels": sorted(int(v) for _, y in part for v in np.asarray(y).reshape(-1)),
            }
            for part in parts
        ]
    return results


def text_scenarios(keras, root):
    texts = os.path.join(root, "texts")
    load = keras.utils.text_dataset_from_directory
    return {
        "text": _dataset(load(texts, shuffle=False, batch_size=None, verbose=False), root),
        "text_max_length": _dataset(
            load(
                texts,
                shuffle=False,
                batch_size=2,
                max_length=7,
                label_mode="categorical",
                verbose=False,
            ),
            root,
        ),
    }


def image_io_scenarios(keras, root):
    utils = keras.utils
    png = os.path.join(root, "mixed/cats/b.png")
    rgba = os.path.join(root, "pngs/y/3.png")
    results = {}
    for mode in ("rgb", "rgba", "grayscale"):
        results[f"load_{mode}"] = utils.img_to_array(utils.load_img(rgba, color_mode=mode))
    for interpolation in ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"):
        img = utils.load_img(png, target_size=(5, 4), interpolation=interpolation)
        results[f"resize_{interpolation}"] = utils.img_to_array(img)
    img = utils.load_img(png, target_size=(4, 4), keep_aspect_ratio=True)
    results["keep_aspect_ratio"] = utils.img_to_array(
        img, data_format="channels_first", dtype="uint8"
    )
    x = np.linspace(-2, 5, 5 * 6 * 3, dtype="float32").reshape(5, 6, 3)
    for scale in (True, False):
        results[f"array_to_img_{scale}"] = np.asarray(utils.array_to_img(np.abs(x), scale=scale))
    results["array_to_img_gray_I"] = np.asarray(utils.array_to_img(x[..., :1] * 100, scale=False))
    saved = os.path.join(root, "saved.png")
    utils.save_img(saved, x)
    results["save_img"] = utils.img_to_array(utils.load_img(saved))
    smart_resize = keras.preprocessing.image.smart_resize
    results["smart_resize"] = np.asarray(smart_resize(x, (3, 4)))
    results["smart_resize_nearest"] = np.asarray(smart_resize(x, (4, 2), interpolation="nearest"))
    return results


def main(argv):
    package, root, out_path = argv[:3]
    keras = importlib.import_module(package)
    if argv[3:] == ["host"]:
        from cornu.utils import directory_index

        directory_index.tensorflow_available = lambda: False
    results = {}
    for group in (image_scenarios, text_scenarios, image_io_scenarios):
        try:
            results.update(group(keras, root))
        except Exception as exc:  # reported by the test, which names the group
            results[group.__name__] = f"{type(exc).__name__}: {exc}"
    with open(out_path, "wb") as f:
        pickle.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1:])
