"""Optimizers: update rules, clipping, weight decay, schedules, EMA, accumulation, configs."""

import numpy as np

from tests.parity.case import case

_GRADS = [
    np.array([[0.5, -1.0], [2.0, 0.1]], "float32"),
    np.array([[-0.3, 0.4], [1.0, -2.0]], "float32"),
    np.array([[0.05, 0.2], [-0.7, 0.9]], "float32"),
]
_START = np.array([[1.0, -0.5], [0.25, 2.0]], "float32")


def _steps(keras, optimizer, grads=_GRADS, start=_START):
    """The variable's value after each of `grads` is applied."""
    variable = keras.Variable(start.copy(), name="w")
    values = []
    for grad in grads:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(grad), variable)])
        values.append(keras.ops.convert_to_numpy(variable))
    return values


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_sgd_rules(keras, H):
    O = keras.optimizers
    return {
        "plain": _steps(keras, O.SGD(0.1)),
        "momentum": _steps(keras, O.SGD(0.1, momentum=0.9)),
        "nesterov": _steps(keras, O.SGD(0.1, momentum=0.9, nesterov=True)),
    }


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_adam_family_rules(keras, H):
    O = keras.optimizers
    return {
        "adam": _steps(keras, O.Adam(0.1)),
        "adam_amsgrad": _steps(keras, O.Adam(0.1, amsgrad=True, beta_1=0.8, epsilon=1e-3)),
        "adamw": _steps(keras, O.AdamW(0.1, weight_decay=0.1)),
        "adamax": _steps(keras, O.Adamax(0.1)),
        "nadam": _steps(keras, O.Nadam(0.1)),
    }


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_adaptive_rules(keras, H):
    O = keras.optimizers
    return {
        "rmsprop": _steps(keras, O.RMSprop(0.1)),
        "rmsprop_centered_momentum": _steps(
            keras, O.RMSprop(0.1, rho=0.8, momentum=0.5, centered=True)
        ),
        "adagrad": _steps(keras, O.Adagrad(0.1, initial_accumulator_value=0.2)),
        "adadelta": _steps(keras, O.Adadelta(1.0, rho=0.9)),
        "ftrl": _steps(
            keras, O.Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.02)
        ),
        "lion": _steps(keras, O.Lion(0.1)),
        "lamb": _steps(keras, O.Lamb(0.1)),
    }


@case(rtol=1e-4, atol=1e-6)
def case_adafactor_rule(keras, H):
    grads = [
        np.full((3, 4), g, "float32") * np.arange(12, dtype="float32").reshape(3, 4)
        for g in (0.1, -0.2, 0.3)
    ]
    return _steps(keras, keras.optimizers.Adafactor(0.1), grads, np.ones((3, 4), "float32"))


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_gradient_clipping(keras, H):
    O = keras.optimizers
    return {
        "clipnorm": _steps(keras, O.SGD(0.1, clipnorm=0.5)),
        "clipvalue": _steps(keras, O.SGD(0.1, clipvalue=0.3)),
        "global_clipnorm": _steps(keras, O.SGD(0.1, global_clipnorm=1.0)),
        "adam_clipnorm": _steps(keras, O.Adam(0.1, clipnorm=0.1)),
        "both_errors": H.raises(O.SGD, clipnorm=1.0, global_clipnorm=1.0),
    }


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_global_clipnorm_across_variables(keras, H):
    a = keras.Variable(np.ones((2,), "float32"), name="a")
    b = keras.Variable(np.ones((3,), "float32"), name="b")
    optimizer = keras.optimizers.SGD(1.0, global_clipnorm=1.0)
    optimizer.apply_gradients(
        [
            (keras.ops.convert_to_tensor(np.array([3.0, 4.0], "float32")), a),
            (keras.ops.convert_to_tensor(np.array([0.0, 0.0, 12.0], "float32")), b),
        ]
    )
    return keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_weight_decay_and_exclusion(keras, H):
    O = keras.optimizers
    a = keras.Variable(np.ones((2,), "float32"), name="kernel")
    b = keras.Variable(np.ones((2,), "float32"), name="bias")
    optimizer = O.SGD(0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    grad = keras.ops.convert_to_tensor(np.array([0.1, -0.1], "float32"))
    optimizer.apply_gradients([(grad, a), (grad, b)])
    return {
        "sgd_decay": _steps(keras, O.SGD(0.1, weight_decay=0.1)),
        "adam_decay": _steps(keras, O.Adam(0.1, weight_decay=0.1)),
        "excluded": (keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b)),
    }


