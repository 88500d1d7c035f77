"""The distillation losses: how a student's outputs are compared with a teacher's."""

from cornu import losses, ops, saving, tree


def _resolve_losses(loss, what):
    resolved = tree.map_structure(lambda item: None if item is None else losses.get(item), loss)
    if all(item is None for item in tree.flatten(resolved)):
        raise ValueError(f"{what}: at least one loss must be given (not None); received {loss!r}.")
    return resolved


def _apply(loss_structure, teacher, student):
    """Sum over the outputs of `mean(loss(teacher, student))` (None skips an output)."""
    if not tree.is_nested(loss_structure):
        return ops.mean(loss_structure(teacher, student))
    total = 0.0
    for fn, t, s in zip(tree.flatten(loss_structure), tree.flatten(teacher), tree.flatten(student)):
        if fn is not None:
            total = total + ops.mean(fn(t, s))
    return total


class DistillationLoss:
    """Base of the distillation losses: subclasses implement `compute_loss`."""

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The loss between teacher and student outputs (a scalar tensor)."""
        raise NotImplementedError(f"{type(self).__name__} must implement compute_loss().")

    def validate_outputs(self, teacher_outputs, student_outputs):
        """Raises ValueError when teacher and student outputs cannot be compared."""
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher, student):
        """Raises ValueError when this loss cannot be used with these two models."""


class LogitsDistillation(DistillationLoss):
    """Compares the teacher's and the student's final outputs, both divided by `temperature`.

    As in Keras 3.15, `loss` receives the scaled logits themselves (`teacher / T`,
    `student / T`), not softmax probabilities.

    Args:
        temperature: the divisor of both models' logits. Defaults to 3.0.
        loss: a loss name, instance or function, or a nested structure of them matching the
            outputs (None skips an output). Defaults to "kl_divergence".

    Example:
        >>> loss = LogitsDistillation(temperature=2.0, loss="mse")
        >>> float(loss.compute_loss(np.array([[2.0, 0.0]]), np.array([[0.0, 0.0]])))
        0.5
    """

    def __init__(self, temperature=3.0, loss="kl_divergence"):
        if not isinstance(temperature, (int, float)) or temperature <= 0:
            raise ValueError(
                f"LogitsDistillation: temperature must be a positive number; received "
                f"{temperature!r}."
            )
        self.temperature = temperature
        self.loss = _resolve_losses(loss, "LogitsDistillation")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        scaled = lambda t: ops.divide(t, self.temperature)  # noqa: E731
        return _apply(
            self.loss,
            tree.map_structure(scaled, teacher_outputs),
            tree.map_structure(scaled, student_outputs),
        )

    def get_config(self):
        return {"temperature": self.temperature, "loss": saving.serialize_keras_object(self.loss)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["loss"] = saving.deserialize_keras_object(config["loss"])
        return cls(**config)


class FeatureDistillation(DistillationLoss):
    """Compares features: the outputs of a teacher layer and a student layer (the final
    outputs when a name is None).

    Args:
        loss: a loss name, instance or function, or a nested structure of them (None skips
            an output). Defaults to "mse".
        teacher_layer_name: the teacher layer whose output is used.
        student_layer_name: the student layer whose output is used.

    Example:
        >>> FeatureDistillation(teacher_layer_name="hidden", student_layer_name="hidden")
    """

    def __init__(self, loss="mse", teacher_layer_name=None, student_layer_name=None):
        self.loss = _resolve_losses(loss, "FeatureDistillation")
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name

    def validate_model_compatibility(self, teacher, student):
        for model, name, role in (
            (teacher, self.teacher_layer_name, "teacher"),
            (student, self.student_layer_name, "student"),
        ):
            if name is None:
                continue
            if not any(layer.name == name for layer in getattr(model, "layers", [])):
                raise ValueError(
                    f"FeatureDistillation: the {role} model '{model.name}' has no layer named "
                    f"{name!r}; its layers are {[layer.name for layer in model.layers]}."
                )

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        return _apply(self.loss, teacher_outputs, student_outputs)

    def get_config(self):
        return {
            "loss": saving.serialize_keras_object(self.loss),
            "teacher_layer_name": self.teacher_layer_name,
            "student_layer_name": self.student_layer_name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["loss"] = saving.deserialize_keras_object(config["loss"])
        return cls(**config)
