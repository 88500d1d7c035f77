"""Point sampling of `cornu.ops.image`: map_coordinates and the warps built on it
(affine_transform, perspective_transform, elastic_transform)."""

import itertools
import math

import numpy as np

from cornu import backend
from cornu.backend.common import dtypes
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import rules
from cornu.ops.define import dtype_of, kernels, op, to_tensor
from cornu.ops.image import _image_common as common

_k = kernels()

__all__ = [
    "map_coordinates",
    "affine_transform",
    "perspective_transform",
    "elastic_transform",
]

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


# ---------------------------------------------------------------------------------------------
# Point sampling: map_coordinates, affine_transform, perspective_transform
# ---------------------------------------------------------------------------------------------


def _check_fill_mode(fill_mode, op_name, modes=_FILL_MODES):
    if fill_mode not in modes:
        raise ValueError(f"{op_name}: `fill_mode` must be one of {modes}; received {fill_mode!r}.")


def _fix_index(index, size, fill_mode):
    """Maps whole-number float indices into [0, size) following `fill_mode`."""
    if fill_mode == "wrap":
        return index % float(size)
    if fill_mode == "mirror":
        if size == 1:
            return index * 0.0
        period = 2.0 * (size - 1)
        folded = index % period
        return (size - 1.0) - _k.abs(folded - (size - 1.0))
    if fill_mode == "reflect":
        period = 2.0 * size
        folded = index % period
        return _k.where(folded >= size, (period - 1.0) - folded, folded)
    return _k.clip(index, 0.0, size - 1.0)  # nearest; constant masks out-of-range separately


def _sample(flat, sizes, coords, order, fill_mode, fill_value, base=None):
    """Interpolates `flat` (prod(sizes) rows [times a batch], C columns) at `coords`.

    Args:
        flat: (M, C) float tensor, rows in C order over `sizes` (plus `base` offsets).
        sizes: the spatial sizes.
        coords: one float tensor per spatial dim, all of one shape S.
        order: 0 (nearest) or 1 (linear).
        fill_mode, fill_value: what lies outside the input.
        base: optional int32 tensor broadcastable to S added to the flat row index.

    Returns:
        An (S..., C) tensor.
    """
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    per_dim = []
    for c in coords:
        if order == 0:
            per_dim.append([(_k.floor(c + 0.5), None)])
        else:
            lower = _k.floor(c)
            frac = c - lower
            per_dim.append([(lower, 1.0 - frac), (lower + 1.0, frac)])
    shape = tuple(-1 if d is None else int(d) for d in coords[0].shape)
    columns = int(flat.shape[-1])
    dtype = dtypes.standardize_dtype(flat.dtype)
    fill = to_tensor(fill_value, dtype)
    result = None
    for corner in itertools.product(*per_dim):
        index = base
        valid = None
        weight = None
        for (position, w), size, stride in zip(corner, sizes, strides):
            fixed = backend.cast(_fix_index(position, size, fill_mode), "int32")
            term = fixed * stride if stride != 1 else fixed
            index = term if index is None else index + term
            if fill_mode == "constant":
                inside = (position >= 0.0) & (position <= size - 1.0)
                valid = inside if valid is None else valid & inside
            if w is not None:
                weight = w if weight is None else weight * w
        if len(tuple(index.shape)) != len(shape):
            index = index + backend.cast(coords[0] * 0.0, "int32")
        values = _k.reshape(_k.take(flat, _k.reshape(index, (-1,)), 0), shape + (columns,))
        if valid is not None:
            values = _k.where(valid[..., None], values, fill)
        if weight is not None:
            values = values * backend.cast(weight, dtype)[..., None]
        result = values if result is None else result + values
    return result


