"""cornu.distribution's front end: meshes, layouts, layout maps, the distributions' layouts,
the current distribution, devices and their errors (in this process, on every backend)."""

import types

import numpy as np
import pytest

import cornu
from cornu import backend, distribution
from cornu.backend.common import distribution_state

EIGHT = [f"cpu:{i}" for i in range(8)]


def variable_like(path, shape):
    """What the distributions read of a variable: its path and shape."""
    return types.SimpleNamespace(path=path, shape=shape)


@pytest.fixture
def mesh():
    return distribution.DeviceMesh((2, 4), ["batch", "model"], devices=EIGHT)


@pytest.fixture(autouse=True)
def no_distribution_left():
    yield
    distribution_state.set(None)


# -- DeviceMesh and TensorLayout ----------------------------------------------------------


def test_device_mesh_attributes(mesh):
    assert mesh.shape == (2, 4)
    assert mesh.axis_names == ["batch", "model"]
    assert isinstance(mesh.devices, np.ndarray) and mesh.devices.shape == (2, 4)
    assert mesh.devices[1, 0] == "cpu:4"
    assert mesh.axis_size("model") == 4


@pytest.mark.parametrize(
    "shape, axis_names, match",
    [
        ((2, 2), ["batch", "model"], r"shape \(2, 2\) holds 4 devices but 8 devices"),
        ((8,), ["batch", "model"], r"has 1 axes but axis_names \['batch', 'model'\] has 2"),
        ((), [], "non-empty `shape` and `axis_names`"),
        ((2, 4), ["x", "x"], "must be distinct"),
    ],
    ids=["count", "names", "empty", "duplicate"],
)
def test_device_mesh_errors(shape, axis_names, match):
    with pytest.raises(ValueError, match=match):
        distribution.DeviceMesh(shape, axis_names, devices=EIGHT)


def test_tensor_layout(mesh):
    layout = distribution.TensorLayout([None, "model"])
    assert layout.axes == (None, "model") and layout.device_mesh is None
    layout.device_mesh = mesh
    assert layout.device_mesh is mesh
    with pytest.raises(ValueError, match="already has a device mesh"):
        layout.device_mesh = mesh


def test_tensor_layout_unknown_axis(mesh):
    with pytest.raises(ValueError, match=r"name \['data'\], which are not axes of the device mesh"):
        distribution.TensorLayout(["data", None], mesh)


# -- LayoutMap -----------------------------------------------------------------------------


def test_layout_map_lookup(mesh):
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    layout_map["dense_2/bias"] = distribution.TensorLayout(["model"])
    assert layout_map.device_mesh is mesh
    assert layout_map["dense_1/kernel"].axes == (None, "model")
    assert layout_map["dense_1/kernel"].device_mesh is mesh
    assert layout_map["dense_2/bias"].axes == ("model",)
    assert layout_map["conv/kernel"] is None
    # A key matches the whole path (re.fullmatch), as in Keras.
    assert layout_map["model/dense_1/kernel"] is None
    assert layout_map["dense_1/kernel_2"] is None
    assert len(layout_map) == 2 and list(layout_map) == ["dense.*kernel", "dense_2/bias"]
    del layout_map["dense_2/bias"]
    assert len(layout_map) == 1


def test_layout_map_errors(mesh):
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense.*"] = (None, "model")
    layout_map[".*kernel"] = ("model", None)
    with pytest.raises(ValueError, match=r"matches several keys \['dense.\*', '.\*kernel'\]"):
        layout_map["dense/kernel"]
    layout_map["dense/kernel"] = (None, None)  # an equal key wins over the patterns
    assert layout_map["dense/kernel"].axes == (None, None)
    with pytest.raises(ValueError, match="already has layout"):
        layout_map["dense.*"] = (None, None)
    with pytest.raises(ValueError, match="must be TensorLayouts or tuples/lists"):
        layout_map["bias"] = "model"
    with pytest.raises(ValueError, match="not axes of the device mesh"):
        layout_map["bias"] = ("data",)


# -- the distributions' layouts ------------------------------------------------------------


def test_data_parallel_layouts():
    dp = distribution.DataParallel(devices=EIGHT[:4])
    assert dp.device_mesh.shape == (4,) and dp.device_mesh.axis_names == ["batch"]
    assert dp.batch_dim_name == "batch"
    assert dp.get_data_layout((16, 3, 2)).axes == ("batch", None, None)
    layout = dp.get_variable_layout(variable_like("dense/kernel", (3, 5)))
    assert layout.axes == (None, None) and layout.device_mesh is dp.device_mesh
    assert dp.get_tensor_layout("dense/output") is None


def test_data_parallel_from_mesh(mesh):
    dp = distribution.DataParallel(device_mesh=distribution.DeviceMesh((8,), ["data"], EIGHT))
    assert dp.batch_dim_name == "data"
    with pytest.warns(UserWarning, match="expects a one-axis DeviceMesh"):
        assert distribution.DataParallel(device_mesh=mesh).batch_dim_name == "batch"
    with pytest.raises(ValueError, match="`device_mesh` or `devices`, not both"):
        distribution.DataParallel(device_mesh=mesh, devices=EIGHT)


