"""`Distiller`: a model that trains a student on labels and on a frozen teacher's outputs."""

from cornu import metrics, ops, saving, tree
from cornu.distillation.distillation_loss import DistillationLoss, FeatureDistillation
from cornu.layers.layer import Layer
from cornu.models.model import Model


class Distiller(Model):
    """Knowledge distillation: the student learns from labels and from the teacher.

    The loss minimized (and logged as `loss` and `total_loss`) is
    `student_loss_weight * student_loss + (1 - student_loss_weight) * distillation_loss`,
    where `student_loss` is the compiled loss on the student's predictions and
    `distillation_loss` the weighted sum of `distillation_losses`. The teacher is frozen.
    Calling the distiller calls the student.

    Args:
        teacher: a trained model (made non-trainable).
        student: the model to train.
        distillation_losses: a `DistillationLoss` or a list of them.
        distillation_loss_weights: one weight per distillation loss; None: 1.0 each.
        student_loss_weight: the share of the student's own loss, in [0, 1]. Defaults to 0.5.
        name: the model's name. Defaults to "distiller".

    Example:
        >>> distiller = Distiller(teacher, student, LogitsDistillation(temperature=3.0))
        >>> distiller.compile("adam", loss="sparse_categorical_crossentropy")
        >>> distiller.fit(x, y, epochs=1, verbose=0)  # doctest: +SKIP
    """

    def __init__(
        self,
        teacher,
        student,
        distillation_losses,
        distillation_loss_weights=None,
        student_loss_weight=0.5,
        name="distiller",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        items = distillation_losses
        if not isinstance(items, (list, tuple)):
            items = [items]
        for item in items:
            if not isinstance(item, DistillationLoss):
                raise TypeError(
                    "Distiller: distillation_losses must be DistillationLoss instances (e.g. "
                    f"keras.distillation.LogitsDistillation()); received {type(item).__name__}: "
                    f"{item!r}."
                )
        if distillation_loss_weights is None:
            distillation_loss_weights = [1.0] * len(items)
        if len(distillation_loss_weights) != len(items):
            raise ValueError(
                f"Distiller: distillation_loss_weights has {len(distillation_loss_weights)} "
                f"weight(s) for {len(items)} distillation loss(es); give one per loss."
            )
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(
                f"student_loss_weight must be between 0.0 and 1.0, got {student_loss_weight}"
            )
        for item in items:
            item.validate_model_compatibility(teacher, student)
        teacher.trainable = False
        self.teacher = teacher
        self.student = student
        self.distillation_losses = list(items)
        self.distillation_loss_weights = list(distillation_loss_weights)
        self.student_loss_weight = student_loss_weight
        self.student_loss_tracker = metrics.Mean(name="student_loss")
        self.distillation_loss_tracker = metrics.Mean(name="distillation_loss")
        self.total_loss_tracker = metrics.Mean(name="total_loss")
        self._extractors = {}

    def call(self, inputs, training=None):
        return self.student(inputs, training=training)

    def _features(self, model, layer_name, x, training):
        """The output of `model`'s layer `layer_name` (its final output when None)."""
        if layer_name is None:
            return model(x, training=training)
        key = (id(model), layer_name)
        if key not in self._extractors:
            layer = model.get_layer(layer_name)
            self._extractors[key] = Model(model.inputs, layer.output)
        return self._extractors[key](x, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        student_loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        teacher_outputs = None
        distillation_loss = 0.0
        for item, weight in zip(self.distillation_losses, self.distillation_loss_weights):
            if isinstance(item, FeatureDistillation):
                teacher_features = self._features(
                    self.teacher, item.teacher_layer_name, x, training=False
                )
                student_features = (
                    y_pred
                    if item.student_layer_name is None
                    else self._features(self.student, item.student_layer_name, x, training)
                )
            else:
                if teacher_outputs is None:
                    teacher_outputs = self.teacher(x, training=False)
                teacher_features, student_features = teacher_outputs, y_pred
            teacher_features = tree.map_structure(_stop_gradient, teacher_features)
            item.validate_outputs(teacher_features, student_features)
            term = item.compute_loss(teacher_features, student_features)
            distillation_loss = distillation_loss + weight * term
        weight = self.student_loss_weight
        total = weight * student_loss + (1.0 - weight) * distillation_loss
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total)
        return total

    def get_config(self):
        config = Layer.get_config(self)  # name, trainable, dtype
        return config | {
            "teacher": saving.serialize_keras_object(self.teacher),
            "student": saving.serialize_keras_object(self.student),
            "distillation_losses": [
                saving.serialize_keras_object(item) for item in self.distillation_losses
            ],
            "distillation_loss_weights": list(self.distillation_loss_weights),
            "student_loss_weight": self.student_loss_weight,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config.pop("dtype", None)
        for key in ("teacher", "student"):
            config[key] = saving.deserialize_keras_object(config[key], custom_objects)
        config["distillation_losses"] = [
            saving.deserialize_keras_object(item, custom_objects)
            for item in config["distillation_losses"]
        ]
        return cls(**config)


def _stop_gradient(x):
    return ops.stop_gradient(x)
