"""The numpy backend predicts and evaluates, but cannot train (it has no gradients)."""

from cornu.backend.common.steps import StepsBase


class Steps(StepsBase):
    """The eager test and predict steps of `StepsBase`; `train_step` explains why not."""

    def train_step(self, data):
        raise NotImplementedError(
            "The numpy backend cannot train: it has no gradients. Choose jax, torch or "
            "tensorflow with CORNU_BACKEND to use fit() or train_on_batch()."
        )
