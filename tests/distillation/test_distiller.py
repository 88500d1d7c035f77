"""keras.distillation: the losses' values (Keras 3.15 passes the scaled logits themselves to
the loss), the Distiller's training loop, logs, checks and config."""

import numpy as np
import pytest

import cornu
from cornu import layers, ops
from cornu.distillation import (
    DistillationLoss,
    Distiller,
    FeatureDistillation,
    LogitsDistillation,
)
from tests.conftest import requires_training

T = np.array([[1.0, 2.0, 0.5]], "float32")
S = np.array([[0.2, 0.1, 0.9]], "float32")
X = np.random.default_rng(0).random((8, 4)).astype("float32")
Y = np.random.default_rng(1).integers(0, 3, (8,))


def _model(units, name, seed):
    rng = np.random.default_rng(seed)
    inputs = cornu.Input((4,))
    hidden = layers.Dense(units, activation="relu", name="hidden")(inputs)
    model = cornu.Model(inputs, layers.Dense(3, name="logits")(hidden), name=name)
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.get_weights()])
    return model


def _value(x):
    return float(ops.convert_to_numpy(x))


@pytest.mark.parametrize(
    "temperature, loss, expected",
    [
        (1.0, "kl_divergence", 3.6181297),  # the values Keras 3.15 gives
        (2.0, "kl_divergence", 3.6535046),
        (2.0, "categorical_crossentropy", 3.4527071),
        (2.0, "mse", 0.3675),
    ],
    ids=["kl-t1", "kl-t2", "cce-t2", "mse-t2"],
)
def test_logits_distillation_values(temperature, loss, expected):
    value = LogitsDistillation(temperature=temperature, loss=loss).compute_loss(T, S)
    np.testing.assert_allclose(_value(value), expected, rtol=1e-5)
    if loss in ("kl_divergence", "mse"):  # identical outputs: nothing to learn
        assert _value(LogitsDistillation(loss=loss).compute_loss(T, T)) == pytest.approx(0.0)


def test_feature_distillation_and_nested_losses():
    np.testing.assert_allclose(_value(FeatureDistillation().compute_loss(T, S)), 1.47, rtol=1e-6)
    nested = FeatureDistillation(loss=["mse", None]).compute_loss([T, T], [S, T * 9])
    np.testing.assert_allclose(_value(nested), 1.47, rtol=1e-6)
    with pytest.raises(ValueError, match="at least one loss must be given"):
        FeatureDistillation(loss=[None, None])


def test_loss_configs_round_trip():
    logits = LogitsDistillation(temperature=2.0)
    assert logits.get_config()["temperature"] == 2.0
    again = LogitsDistillation.from_config(logits.get_config())
    assert _value(again.compute_loss(T, S)) == pytest.approx(_value(logits.compute_loss(T, S)))
    feature = FeatureDistillation(teacher_layer_name="hidden", student_layer_name="hidden")
    config = feature.get_config()
    assert (config["teacher_layer_name"], config["student_layer_name"]) == ("hidden", "hidden")
    assert FeatureDistillation.from_config(config).teacher_layer_name == "hidden"


def test_base_class_needs_compute_loss():
    with pytest.raises(NotImplementedError, match="must implement compute_loss"):
        DistillationLoss().compute_loss(T, S)


def test_distiller_checks_its_arguments():
    teacher, student = _model(8, "teacher", 1), _model(6, "student", 2)
    with pytest.raises(ValueError, match="between 0.0 and 1.0, got 1.5"):
        Distiller(teacher, student, LogitsDistillation(), student_loss_weight=1.5)
    with pytest.raises(ValueError, match="has 2 weight.*for 1 distillation loss"):
        Distiller(teacher, student, LogitsDistillation(), distillation_loss_weights=[1.0, 2.0])
    with pytest.raises(TypeError, match="must be DistillationLoss instances.*str"):
        Distiller(teacher, student, "bogus")
    with pytest.raises(ValueError, match="the student model 'student' has no layer named 'nope'"):
        Distiller(teacher, student, FeatureDistillation(student_layer_name="nope"))


