"""Cropping, padding and patch extraction of `cornu.ops.image`: crop_images, pad_images,
extract_patches, extract_patches_3d."""

import itertools
import math

from cornu.ops import rules
from cornu.ops.define import kernels, op, to_tensor
from cornu.ops.image import _image_common as common

_k = kernels()

__all__ = [
    "crop_images",
    "pad_images",
    "extract_patches",
    "extract_patches_3d",
]


# ---------------------------------------------------------------------------------------------
# crop_images / pad_images
# ---------------------------------------------------------------------------------------------


def _check_two_of_three(first, last, target, op_name, names):
    """Per axis, exactly two of (first, last, target) must be given."""
    if sum(v is not None for v in (first, last, target)) != 2:
        raise ValueError(
            f"{op_name}: give exactly two of `{names[0]}`, `{names[1]}` and `{names[2]}`; "
            f"received {names[0]}={first}, {names[1]}={last}, {names[2]}={target}."
        )


def _crop_pad_plan(images, a, b, c, d, target_h, target_w, data_format, op_name):
    data_format = common.checked_data_format(data_format, op_name)
    shape = rules.shape_of(images)
    common.check_image_rank(shape, op_name)
    batch, (height, width), channels = common.spatial_shape(shape, data_format)
    word = "cropping" if op_name == "crop_images" else "padding"
    plans = []
    for first, last, target, size, names in (
        (a, c, target_h, height, (f"top_{word}", f"bottom_{word}", "target_height")),
        (b, d, target_w, width, (f"left_{word}", f"right_{word}", "target_width")),
    ):
        _check_two_of_three(first, last, target, op_name, names)
        for value, name in ((first, names[0]), (last, names[1])):
            if value is not None and value < 0:
                raise ValueError(f"{op_name}: `{name}` must be >= 0; received {value}.")
        if target is not None and target <= 0:
            raise ValueError(f"{op_name}: `{names[2]}` must be > 0; received {target}.")
        if size is None:
            plans.append((first, last, target))
            continue
        sign = -1 if op_name == "crop_images" else 1
        if target is None:
            target = size + sign * (first + last)
        elif first is None:
            first = sign * (target - size) - last
        else:
            last = sign * (target - size) - first
        if first < 0 or last < 0 or target <= 0:
            raise ValueError(
                f"{op_name}: the {names} values {first}, {last}, {target} do not fit an image "
                f"dimension of size {size}."
            )
        plans.append((first, last, target))
    out_h, out_w = plans[0][2], plans[1][2]
    return data_format, plans, common.image_shape(batch, (out_h, out_w), channels, data_format)


def _plan_spec(op_name):
    """The spec rule of crop_images / pad_images: their own arguments, bound by signature."""

    def spec(*args, **kwargs):
        arguments = rules.bound_arguments(globals()[op_name], args, kwargs)
        plan = _crop_pad_plan(*arguments.values(), op_name)
        return common.same_dtype_spec(arguments["images"], plan[2])

    return spec


@op(spec=_plan_spec("crop_images"))
def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Crops images; per axis give two of (top/left cropping, bottom/right cropping, target)."""
    images = to_tensor(images)
    data_format, ((top, _, out_h), (left, _, out_w)), _ = _crop_pad_plan(
        images, top_cropping, left_cropping, bottom_cropping, right_cropping,
        target_height, target_width, data_format, "crop_images",
    )  # fmt: skip
    x, batched = common.to_channels_last(images, data_format)
    y = x[:, top : top + out_h, left : left + out_w, :]
    return common.from_channels_last(y, data_format, batched)


@op(spec=_plan_spec("pad_images"))
def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Zero-pads images; per axis give two of (top/left padding, bottom/right padding, target)."""
    images = to_tensor(images)
    data_format, ((top, bottom, _), (left, right, _)), _ = _crop_pad_plan(
        images, top_padding, left_padding, bottom_padding, right_padding,
        target_height, target_width, data_format, "pad_images",
    )  # fmt: skip
    x, batched = common.to_channels_last(images, data_format)
    y = _k.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), 0)
    return common.from_channels_last(y, data_format, batched)


# ---------------------------------------------------------------------------------------------
# extract_patches / extract_patches_3d
# ---------------------------------------------------------------------------------------------


def _ntuple(value, n, name, op_name):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    try:
        value = tuple(int(v) for v in value)
    except TypeError:
        value = ()
    if len(value) != n or min(value) <= 0:
        raise ValueError(
            f"{op_name}: `{name}` must be a positive int or {n} positive ints; received {value!r}."
        )
    return value


