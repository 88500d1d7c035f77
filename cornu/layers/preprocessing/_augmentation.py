"""`RandomImageLayer`: the base of the random image augmentation layers.

An augmentation layer transforms images only when `training` is true, which is its default
for a direct call (as in Keras): `layer(images)` augments, `layer(images, training=False)` and
`model.predict` pass the images through (cast to the compute dtype). Each image of a batch
draws its own random parameters from the layer's seed generator.
"""

from cornu import ops, random
from cornu.layers.preprocessing._image_args import check_data_format, image_axes
from cornu.layers.preprocessing.data_layer import DataLayer
from cornu.layers.regularization._noise import check_seed, make_seed_generator

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def factor_range(layer, arg, value, low, high, symmetric=True, low_open=False):
    """(lower, upper) from a number (`(-v, v)`, or `(v, v)` when not symmetric) or a pair,
    each inside [low, high] (`(low, high]` when low_open)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(
                f"{layer}: {arg} must be a number or a pair of numbers; received {arg}={value!r}."
            )
        lower, upper = (float(v) for v in value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        lower, upper = (-float(value), float(value)) if symmetric else (float(value),) * 2
    else:
        raise ValueError(
            f"{layer}: {arg} must be a number or a pair of numbers; received {arg}={value!r}."
        )
    bad_low = (lambda v: v <= low) if low_open else (lambda v: v < low)
    if any(bad_low(v) or v > high for v in (lower, upper)):
        interval = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
        raise ValueError(
            f"{layer}: {arg} must be a number (or a pair of numbers) in the range "
            f"{interval}; received {arg}={value!r}."
        )
    return min(lower, upper), max(lower, upper)


def check_choice(layer, arg, value, choices):
    if value not in choices:
        raise ValueError(f"{layer}: {arg} must be one of {choices}; received {arg}={value!r}.")
    return value


class RandomImageLayer(DataLayer):
    """Base class: subclasses implement `augment(images, batch_size)` on 4D images in the
    layer's data format, and may override `infer(images)` (identity by default)."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = check_seed(type(self).__name__, seed)
        self.data_format = check_data_format(type(self).__name__, data_format)
        self.seed_generator = make_seed_generator(self, seed)
        self.built = True

    def call(self, inputs, training=True):
        images = ops.cast(inputs, self.compute_dtype)
        unbatched = len(images.shape) == 3
        image_axes(f"{type(self).__name__} layer '{self.name}'", images.shape, self.data_format)
        if unbatched:
            images = ops.expand_dims(images, 0)
        images = self.augment(images, ops.shape(images)[0]) if training else self.infer(images)
        return ops.squeeze(images, 0) if unbatched else images

    def infer(self, images):
        return images

    def uniform(self, shape, lower, upper):
        """Per-image random numbers in [lower, upper)."""
        return random.uniform(shape, lower, upper, dtype=self.compute_dtype,
                              seed=self.seed_generator)  # fmt: skip

    def spatial_size(self, images):
        """(height, width) of 4D images as Python ints (or run-time scalars)."""
        h_axis, w_axis = image_axes(self.name, images.shape, self.data_format)
        shape = ops.shape(images)
        return shape[h_axis], shape[w_axis]

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "seed": self.seed}
