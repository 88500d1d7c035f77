"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019,
https://arxiv.org/abs/1711.05101)."""

from cornu.optimizers.adam import Adam
from cornu.optimizers.optimizer import BASE_ARGUMENTS, base_arguments


class AdamW(Adam):
    """Adam whose weight decay shrinks the weights directly (`w -= lr * weight_decay * w`
    before the Adam step) instead of adding an L2 term to the gradient.

    Args:
        weight_decay: the decoupled decay rate (required, default 0.004).
    """

    def __init__(
        self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
        amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
        ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
        gradient_accumulation_steps=None, name=None, **kwargs,
    ):  # fmt: skip
        if weight_decay is None:
            raise ValueError(
                "AdamW: argument `weight_decay` must be a float; received weight_decay=None."
            )
        super().__init__(**base_arguments(locals(), BASE_ARGUMENTS + Adam._hyperparameters))
