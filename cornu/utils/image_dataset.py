"""`image_dataset_from_directory`: a dataset of images (and labels) from a directory tree.

With TensorFlow installed it is a `tf.data.Dataset` decoded by TensorFlow, as in Keras;
without, a `HostDataset` decoded by Pillow (PNG, BMP and GIF give the same pixels; JPEG
decoders round differently, by a few levels at most).
"""

import numpy as np

from cornu.utils import directory_index, image_resize, image_utils
from cornu.utils.directory_dataset import build_dataset, no_files_message

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    format="tf",
    verbose=True,
):
    """Creates a dataset of images from the files under `directory`.

    With `labels="inferred"`, each subdirectory of `directory` is a class (sorted by name
    unless `class_names` orders them) and its images, at any depth, are labelled with the
    class's index. Supported files: .bmp, .gif (first frame), .jpeg, .jpg, .png.

    Args:
        directory: the directory to read.
        labels: "inferred", None (images only), or a list of int labels, one per file in the
            order of a sorted walk of `directory`.
        label_mode: "int" (int32), "categorical" (one-hot float32), "binary" (float32 0/1,
            shape (n, 1)) or None (images only).
        class_names: with `labels="inferred"`, the subdirectories to use, in label order.
        color_mode: "grayscale", "rgb" or "rgba" (1, 3 or 4 channels).
        batch_size: images per batch; None yields single images.
        image_size: `(height, width)` every image is resized to.
        shuffle: shuffle the files (with `seed`), and the samples again each epoch.
        seed: the shuffling seed (required with `shuffle` and `validation_split`).
        validation_split: the fraction of files (the last ones) kept for validation.
        subset: "training", "validation" or "both" (a list of the two datasets).
        interpolation: "bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5"
            ("gaussian", "mitchellcubic" with TensorFlow only).
        follow_links: follow symbolic links to directories.
        crop_to_aspect_ratio: crop the largest centred window with `image_size`'s aspect
            ratio before resizing.
        pad_to_aspect_ratio: pad with zeros to `image_size`'s aspect ratio before resizing.
        data_format: "channels_last" or "channels_first"; default
            `cornu.config.image_data_format()`.
        format: "tf" (a `tf.data.Dataset`; without TensorFlow, cornu's own dataset) or
            "grain" (not supported: raises ImportError).
        verbose: print how many files were found.

    Returns:
        A dataset of `(images, labels)` batches (images alone when there are no labels), float32
        images of shape `(batch, height, width, channels)`; it has `class_names` and
        `file_paths` attributes. For `subset="both"`, a list `[training, validation]`.

    Example:

    >>> ds = image_dataset_from_directory("photos", image_size=(64, 64))  # doctest: +SKIP
    >>> ds.class_names  # doctest: +SKIP
    ['cats', 'dogs']
    """
    labels = directory_index.check_labels_args(labels, label_mode, class_names)
    label_mode = None if labels is None else label_mode
    channels = _channels(color_mode)
    image_size = _checked_image_size(image_size)
    image_resize.check_interpolation(interpolation)
    directory_index.check_split_args(validation_split, subset, shuffle, seed)
    _check_aspect_ratio_args(crop_to_aspect_ratio, pad_to_aspect_ratio, interpolation)
    data_format = image_utils.standardize_data_format(data_format)
    directory_index.check_format(format)
    seed = directory_index.resolve_seed(shuffle, seed)

    paths, labels, class_names = directory_index.list_files(
        directory, labels, ALLOWLIST_FORMATS, class_names, follow_links, verbose, label_mode,
        shuffle, seed, no_files_message("images", directory, ALLOWLIST_FORMATS)
    )  # fmt: skip
    use_tf = directory_index.wants_tf_dataset(format)
    loader = _ImageLoader(
        channels, image_size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio, data_format
    )

    def build(part_paths, part_labels):
        return build_dataset(
            part_paths,
            part_labels,
            label_mode,
            class_names,
            loader,
            batch_size,
            shuffle,
            seed,
            use_tf,
        )

    parts = directory_index.split_files(paths, labels, validation_split, subset, verbose)
    return [build(*part) for part in parts] if subset == "both" else build(*parts)


