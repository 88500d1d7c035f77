"""The numpy backend predicts and evaluates, but cannot train (it has no gradients)."""

from cornu.trainers.data_adapters import unpack
from cornu.trainers.trainer import Trainer as BaseTrainer


class Trainer(BaseTrainer):
    def train_step(self, data):
        raise NotImplementedError(
            "The numpy backend cannot train: it has no gradients. Choose jax, torch or "
            "tensorflow with CORNU_BACKEND to use fit() or train_on_batch()."
        )

    def test_step(self, data):
        x, y, sample_weight = unpack(data)
        y_pred = self(x, training=False)
        loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=False)
        self._update_loss_tracker(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack(data)
        return self(x, training=False)

    def _make_train_function(self):
        return self.train_step

    def _make_test_function(self):
        return self.test_step

    def _make_predict_function(self):
        return self.predict_step
