"""Focal and generalized cross-entropies, CTC, Circle, Dice and Tversky losses."""

from cornu import backend, ops
from cornu.losses.loss import LossFunctionWrapper, constructor_arguments
from cornu.losses.losses import _pair, with_pairing


def _check_fraction(value, name, loss, low_inclusive=True):
    ok = (0.0 <= value <= 1.0) if low_inclusive else (0.0 < value <= 1.0)
    if not ok:
        bounds = "[0, 1]" if low_inclusive else "(0, 1]"
        raise ValueError(f"{loss}: `{name}` must be in {bounds}, received {name}={value!r}.")


def _binary_focal(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                  from_logits=False, label_smoothing=0.0, axis=-1):  # fmt: skip
    """Binary cross-entropy scaled by `(1 - p_t)**gamma` (p_t: the probability given to the
    true label; and by `alpha` / `1 - alpha` for positives / negatives when
    `apply_class_balancing`), averaged over `axis`."""
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    probs = ops.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * probs + (1.0 - y_true) * (1.0 - probs)
    values = ops.power(ops.maximum(1.0 - p_t, 0.0), gamma) * bce
    if apply_class_balancing:
        values = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * values
    return ops.mean(values, axis=axis)


def _categorical_focal(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                       label_smoothing=0.0, axis=-1):  # fmt: skip
    """sum(-alpha * (1 - p)**gamma * y_true * log(p)) over `axis`, p the (renormalized,
    clipped) predicted probabilities."""
    if label_smoothing:
        classes = ops.cast(y_pred.shape[axis], ops.dtype(y_pred))
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    y_pred = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    eps = backend.epsilon()
    y_pred = ops.clip(y_pred, eps, 1.0 - eps)
    values = -alpha * ops.power(1.0 - y_pred, gamma) * y_true * ops.log(y_pred)
    return ops.sum(values, axis=axis)


# The focal math on inputs already paired, by function name: `cornu.metrics` applies it after
# pairing the inputs its own way.
PAIRED_MATH = {
    "binary_focal_crossentropy": _binary_focal,
    "categorical_focal_crossentropy": _categorical_focal,
}


binary_focal_crossentropy = with_pairing(_binary_focal, _pair, "binary_focal_crossentropy")
categorical_focal_crossentropy = with_pairing(
    _categorical_focal, _pair, "categorical_focal_crossentropy"
)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p_true**q) / q for integer labels `y_true` and probabilities `y_pred`; q -> 0 is
    cross-entropy, q = 1 is mean absolute error."""
    _check_fraction(q, "q", "categorical_generalized_cross_entropy", low_inclusive=False)
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    if len(y_true.shape) != len(y_pred.shape) - 1:
        raise ValueError(
            "categorical_generalized_cross_entropy: y_true must hold integer labels of shape "
            f"y_pred.shape[:-1]; received y_true {tuple(y_true.shape)} and y_pred "
            f"{tuple(y_pred.shape)}."
        )
    labels = ops.expand_dims(ops.cast(y_true, "int32"), -1)
    p_true = ops.squeeze(ops.take_along_axis(y_pred, labels, axis=-1), axis=-1)
    p_true = ops.clip(p_true, backend.epsilon(), 1.0)
    return (1.0 - ops.power(p_true, q)) / q


def ctc(y_true, y_pred):
    """CTC loss of integer labels `y_true` (batch, max_label_length; 0 is the blank and the
    padding) against logits `y_pred` (batch, steps, classes); one value per sample."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), "int32")
    if len(y_true.shape) != 2 or len(y_pred.shape) != 3:
        raise ValueError(
            "ctc: expected y_true of rank 2 (batch, max_label_length) and y_pred of rank 3 "
            f"(batch, steps, classes); received {tuple(y_true.shape)} and "
            f"{tuple(y_pred.shape)}."
        )
    batch, steps = ops.shape(y_pred)[0], ops.shape(y_pred)[1]
    output_length = ops.full((batch,), steps, dtype="int32")
    target_length = ops.sum(ops.cast(ops.not_equal(y_true, 0), "int32"), axis=-1)
    return ops.ctc_loss(y_true, y_pred, target_length, output_length, mask_index=0)


