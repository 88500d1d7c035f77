"""Argument checks and shape helpers shared by the image preprocessing layers."""

from cornu import config


def check_data_format(layer, value):
    """`value`, or the global image data format when None."""
    if value is None:
        return config.image_data_format()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            f"{layer}: data_format must be 'channels_first' or 'channels_last'; received "
            f"data_format={value!r}."
        )
    return value


def check_size(layer, arg, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{layer}: {arg} must be a positive int; received {arg}={value!r}.")
    return value


def image_axes(layer_name, input_shape, data_format):
    """The (height, width) axes of a 3D (unbatched) or 4D (batched) image shape."""
    ndim = len(input_shape)
    if ndim not in (3, 4):
        raise ValueError(
            f"{layer_name} expects 3D (unbatched) or 4D (batched) images; received input "
            f"shape {tuple(input_shape)}."
        )
    first = ndim - 3 if data_format == "channels_last" else ndim - 2
    return first, first + 1


def resized_shape(layer_name, input_shape, data_format, height, width):
    """`input_shape` with its spatial sizes replaced by (height, width)."""
    h_axis, w_axis = image_axes(layer_name, input_shape, data_format)
    shape = list(input_shape)
    shape[h_axis], shape[w_axis] = height, width
    return tuple(shape)
