"""What a user observes of `keras.distribution` with 8 JAX host devices, printed as JSON.

`python keras_vs_child.py keras` runs Keras 3; `python keras_vs_child.py cornu` runs the same
code with `import cornu as keras` (test_vs_keras_jax.py compares the two; each runs in its own
process with XLA_FLAGS=--xla_force_host_platform_device_count=8 and the jax backend).
"""

import json
import sys

import numpy as np

if sys.argv[1] == "keras":
    import keras
else:
    import cornu as keras

distribution = keras.distribution
out = {}


def error_of(fn):
    try:
        fn()
    except Exception as error:  # the built-in type a user catches is what is compared
        return next(c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins")
    return None


def layout_summary(layout):
    if layout is None:
        return None
    mesh = layout.device_mesh
    return {"axes": list(layout.axes), "mesh_shape": None if mesh is None else list(mesh.shape)}


devices = distribution.list_devices()
out["list_devices"] = devices
out["get_device_count"] = distribution.get_device_count()
out["get_device_count_cpu"] = distribution.get_device_count("cpu")

mesh = distribution.DeviceMesh((2, 4), ["batch", "model"], devices=devices)
out["mesh"] = {
    "shape": list(mesh.shape),
    "axis_names": list(mesh.axis_names),
    "devices": [str(d) for d in np.asarray(mesh.devices).reshape(-1)],
    "devices_shape": list(np.asarray(mesh.devices).shape),
}
out["mesh_errors"] = {
    "count": error_of(lambda: distribution.DeviceMesh((2, 2), ["batch", "model"], devices)),
    "names": error_of(lambda: distribution.DeviceMesh((8,), ["batch", "model"], devices)),
}
layout = distribution.TensorLayout([None, "model"])
out["layout"] = {"axes": list(layout.axes), "mesh": layout.device_mesh is None}
layout.device_mesh = mesh
out["layout_with_mesh"] = layout_summary(layout)
out["layout_unknown_axis"] = error_of(lambda: distribution.TensorLayout(["data"], mesh))

layout_map = distribution.LayoutMap(mesh)
layout_map["dense.*kernel"] = (None, "model")
layout_map["dense_2/bias"] = distribution.TensorLayout(["model"])
out["layout_map"] = {
    "regex": layout_summary(layout_map["seq/dense_1/kernel"]),
    "exact": layout_summary(layout_map["dense_2/bias"]),
    "none": layout_summary(layout_map["conv/kernel"]),
    "len": len(layout_map),
    "keys": list(layout_map),
}
layout_map["bias$"] = ("model",)


def set_twice():
    layout_map["dense.*kernel"] = (None, None)


out["layout_map_errors"] = {
    "twice": error_of(set_twice),
    "several": error_of(lambda: layout_map["dense_2/bias"] and layout_map["x/dense_2/bias"]),
}

dp = distribution.DataParallel(devices=devices)
out["data_parallel"] = {
    "mesh_shape": list(dp.device_mesh.shape),
    "axis_names": list(dp.device_mesh.axis_names),
    "batch_dim_name": dp.batch_dim_name,
    "data_layout": layout_summary(dp.get_data_layout((16, 3))),
}
dp_default = distribution.DataParallel()
out["data_parallel_default"] = [list(dp_default.device_mesh.shape), dp_default.batch_dim_name]
dp_mesh = distribution.DataParallel(device_mesh=distribution.DeviceMesh((8,), ["data"], devices))
out["data_parallel_mesh"] = dp_mesh.batch_dim_name

mp = distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
out["model_parallel"] = {
    "mesh_shape": list(mp.device_mesh.shape),
    "batch_dim_name": mp.batch_dim_name,
    "data_layout": layout_summary(mp.get_data_layout((16, 3))),
}
mp_default = distribution.ModelParallel(layout_map=layout_map)
out["model_parallel_default_batch"] = mp_default.batch_dim_name

out["distribution_before"] = distribution.distribution() is None
with mp.scope():
    out["distribution_in_scope"] = distribution.distribution() is mp
    dense = keras.layers.Dense(4, name="dense_1")
    dense.build((None, 6))
    other = keras.layers.Dense(4, name="other")
    other.build((None, 6))
out["distribution_after"] = distribution.distribution() is None
out["variable_layouts"] = {
    "dense_1/kernel": layout_summary(mp.get_variable_layout(dense.kernel)),
    "dense_1/bias": layout_summary(mp.get_variable_layout(dense.bias)),
    "other/kernel": layout_summary(mp.get_variable_layout(other.kernel)),
    "data_parallel": layout_summary(dp.get_variable_layout(dense.kernel)),
}
out["kernel_spec"] = [a for a in dense.kernel.value.sharding.spec]
out["other_spec"] = [a for a in other.kernel.value.sharding.spec]

placed = distribution.distribute_tensor(
    np.ones((8, 2)), distribution.TensorLayout(["batch", None], mesh)
)
out["distribute_tensor"] = [list(placed.shape), [a for a in placed.sharding.spec]]

# A tiny DataParallel fit: the same weights, SGD, two steps of 8 samples.
rng = np.random.default_rng(0)
x = rng.normal(size=(16, 6)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
weights = [
    rng.normal(size=(6, 4)).astype("float32") * 0.5,
    np.zeros(4, "float32"),
    rng.normal(size=(4, 1)).astype("float32") * 0.5,
    np.zeros(1, "float32"),
]
distribution.set_distribution(dp)
model = keras.Sequential(
    [keras.Input((6,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
)
model.set_weights(weights)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
out["fit_loss"] = history.history["loss"]
out["fit_weights"] = [np.asarray(w).tolist() for w in model.get_weights()]
out["odd_batch"] = error_of(lambda: model.fit(x[:6], y[:6], batch_size=6, epochs=1, verbose=0))
distribution.set_distribution(None)
print(json.dumps(out))
