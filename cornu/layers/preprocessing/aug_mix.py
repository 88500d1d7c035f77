"""`AugMix`: mixes each image with several randomly augmented copies of itself."""

from cornu import ops, random
from cornu.layers.preprocessing import _augment_ops
from cornu.layers.preprocessing._augmentation import INTERPOLATIONS, check_choice
from cornu.layers.preprocessing._augmentation_inputs import (
    AugmentationLayer,
    check_probability_factor,
    factor_config,
    require_box_format,
)
from cornu.layers.preprocessing._color import check_value_range
from cornu.layers.preprocessing.equalization import Equalization

BASE_OPERATIONS = _augment_ops.GEOMETRIC + _augment_ops.PIXEL
ALL_OPERATIONS = BASE_OPERATIONS + _augment_ops.COLOUR


class AugMix(AugmentationLayer):
    """During training, AugMix (Hendrycks et al. 2020): each image goes through
    `num_chains` chains of 1 to `chain_depth` random operations (the depth and every
    operation drawn per image and chain, strengths drawn from `factor`); the chains' results
    are averaged with Dirichlet(alpha) weights and blended with the image by a
    Beta(alpha, alpha) weight. `all_ops=False` leaves out brightness, contrast, colour and
    sharpness (which overlap the ImageNet-C corruptions).

    Args:
        value_range: the (low, high) range of the pixel values.
        num_chains: the number of augmentation chains.
        chain_depth: the largest number of operations in a chain.
        factor: a number `f` (strengths drawn from [0, f]) or a pair (low, high), in [0, 1].
        alpha: the Dirichlet and Beta parameter (> 0).
        all_ops: whether to use the colour operations too.
        interpolation: "bilinear" or "nearest" (for the geometric operations).
        seed: an int seed for reproducibility.
        data_format: "channels_last" or "channels_first" (default: the global setting).

    Example:
        >>> AugMix(seed=1)(np.random.uniform(0, 255, (2, 8, 8, 3))).shape
        (2, 8, 8, 3)
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):  # fmt: skip
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = check_value_range("AugMix", value_range)
        # Not tracked (a leading underscore): an implementation detail, not a sub-layer.
        self._equalization = Equalization(value_range=value_range, data_format="channels_last",
                                          dtype=self.dtype_policy)  # fmt: skip
        for arg, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"AugMix: {arg} must be a positive int; received {arg}={value!r}.")
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self._range = check_probability_factor("AugMix", factor)
        self.factor = factor_config(factor)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix: alpha must be a number above 0; received alpha={alpha!r}.")
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = check_choice("AugMix", "interpolation", interpolation,
                                          INTERPOLATIONS)  # fmt: skip

    @property
    def _operations(self):
        return ALL_OPERATIONS if self.all_ops else BASE_OPERATIONS

    def draw(self, images, batch_size):
        dtype, seed = self.compute_dtype, self.seed_generator
        # Dirichlet(alpha) chain weights and the Beta(alpha, alpha) blend from one Gamma draw.
        gammas = random.gamma((batch_size, self.num_chains + 2), float(self.alpha),
                              dtype=dtype, seed=seed)  # fmt: skip
        chains_gamma = gammas[:, : self.num_chains]
        chain_weights = chains_gamma / ops.maximum(
            ops.sum(chains_gamma, axis=1, keepdims=True), 1e-30
        )
        x, y = gammas[:, -2], gammas[:, -1]
        keep = ops.where(x + y > 0, x / ops.maximum(x + y, 1e-30), 0.5 + 0.0 * x)
        chains = []
        for _ in range(self.num_chains):
            depth = random.randint((batch_size,), 1, self.chain_depth + 1, seed=seed)
            steps = []
            for step in range(self.chain_depth):
                choice = random.randint((batch_size,), 0, len(self._operations), seed=seed)
                magnitude = self.uniform((batch_size,), *self._range)
                sign = ops.sign(self.uniform((batch_size,), -1.0, 1.0))
                steps.append((ops.less(step, depth), choice, magnitude, sign))
            chains.append(steps)
        return keep, chain_weights, chains

    def transform_images(self, images, params):
        keep, chain_weights, chains = params
        x = _augment_ops.to_channels_last(self, images)
        mixed = ops.zeros_like(x)
        for index, steps in enumerate(chains):
            y = x
            for active, choice, magnitude, sign in steps:
                out = _augment_ops.apply_one_of(self, y, self._operations, choice, magnitude,
                                                sign)  # fmt: skip
                y = ops.where(ops.reshape(active, (-1, 1, 1, 1)), out, y)
            mixed = mixed + ops.reshape(chain_weights[:, index], (-1, 1, 1, 1)) * y
        keep = ops.reshape(keep, (-1, 1, 1, 1))
        return _augment_ops.from_channels_last(self, keep * x + (1.0 - keep) * mixed)

    def transform_boxes(self, boxes, params, height, width):
        # As Keras: the boxes stay as given (the blend keeps the original image's share).
        require_box_format(self)
        return boxes

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                "interpolation": self.interpolation}  # fmt: skip