def _patch_plan(shape, size, strides, dilation_rate, padding, data_format, n, op_name):
    data_format = common.checked_data_format(data_format, op_name)
    arg = "images" if n == 2 else "volumes"
    common.check_image_rank(shape, op_name, arg, ranks=(n + 1, n + 2))
    size = _ntuple(size, n, "size", op_name)
    strides = size if strides is None else _ntuple(strides, n, "strides", op_name)
    dilation = _ntuple(dilation_rate, n, "dilation_rate", op_name)
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in ("valid", "same"):
        raise ValueError(f"{op_name}: `padding` must be 'valid' or 'same'; received {padding!r}.")
    batch, spatial, channels = common.spatial_shape(shape, data_format, n)
    out, pads = [], []
    for dim, k, s, d in zip(spatial, size, strides, dilation):
        span = (k - 1) * d + 1
        if dim is None:
            out.append(None)
            pads.append(None)
        elif padding == "same":
            count = -(-dim // s)
            total = max((count - 1) * s + span - dim, 0)
            out.append(count)
            pads.append((total // 2, total - total // 2))
        else:
            if dim < span:
                raise ValueError(
                    f"{op_name}: a patch spans {span} pixels but the input dimension is {dim}."
                )
            out.append((dim - span) // s + 1)
            pads.append((0, 0))
    depth = None if channels is None else math.prod(size) * channels
    out_shape = common.image_shape(batch, out, depth, data_format)
    return data_format, size, strides, dilation, pads, out, out_shape


def _extract(x, size, strides, dilation, pads, out, n):
    """Patches of a batched channels-last tensor with n spatial dims."""
    if any(p != (0, 0) for p in pads):
        x = _k.pad(x, ((0, 0),) + tuple(pads) + ((0, 0),), 0)
    slices = []
    for offset in itertools.product(*(range(k) for k in size)):
        index = tuple(
            slice(o * d, o * d + (m - 1) * s + 1, s)
            for o, d, s, m in zip(offset, dilation, strides, out)
        )
        slices.append(x[(slice(None),) + index + (slice(None),)])
    y = _k.stack(slices, -2)
    return _k.reshape(y, (-1,) + tuple(out) + (math.prod(size) * int(x.shape[-1]),))


def _patches_spec(
    images,
    size,
    strides=None,
    dilation_rate=1,
    padding="valid",
    data_format=None,
    n=2,
    op_name="extract_patches",
):
    plan = _patch_plan(
        rules.shape_of(images), size, strides, dilation_rate, padding, data_format, n, op_name
    )
    return common.same_dtype_spec(images, plan[-1])


def _patches(images, size, strides, dilation_rate, padding, data_format, n, op_name):
    images = to_tensor(images)
    data_format, size, strides, dilation, pads, out, _ = _patch_plan(
        tuple(images.shape), size, strides, dilation_rate, padding, data_format, n, op_name
    )
    x, batched = common.to_channels_last(images, data_format, n)
    y = _extract(x, size, strides, dilation, pads, out, n)
    return common.from_channels_last(y, data_format, batched, n)


@op(spec=_patches_spec)
@common.jit(1)
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Extracts 2D patches; each patch is flattened in (row, column, channel) order.

    Args:
        images: 3D or 4D image tensor.
        size: patch (height, width), or one int for both.
        strides: step between patches; defaults to `size`.
        dilation_rate: spacing of the sampled pixels inside a patch.
        padding: "valid" or "same" (zeros, split as evenly as possible, extra after).
        data_format: "channels_last" or "channels_first".

    Returns:
        (batch, out_h, out_w, size_h * size_w * channels) for channels_last,
        (batch, size_h * size_w * channels, out_h, out_w) for channels_first.
    """
    return _patches(
        images, size, strides, dilation_rate, padding, data_format, 2, "extract_patches"
    )


@op(
    spec=lambda volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None: (
        _patches_spec(
            volumes, size, strides, dilation_rate, padding, data_format, 3, "extract_patches_3d"
        )
    )
)
@common.jit(1)
def extract_patches_3d(
    volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None
):
    """Extracts 3D patches of 4D (one volume) or 5D (batched) inputs, like `extract_patches`."""
    return _patches(
        volumes, size, strides, dilation_rate, padding, data_format, 3, "extract_patches_3d"
    )