def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Circle loss of L2-normalized embeddings `y_pred` (batch, dim) with integer labels
    `y_true` (batch,), against `ref_embeddings`/`ref_labels` (default: the batch itself).

    Per anchor: softplus(logsumexp_n(gamma * a_n * (s_n - margin)) +
    logsumexp_p(-gamma * a_p * (s_p - 1 + margin))) with a_p = relu(1 + margin - s_p),
    a_n = relu(s_n + margin) held constant for gradients.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    dtype = ops.dtype(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_true.shape) == 2 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    y_true = ops.cast(y_true, "int32")
    if len(y_pred.shape) != 2 or len(y_true.shape) != 1:
        raise ValueError(
            "circle: expected y_true of shape (batch,) and y_pred of shape (batch, dim); "
            f"received {tuple(y_true.shape)} and {tuple(y_pred.shape)}."
        )
    ref_embeddings = y_pred if ref_embeddings is None else ops.cast(ref_embeddings, dtype)
    ref_labels = y_true if ref_labels is None else ops.cast(ref_labels, "int32")
    if len(ref_labels.shape) == 2 and ref_labels.shape[-1] == 1:
        ref_labels = ops.squeeze(ref_labels, axis=-1)
    sim = ops.matmul(y_pred, ops.transpose(ref_embeddings))
    same = ops.equal(ops.expand_dims(y_true, 1), ops.expand_dims(ref_labels, 0))
    positive = same
    if remove_diagonal:
        rows, cols = ops.shape(sim)[0], ops.shape(sim)[1]
        positive = ops.logical_and(same, ops.logical_not(ops.cast(ops.eye(rows, cols), "bool")))
    negative = ops.logical_not(same)
    alpha_p = ops.stop_gradient(ops.relu(1.0 + margin - sim))
    alpha_n = ops.stop_gradient(ops.relu(sim + margin))
    logit_p = -gamma * alpha_p * (sim - (1.0 - margin))
    logit_n = gamma * alpha_n * (sim - margin)
    very_negative = ops.cast(-1e9 if dtype != "float16" else -6e4, dtype)
    lse_p = ops.logsumexp(ops.where(positive, logit_p, very_negative), axis=1)
    lse_n = ops.logsumexp(ops.where(negative, logit_n, very_negative), axis=1)
    return ops.softplus(lse_p + lse_n)


def dice(y_true, y_pred, axis=None):
    """1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps), summing over `axis`
    (all axes when None)."""
    y_true, y_pred = _pair(y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis)
    return 1.0 - 2.0 * intersection / (total + backend.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha * FP + beta * FN + eps), summing over `axis` (all when None);
    alpha = beta = 0.5 is the Dice loss."""
    y_true, y_pred = _pair(y_true, y_pred)
    tp = ops.sum(y_true * y_pred, axis=axis)
    fp = ops.sum((1.0 - y_true) * y_pred, axis=axis)
    fn = ops.sum(y_true * (1.0 - y_pred), axis=axis)
    return 1.0 - tp / (tp + alpha * fp + beta * fn + backend.epsilon())


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy: down-weights well-classified examples by (1 - p_t)**gamma."""

    def __init__(
        self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
        label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
        name="binary_focal_crossentropy", dtype=None,
    ):  # fmt: skip
        super().__init__(binary_focal_crossentropy, **constructor_arguments(locals()))


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy against one-hot (or soft) labels."""

    def __init__(
        self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
        reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None,
    ):  # fmt: skip
        super().__init__(categorical_focal_crossentropy, **constructor_arguments(locals()))


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy (robust to noisy labels) against integer labels."""

    def __init__(
        self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
        dtype=None,
    ):  # fmt: skip
        _check_fraction(q, "q", "CategoricalGeneralizedCrossEntropy", low_inclusive=False)
        super().__init__(categorical_generalized_cross_entropy, **constructor_arguments(locals()))


class CTC(LossFunctionWrapper):
    """Connectionist temporal classification loss (0 is the blank and the label padding)."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)


class Circle(LossFunctionWrapper):
    """Circle loss between integer labels and L2-normalized embeddings of the batch."""

    def __init__(
        self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size",
        name="circle", dtype=None,
    ):  # fmt: skip
        super().__init__(circle, **constructor_arguments(locals()))


class Dice(LossFunctionWrapper):
    """Dice loss (1 - Dice coefficient), summed over `axis` (all axes when None)."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, **constructor_arguments(locals()))


class Tversky(LossFunctionWrapper):
    """Tversky loss: Dice with separate weights `alpha` for false positives and `beta` for
    false negatives."""

    def __init__(
        self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None,
        dtype=None,
    ):  # fmt: skip
        super().__init__(tversky, **constructor_arguments(locals()))
