"""Intersection-over-union metrics over an accumulated (weighted) confusion matrix."""

from cornu import ops
from cornu.metrics.metric import Metric


class _IoUBase(Metric):
    """Accumulates a `(num_classes, num_classes)` confusion matrix (rows: labels,
    columns: predictions)."""

    _auto_named = True  # unnamed ones are numbered, as Keras does

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(name=name, dtype=dtype)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(
                f"{type(self).__name__}: num_classes must be a positive int; received "
                f"{num_classes!r}."
            )
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable((num_classes, num_classes), name="total_confusion_matrix")

    def _labels(self, y_true, y_pred):
        y_true = ops.convert_to_tensor(y_true)
        y_pred = ops.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        return ops.cast(y_true, "int32"), ops.cast(y_pred, "int32")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self._labels(y_true, y_pred)
        ones = ops.ones_like(ops.cast(y_true, self.dtype))
        if sample_weight is None:
            weight = ones
        else:
            weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            while len(weight.shape) < len(ones.shape):
                weight = ops.expand_dims(weight, -1)
            weight = weight * ones
        y_true = ops.reshape(y_true, (-1,))
        y_pred = ops.reshape(y_pred, (-1,))
        weight = ops.reshape(weight, (-1,))
        if self.ignore_class is not None:
            keep = ops.not_equal(y_true, self.ignore_class)
            weight = ops.where(keep, weight, ops.zeros_like(weight))
        true_hot = ops.one_hot(y_true, self.num_classes, dtype=self.dtype)
        pred_hot = ops.one_hot(y_pred, self.num_classes, dtype=self.dtype)
        cm = ops.matmul(ops.transpose(true_hot * ops.expand_dims(weight, -1)), pred_hot)
        self.total_cm.assign_add(cm)

    def _per_class(self):
        cm = ops.convert_to_tensor(self.total_cm.value)
        rows = ops.sum(cm, axis=1)
        cols = ops.sum(cm, axis=0)
        diag = ops.diagonal(cm)
        union = rows + cols - diag
        return diag, union

    def _mean_over(self, target_class_ids):
        diag, union = self._per_class()
        if target_class_ids is not None:
            ids = ops.convert_to_tensor(list(target_class_ids), dtype="int32")
            diag = ops.take(diag, ids)
            union = ops.take(union, ids)
        present = ops.sum(ops.cast(ops.not_equal(union, 0.0), self.dtype))
        return ops.divide_no_nan(ops.sum(ops.divide_no_nan(diag, union)), present)

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes, "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true, "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }  # fmt: skip


class IoU(_IoUBase):
    """Mean intersection-over-union over `target_class_ids` (classes never seen are left out
    of the mean)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        ids = list(target_class_ids)
        if any(not 0 <= int(i) < num_classes for i in ids):
            raise ValueError(
                f"IoU: target_class_ids must be in [0, num_classes={num_classes}); received "
                f"{target_class_ids!r}."
            )
        self.target_class_ids = ids

    def result(self):
        return self._mean_over(self.target_class_ids)

    def get_config(self):
        return {**super().get_config(), "target_class_ids": self.target_class_ids}


class MeanIoU(_IoUBase):
    """Intersection-over-union averaged over all classes seen."""

    def result(self):
        return self._mean_over(None)


class BinaryIoU(IoU):
    """IoU of binary labels and predictions thresholded at `threshold`."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def _labels(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.convert_to_tensor(y_true)
        return (ops.cast(ops.greater(ops.cast(y_true, "float32"), 0.5), "int32"),
                ops.cast(ops.greater(y_pred, self.threshold), "int32"))  # fmt: skip

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids, "threshold": self.threshold,
            "name": self.name, "dtype": self.dtype,
        }  # fmt: skip


class OneHotIoU(IoU):
    """IoU with one-hot labels (and, unless `sparse_y_pred`, per-class scores)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)  # fmt: skip

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU with one-hot labels (and, unless `sparse_y_pred`, per-class scores)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)  # fmt: skip

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
