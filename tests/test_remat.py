"""keras.remat and keras.RematScope: the same outputs and gradients, through the framework's
own checkpointing (jax.checkpoint, torch.utils.checkpoint, tf.recompute_grad), and less
memory for a deep MLP's gradient. On numpy (no gradients) remat runs the function as it is.

Peak memory, by hand: `CORNU_BACKEND=jax python -m tests.test_remat` (or torch).
"""

import importlib
import sys
import weakref

import numpy as np
import pytest

import cornu
from cornu import backend, layers, ops
from cornu import rematerialization as remat_module
from tests.conftest import requires_training

X = np.random.RandomState(0).rand(4, 8).astype("float32")


@pytest.fixture
def checkpoint_calls(monkeypatch):
    """Counts the calls of the backend's checkpoint primitive (by layer name when known)."""
    calls = []
    if not backend.IS_DIFFERENTIABLE:
        yield calls
        return
    module = importlib.import_module(f"cornu.backend.{backend.backend()}.remat")
    original = module.checkpoint

    def spy(fn, *tensors):
        calls.append(fn)
        return original(fn, *tensors)

    monkeypatch.setattr(module, "checkpoint", spy)
    remat_module._checkpoints.clear()
    yield calls
    remat_module._checkpoints.clear()


def _mlp(scope=None, dropout=False):
    cornu.utils.set_random_seed(1)
    stack = [layers.Dense(16, activation="relu", name="d1"), layers.Dense(3, name="d2")]
    if scope is not None:
        with scope:
            stack = [layers.Dense(16, activation="relu", name="d1"), layers.Dense(3, name="d2")]
    if dropout:
        stack.insert(1, layers.Dropout(0.5, seed=3))
    return cornu.Sequential([layers.Input((8,))] + stack)


def _weight_gradients(model, x):
    """d sum(model(x)**2) / d weights, with the backend's autodiff (training=True)."""
    name = backend.backend()
    if name == "jax":
        import jax

        trainable = [v.value for v in model.trainable_variables]
        others = [v.value for v in model.non_trainable_variables]

        def loss(values):
            out, _ = model.stateless_call(values, others, x, training=True)
            return ops.sum(out**2)

        return [np.asarray(g) for g in jax.jit(jax.grad(loss))(trainable)]
    if name == "torch":
        ops.sum(model(x, training=True) ** 2).backward()
        return [v.value.grad.numpy().copy() for v in model.trainable_variables]
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = ops.sum(model(x, training=True) ** 2)
    return [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]


# -- RematScope -------------------------------------------------------------------------------


def test_scope_arguments_and_defaults():
    scope = cornu.RematScope()
    assert (scope.mode, scope.output_size_threshold, scope.layer_names) == ("full", 1024, [])
    with cornu.RematScope(mode="larger_than", output_size_threshold=10) as entered:
        assert entered.output_size_threshold == 10
        assert remat_module.current_remat_scope() is entered
    assert remat_module.current_remat_scope() is None


def test_scope_rejects_bad_mode_and_string_names():
    with pytest.raises(ValueError, match="invalid mode 'bogus'.*'list_of_layers', or None"):
        cornu.RematScope(mode="bogus")
    with pytest.raises(TypeError, match=r"layer_names must be a list.*Pass \['d1'\]"):
        cornu.RematScope(mode="list_of_layers", layer_names="d1")


def test_scope_is_read_when_a_layer_is_created():
    inside_call = layers.Dense(2)
    with cornu.RematScope():
        made_inside = layers.Dense(2)
        inside_call(X)
    assert "call" not in vars(inside_call)  # created outside: not rematerialized
    assert isinstance(vars(made_inside)["call"], remat_module._RematCall)
    with cornu.RematScope(mode="list_of_layers", layer_names=["keep"]):
        kept, other = layers.Dense(2, name="keep"), layers.Dense(2, name="other")
        with cornu.RematScope(mode=None):
            exempt = layers.Dense(2, name="keep")
    assert "call" in vars(kept) and "call" not in vars(other) and "call" not in vars(exempt)


def test_remat_rejects_non_callables():
    with pytest.raises(TypeError, match="remat expects a callable; received int"):
        cornu.remat(3)


# -- which layers go through the framework's checkpoint ------------------------------------


