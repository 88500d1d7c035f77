"""Images per second of a directory-of-JPEGs input pipeline with augmentation, side by side:

    python benchmarks/data_pipeline.py --backend jax [--images 2000] [--repeats 3]
                                       [--dir /tmp/jpegs] [--json results.json]

The pipeline: `image_dataset_from_directory(dir, image_size=(64, 64), batch_size=32)` mapped
through `RandomFlip()`, `RandomRotation(0.1)` and `RandomZoom(0.1)` in training mode,
read to the end once per pass (each batch brought to NumPy). Three runs of it on the same
files, each in its own process with the backend given:

- cornu, TensorFlow-free: cornu's `HostDataset` (decoded with Pillow, augmented eagerly),
  as when TensorFlow is not installed;
- cornu, tf.data (`format="tf"` with TensorFlow installed);
- Keras 3 (its tf.data pipeline).

Each process makes one warm-up pass, then `--repeats` timed passes; the median is reported,
with each path's ratio to Keras. The JPEGs (`--images` of 80x80, two classes) are generated
with Pillow into `--dir` (kept) or a temporary directory.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

RUN_ONE = r"""
import json, os, sys, time
import numpy as np

library, path, directory, repeats = sys.argv[1:5]
if library == "keras":
    import keras
else:
    import cornu as keras
    if path == "host":  # as when TensorFlow is not installed
        from cornu.utils import directory_index
        directory_index.tensorflow_available = lambda: False

L = keras.layers
# Layer by layer (not a Sequential): Keras runs each preprocessing layer inside tf.data on
# any backend, but not a Sequential of them.
layers = [L.RandomFlip(), L.RandomRotation(0.1), L.RandomZoom(0.1)]

def augment(x, y):
    for layer in layers:
        x = layer(x, training=True)
    return x, y

ds = keras.utils.image_dataset_from_directory(
    directory, image_size=(64, 64), batch_size=32, seed=1, verbose=False
)
ds = ds.map(augment)

def one_pass():
    count = 0
    for x, y in ds:
        count += len(np.asarray(x))
    return count

one_pass()  # warm-up: compilation, file cache
times = []
for _ in range(int(repeats)):
    start = time.perf_counter()
    count = one_pass()
    times.append(time.perf_counter() - start)
print(json.dumps({"dataset": type(ds).__name__, "images": count, "seconds": times}))
"""

PATHS = {
    "cornu_host": ("cornu", "host"),
    "cornu_tf": ("cornu", "tf"),
    "keras": ("keras", "tf"),
}


def write_jpegs(directory, count):
    """`count` random 80x80 JPEGs split between two class folders (skipped if present)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for i in range(count):
        path = os.path.join(directory, f"class_{i % 2}", f"{i:05d}.jpg")
        if os.path.exists(path):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Smooth images (a gradient plus noise) compress and decode like photographs.
        base = np.linspace(0, 200, 80)[None, :, None] + rng.integers(0, 56, (80, 80, 3))
        Image.fromarray(base.astype("uint8")).save(path, quality=90)


def run_path(name, backend, directory, repeats):
    library, path = PATHS[name]
    env = dict(
        os.environ,
        CORNU_BACKEND=backend,
        KERAS_BACKEND=backend,
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONPATH=ROOT,
    )
    result = subprocess.run(
        [sys.executable, "-c", RUN_ONE, library, path, directory, str(repeats)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{result.stderr[-3000:]}")
    found = json.loads(result.stdout.strip().splitlines()[-1])
    found["images_per_second"] = found["images"] / statistics.median(found["seconds"])
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="jax", choices=["jax", "torch", "tensorflow"])
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where the JPEGs are (kept); default temp")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        directory = args.dir or os.path.join(scratch, "jpegs")
        write_jpegs(directory, args.images)
        results = {name: run_path(name, args.backend, directory, args.repeats) for name in PATHS}
    keras_rate = results["keras"]["images_per_second"]
    print(f"backend={args.backend} images={args.images} repeats={args.repeats} (median pass)")
    print(f"{'path':<12} {'dataset':<20} {'images/s':>10} {'vs Keras':>9}")
    for name, found in results.items():
        rate = found["images_per_second"]
        print(f"{name:<12} {found['dataset']:<20} {rate:>10.0f} {rate / keras_rate:>8.2f}x")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"backend": args.backend, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