def test_distiller_freezes_the_teacher_and_calls_the_student():
    teacher, student = _model(8, "teacher", 1), _model(6, "student", 2)
    distiller = Distiller(teacher, student, LogitsDistillation())
    assert not teacher.trainable and len(distiller.trainable_weights) == 4
    np.testing.assert_allclose(
        ops.convert_to_numpy(distiller(X)), ops.convert_to_numpy(student(X)), rtol=1e-6
    )
    config = distiller.get_config()
    assert sorted(config) == [
        "distillation_loss_weights",
        "distillation_losses",
        "dtype",
        "name",
        "student",
        "student_loss_weight",
        "teacher",
        "trainable",
    ]
    assert config["distillation_loss_weights"] == [1.0] and config["student_loss_weight"] == 0.5


@requires_training
def test_distiller_fit_and_evaluate_logs():
    teacher, student = _model(8, "teacher", 1), _model(6, "student", 2)
    distiller = Distiller(
        teacher,
        student,
        [LogitsDistillation(temperature=2.0), FeatureDistillation()],
        distillation_loss_weights=[1.0, 0.5],
        student_loss_weight=0.3,
    )
    distiller.compile(
        optimizer=cornu.optimizers.SGD(0.0),
        loss=cornu.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    teacher_before = [w.copy() for w in teacher.get_weights()]
    history = distiller.fit(X, Y, epochs=1, batch_size=8, verbose=0).history
    assert sorted(history) == [
        "accuracy",
        "distillation_loss",
        "loss",
        "student_loss",
        "total_loss",
    ]
    # The total is the weighted mix of the student's loss and the distillation losses.
    t_out, s_out = teacher(X), student(X)
    distill = _value(LogitsDistillation(temperature=2.0).compute_loss(t_out, s_out))
    distill += 0.5 * _value(FeatureDistillation().compute_loss(t_out, s_out))
    student_loss = _value(cornu.losses.SparseCategoricalCrossentropy(from_logits=True)(Y, s_out))
    np.testing.assert_allclose(history["distillation_loss"][0], distill, rtol=1e-4)
    np.testing.assert_allclose(history["student_loss"][0], student_loss, rtol=1e-4)
    np.testing.assert_allclose(history["loss"][0], 0.3 * student_loss + 0.7 * distill, rtol=1e-4)
    logs = distiller.evaluate(X, Y, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(logs["total_loss"], rel=1e-6)
    distiller.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    distiller.fit(X, Y, epochs=1, verbose=0)
    for before, after in zip(teacher_before, teacher.get_weights()):
        np.testing.assert_array_equal(before, after)  # the teacher never trains


@requires_training
def test_feature_distillation_between_intermediate_layers():
    teacher, student = _model(6, "teacher", 1), _model(6, "student", 2)
    loss = FeatureDistillation(teacher_layer_name="hidden", student_layer_name="hidden")
    distiller = Distiller(teacher, student, loss, student_loss_weight=0.0)
    distiller.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = distiller.fit(X, Y, epochs=2, batch_size=8, verbose=0).history
    assert history["distillation_loss"][1] < history["distillation_loss"][0]


def test_distiller_config_round_trip_and_keras_module_names():
    teacher, student = _model(8, "teacher", 1), _model(6, "student", 2)
    losses = [LogitsDistillation(2.0), FeatureDistillation(teacher_layer_name="hidden")]
    config = Distiller(teacher, student, losses, student_loss_weight=0.2).get_config()
    again = Distiller.from_config(config)
    assert again.student_loss_weight == 0.2 and again.distillation_losses[0].temperature == 2.0
    assert again.distillation_losses[1].teacher_layer_name == "hidden"
    keras_record = {  # as a Keras 3.15 config names it
        "module": "keras.distillation",
        "class_name": "LogitsDistillation",
        "config": {"temperature": 4.0, "loss": "kl_divergence"},
        "registered_name": None,
    }
    assert cornu.saving.deserialize_keras_object(keras_record).temperature == 4.0