@requires_training
@pytest.mark.parametrize(
    "mode, kwargs, expected",
    [
        ("full", {}, 2),
        ("activations", {}, 2),  # relu and d2's linear activation
        ("larger_than", {"output_size_threshold": 12}, 1),  # (4, 16) > 12; (4, 3) is not
        ("list_of_layers", {"layer_names": ["d2"]}, 1),
        (None, {}, 0),
    ],
    ids=["full", "activations", "larger_than", "list_of_layers", "none"],
)
def test_modes_select_layers(checkpoint_calls, mode, kwargs, expected):
    with cornu.RematScope(mode=mode, **kwargs):
        d1, d2 = layers.Dense(16, activation="relu", name="d1"), layers.Dense(3, name="d2")
    d2(d1(X))
    assert len(checkpoint_calls) == expected


@requires_training
def test_larger_than_counts_all_output_elements_strictly(checkpoint_calls):
    for threshold, expected in [(47, 1), (48, 0)]:  # the output (4, 12) has 48 elements
        with cornu.RematScope(mode="larger_than", output_size_threshold=threshold):
            dense = layers.Dense(12)
        dense(X)
        assert len(checkpoint_calls) == expected
        checkpoint_calls.clear()


@requires_training
def test_symbolic_calls_are_not_rematerialized(checkpoint_calls):
    with cornu.RematScope():
        dense = layers.Dense(2)
    out = dense(cornu.Input((8,)))
    assert tuple(out.shape) == (None, 2) and not checkpoint_calls


def test_numpy_backend_runs_the_function_as_it_is(checkpoint_calls):
    doubled = cornu.remat(lambda x, scale=2.0: x * scale)
    np.testing.assert_allclose(ops.convert_to_numpy(doubled(X, scale=3.0)), X * 3.0)
    if not backend.IS_DIFFERENTIABLE:
        assert not checkpoint_calls  # numpy: a no-op
    else:
        assert len(checkpoint_calls) == 1


# -- same outputs and gradients ----------------------------------------------------------------