@case(rtol=1e-5, atol=1e-7)
def case_schedules_values_and_configs(keras, H):
    S = keras.optimizers.schedules
    schedules = {
        "exponential": S.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5),
        "exponential_staircase": S.ExponentialDecay(
            0.1, decay_steps=10, decay_rate=0.5, staircase=True
        ),
        "piecewise": S.PiecewiseConstantDecay(boundaries=[10, 20], values=[0.1, 0.01, 0.001]),
        "polynomial": S.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0),
        "polynomial_cycle": S.PolynomialDecay(0.1, decay_steps=10, cycle=True),
        "inverse_time": S.InverseTimeDecay(0.1, decay_steps=10, decay_rate=0.5),
        "cosine": S.CosineDecay(0.1, decay_steps=10, alpha=0.1),
        "cosine_warmup": S.CosineDecay(0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5),
        "cosine_restarts": S.CosineDecayRestarts(0.1, first_decay_steps=10, t_mul=2.0, m_mul=0.5),
    }
    out = {}
    for name, schedule in schedules.items():
        values = [
            float(keras.ops.convert_to_numpy(schedule(step))) for step in (0, 3, 5, 10, 15, 25, 40)
        ]
        config = schedule.get_config()
        out[name] = (values, config, type(schedule).from_config(config).get_config() == config)
    out["serialize"] = S.serialize(schedules["exponential"])
    return out


@case(rtol=1e-5, atol=1e-7)
def case_schedule_drives_learning_rate(keras, H):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    optimizer = keras.optimizers.SGD(schedule)
    values = _steps(keras, optimizer)
    return {
        "values": values,
        "iterations": int(keras.ops.convert_to_numpy(optimizer.iterations)),
        "learning_rate": float(keras.ops.convert_to_numpy(optimizer.learning_rate)),
        "config_lr": optimizer.get_config()["learning_rate"],
    }


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_learning_rate_assignment(keras, H):
    optimizer = keras.optimizers.Adam(0.1)
    variable = keras.Variable(_START.copy(), name="w")
    optimizer.apply_gradients([(keras.ops.convert_to_tensor(_GRADS[0]), variable)])
    optimizer.learning_rate = 0.01
    optimizer.apply_gradients([(keras.ops.convert_to_tensor(_GRADS[1]), variable)])
    return {
        "value": keras.ops.convert_to_numpy(variable),
        "lr": float(keras.ops.convert_to_numpy(optimizer.learning_rate)),
        "iterations": int(keras.ops.convert_to_numpy(optimizer.iterations)),
        "variables": len(optimizer.variables),
    }


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_ema_and_gradient_accumulation(keras, H):
    O = keras.optimizers
    ema = O.SGD(0.1, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    accumulate = O.SGD(0.1, gradient_accumulation_steps=2)
    scaled = O.SGD(0.1, loss_scale_factor=4.0)
    return {
        "ema": _steps(keras, ema),
        "accumulate": _steps(keras, accumulate),
        "loss_scale_factor": _steps(keras, scaled),
    }


@case()
def case_optimizer_configs(keras, H):
    O = keras.optimizers
    optimizers = [
        O.SGD(0.05, momentum=0.9, nesterov=True, name="s"), O.Adam(clipnorm=1.0), O.AdamW(),
        O.Adamax(), O.Nadam(), O.RMSprop(centered=True), O.Adagrad(), O.Adadelta(), O.Ftrl(),
        O.Lion(), O.Lamb(), O.Adafactor(), O.SGD(global_clipnorm=2.0, weight_decay=0.01, use_ema=True),
    ]  # fmt: skip
    out = []
    for optimizer in optimizers:
        config = optimizer.get_config()
        config.pop("name")  # (default names are numbered per session)
        out.append((type(optimizer).__name__, config))
    restored = O.Adam.from_config(O.Adam(0.02, beta_1=0.8).get_config())
    return {
        "configs": out,
        "roundtrip": (float(keras.ops.convert_to_numpy(restored.learning_rate)), restored.beta_1),
        "get": [
            type(O.get(name)).__name__
            for name in ("sgd", "adam", "rmsprop", "adamw", "nadam", "adagrad")
        ],
        "unknown": H.raises(O.get, "no_such_optimizer"),
        "deserialize": type(
            O.deserialize({"class_name": "SGD", "config": {"learning_rate": 0.3}})
        ).__name__,
    }


@case(rtol=1e-4, atol=1e-5)  # (float32 rounding differs by backend kernel order)
def case_optimizer_in_fit(keras, H):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    out = {}
    for name, make in (
        ("adam_clip", lambda: keras.optimizers.Adam(0.05, clipnorm=0.5)),
        ("sgd_schedule", lambda: keras.optimizers.SGD(keras.optimizers.schedules.PiecewiseConstantDecay([4], [0.1, 0.01]), momentum=0.5)),
        ("rmsprop_value_clip", lambda: keras.optimizers.RMSprop(0.01, clipvalue=0.1)),
    ):  # fmt: skip
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        H.det_weights(model)
        optimizer = make()
        model.compile(optimizer, loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        out[name] = (
            H.rounded(history),
            H.weights(model),
            int(keras.ops.convert_to_numpy(optimizer.iterations)),
        )
    return out
