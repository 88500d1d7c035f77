"""Optimizers and float8 layers: the variables every optimizer creates for a model quantized
with "float8" (no slots or moving averages for the scales and amax histories, which are
marked `overwrite_with_gradient`; gradient accumulators for all; Adafactor's placeholders),
in order, and the optimizer state, scales, histories and weights after fit steps.

Optimizers get explicit names: some default names differ from Keras's (reported apart), and
the comparison here is about which variables exist, in which order."""

import numpy as np

from tests.parity.case import ALL, TRAINING, case

_RNG = np.random.default_rng(11)
_X = (_RNG.standard_normal((6, 4)) * 2).astype("float32")
_Y = _RNG.standard_normal((6, 2)).astype("float32")

# Slot names Keras gives through `add_variable_from_reference` (Adafactor's row/column
# placeholders and Nadam's product are named differently in cornu, so only these are kept).
_SLOT_SUFFIXES = (
    "_momentum", "_velocity", "_velocity_hat", "_norm", "_accumulator", "_linear",
    "_average_gradient", "_accumulated_grad", "_accumulated_delta_var", "_average",
    "_gradient_accumulator",
)  # fmt: skip


def _optimizers(keras):
    O = keras.optimizers
    return {
        "sgd": lambda: O.SGD(0.05, name="sgd"),
        "sgd_momentum": lambda: O.SGD(0.05, momentum=0.9, nesterov=True, name="sgdm"),
        "adam": lambda: O.Adam(0.01, name="adam"),
        "adam_amsgrad": lambda: O.Adam(0.01, amsgrad=True, name="ams"),
        "adamw": lambda: O.AdamW(0.01, name="adamw"),
        "adamax": lambda: O.Adamax(0.01, name="adamax"),
        "nadam": lambda: O.Nadam(0.01, name="nadam"),
        "rmsprop": lambda: O.RMSprop(0.01, name="rms"),
        "rmsprop_centered": lambda: O.RMSprop(0.01, momentum=0.5, centered=True, name="rmsc"),
        "adagrad": lambda: O.Adagrad(0.05, name="adagrad"),
        "adadelta": lambda: O.Adadelta(1.0, name="adadelta"),
        "adafactor": lambda: O.Adafactor(0.01, name="adafactor"),
        "ftrl": lambda: O.Ftrl(0.05, l2_shrinkage_regularization_strength=0.1, name="ftrl"),
        "lion": lambda: O.Lion(0.01, name="lion"),
        "lamb": lambda: O.Lamb(0.01, name="lamb"),
        "muon": lambda: O.Muon(0.01, name="muon"),
        "adam_ema": lambda: O.Adam(0.01, use_ema=True, name="adam_ema"),
        "adam_accumulation": lambda: O.Adam(0.01, gradient_accumulation_steps=2, name="ga"),
        "sgd_ema_accumulation": lambda: O.SGD(
            0.05, use_ema=True, ema_momentum=0.5, gradient_accumulation_steps=2, name="sga"
        ),
        "loss_scale": lambda: O.LossScaleOptimizer(O.Adam(0.01, name="inner"), name="lso"),
    }


def _model(keras, H, seed):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, name="d"), keras.layers.Dense(2, name="e")],
        name="seq",
    )
    H.det_weights(model, seed=seed, scale=0.5)
    model.quantize("float8")
    return model


def _layout(optimizer):
    """(kept path or None, shape) of each optimizer variable, in order."""
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    rows = []
    for variable in optimizer.variables:
        path = variable.path
        kept = path.split("/")[-1] if path.endswith(_SLOT_SUFFIXES) else None
        rows.append((kept, tuple(variable.shape)))
    return rows


def _numpy(variable):
    value = variable.value
    if hasattr(value, "detach"):
        value = value.detach().cpu()
    return np.array(value)


@case(backends=ALL)
def case_optimizer_slots_for_a_float8_model(keras, H):
    built = {}
    for name, make in _optimizers(keras).items():
        model = _model(keras, H, seed=1)
        optimizer = make()
        optimizer.build(model.trainable_variables)
        built[name] = {"count": len(optimizer.variables), "layout": _layout(optimizer)}
    model = _model(keras, H, seed=1)
    optimizer = keras.optimizers.Adam(name="adam")
    optimizer.build(model.trainable_variables)
    slots = optimizer.add_optimizer_variables(model.trainable_variables, ["a", "b"])
    built["add_optimizer_variables"] = [[s is None for s in group] for group in slots]
    return built


def _fit(keras, H, names):
    trained = {}
    makers = _optimizers(keras)
    for name in names:
        model = _model(keras, H, seed=2)
        model.compile(makers[name](), "mse")
        model.fit(_X, _Y, batch_size=2, epochs=1, verbose=0, shuffle=False)  # 3 steps
        optimizer = model.optimizer
        if optimizer.use_ema:
            # Keras's fit ends by setting the weights to their averages (a no-op repeated
            # here); cornu's trainer does not yet, so the case calls it explicitly.
            optimizer.finalize_variable_values(model.trainable_variables)
        trained[name] = {
            "layout": _layout(optimizer),
            "optimizer": [_numpy(v) for v in optimizer.variables],
            "weights": {v.path: _numpy(v) for v in model.weights},
            "predict": model.predict(_X, verbose=0),
        }
    return trained


@case(backends=TRAINING, rtol=1e-4, atol=1e-5, timeout=240)
def case_float8_fit_with_adam_family(keras, H):
    return _fit(keras, H, ["adam", "adam_amsgrad", "adamw", "adamax", "nadam", "lamb", "lion"])


@case(backends=TRAINING, rtol=1e-4, atol=1e-5, timeout=240)
def case_float8_fit_with_other_optimizers(keras, H):
    return _fit(
        keras, H,
        ["sgd", "sgd_momentum", "rmsprop", "rmsprop_centered", "adagrad", "adadelta",
         "adafactor", "ftrl", "muon"],
    )  # fmt: skip


# Not LossScaleOptimizer: under `fit` Keras leaves the float8 scales and histories unscaled
# while cornu divides them by the loss scale (an open difference; see the report).
@case(backends=TRAINING, rtol=1e-4, atol=1e-5, timeout=240)
def case_float8_fit_with_accumulation(keras, H):
    return _fit(keras, H, ["adam_accumulation"])


# Keras 3.15.1 on tensorflow fails to fit a float8 model with use_ema=True (it reads the None
# average of a scale), and on jax fails on a second `fit` call: one call, jax and torch only.
@case(backends=("jax", "torch"), rtol=1e-4, atol=1e-5, timeout=240)
def case_float8_fit_with_ema(keras, H):
    return _fit(keras, H, ["adam_ema", "sgd_ema_accumulation"])
