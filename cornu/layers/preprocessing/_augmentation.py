"""`RandomImageLayer`: the base of the random image augmentation layers.

An augmentation layer transforms images only when `training` is true, which is its default
for a direct call (as in Keras): `layer(images)` augments, `layer(images, training=False)` and
`model.predict` pass the images through (cast to the compute dtype). Each image of a batch
draws its own random parameters from the layer's seed generator.

Called on a dict `{"images", "bounding_boxes", "segmentation_masks"}` (see `_targets.py`),
a layer draws one transformation and applies it to all three. A subclass that moves boxes and
masks implements the hooks `get_random_transformation`, `transform_images`,
`transform_bounding_boxes` and `transform_segmentation_masks` (and, when inference changes
the images, `infer_bounding_boxes`/`infer_segmentation_masks`); a subclass that only
implements `augment(images, batch_size)` keeps working on images alone.
"""

from cornu import ops, random
from cornu.layers.preprocessing import _targets
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


def set_fill_arguments(layer, fill_mode, interpolation, fill_value):
    """Checks and stores the warp arguments a geometric layer shares (`fill_mode`,
    `interpolation`, `fill_value`), naming the layer's class in any error."""
    name = type(layer).__name__
    layer.fill_mode = check_choice(name, "fill_mode", fill_mode, FILL_MODES)
    layer.interpolation = check_choice(name, "interpolation", interpolation, INTERPOLATIONS)
    layer.fill_value = fill_value


class RandomImageLayer(DataLayer):
    """Base class: subclasses implement `augment(images, batch_size)` on 4D images in the
    layer's data format (or the transformation hooks below), and may override
    `infer(images)` (identity by default)."""

    # Geometric layers move a dict input's boxes and masks with the images; a layer that
    # only changes pixel values (colour, intensity) sets this False and leaves them as given.
    moves_pixels = True

    def __init__(self, seed=None, data_format=None, **kwargs):
        self.bounding_box_format = _targets.pop_box_format(type(self).__name__, kwargs)
        super().__init__(**kwargs)
        self.seed = check_seed(type(self).__name__, seed)
        self.data_format = check_data_format(type(self).__name__, data_format)
        self.seed_generator = make_seed_generator(self, seed)
        self.built = True

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            return self._call_on_dict(inputs, training)
        images = ops.cast(inputs, self.compute_dtype)
        unbatched = len(images.shape) == 3
        image_axes(f"{type(self).__name__} layer '{self.name}'", images.shape, self.data_format)
        if unbatched:
            images = ops.expand_dims(images, 0)
        images = self.augment(images, ops.shape(images)[0]) if training else self.infer(images)
        return ops.squeeze(images, 0) if unbatched else images

    def infer(self, images):
        return images

    def augment(self, images, batch_size):
        """Random images: by default `transform_images` of a fresh random transformation."""
        return self.transform_images(images, self.get_random_transformation(images, batch_size))

    # Transformation hooks: one random draw shared by images, boxes and masks.

    def get_random_transformation(self, images, batch_size):
        """The random parameters for a batch of 4D `images` (any structure)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement augment(images, batch_size) or "
            f"get_random_transformation(images, batch_size) with transform_images."
        )

    def transform_images(self, images, transformation):
        raise NotImplementedError(
            f"{type(self).__name__} must implement transform_images(images, transformation)."
        )

    def transform_bounding_boxes(self, boxes, transformation, height, width):
        """Batched pixel "xyxy" boxes of images `(height, width)`, moved with the images."""
        raise NotImplementedError(
            f"{type(self).__name__} layer '{self.name}' does not transform bounding boxes; "
            f"call it on images without a 'bounding_boxes' entry."
        )

    def transform_segmentation_masks(self, masks, transformation):
        raise NotImplementedError(
            f"{type(self).__name__} layer '{self.name}' does not transform segmentation "
            f"masks; call it on images without a 'segmentation_masks' entry."
        )

    def infer_bounding_boxes(self, boxes, height, width):
        """Batched pixel "xyxy" boxes at inference; only called when a subclass overrides
        it (otherwise boxes pass through as given)."""
        return boxes

    def infer_segmentation_masks(self, masks):
        return self.infer(masks)

    def _call_on_dict(self, inputs, training):
        if not training:
            boxes_fn = (self.infer_bounding_boxes if _overrides(self, "infer_bounding_boxes")
                        else None)  # fmt: skip
            return _targets.apply(self, inputs, self.infer, boxes_fn,
                                  self.infer_segmentation_masks)  # fmt: skip
        if not self.moves_pixels:  # pixel values change; boxes and masks stay as given
            return _targets.apply(self, inputs, lambda images: self.augment(
                images, ops.shape(images)[0]), None, lambda masks: masks)  # fmt: skip
        transformation = {}

        def images_fn(images):
            batch_size = ops.shape(images)[0]
            if not _overrides(self, "get_random_transformation"):  # an images-only layer
                transformation["value"] = None
                return self.augment(images, batch_size)
            transformation["value"] = self.get_random_transformation(images, batch_size)
            return self.transform_images(images, transformation["value"])

        def boxes_fn(boxes, height, width):
            return self.transform_bounding_boxes(boxes, transformation["value"], height, width)

        def masks_fn(masks):
            return self.transform_segmentation_masks(masks, transformation["value"])

        return _targets.apply(self, inputs, images_fn, boxes_fn, masks_fn)

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

    def compute_output_spec(self, inputs, *args, **kwargs):
        # Only for the dict path of this class's `call` (a subclass with its own `call` keeps
        # the generic spec).
        if isinstance(inputs, dict) and not _overrides(self, "call"):
            return _targets.output_spec(self, inputs, self.compute_output_shape)
        return super().compute_output_spec(inputs, *args, **kwargs)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "seed": self.seed,
                **_targets.box_format_config(self)}  # fmt: skip


def _overrides(layer, method):
    return getattr(type(layer), method) is not getattr(RandomImageLayer, method)
