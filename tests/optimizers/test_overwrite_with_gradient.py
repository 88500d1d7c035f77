"""Optimizers and variables marked `overwrite_with_gradient` (the float8 scales and amax
histories): no slots or moving averages for them (only gradient accumulators, and Adafactor's
two placeholders), the raw gradient assigned to them (on the update step under gradient
accumulation), the other slots still aligned with their variables, and optimizer state that
saves, loads and keeps training. The expected layouts and values are what Keras 3.15.1 shows
for the same user code."""

import numpy as np
import pytest

import cornu
from cornu import ops, optimizers
from tests.conftest import requires_training

# (id, constructor): every optimizer, and the base-class options that add state.
OPTIMIZERS = [
    ("sgd", lambda: optimizers.SGD()),
    ("sgd_momentum", lambda: optimizers.SGD(momentum=0.9, nesterov=True)),
    ("adam", lambda: optimizers.Adam()),
    ("adam_amsgrad", lambda: optimizers.Adam(amsgrad=True)),
    ("adamw", lambda: optimizers.AdamW()),
    ("adamax", lambda: optimizers.Adamax()),
    ("nadam", lambda: optimizers.Nadam()),
    ("rmsprop", lambda: optimizers.RMSprop()),
    ("rmsprop_centered", lambda: optimizers.RMSprop(centered=True, momentum=0.5)),
    ("adagrad", lambda: optimizers.Adagrad()),
    ("adadelta", lambda: optimizers.Adadelta()),
    ("adafactor", lambda: optimizers.Adafactor()),
    ("ftrl", lambda: optimizers.Ftrl(l2_shrinkage_regularization_strength=0.1)),
    ("lion", lambda: optimizers.Lion()),
    ("lamb", lambda: optimizers.Lamb()),
    ("muon", lambda: optimizers.Muon()),
    ("schedule_free_adamw", lambda: optimizers.ScheduleFreeAdamW()),
    ("adam_ema", lambda: optimizers.Adam(use_ema=True)),
    ("sgd_accumulation", lambda: optimizers.SGD(gradient_accumulation_steps=2)),
    ("adam_ema_accumulation", lambda: optimizers.Adam(use_ema=True, gradient_accumulation_steps=2)),
    ("loss_scale", lambda: optimizers.LossScaleOptimizer(optimizers.Adam())),
]
IDS = [name for name, _ in OPTIMIZERS]
MAKERS = [make for _, make in OPTIMIZERS]


def _variables():
    """A kernel, a bias, and a scalar scale and a history marked overwrite_with_gradient."""
    kernel = cornu.Variable(np.full((2, 3), 0.5, "float32"), name="kernel")
    bias = cornu.Variable(np.zeros((3,), "float32"), name="bias")
    scale = cornu.Variable(np.ones((), "float32"), name="scale")
    history = cornu.Variable(np.zeros((4,), "float32"), name="history")
    scale.overwrite_with_gradient = True
    history.overwrite_with_gradient = True
    return [kernel, bias, scale, history]


def _value(variable):
    return np.array(ops.convert_to_numpy(variable.value))  # a copy: torch shares memory


def _float8_model():
    model = cornu.Sequential([cornu.Input((4,)), cornu.layers.Dense(3, name="d")], name="seq")
    model.quantize("float8")
    return model


# -- slots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_no_slots_for_overwrite_variables(make):
    variables = _variables()
    marked = make()
    marked.build(variables)
    plain = make()
    plain.build(variables[:2])
    # Only gradient accumulators (every variable has one) and Adafactor's two unused
    # placeholders per variable exist for the marked ones.
    inner = getattr(marked, "inner_optimizer", marked)
    extra = 2 * (2 if isinstance(inner, optimizers.Adafactor) else 0)
    extra += 2 if inner.gradient_accumulation_steps else 0
    assert len(marked.variables) == len(plain.variables) + extra
    names = [v.name for v in marked.variables]
    for_marked = [n for n in names if n.startswith(("scale_", "history_"))]
    allowed = ("_gradient_accumulator", "_row", "_column")
    assert [n for n in for_marked if not n.endswith(allowed)] == []