def _channels(color_mode):
    if color_mode not in _CHANNELS:
        raise ValueError(
            '`color_mode` must be one of {"rgb", "rgba", "grayscale"}. '
            f"Received: color_mode={color_mode}"
        )
    return _CHANNELS[color_mode]


def _checked_image_size(image_size):
    try:
        size = tuple(int(s) for s in image_size)
    except (TypeError, ValueError):
        size = ()
    if len(size) != 2 or min(size) <= 0:
        raise ValueError(
            "Invalid `image_size` value. Expected a tuple of 2 positive integers "
            f"(height, width). Received: image_size={image_size}"
        )
    return size


def _check_aspect_ratio_args(crop_to_aspect_ratio, pad_to_aspect_ratio, interpolation):
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "Only one of `pad_to_aspect_ratio`, `crop_to_aspect_ratio` can be set to `True`."
        )
    if (crop_to_aspect_ratio or pad_to_aspect_ratio) and interpolation in (
        "gaussian",
        "mitchellcubic",
    ):
        raise ValueError(
            f"interpolation={interpolation!r} cannot be combined with crop_to_aspect_ratio or "
            "pad_to_aspect_ratio in cornu; use 'bilinear', 'bicubic', 'area', 'nearest', "
            "'lanczos3' or 'lanczos5'."
        )


class _ImageLoader:
    """Reads one image file into a float32 array of the requested size, channels and layout."""

    def __init__(self, channels, image_size, interpolation, crop, pad, data_format):
        self.channels, self.image_size = channels, image_size
        self.interpolation, self.crop, self.pad = interpolation, crop, pad
        self.channels_first = data_format == "channels_first"

    def host(self, path):
        image = self._resize(decode_image(path, self.channels))
        return image.transpose(2, 0, 1) if self.channels_first else image

    def _resize(self, image):
        resized = image_resize.resize_image(
            image, self.image_size, self.interpolation, self.crop, self.pad
        )
        # As in Keras (tf.image.resize), "nearest" keeps the decoded uint8 pixels.
        return resized.astype(self._dtype)

    @property
    def _dtype(self):
        return "uint8" if self.interpolation == "nearest" else "float32"

    def tf(self, path):
        import tensorflow as tf

        raw = tf.io.read_file(path)
        image = tf.io.decode_image(raw, channels=self.channels, expand_animations=False)
        if self.crop:
            # One cropping rule for both paths: the NumPy one, run by TensorFlow.
            image = tf.numpy_function(
                self._resize, [image], tf.as_dtype(self._dtype), stateful=False
            )
        elif self.pad:
            image = tf.image.resize_with_pad(image, *self.image_size, method=self.interpolation)
        else:
            image = tf.image.resize(image, self.image_size, method=self.interpolation)
        image.set_shape((*self.image_size, self.channels))
        return tf.transpose(image, (2, 0, 1)) if self.channels_first else image


def decode_image(path, channels):
    """Decodes an image file with Pillow into a uint8 array (H, W, channels), converting
    colours as TensorFlow's decoders do."""
    image_module = image_utils.pil_image()
    with open(path, "rb") as f:
        img = image_module.open(f)
        if channels == 1 and img.format == "JPEG":
            img.draft("L", img.size)  # the decoder's own luma, as libjpeg gives TensorFlow
        img.load()
    if channels == 1:
        return _grayscale(img)
    return np.asarray(img.convert("RGB" if channels == 3 else "RGBA"))


def _grayscale(img):
    if img.mode == "L":
        return np.asarray(img)[..., None]
    if img.mode == "LA":
        return np.asarray(img)[..., :1]
    rgb = np.asarray(img.convert("RGB"), dtype="uint32")
    # TensorFlow's PNG decoder asks libpng for 0.299 R + 0.587 G (+ the rest for B), which
    # libpng truncates to 15-bit fixed point (9797, 19234, 3737); matched on 90,000 pixels.
    gray = (rgb[..., 0] * 9797 + rgb[..., 1] * 19234 + rgb[..., 2] * 3737) >> 15
    return gray.astype("uint8")[..., None]
