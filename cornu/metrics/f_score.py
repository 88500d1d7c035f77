"""F-beta and F1 scores over per-class true/false positive and false negative counts."""

from cornu import ops
from cornu.metrics.metric import Metric, add_state_variables, build_state_once


class FBetaScore(Metric):
    """The F-beta score, `(1 + beta^2) * P * R / (beta^2 * P + R)`, per class or averaged.

    Args:
        average: None (one score per class), "micro" (from the summed counts), "macro" (the
            mean of per-class scores) or "weighted" (weighted by each class's support).
        beta: the weight of recall relative to precision (> 0).
        threshold: predictions above it are positive; None marks each row's argmax.
        name, dtype: as for Metric.

    The state (one count per class) is created on the first update, from `y_pred.shape[-1]`.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                f"{type(self).__name__}: average must be one of None, 'micro', 'macro', "
                f"'weighted'; received {average!r}."
            )
        if not isinstance(beta, (int, float)) or beta <= 0:
            raise ValueError(f"{type(self).__name__}: beta must be a float > 0; received {beta!r}.")
        if threshold is not None and (
            not isinstance(threshold, (int, float)) or not 0.0 < threshold <= 1.0
        ):
            raise ValueError(
                f"{type(self).__name__}: threshold must be a float in (0, 1]; received "
                f"{threshold!r}."
            )
        self.average = average
        self.beta = float(beta)
        self.threshold = threshold
        self._built = False

    def _build(self, num_classes):
        names = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")
        add_state_variables(self, (num_classes,), dict(zip(names, names)))

    def _build_for(self, y_true, y_pred):
        """Creates the state for predictions shaped like `y_pred` (no-op once built)."""
        if not self._built:
            self._build(int(y_pred.shape[-1]))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        if len(y_pred.shape) != 2 or tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(
                f"{type(self).__name__}: y_true and y_pred must both have shape "
                f"(batch, num_classes); received {tuple(y_true.shape)} and "
                f"{tuple(y_pred.shape)}."
            )
        build_state_once(self, int(y_pred.shape[-1]))
        if self.threshold is None:
            top = ops.max(y_pred, axis=-1, keepdims=True)
            predicted = ops.cast(ops.greater_equal(y_pred, top), self.dtype)
        else:
            predicted = ops.cast(ops.greater(y_pred, self.threshold), self.dtype)
        if sample_weight is None:
            weight = ops.ones_like(y_true)
        else:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            while len(weight.shape) < 2:
                weight = ops.expand_dims(weight, -1)
            weight = weight * ops.ones_like(y_true)
        self.true_positives.assign_add(ops.sum(predicted * y_true * weight, axis=0))
        self.false_positives.assign_add(ops.sum(predicted * (1.0 - y_true) * weight, axis=0))
        self.false_negatives.assign_add(ops.sum((1.0 - predicted) * y_true * weight, axis=0))
        self.intermediate_weights.assign_add(ops.sum(y_true * weight, axis=0))

    def result(self):
        tp = ops.convert_to_tensor(self.true_positives.value)
        fp = ops.convert_to_tensor(self.false_positives.value)
        fn = ops.convert_to_tensor(self.false_negatives.value)
        if self.average == "micro":
            tp, fp, fn = ops.sum(tp), ops.sum(fp), ops.sum(fn)
        precision = ops.divide_no_nan(tp, tp + fp)
        recall = ops.divide_no_nan(tp, tp + fn)
        b2 = self.beta**2
        score = ops.divide_no_nan((1.0 + b2) * precision * recall, b2 * precision + recall)
        if self.average == "macro":
            return ops.mean(score)
        if self.average == "weighted":
            weights = ops.convert_to_tensor(self.intermediate_weights.value)
            return ops.divide_no_nan(ops.sum(score * weights), ops.sum(weights))
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {
            **super().get_config(),
            "average": self.average, "beta": self.beta, "threshold": self.threshold,
        }  # fmt: skip


class F1Score(FBetaScore):
    """The F1 score (`FBetaScore` with beta = 1)."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