def _map_coordinates_spec(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    in_shape = rules.shape_of(inputs)
    if isinstance(coordinates, (list, tuple)) and any(
        isinstance(c, KerasTensor) for c in coordinates
    ):
        coord_shape = (len(coordinates),) + rules.shape_of(coordinates[0])
    else:
        coord_shape = rules.shape_of(coordinates)
    _map_coordinates_args(in_shape, coord_shape, order, fill_mode)
    return common.same_dtype_spec(inputs, coord_shape[1:])


def _map_coordinates_args(in_shape, coord_shape, order, fill_mode):
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1; received {order!r}.")
    _check_fill_mode(fill_mode, "map_coordinates")
    if not coord_shape or coord_shape[0] != len(in_shape):
        raise ValueError(
            "map_coordinates: `coordinates` must have one row per input dimension "
            f"({len(in_shape)}); received coordinates of shape {tuple(coord_shape)}."
        )


@op(spec=_map_coordinates_spec)
@common.jit(2, sequences=("coordinates",))
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Samples `inputs` at `coordinates` (one row per input dim) by nearest/linear interpolation.

    Like `scipy.ndimage.map_coordinates` with order 0 or 1; outside the input, "constant"
    uses `fill_value` for each out-of-range neighbour, "nearest" repeats the edge, "wrap" is
    periodic, "mirror" reflects about the edge pixels' centres, "reflect" about their edges.

    Returns:
        A tensor of shape `coordinates.shape[1:]` in the input's dtype.
    """
    inputs = to_tensor(inputs)
    if isinstance(coordinates, (list, tuple)):
        coordinates = [to_tensor(c) for c in coordinates]
        coord_shape = (len(coordinates),) + tuple(coordinates[0].shape)
    else:
        coordinates = to_tensor(coordinates)
        coord_shape = tuple(coordinates.shape)
    in_shape = tuple(int(d) for d in inputs.shape)
    _map_coordinates_args(in_shape, coord_shape, order, fill_mode)
    dtype = dtype_of(inputs)
    compute = common.compute_dtype(dtype)
    coords = [backend.cast(coordinates[i], compute) for i in range(len(in_shape))]
    flat = _k.reshape(backend.cast(inputs, compute), (-1, 1))
    y = _sample(flat, in_shape, coords, order, fill_mode, fill_value)[..., 0]
    return common.cast_back(y, dtype)


_INTERPOLATION_ORDER = {"nearest": 0, "bilinear": 1}


def _transform_args(images, transform, interpolation, fill_mode, data_format, op_name):
    data_format = common.checked_data_format(data_format, op_name)
    shape = rules.shape_of(images)
    common.check_image_rank(shape, op_name)
    if interpolation not in _INTERPOLATION_ORDER:
        raise ValueError(
            f"{op_name}: `interpolation` must be 'nearest' or 'bilinear'; "
            f"received {interpolation!r}."
        )
    _check_fill_mode(fill_mode, op_name)
    t_shape = rules.shape_of(transform)
    if len(t_shape) not in (1, 2) or t_shape[-1] != 8:
        raise ValueError(
            f"{op_name}: `transform` must have shape (8,) or (batch, 8); received {t_shape}."
        )
    if len(shape) == 3 and len(t_shape) == 2 and t_shape[0] not in (1, None):
        raise ValueError(
            f"{op_name}: a batch of {t_shape[0]} transforms was given for a single image."
        )
    return data_format


def _affine_spec(*args, **kwargs):
    a = rules.bound_arguments(affine_transform, args, kwargs)
    _transform_args(
        a["images"], a["transform"], a["interpolation"], a["fill_mode"], a["data_format"],
        "affine_transform",
    )  # fmt: skip
    return common.same_dtype_spec(a["images"], rules.shape_of(a["images"]))


def _resample(x, compute, in_rows, in_cols, base, interpolation, fill_mode, fill_value):
    """Samples the batched channels-last `x` at (`in_rows`, `in_cols`) of each image."""
    height, width, channels = (int(d) for d in x.shape[1:])
    flat = _k.reshape(backend.cast(x, compute), (-1, channels))
    order = _INTERPOLATION_ORDER[interpolation]
    return _sample(flat, (height, width), [in_rows, in_cols], order, fill_mode, fill_value, base)


def _apply_projective(images, transform, interpolation, fill_mode, fill_value, data_format):
    """Projective warp of images by 8-parameter transforms mapping output -> input points."""
    dtype = dtype_of(images)
    compute = common.compute_dtype(dtype)
    x, batched = common.to_channels_last(images, data_format)
    height, width = int(x.shape[1]), int(x.shape[2])
    transform = backend.cast(transform, compute)
    if len(tuple(transform.shape)) == 1:
        transform = transform[None]
    batch = x.shape[0]
    t_batch = transform.shape[0]
    if t_batch is not None and batch is not None and int(t_batch) not in (1, int(batch)):
        raise ValueError(
            f"affine_transform: {int(t_batch)} transforms were given for {int(batch)} images."
        )
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    cols = to_tensor(cols[None], compute)
    rows = to_tensor(rows[None], compute)
    # (batch, 1, 1) parameters by a reshape, not by slicing with new axes: TensorFlow 2.21's
    # arithmetic optimizer (grappler) mis-shapes `t[:, i, None, None] * grid` inside a
    # tf.function, and a train step then fails with 'Incompatible shapes'.
    params = _k.reshape(transform, (-1, 8, 1, 1))
    a0, a1, a2, b0, b1, b2, c0, c1 = (params[:, i] for i in range(8))
    k = c0 * cols + c1 * rows + 1.0
    in_cols = (a0 * cols + a1 * rows + a2) / k
    in_rows = (b0 * cols + b1 * rows + b2) / k
    base = _k.batch_offsets(x, height * width)  # (batch, 1, 1) int32: first row of each image
    broadcast = backend.cast(base, compute) * 0.0
    in_cols, in_rows = in_cols + broadcast, in_rows + broadcast
    y = _resample(x, compute, in_rows, in_cols, base, interpolation, fill_mode, fill_value)
    return common.from_channels_last(common.cast_back(y, dtype), data_format, batched)


@op(spec=_affine_spec)
@common.jit(2)
def affine_transform(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    """Warps images by projective transforms [a0, a1, a2, b0, b1, b2, c0, c1].

    The output pixel (x=column, y=row) takes the input at
    ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1.

    Args:
        images: 3D or 4D image tensor.
        transform: (8,) or (batch, 8).
        interpolation: "nearest" or "bilinear".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect" (as map_coordinates).
        fill_value: the value outside the input for "constant".
        data_format: "channels_last" or "channels_first".
    """
    images = to_tensor(images)
    transform = to_tensor(transform)
    data_format = _transform_args(
        images, transform, interpolation, fill_mode, data_format, "affine_transform"
    )
    return _apply_projective(images, transform, interpolation, fill_mode, fill_value, data_format)


def _points_args(images, start_points, end_points, interpolation, data_format):
    data_format = common.checked_data_format(data_format, "perspective_transform")
    shape = rules.shape_of(images)
    common.check_image_rank(shape, "perspective_transform")
    if interpolation not in _INTERPOLATION_ORDER:
        raise ValueError(
            "perspective_transform: `interpolation` must be 'nearest' or 'bilinear'; "
            f"received {interpolation!r}."
        )
    for name, points in (("start_points", start_points), ("end_points", end_points)):
        p_shape = rules.shape_of(points)
        if len(p_shape) not in (2, 3) or tuple(p_shape[-2:]) != (4, 2):
            raise ValueError(
                f"perspective_transform: `{name}` must have shape (4, 2) or (batch, 4, 2); "
                f"received {p_shape}."
            )
    return data_format


def _perspective_spec(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    _points_args(images, start_points, end_points, interpolation, data_format)
    return common.same_dtype_spec(images, rules.shape_of(images))


def _homography(start_points, end_points, dtype):
    """The 8 projective parameters mapping each end point (x, y) to its start point."""
    start = backend.cast(start_points, dtype)
    end = backend.cast(end_points, dtype)
    if len(tuple(start.shape)) == 2:
        start = _k.reshape(start, (1, 4, 2))
    if len(tuple(end.shape)) == 2:
        end = _k.reshape(end, (1, 4, 2))
    if int(start.shape[0]) != int(end.shape[0]):
        zeros = to_tensor(np.zeros((max(int(start.shape[0]), int(end.shape[0])), 1, 1)), dtype)
        start, end = start + zeros, end + zeros
    xe, ye, xs, ys = end[..., 0], end[..., 1], start[..., 0], start[..., 1]
    one, zero = xe * 0.0 + 1.0, xe * 0.0
    rows_x = _k.stack([xe, ye, one, zero, zero, zero, -xe * xs, -ye * xs], -1)
    rows_y = _k.stack([zero, zero, zero, xe, ye, one, -xe * ys, -ye * ys], -1)
    matrix = _k.concatenate([rows_x, rows_y], 1)  # (batch, 8, 8)
    rhs = _k.concatenate([xs, ys], 1)[..., None]  # (batch, 8, 1)
    return _k.solve(matrix, rhs)[..., 0]


@op(spec=_perspective_spec)
@common.jit(3)
def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Warps images so the four `start_points` (x, y) land on `end_points`.

    Args:
        images: 3D or 4D image tensor.
        start_points, end_points: (4, 2) or (batch, 4, 2) corner points, (x, y) each.
        interpolation: "nearest" or "bilinear".
        fill_value: the value outside the input.
        data_format: "channels_last" or "channels_first".
    """
    images = to_tensor(images)
    data_format = _points_args(images, start_points, end_points, interpolation, data_format)
    compute = common.compute_dtype(dtype_of(images))
    transform = _homography(to_tensor(start_points), to_tensor(end_points), compute)
    return _apply_projective(images, transform, interpolation, "constant", fill_value, data_format)


# ---------------------------------------------------------------------------------------------
# elastic_transform
# ---------------------------------------------------------------------------------------------


def _elastic_args(images, interpolation, fill_mode, data_format):
    data_format = common.checked_data_format(data_format, "elastic_transform")
    common.check_image_rank(rules.shape_of(images), "elastic_transform")
    if interpolation not in _INTERPOLATION_ORDER:
        raise ValueError(
            "elastic_transform: `interpolation` must be 'nearest' or 'bilinear'; "
            f"received {interpolation!r}."
        )
    _check_fill_mode(fill_mode, "elastic_transform")
    return data_format


def _elastic_spec(*args, **kwargs):
    a = rules.bound_arguments(elastic_transform, args, kwargs)
    _elastic_args(a["images"], a["interpolation"], a["fill_mode"], a["data_format"])
    return common.same_dtype_spec(a["images"], rules.shape_of(a["images"]))


@op(spec=_elastic_spec)
def elastic_transform(
    images,
    alpha=20.0,
    sigma=5.0,
    interpolation="bilinear",
    fill_mode="reflect",
    fill_value=0.0,
    seed=None,
    data_format=None,
):
    """Elastic deformation (Simard et al. 2003): a random displacement field.

    Uniform noise in [-1, 1] per pixel and direction, smoothed by a Gaussian of `sigma`
    (kernel size `2 * int(3 * sigma) + 1`), scaled by `alpha`, shifts where each output pixel
    samples the input (one field per image, shared by its channels).

    Args:
        images: 3D or 4D image tensor.
        alpha: displacement scale, in pixels.
        sigma: smoothness of the field.
        interpolation: "nearest" or "bilinear".
        fill_mode, fill_value: outside the input, as for `map_coordinates`.
        seed: None, an int or a SeedGenerator.
        data_format: "channels_last" or "channels_first".
    """
    # cornu.random imports cornu.ops, so a top-level import here would be circular.
    from cornu import random

    images = to_tensor(images)
    data_format = _elastic_args(images, interpolation, fill_mode, data_format)
    prefix, (height, width), _ = common.spatial_shape(tuple(images.shape), data_format)
    batch = int(prefix[0]) if prefix else 1
    compute = common.compute_dtype(dtype_of(images))
    noise = random.uniform((batch, height, width, 2), -1.0, 1.0, dtype=compute, seed=seed)
    return _elastic_warp(
        images, noise, float(alpha), float(sigma), interpolation, fill_mode, fill_value, data_format
    )


@common.jit(2)
def _elastic_warp(images, noise, alpha, sigma, interpolation, fill_mode, fill_value, data_format):
    """Smooths and scales the (batch, height, width, 2) `noise` and resamples `images` by it."""
    dtype = dtype_of(images)
    compute = common.compute_dtype(dtype)
    x, batched = common.to_channels_last(images, data_format)
    height, width = int(x.shape[1]), int(x.shape[2])
    size = 2 * int(3 * sigma) + 1
    field = common.blur(noise, (size, size), (sigma, sigma)) * alpha
    rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    in_rows = to_tensor(rows[None], compute) + field[..., 0]
    in_cols = to_tensor(cols[None], compute) + field[..., 1]
    base = _k.batch_offsets(x, height * width)
    y = _resample(x, compute, in_rows, in_cols, base, interpolation, fill_mode, fill_value)
    return common.from_channels_last(common.cast_back(y, dtype), data_format, batched)
