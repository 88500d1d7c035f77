"""keras.RematScope/remat, keras.Function and keras.distillation, observed the same way under
Keras 3.15 and cornu: outputs and gradients under remat, a Function's results and errors, and a
Distiller's losses, history keys and config on fixed weights."""

import numpy as np

from tests.parity.case import ALL, TRAINING, case


def _np(keras, value):
    return np.asarray(keras.ops.convert_to_numpy(value))


def _model(keras, units, name, seed):
    rng = np.random.default_rng(seed)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(units, activation="relu", name="hidden")(inputs)
    logits = keras.layers.Dense(3, name="logits")(hidden)
    model = keras.Model(inputs, logits, name=name)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model


X = np.random.default_rng(0).random((8, 4)).astype("float32")
Y = np.random.default_rng(1).integers(0, 3, (8,))


@case(backends=ALL)
def case_remat_outputs(keras, H):
    # (Keras 3.15 fails in "larger_than" mode on a Functional model: compute_output_shape
    # receives None; cornu computes the size)
    with keras.RematScope(mode="list_of_layers", layer_names=["hidden"]):
        model = _model(keras, 8, "m", seed=2)
    scope = keras.RematScope(mode="list_of_layers", layer_names=["a"])
    block = keras.remat(lambda v: keras.ops.tanh(v) * 2.0)
    return {
        "out": _np(keras, model(X)),
        "block": _np(keras, block(X)),
        "scope": [scope.mode, scope.output_size_threshold, list(scope.layer_names)],
        "default": [keras.RematScope().mode, keras.RematScope().output_size_threshold],
    }


@case(backends=ALL)
def case_function_calls(keras, H):
    x = keras.KerasTensor((None, 3), name="x")
    y = keras.KerasTensor((None, 3), name="y")
    z = keras.ops.add(x, y) * 2.0
    fn = keras.Function([x, y], [z, keras.ops.sum(z, axis=-1)], name="fn")
    a = np.arange(6, dtype="float32").reshape(2, 3)
    out = fn([a, a + 1])
    errors = {}
    for label, args in [("leaf", a), ("shape", [np.ones((2, 4), "float32"), a])]:
        try:
            fn(args)
            errors[label] = None
        except ValueError as error:
            errors[label] = type(error).__name__
    i1, i2 = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    nested = keras.Function({"a": i1, "b": i2}, {"s": i1 + i2, "p": [i1 * i2]})
    r = nested({"a": np.ones((1, 2), "float32"), "b": np.full((1, 2), 3.0, "float32")})
    return {
        "out": [_np(keras, o) for o in out],
        "type": type(out).__name__,
        "ops": [op.name for op in fn.operations],
        "shape": [tuple(s) for s in fn.compute_output_shape([(5, 3), (5, 3)])],
        "errors": errors,
        "nested": {"s": _np(keras, r["s"]), "p": [_np(keras, r["p"][0])]},
    }


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_distillation_loss_values(keras, H):
    D = keras.distillation
    t = np.random.default_rng(3).standard_normal((6, 3)).astype("float32")
    s = np.random.default_rng(4).standard_normal((6, 3)).astype("float32")
    out = {}
    for temperature in (1.0, 3.0):
        for loss in ("kl_divergence", "categorical_crossentropy", "mse"):
            value = D.LogitsDistillation(temperature=temperature, loss=loss).compute_loss(t, s)
            out[f"logits_{loss}_{temperature}"] = float(_np(keras, value))
    out["feature_mse"] = float(_np(keras, D.FeatureDistillation().compute_loss(t, s)))
    out["feature_mae"] = float(_np(keras, D.FeatureDistillation(loss="mae").compute_loss(t, s)))
    out["logits_config"] = D.LogitsDistillation(temperature=2.0).get_config()
    out["feature_config"] = D.FeatureDistillation(
        teacher_layer_name="hidden", student_layer_name="hidden"
    ).get_config()
    return out


@case(backends=TRAINING, rtol=1e-4, atol=1e-5)
def case_distiller_fit_evaluate(keras, H):
    D = keras.distillation
    teacher, student = _model(keras, 8, "teacher", seed=5), _model(keras, 6, "student", seed=6)
    distiller = D.Distiller(
        teacher,
        student,
        [D.LogitsDistillation(temperature=2.0), D.FeatureDistillation(loss="mse")],
        distillation_loss_weights=[1.0, 0.5],
        student_loss_weight=0.3,
    )
    distiller.compile(
        optimizer=keras.optimizers.SGD(0.0),  # fixed weights: the losses of the given ones
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = distiller.fit(X, Y, epochs=1, batch_size=8, verbose=0, shuffle=False).history
    evaluation = distiller.evaluate(X, Y, verbose=0, return_dict=True)
    config = distiller.get_config()
    return {
        "history": {k: [float(v) for v in vals] for k, vals in sorted(history.items())},
        "evaluate": {k: float(v) for k, v in sorted(evaluation.items())},
        "predict": distiller.predict(X, verbose=0).shape,
        "teacher_trainable": teacher.trainable,
        "trainable_weights": len(distiller.trainable_weights),
        "config_keys": sorted(config),
        "config_losses": [item["class_name"] for item in config["distillation_losses"]],
        "config_weights": [config["distillation_loss_weights"], config["student_loss_weight"]],
    }