def test_model_parallel_layouts(mesh):
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    mp = distribution.ModelParallel(layout_map=layout_map)
    assert mp.device_mesh is mesh and mp.batch_dim_name == "batch"
    assert mp.get_data_layout((8, 3)).axes == ("batch", None)
    assert mp.get_variable_layout(variable_like("dense/kernel", (3, 4))).axes == (None, "model")
    assert mp.get_variable_layout(variable_like("dense/bias", (4,))).axes == (None,)
    assert mp.get_tensor_layout("dense/kernel").axes == (None, "model")
    assert (
        distribution.ModelParallel(layout_map=layout_map, batch_dim_name="model").batch_dim_name
        == "model"
    )


def test_a_placed_variable_keeps_its_layout(mesh):
    placed = variable_like("dense/kernel", (3, 4))
    placed._layout = distribution.TensorLayout([None, "model"], mesh)
    dp = distribution.DataParallel(devices=EIGHT)
    assert dp.get_variable_layout(placed) is placed._layout  # as Keras: not re-decided


def test_model_parallel_errors(mesh):
    layout_map = distribution.LayoutMap(mesh)
    layout_map[".*kernel"] = (None, "model")
    with pytest.raises(ValueError, match="needs `layout_map`"):
        distribution.ModelParallel()
    with pytest.raises(ValueError, match="batch_dim_name='data' is not an axis"):
        distribution.ModelParallel(layout_map=layout_map, batch_dim_name="data")
    mp = distribution.ModelParallel(layout_map=layout_map)
    with pytest.raises(ValueError, match=r"'conv/kernel' \(shape \(3, 3, 2, 4\)\).*one per"):
        mp.get_variable_layout(variable_like("conv/kernel", (3, 3, 2, 4)))


# -- devices and the current distribution ------------------------------------------------


def test_devices():
    devices = distribution.list_devices()
    assert devices and all(isinstance(d, str) and ":" in d for d in devices)
    assert distribution.get_device_count() == len(devices)
    if backend.backend() == "numpy":
        assert devices == ["cpu:0"]


def test_distribution_is_none_by_default():
    assert distribution.distribution() is None
    assert distribution_state.is_chief()


def test_set_distribution_rejects_other_values():
    with pytest.raises(ValueError, match="expects a DataParallel or ModelParallel"):
        distribution.set_distribution("data_parallel")


@pytest.mark.skipif(backend.backend() != "numpy", reason="the numpy backend's refusal")
def test_numpy_refuses_distributions():
    dp = distribution.DataParallel()
    with pytest.raises(ValueError, match=r"set_distribution\(DataParallel\) is not supported on"):
        distribution.set_distribution(dp)
    with pytest.raises(ValueError, match="not supported on the numpy backend"):
        with dp.scope():
            pass
    assert distribution.distribution() is None


@pytest.mark.skipif(backend.backend() == "numpy", reason="the numpy backend has none")
def test_set_distribution_and_scope():
    first = distribution.DataParallel(devices=distribution.list_devices())
    second = distribution.DataParallel(devices=distribution.list_devices())
    distribution.set_distribution(first)
    assert distribution.distribution() is first
    with second.scope() as current:
        assert current is second and distribution.distribution() is second
    assert distribution.distribution() is first
    distribution.set_distribution(None)
    assert distribution.distribution() is None
    assert first.num_processes == 1 and first.process_id == 0


@pytest.mark.skipif(backend.backend() != "jax", reason="NamedSharding is JAX's")
def test_jax_variables_get_named_shardings():
    import jax

    dp = distribution.DataParallel()
    with dp.scope():
        layer = cornu.layers.Dense(3)
        layer.build((None, 2))
    explicit = cornu.Variable(np.ones((2, 2)), layout=dp.get_variable_layout(layer.kernel))
    for value in (layer.kernel.value, layer.bias.value, explicit.value):
        assert isinstance(value.sharding, jax.sharding.NamedSharding)
        assert all(axis is None for axis in value.sharding.spec)
    assert layer.kernel._layout.axes == (None, None)
    plain = cornu.Variable(np.ones(2))
    assert plain._layout is None


def test_initialize_checks_its_arguments(monkeypatch):
    monkeypatch.setenv("KERAS_DISTRIBUTION_PROCESS_ID", "first")
    with pytest.raises(ValueError, match=r"KERAS_DISTRIBUTION_PROCESS_ID must be an integer"):
        distribution.initialize("127.0.0.1:1234", 2)
    monkeypatch.delenv("KERAS_DISTRIBUTION_PROCESS_ID")
    with pytest.raises(ValueError, match=r"process_id=2 must be in \[0, num_processes\)"):
        distribution.initialize("127.0.0.1:1234", 2, 2)