@pytest.mark.parametrize(
    "name,expected",
    [
        ("adam", ["momentum", "velocity"]),
        ("rmsprop_centered", ["velocity", "momentum", "average_gradient"]),
        ("adafactor", ["row", "column", "velocity"]),
    ],
    ids=["adam", "rmsprop_centered", "adafactor"],
)
def test_slot_layout_of_a_float8_dense(name, expected):
    model = _float8_model()
    optimizer = dict(OPTIMIZERS)[name]()
    optimizer.build(model.trainable_variables)
    slots = [v.path.split("/", 1)[1] for v in optimizer.variables[2:]]
    if name == "adam":  # Keras 3.15.1's list, slot by slot for each variable
        assert slots == [
            "seq_d_kernel_momentum", "seq_d_kernel_velocity",
            "seq_d_bias_momentum", "seq_d_bias_velocity",
        ]  # fmt: skip
    elif name == "rmsprop_centered":  # every velocity, then every momentum, then averages
        assert slots == [f"seq_d_{v}_{s}" for s in expected for v in ("kernel", "bias")]
    else:  # velocity only for the kernel and bias; placeholders for all eight variables
        assert len(slots) == 2 * 8 + 2
        assert [s for s in slots if s.endswith("velocity")] == [
            "seq_d_kernel_velocity", "seq_d_bias_velocity",
        ]  # fmt: skip


def test_add_optimizer_variables_gives_none_for_overwrite_variables():
    variables = _variables()
    optimizer = optimizers.SGD()
    optimizer.build(variables)
    slots = optimizer.add_optimizer_variables(variables, ["a", "b"])
    assert [[s is None for s in group] for group in slots] == [[False, False, True, True]] * 2
    # add_variable_from_reference itself does not skip them (as in Keras).
    assert optimizer.add_variable_from_reference(variables[2], "c").name == "scale_c"


# -- applying gradients --------------------------------------------------------------------


def _grads(step=0):
    return [np.full(v.shape, 2.0 + step + i, "float32") for i, v in enumerate(_variables())]


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_apply_assigns_the_gradient_and_updates_the_rest(make):
    variables = _variables()
    optimizer = make()
    optimizer.build(variables)
    kernel_before = _value(variables[0])
    for step in range(2):
        optimizer.apply(_grads(step), variables)
    # The last call's gradient (also under accumulation: the second call is the update step),
    # divided by the loss scale under a LossScaleOptimizer (see the test below).
    divisor = _value(optimizer.dynamic_scale) if hasattr(optimizer, "dynamic_scale") else 1.0
    np.testing.assert_allclose(_value(variables[2]), 5.0 / divisor)
    np.testing.assert_allclose(_value(variables[3]), np.full((4,), 6.0 / divisor))
    assert np.any(_value(variables[0]) != kernel_before)


def test_overwrite_takes_the_raw_gradient():
    # Before loss-scale unscaling, clipping and weight decay (Keras's values).
    for kwargs in ({"loss_scale_factor": 2.0}, {"clipvalue": 0.5}, {"weight_decay": 0.5}):
        variables = _variables()
        optimizers.SGD(0.1, **kwargs).apply(_grads(), variables)
        np.testing.assert_allclose(_value(variables[2]), 4.0)


def test_loss_scale_optimizer_unscales_overwrite_gradients_too():
    # Keras 3.15.1's values: the inner optimizer receives every gradient divided by the
    # loss scale, the overwrite_with_gradient ones included (unlike `loss_scale_factor`),
    # and a non-finite step leaves them unchanged.
    variables = _variables()
    optimizer = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=4.0)
    grads = [np.full(v.shape, 8.0 + i, "float32") for i, v in enumerate(variables)]
    optimizer.apply(grads, variables)
    np.testing.assert_allclose(_value(variables[2]), 10.0 / 4.0)
    grads[1] = np.full((3,), np.inf, "float32")
    grads[2] = np.float32(100.0)
    optimizer.apply(grads, variables)
    np.testing.assert_allclose(_value(variables[2]), 10.0 / 4.0)
    np.testing.assert_allclose(_value(optimizer.dynamic_scale), 2.0)


