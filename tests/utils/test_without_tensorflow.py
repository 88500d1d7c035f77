"""The data path never needs TensorFlow: in a fresh process where `tensorflow` cannot be
imported (really absent, or blocked here), a user's script loads images from a directory,
augments them with preprocessing layers and fits a model for one epoch, and neither
`tensorflow` nor `keras` is ever imported."""

import os
import subprocess
import sys
import textwrap

import pytest

from cornu import backend

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_SCRIPT = textwrap.dedent(
    """
    import importlib.abc
    import os
    import sys

    class BlockTensorFlow(importlib.abc.MetaPathFinder):
        # Makes `import tensorflow` fail as if it were not installed.
        def find_spec(self, name, path=None, target=None):
            if name == "tensorflow" or name.startswith("tensorflow."):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
            return None

    sys.meta_path.insert(0, BlockTensorFlow())

    import numpy as np
    from PIL import Image

    import cornu

    root = sys.argv[1]
    rng = np.random.default_rng(0)
    for label in ("cats", "dogs"):
        os.makedirs(os.path.join(root, label))
        for i in range(4):
            pixels = rng.integers(0, 256, (12, 10, 3)).astype("uint8")
            Image.fromarray(pixels).save(os.path.join(root, label, f"{i}.png"))
    ds = cornu.utils.image_dataset_from_directory(root, image_size=(8, 8), batch_size=4,
                                                  seed=1, verbose=False)
    augment = cornu.Sequential([cornu.layers.RandomFlip(), cornu.layers.RandomZoom(0.1)])
    ds = ds.map(lambda x, y: (augment(x, training=True), y))
    model = cornu.Sequential([
        cornu.Input((8, 8, 3)),
        cornu.layers.Rescaling(1 / 255),
        cornu.layers.Flatten(),
        cornu.layers.Dense(2),
    ])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(ds, epochs=1, verbose=0)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
    print("dataset:", type(ds).__name__, "loss:", history.history["loss"][0])
    print("leaked:", leaked)
    sys.exit(1 if leaked else 0)
    """
)


@pytest.mark.skipif(not backend.IS_DIFFERENTIABLE, reason="the numpy backend has no gradients")
@pytest.mark.skipif(
    backend.backend() == "tensorflow", reason="the tensorflow backend is TensorFlow itself"
)
def test_data_pipeline_and_fit_never_import_tensorflow(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT, CORNU_BACKEND=backend.backend())
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "images")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "dataset: HostDataset" in result.stdout and "leaked: []" in result.stdout