@requires_training
@pytest.mark.parametrize(
    "scope",
    [
        cornu.RematScope("full"),
        cornu.RematScope("activations"),
        cornu.RematScope("larger_than", output_size_threshold=16),
        cornu.RematScope("list_of_layers", layer_names=["d1"]),
    ],
    ids=["full", "activations", "larger_than", "list_of_layers"],
)
def test_same_outputs_and_gradients(scope):
    plain, rematerialized = _mlp(), _mlp(scope)
    rematerialized.set_weights(plain.get_weights())
    np.testing.assert_allclose(
        ops.convert_to_numpy(rematerialized(X)), ops.convert_to_numpy(plain(X)), rtol=1e-6
    )
    for got, want in zip(_weight_gradients(rematerialized, X), _weight_gradients(plain, X)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@requires_training
def test_remat_function_gradient_matches():
    from tests.helpers import backend_grad_of_sum

    x = np.linspace(-2, 2, 12).reshape(3, 4).astype("float32")
    block = cornu.remat(lambda v: ops.tanh(v) * ops.exp(v))
    want = backend_grad_of_sum(lambda v: ops.tanh(v) * ops.exp(v), x)
    np.testing.assert_allclose(backend_grad_of_sum(block, x), want, rtol=1e-5)
    if backend.backend() == "jax":
        np.testing.assert_allclose(backend_grad_of_sum(block, x, jit=True), want, rtol=1e-5)


@requires_training
def test_dropout_recomputation_draws_the_same_mask():
    # d(sum(dropout(x))) / dx is the kept mask / (1 - rate): the output itself at x = 1.
    with cornu.RematScope():
        dropout = layers.Dropout(0.5, seed=3)
    model = cornu.Sequential([layers.Input((6,)), dropout])
    ones = np.ones((3, 6), "float32")
    state_before = ops.convert_to_numpy(dropout.seed_generator.state)
    grad = _input_gradient(model, ones)
    assert set(np.unique(grad)) <= {0.0, 2.0} and 0 < (grad == 0).sum() < grad.size
    if backend.backend() != "jax":  # (jax: stateless_call returns the new state instead)
        np.testing.assert_array_equal(
            ops.convert_to_numpy(dropout.seed_generator.state), state_before + [0, 1]
        )


def _input_gradient(model, x):
    from tests.helpers import backend_grad_of_sum

    if backend.backend() != "jax":
        return backend_grad_of_sum(lambda v: model(v, training=True), x)
    import jax

    others = [v.value for v in model.non_trainable_variables]

    def loss(v):
        return ops.sum(model.stateless_call([], others, v, training=True)[0])

    grad = jax.jit(jax.grad(loss))(x)
    return np.asarray(grad)


@requires_training
def test_fit_matches_without_remat():
    plain, rematerialized = _mlp(), _mlp(cornu.RematScope())
    rematerialized.set_weights(plain.get_weights())
    y = np.ones((4, 3), "float32")
    histories = []
    for model in (plain, rematerialized):
        model.compile("sgd", "mse")
        histories.append(model.fit(X, y, epochs=2, verbose=0, shuffle=False).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
    for got, want in zip(rematerialized.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# -- memory ----------------------------------------------------------------------------------


def _deep_mlp(remat, depth=8, width=128):
    """Dense+gelu blocks: without remat, each keeps its input and its pre-activation."""
    cornu.utils.set_random_seed(0)

    def stack():
        return [layers.Dense(width, activation="gelu") for _ in range(depth)]

    if remat:
        with cornu.RematScope("full"):
            blocks = stack()
    else:
        blocks = stack()
    return cornu.Sequential([layers.Input((width,))] + blocks + [layers.Dense(1)])


def peak_gradient_memory(remat, batch=256, depth=8, width=128):
    """Peak bytes the gradient of a deep MLP needs: XLA's temporary buffers of the compiled
    gradient on jax; the most tensor bytes alive at once during forward+backward on torch."""
    model = _deep_mlp(remat, depth, width)
    x = np.random.RandomState(0).rand(batch, width).astype("float32")
    if backend.backend() == "jax":
        import jax

        trainable = [v.value for v in model.trainable_variables]

        def loss(values, x):
            return ops.sum(model.stateless_call(values, [], x, training=True)[0] ** 2)

        compiled = jax.jit(jax.grad(loss)).lower(trainable, x).compile()
        return compiled.memory_analysis().temp_size_in_bytes
    import torch

    tracker = _LiveTensorBytes()
    x = torch.tensor(x)
    with tracker:
        ops.sum(model(x, training=True) ** 2).backward()
    return tracker.peak


class _LiveTensorBytes:
    """A torch dispatch mode counting the bytes of storages alive (peak), as
    `torch.cuda.max_memory_allocated` does for GPU memory, on any device."""

    def __new__(cls):
        from torch.utils._python_dispatch import TorchDispatchMode

        class Tracker(TorchDispatchMode):
            def __init__(self):
                super().__init__()
                self.live, self.now, self.peak = {}, 0, 0

            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                for tensor in out if isinstance(out, (list, tuple)) else [out]:
                    if hasattr(tensor, "untyped_storage"):
                        self._hold(tensor)
                return out

            def _hold(self, tensor):
                storage = tensor.untyped_storage()
                key = storage.data_ptr()
                if key not in self.live:
                    self.live[key] = [storage.nbytes(), 0]
                    self.now += storage.nbytes()
                    self.peak = max(self.peak, self.now)
                self.live[key][1] += 1
                weakref.finalize(tensor, self._release, key)

            def _release(self, key):
                entry = self.live[key]
                entry[1] -= 1
                if entry[1] == 0:
                    self.now -= entry[0]
                    del self.live[key]

        return Tracker()


@pytest.mark.skipif(
    backend.backend() not in ("jax", "torch"), reason="peak memory is measured on jax and torch"
)
def test_remat_lowers_peak_gradient_memory():
    peak_gradient_memory(False, batch=8, depth=2)  # warm up (first-op allocations)
    plain, rematerialized = peak_gradient_memory(False), peak_gradient_memory(True)
    assert rematerialized < 0.8 * plain, (plain, rematerialized)


if __name__ == "__main__":
    sizes = dict(batch=int(sys.argv[1]) if len(sys.argv) > 1 else 512, depth=16, width=256)
    peak_gradient_memory(False, batch=8, depth=2)
    for remat in (False, True):
        peak = peak_gradient_memory(remat, **sizes)
        print(f"{backend.backend()} {sizes} remat={remat}: {peak / 2**20:.2f} MiB")