def test_accumulation_overwrites_on_the_update_step_only():
    variables = _variables()
    optimizer = optimizers.SGD(0.1, gradient_accumulation_steps=2)
    optimizer.apply(_grads(0), variables)
    np.testing.assert_allclose(_value(variables[2]), 1.0)  # unchanged between updates
    accumulators = optimizer._accumulated_gradients
    np.testing.assert_allclose(_value(accumulators[2]), 4.0)  # summed like the others
    optimizer.apply(_grads(1), variables)
    np.testing.assert_allclose(_value(variables[2]), 5.0)  # the last call's gradient
    np.testing.assert_allclose(_value(variables[0]), 0.5 - 0.1 * 2.5)  # the mean gradient
    np.testing.assert_allclose(_value(accumulators[2]), 0.0)
    optimizer.apply(_grads(2), variables)
    np.testing.assert_allclose(_value(variables[2]), 5.0)


def test_moving_average_skips_overwrite_variables():
    variables = _variables()
    optimizer = optimizers.SGD(0.1, use_ema=True, ema_overwrite_frequency=2)
    for step in range(3):
        optimizer.apply(_grads(step), variables)
    averages = optimizer._model_variables_moving_average
    assert averages[2] is None and averages[3] is None
    np.testing.assert_allclose(_value(variables[2]), 6.0)  # never replaced by an average
    optimizer.finalize_variable_values(variables)
    np.testing.assert_allclose(_value(variables[2]), 6.0)
    np.testing.assert_allclose(_value(variables[0]), _value(averages[0]))


def test_moving_average_follows_the_variables_between_accumulated_updates():
    # Keras 3.15.1's averages after each call (momentum 0.5, accumulating 2 calls).
    variable = cornu.Variable(np.ones((2,), "float32"), name="w")
    optimizer = optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5, gradient_accumulation_steps=2)
    seen = []
    for step in range(6):
        optimizer.apply([np.full((2,), 1.0 + step, "float32")], [variable])
        seen.append(float(_value(optimizer._model_variables_moving_average[0])[0]))
    np.testing.assert_allclose(seen, [1.0, 0.85, 0.85, 0.675, 0.5875, 0.26875], rtol=1e-5)


def test_stateless_apply_with_overwrite_variables():
    variables = _variables()
    optimizer = optimizers.Adam(use_ema=True)
    optimizer.build(variables)
    new_values, new_state = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], _grads(), [v.value for v in variables]
    )
    assert len(new_state) == len(optimizer.variables) == 2 + 2 * 3
    np.testing.assert_allclose(ops.convert_to_numpy(new_values[2]), 4.0)
    np.testing.assert_allclose(ops.convert_to_numpy(new_values[3]), np.full((4,), 5.0))
    np.testing.assert_allclose(_value(variables[2]), 1.0)  # stateless: untouched


# -- training, saving and loading ----------------------------------------------------------

_RNG = np.random.default_rng(0)
_X = (_RNG.standard_normal((8, 4)) * 2).astype("float32")
_Y = _RNG.standard_normal((8, 3)).astype("float32")


TRAINED = ["sgd_momentum", "adam", "rmsprop_centered", "adafactor", "ftrl", "muon",
           "schedule_free_adamw", "adam_ema_accumulation", "loss_scale"]  # fmt: skip


