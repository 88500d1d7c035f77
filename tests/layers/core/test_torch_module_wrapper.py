"""TorchModuleWrapper: torch parameters become weights (shared storage), fit trains them,
the training flag sets the module's mode, configs round-trip; other backends refuse it."""

import numpy as np
import pytest

import cornu
from cornu import backend, layers
from tests.conftest import requires_training

torch_only = pytest.mark.skipif(backend.backend() != "torch", reason="wraps torch modules")


@pytest.mark.skipif(backend.backend() == "torch", reason="checks the error other backends give")
def test_refused_on_other_backends():
    with pytest.raises(ValueError, match="needs the torch backend"):
        layers.TorchModuleWrapper(object())


@torch_only
@requires_training
def test_parameters_tracked_and_trained():
    import torch

    linear = torch.nn.Linear(4, 3)
    wrapper = layers.TorchModuleWrapper(linear)
    assert len(wrapper.trainable_weights) == 2
    x = np.random.default_rng(0).standard_normal((32, 4)).astype("float32")
    expected = linear(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(wrapper(x).detach().cpu().numpy(), expected, rtol=1e-6)
    inputs = cornu.Input((4,))
    model = cornu.Model(inputs, layers.Dense(1)(wrapper(inputs)))
    before = linear.weight.detach().clone()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    assert not torch.allclose(before, linear.weight.detach())


@torch_only
def test_training_flag_sets_module_mode_and_config_round_trips(tmp_path):
    import torch

    module = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3))
    wrapper = layers.TorchModuleWrapper(module, output_shape=(None, 3))
    inputs = cornu.Input((2,))
    model = cornu.Model(inputs, wrapper(inputs))
    x = np.random.default_rng(1).standard_normal((8, 2)).astype("float32")
    out = model.predict(x, verbose=0)
    assert not module.training  # predict ran it in eval mode
    path = str(tmp_path / "wrapped.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        cornu.saving.load_model(path)
    loaded = cornu.saving.load_model(path, safe_mode=False)
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), np.asarray(out),
                               rtol=1e-5)  # fmt: skip
