"""The Keras module each op is written under in a saved Functional config
(`cornu/ops/keras_modules.py`): one per family package, whatever topic file defines the op."""

import json

import numpy as np
import pytest

import cornu
from cornu import ops
from cornu.graph.operation import OpCall
from cornu.models import functional_config
from cornu.ops import keras_modules

FAMILIES = {family: getattr(ops, family) for family in keras_modules.FAMILIES}


def _public_ops(package):
    """(name, op) for each op (a function with an `eager` body) in `package.__all__`."""
    return [
        (name, getattr(package, name))
        for name in package.__all__
        if hasattr(getattr(package, name), "eager")
    ]


@pytest.mark.parametrize("family", sorted(FAMILIES), ids=sorted(FAMILIES))
def test_every_public_op_maps_to_its_family_module(family):
    expected = f"keras.src.ops.{family}"
    table = keras_modules.modules()
    named = _public_ops(FAMILIES[family])
    assert named, f"cornu.ops.{family} exports no ops"
    wrong = {
        name: (table.get(name), keras_modules.module_of(fn.eager))
        for name, fn in named
        if table.get(name) != expected or keras_modules.module_of(fn.eager) != expected
    }
    assert not wrong, f"ops of cornu.ops.{family} written under another module: {wrong}"


def test_the_table_covers_every_op_of_the_namespaces():
    table = keras_modules.modules()
    for namespace in (ops, ops.image):
        missing = [
            name
            for name in dir(namespace)
            if hasattr(getattr(namespace, name), "eager") and name not in table
        ]
        assert not missing, f"{namespace.__name__} ops missing from the table: {missing}"


def test_the_module_does_not_follow_the_defining_file():
    # max_pool is defined in cornu/ops/nn/pooling.py, gelu in nn/activations.py: both nn.
    assert ops.max_pool.eager.__module__ != ops.gelu.eager.__module__
    assert keras_modules.module_of(ops.max_pool.eager) == "keras.src.ops.nn"
    assert keras_modules.module_of(ops.gelu.eager) == "keras.src.ops.nn"


def test_borrowed_names_keep_the_family_that_defines_them():
    assert "vectorize" in ops.numpy.__all__ and "vectorize" in ops.core.__all__
    assert keras_modules.modules()["vectorize"] == "keras.src.ops.core"


def test_a_vectorized_function_is_written_as_a_core_op_whatever_its_name():
    def add(x):  # named like the numpy op `add`
        return x + 1.0

    x = cornu.Input((3,))
    model = cornu.Model(x, ops.vectorize(add)(x))
    entry = [layer for layer in model.get_config()["layers"] if layer["class_name"] == "Add"]
    assert [layer["module"] for layer in entry] == ["keras.src.ops.core"]


def _op_modules(config):
    return {
        layer["class_name"]: layer["module"]
        for layer in config["layers"]
        if layer["module"].startswith("keras.src.ops")
    }


def _model_over_every_family():
    images = cornu.Input((8, 8, 3), name="images")
    matrices = cornu.Input((4, 4), name="matrices")
    indices = cornu.Input(batch_shape=(1, 3), dtype="int32", name="indices")
    patch = cornu.Input(batch_shape=(1, 2, 2), name="patch")
    values = cornu.Input(batch_shape=(1,), name="values")
    gray = ops.image.rgb_to_grayscale(ops.image.resize(images, (4, 4)))  # image
    pooled = ops.nn.max_pool(ops.nn.relu(gray), 2)  # nn
    total = ops.sum(pooled, axis=(1, 2, 3))  # numpy
    updated = ops.slice_update(matrices, (0, 0, 0), patch)  # core
    scattered = ops.scatter_update(updated, indices, values)
    norms = ops.linalg.norm(ops.cast(scattered, "float32"), axis=(1, 2))  # linalg
    spread = ops.logsumexp(scattered, axis=-1)  # math
    return cornu.Model(
        [images, matrices, indices, patch, values], [ops.where(total > 0, total, norms), spread]
    )


def test_a_saved_functional_config_round_trips():
    model = _model_over_every_family()
    config = model.get_config()
    assert _op_modules(config) == {
        "Resize": "keras.src.ops.image",
        "RgbToGrayscale": "keras.src.ops.image",
        "Relu": "keras.src.ops.nn",
        "MaxPool": "keras.src.ops.nn",
        "Sum": "keras.src.ops.numpy",
        "Greater": "keras.src.ops.numpy",
        "Where": "keras.src.ops.numpy",
        "SliceUpdate": "keras.src.ops.core",
        "ScatterUpdate": "keras.src.ops.core",
        "Cast": "keras.src.ops.core",
        "Norm": "keras.src.ops.linalg",
        "Logsumexp": "keras.src.ops.math",
    }
    text = json.dumps(config)
    restored = cornu.Model.from_config(json.loads(text))
    assert json.dumps(restored.get_config()) == text
    rng = np.random.default_rng(0)
    data = [
        rng.random((2, 8, 8, 3)).astype("float32"),
        rng.random((2, 4, 4)).astype("float32"),
        np.array([[1, 2, 3]], "int32"),
        rng.random((1, 2, 2)).astype("float32"),
        np.array([5.0], "float32"),
    ]
    for got, want in zip(restored(data), model(data)):
        np.testing.assert_allclose(ops.convert_to_numpy(got), ops.convert_to_numpy(want))


def test_an_op_cornu_lacks_is_a_clear_error():
    entry = {"module": "keras.src.ops.nn", "class_name": "NoSuchOp", "config": {}}
    with pytest.raises(ValueError, match=r"uses the op NoSuchOp \(keras.src.ops.nn\), which"):
        functional_config._op_from_config(entry)


def test_image_ops_are_looked_up_in_the_image_namespace_only():
    assert keras_modules.op_for("keras.src.ops.image", "resize") is ops.image.resize
    assert keras_modules.op_for("keras.src.ops.numpy", "resize") is None
    # Keras's flat keras.ops: any non-image family finds any non-image op.
    assert keras_modules.op_for("keras.src.ops.numpy", "relu") is ops.relu
    assert isinstance(
        functional_config._op_from_config(
            {"module": "keras.src.ops.image", "class_name": "Resize", "config": {"size": [2, 2]}}
        ),
        OpCall,
    )