@requires_training
@pytest.mark.parametrize("name", TRAINED)
def test_float8_model_trains(name):
    make = dict(OPTIMIZERS)[name]
    model = _float8_model()
    optimizer = make()
    model.compile(optimizer, "mse")
    layer = model.layers[-1]
    scale_before = _value(layer.inputs_scale)
    model.fit(_X, _Y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    plain = make()
    plain.build(model.trainable_variables[:2])
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    extra = 2 * (6 if isinstance(inner, optimizers.Adafactor) else 0)
    extra += 6 if inner.gradient_accumulation_steps else 0
    assert len(optimizer.variables) == len(plain.variables) + extra
    assert _value(layer.inputs_amax_history)[0] > 0  # overwritten with the new history
    assert np.all(np.isfinite(_value(layer.kernel)))
    assert scale_before.shape == _value(layer.inputs_scale).shape


@requires_training
def test_float8_model_with_adam_state_saves_loads_and_keeps_training(tmp_path):
    model = _float8_model()
    model.set_weights([w + 0.1 for w in model.get_weights()])
    model.compile(optimizers.Adam(0.01), "mse")
    model.fit(_X[:4], _Y[:4], batch_size=4, epochs=2, verbose=0, shuffle=False)
    path = str(tmp_path / "float8_adam.keras")
    model.save(path)
    loaded = cornu.saving.load_model(path)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables) == 6
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(_value(a), _value(b))
    for fitted in (model, loaded):
        fitted.fit(_X[4:], _Y[4:], batch_size=4, epochs=1, verbose=0, shuffle=False)
    # A loaded float8 layer lists its scales and histories first (as in Keras): match names.
    trained = {v.name: _value(v) for v in model.weights}
    assert sorted(trained) == sorted(v.name for v in loaded.weights)
    for variable in loaded.weights:
        np.testing.assert_allclose(_value(variable), trained[variable.name], rtol=1e-6, atol=1e-6)


_IN_KERAS = """
import os, sys
import numpy as np
import keras
folder, mode = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
x = (rng.standard_normal((8, 4)) * 2).astype("float32")
y = rng.standard_normal((8, 3)).astype("float32")
if mode == "save":
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")], name="seq")
    model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
    model.quantize("float8")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model.fit(x[:4], y[:4], batch_size=4, epochs=2, verbose=0, shuffle=False)
    model.save(os.path.join(folder, "keras.keras"))
else:
    model = keras.saving.load_model(os.path.join(folder, "cornu.keras"))
    model.fit(x[4:], y[4:], batch_size=4, epochs=1, verbose=0, shuffle=False)
    arrays = {v.name: keras.ops.convert_to_numpy(v) for v in model.weights}
    arrays.update({f"optimizer_{i}": keras.ops.convert_to_numpy(v)
                   for i, v in enumerate(model.optimizer.variables)})
    np.savez(os.path.join(folder, "keras_loaded.npz"), **arrays)
"""


def _in_keras(folder, mode):
    import importlib.util
    import os
    import subprocess
    import sys

    if importlib.util.find_spec("keras") is None:
        pytest.skip("real Keras (the oracle) is not installed")
    env = dict(os.environ, KERAS_BACKEND=cornu.backend.backend(), TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run(
        [sys.executable, "-c", _IN_KERAS, str(folder), mode],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, f"the Keras subprocess failed:\n{proc.stderr[-3000:]}"


@requires_training
def test_float8_adam_state_passes_both_ways_with_keras(tmp_path):
    # The same model and steps as the Keras subprocess: trained, saved, loaded by the other
    # library, trained one more step; the four combinations end equal.
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((8, 4)) * 2).astype("float32")
    y = rng.standard_normal((8, 3)).astype("float32")
    model = _float8_model()
    for variable in model.trainable_variables[:2]:
        variable.assign(np.full(variable.shape, 0.1, "float32"))
    model.compile(optimizers.Adam(0.01), "mse")
    model.fit(x[:4], y[:4], batch_size=4, epochs=2, verbose=0, shuffle=False)
    model.save(str(tmp_path / "cornu.keras"))
    _in_keras(tmp_path, "save")
    _in_keras(tmp_path, "load")
    from_keras = cornu.saving.load_model(str(tmp_path / "keras.keras"))
    assert len(from_keras.optimizer.variables) == 6
    from_keras.fit(x[4:], y[4:], batch_size=4, epochs=1, verbose=0, shuffle=False)
    keras_loaded = np.load(tmp_path / "keras_loaded.npz")
    for variable in from_keras.weights:
        np.testing.assert_allclose(
            _value(variable), keras_loaded[variable.name], rtol=1e-5, atol=1e-6
        )
    for i, variable in enumerate(from_keras.optimizer.variables):
        np.testing.assert_allclose(
            _value(variable), keras_loaded[f"optimizer_{i}"], rtol=1e-5, atol=1e-6
        )
