"""The torch multi-tensor update steps agree with the portable per-variable `update_step`."""

import numpy as np
import pytest

import cornu
from cornu import backend, optimizers

pytestmark = pytest.mark.skipif(
    not backend.MULTI_TENSOR_UPDATE_STEPS, reason="this backend has no multi-tensor updates"
)


def _per_variable(cls):
    """A subclass whose update_step override keeps it on the per-variable path."""

    class PerVariable(cls):
        def update_step(self, gradient, variable, learning_rate):
            super().update_step(gradient, variable, learning_rate)

    return PerVariable


def _run(optimizer, steps=4):
    rng = np.random.default_rng(0)
    variables = [
        backend.Variable(rng.normal(size=shape).astype("float32"), name=f"w{i}")
        for i, shape in enumerate([(3, 4), (4,), (2, 2, 2)])
    ]
    for _ in range(steps):
        grads = [rng.normal(size=v.shape).astype("float32") for v in variables]
        optimizer.apply([backend.convert_to_tensor(g) for g in grads], variables)
    slots = [backend.convert_to_numpy(v.value) for v in optimizer.variables]
    return [backend.convert_to_numpy(v.value) for v in variables], slots


CASES = [
    (optimizers.Adam, dict(learning_rate=0.01)),
    (optimizers.Adam, dict(learning_rate=0.01, amsgrad=True, clipnorm=0.5)),
    (optimizers.AdamW, dict(learning_rate=0.01, weight_decay=0.1)),
    (optimizers.Adam, dict(learning_rate=optimizers.schedules.ExponentialDecay(0.1, 2, 0.5))),
    (optimizers.SGD, dict(learning_rate=0.1)),
    (optimizers.SGD, dict(learning_rate=0.1, momentum=0.9)),
    (optimizers.SGD, dict(learning_rate=0.1, momentum=0.9, nesterov=True, use_ema=True)),
    (optimizers.SGD, dict(learning_rate=0.1, momentum=0.5, gradient_accumulation_steps=2)),
    (optimizers.Adam, dict(learning_rate=0.1, gradient_accumulation_steps=2)),
]


@pytest.mark.parametrize("host_scalars", [True, False], ids=["host-scalars", "tensor-scalars"])
@pytest.mark.parametrize("cls,kwargs", CASES, ids=lambda c: getattr(c, "__name__", None) or str(c))
def test_multi_tensor_matches_per_variable(cls, kwargs, host_scalars, monkeypatch):
    from cornu.backend.torch import optimizers as torch_optimizers

    monkeypatch.setattr(torch_optimizers, "_host_scalars", lambda params: host_scalars)
    fast = cls(**kwargs)
    slow = _per_variable(cls)(**kwargs)
    assert fast._multi_tensor_update_step(fast_vars := [backend.Variable(np.ones(2, "float32"))])
    assert slow._multi_tensor_update_step(fast_vars) is None
    fast_values, fast_slots = _run(fast)
    slow_values, slow_slots = _run(slow)
    for a, b in zip(fast_values + fast_slots, slow_values + slow_slots):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_stateless_apply_uses_the_per_variable_path():
    optimizer = optimizers.Adam(0.1)
    variables = [backend.Variable(np.ones(3, "float32"))]
    optimizer.build(variables)
    with backend.StatelessScope():
        assert optimizer._multi_tensor_update_step(variables) is None
    new_vars, _ = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], [cornu.ops.ones(3)], [v.value for v in variables]
    )
    np.testing.assert_allclose(backend.convert_to_numpy(new_vars[0]), 0.9 * np.ones(3), rtol=1e-5)
