"""cornu.ops.image against NumPy/SciPy references written here, on every backend."""

import colorsys
import itertools

import numpy as np
import pytest
import scipy.ndimage as ndi

from cornu import backend, ops
from cornu.graph.keras_tensor import KerasTensor
from cornu.ops import image
from cornu.testing import assert_op_matches
from tests.conftest import requires_training
from tests.helpers import backend_grad_of_sum, raises_test

rng = np.random.default_rng(1234)
IMG = rng.random((2, 7, 9, 3)).astype("float32")  # batch, channels_last
IMG1 = IMG[0]  # one image
IMG_CF = np.transpose(IMG, (0, 3, 1, 2)).copy()  # channels_first
BIG = rng.random((2, 16, 14, 2)).astype("float32")


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


# ---------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------


def _tri(d):
    return max(0.0, 1.0 - d)


def _keys(d):
    a = -0.5
    if d <= 1:
        return (a + 2) * d**3 - (a + 3) * d**2 + 1
    if d < 2:
        return a * d**3 - 5 * a * d**2 + 8 * a * d - 4 * a
    return 0.0


def _lanczos(radius):
    return lambda d: float(np.sinc(d) * np.sinc(d / radius)) if d < radius else 0.0


KERNELS = {"bilinear": _tri, "bicubic": _keys, "lanczos3": _lanczos(3), "lanczos5": _lanczos(5)}


def _ref_axis(x, axis, out, kernel, antialias, scale=None, shift=0.0):
    """Resamples one axis with explicit loops: output i samples (i + 0.5 - shift)/scale - 0.5."""
    n = x.shape[axis]
    scale = out / n if scale is None else scale
    width = max(1.0 / scale, 1.0) if antialias else 1.0
    moved = np.moveaxis(x.astype("float64"), axis, 0)
    result = np.zeros((out,) + moved.shape[1:])
    for i in range(out):
        centre = (i + 0.5 - shift) / scale - 0.5
        if not -0.5 <= centre <= n - 0.5:
            continue
        w = np.array([kernel(abs(centre - j) / width) for j in range(n)])
        if abs(w.sum()) > 1000 * np.finfo(np.float32).eps:
            result[i] = np.tensordot(w / w.sum(), moved, axes=1)
    return np.moveaxis(result, 0, axis)


def _ref_area_axis(x, axis, out):
    n = x.shape[axis]
    moved = np.moveaxis(x.astype("float64"), axis, 0)
    step = n / out
    result = np.zeros((out,) + moved.shape[1:])
    for i in range(out):
        lo, hi = i * step, (i + 1) * step
        for j in range(n):
            overlap = min(hi, j + 1) - max(lo, j)
            if overlap > 0:
                result[i] += overlap / step * moved[j]
    return np.moveaxis(result, 0, axis)


def ref_resize(images, size, interpolation="bilinear", antialias=False, data_format=None, **_):
    x = np.asarray(images)
    if data_format == "channels_first":
        x = np.moveaxis(x, -3, -1)
    h_axis = x.ndim - 3
    for axis, out in ((h_axis, size[0]), (h_axis + 1, size[1])):
        n = x.shape[axis]
        if interpolation == "nearest":
            index = np.minimum(np.floor((np.arange(out) + 0.5) * n / out).astype(int), n - 1)
            x = np.take(x, index, axis=axis)
        elif interpolation == "area":
            x = _ref_area_axis(x, axis, out)
        else:
            x = _ref_axis(x, axis, out, KERNELS[interpolation], antialias)
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, -3)
    return x.astype(images.dtype)


def ref_grayscale(images, data_format=None):
    axis = -3 if data_format == "channels_first" else -1
    x = np.moveaxis(images, axis, -1)
    y = x @ np.array([[0.2989], [0.5870], [0.1140]])
    return np.moveaxis(y, -1, axis).astype(images.dtype)


def ref_rgb_to_hsv(images, data_format=None):
    flat = images.reshape(-1, 3)
    return np.array([colorsys.rgb_to_hsv(*p) for p in flat]).reshape(images.shape)


def ref_hsv_to_rgb(images, data_format=None):
    flat = images.reshape(-1, 3)
    return np.array([colorsys.hsv_to_rgb(*p) for p in flat]).reshape(images.shape)


def ref_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    x = np.asarray(images)
    unbatched = x.ndim == 3
    x = x[None] if unbatched else x
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    kh, kw = (size, size) if isinstance(size, int) else size
    sh, sw = (
        (kh, kw) if strides is None else ((strides,) * 2 if isinstance(strides, int) else strides)
    )
    d = dilation_rate
    h, w = x.shape[1:3]
    if padding == "same":
        oh, ow = -(-h // sh), -(-w // sw)
        ph = max((oh - 1) * sh + (kh - 1) * d + 1 - h, 0)
        pw = max((ow - 1) * sw + (kw - 1) * d + 1 - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh = (h - (kh - 1) * d - 1) // sh + 1
        ow = (w - (kw - 1) * d - 1) // sw + 1
    out = np.zeros((x.shape[0], oh, ow, kh * kw * x.shape[-1]), x.dtype)
    for b, i, j in itertools.product(range(x.shape[0]), range(oh), range(ow)):
        patch = x[b, i * sh : i * sh + (kh - 1) * d + 1 : d, j * sw : j * sw + (kw - 1) * d + 1 : d]
        out[b, i, j] = patch.reshape(-1)
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out[0] if unbatched else out


SCIPY_MODES = {
    "constant": "grid-constant",
    "nearest": "nearest",
    "wrap": "grid-wrap",
    "mirror": "mirror",
    "reflect": "reflect",
}


def ref_map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    return ndi.map_coordinates(
        inputs.astype("float64"),
        np.asarray(coordinates, "float64"),
        order=order,
        mode=SCIPY_MODES[fill_mode],
        cval=fill_value,
    )


def ref_affine(
    images,
    transform,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0,
    data_format=None,
):
    x = images[None] if images.ndim == 3 else images
    t = np.broadcast_to(np.reshape(transform, (-1, 8)), (x.shape[0], 8))
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    h, w = x.shape[1:3]
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    out = np.zeros(x.shape)
    for b in range(x.shape[0]):
        a0, a1, a2, b0, b1, b2, c0, c1 = t[b]
        k = c0 * cols + c1 * rows + 1
        coords = [(b0 * cols + b1 * rows + b2) / k, (a0 * cols + a1 * rows + a2) / k]
        for c in range(x.shape[-1]):
            out[b, ..., c] = ref_map_coordinates(
                x[b, ..., c],
                coords,
                {"nearest": 0, "bilinear": 1}[interpolation],
                fill_mode,
                fill_value,
            )
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out[0] if images.ndim == 3 else out


def ref_perspective(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    start = np.reshape(start_points, (-1, 4, 2)).astype("float64")
    end = np.reshape(end_points, (-1, 4, 2)).astype("float64")
    transforms = []
    for s, e in zip(start, end):
        rows = []
        rhs = []
        for (xe, ye), (xs, ys) in zip(e, s):
            rows.append([xe, ye, 1, 0, 0, 0, -xe * xs, -ye * xs])
            rows.append([0, 0, 0, xe, ye, 1, -xe * ys, -ye * ys])
            rhs += [xs, ys]
        transforms.append(np.linalg.solve(np.array(rows), np.array(rhs)))
    return ref_affine(
        images, np.array(transforms), interpolation, "constant", fill_value, data_format
    )


def _gauss(k, s):
    x = np.arange(k) - (k - 1) / 2
    g = np.exp(-(x**2) / (2 * s**2))
    return g / g.sum()


def ref_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    x = images[None] if images.ndim == 3 else images
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    weights = np.outer(_gauss(kernel_size[0], sigma[0]), _gauss(kernel_size[1], sigma[1]))
    out = ndi.correlate(x.astype("float64"), weights[None, :, :, None], mode="constant")
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out[0] if images.ndim == 3 else out


def ref_sobel(images, data_format=None):
    x = images[None] if images.ndim == 3 else images
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    ky = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], "float64")
    dy = ndi.correlate(x.astype("float64"), ky[None, :, :, None], mode="mirror")
    dx = ndi.correlate(x.astype("float64"), ky.T[None, :, :, None], mode="mirror")
    if data_format == "channels_first":
        dy, dx = np.moveaxis(dy, -1, 1), np.moveaxis(dx, -1, 1)
    out = np.stack([dy, dx], -1)
    return out[0] if images.ndim == 3 else out


def ref_ssim(
    image1,
    image2,
    max_val=1.0,
    filter_size=11,
    filter_sigma=1.5,
    k1=0.01,
    k2=0.03,
    data_format=None,
):
    x = image1[None] if image1.ndim == 3 else image1
    y = image2[None] if image2.ndim == 3 else image2
    if data_format == "channels_first":
        x, y = np.moveaxis(x, 1, -1), np.moveaxis(y, 1, -1)
    x, y = x.astype("float64"), y.astype("float64")
    window = np.outer(_gauss(filter_size, filter_sigma), _gauss(filter_size, filter_sigma))
    half = filter_size // 2

    def mean(t):
        full = ndi.correlate(t, window[None, :, :, None], mode="constant")
        return full[:, half : t.shape[1] - half, half : t.shape[2] - half]

    mx, my = mean(x), mean(y)
    vx, vy, cxy = mean(x * x) - mx**2, mean(y * y) - my**2, mean(x * y) - mx * my
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    s = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    out = s.mean(axis=(1, 2, 3))
    return out[0] if image1.ndim == 3 else out


def ref_scale_and_translate(
    images, output_shape, scale, translation, spatial_dims, method, antialias=True
):
    method = {"linear": "bilinear", "cubic": "bicubic"}.get(method, method)
    x = images
    for d, s, t in zip(spatial_dims, scale, translation):
        x = _ref_axis(x, d, output_shape[d], KERNELS[method], antialias, scale=s, shift=t)
    return x


# ---------------------------------------------------------------------------------------------
# Value + symbolic-spec rows
# ---------------------------------------------------------------------------------------------

MAP_COORDS = (rng.random((2, 4, 5)) * 12 - 3).astype("float32")
TRANSFORM = np.array([0.9, 0.2, 1.37, -0.1, 1.1, -2.13, 0.01, -0.02], "float32")
TRANSFORMS = np.stack([TRANSFORM, np.array([1, 0, -2.5, 0, 1, 1.3, 0, 0], "float32")])
START = np.array([[0, 0], [0, 7], [9, 0], [9, 7]], "float32")
END = np.array([[1, 0.5], [0.5, 6], [8, 1], [9.5, 7.5]], "float32")
HSV = np.concatenate([rng.random((2, 4, 5, 2)), rng.random((2, 4, 5, 1)) + 0.01], -1).astype(
    "float32"
)

CASES = [
    # resize
    ("resize-bilinear-up", image.resize, ref_resize, (IMG, (12, 14)), {}),
    ("resize-bilinear-down", image.resize, ref_resize, (BIG, (5, 6)), {}),
    ("resize-bilinear-antialias", image.resize, ref_resize, (BIG, (5, 6)), {"antialias": True}),
    ("resize-nearest", image.resize, ref_resize, (IMG, (12, 5)), {"interpolation": "nearest"}),
    ("resize-bicubic", image.resize, ref_resize, (IMG, (10, 6)), {"interpolation": "bicubic"}),
    ("resize-bicubic-antialias", image.resize, ref_resize, (BIG, (6, 9)), {"interpolation": "bicubic", "antialias": True}),
    ("resize-lanczos3", image.resize, ref_resize, (IMG, (11, 5)), {"interpolation": "lanczos3"}),
    ("resize-lanczos5", image.resize, ref_resize, (BIG, (9, 20)), {"interpolation": "lanczos5", "antialias": True}),
    ("resize-area-down", image.resize, ref_resize, (BIG, (5, 6)), {"interpolation": "area"}),
    ("resize-area-up", image.resize, ref_resize, (IMG, (10, 12)), {"interpolation": "area"}),
    ("resize-unbatched", image.resize, ref_resize, (IMG1, (4, 11)), {}),
    ("resize-channels-first", image.resize, ref_resize, (IMG_CF, (5, 4)), {"data_format": "channels_first"}),
    ("resize-same-size", image.resize, ref_resize, (IMG, (7, 9)), {}),
    # colour
    ("rgb_to_grayscale", image.rgb_to_grayscale, ref_grayscale, (IMG,), {}),
    ("rgb_to_grayscale-cf", image.rgb_to_grayscale, ref_grayscale, (IMG_CF,), {"data_format": "channels_first"}),
    ("rgb_to_grayscale-unbatched", image.rgb_to_grayscale, ref_grayscale, (IMG1,), {}),
    ("rgb_to_hsv", image.rgb_to_hsv, ref_rgb_to_hsv, (IMG,), {}),
    ("rgb_to_hsv-unbatched", image.rgb_to_hsv, ref_rgb_to_hsv, (IMG1,), {}),
    ("hsv_to_rgb", image.hsv_to_rgb, ref_hsv_to_rgb, (HSV,), {}),
    # crop / pad
    ("crop-boxes", image.crop_images, lambda x, **k: x[:, 1:5, 2:8], (IMG,), {"top_cropping": 1, "bottom_cropping": 2, "left_cropping": 2, "right_cropping": 1}),
    ("crop-target", image.crop_images, lambda x, **k: x[:, 2:5, 0:4], (IMG,), {"top_cropping": 2, "target_height": 3, "right_cropping": 5, "target_width": 4}),
    ("crop-cf-unbatched", image.crop_images, lambda x, **k: x[:, 1:6, 3:9], (IMG_CF[0],), {"top_cropping": 1, "bottom_cropping": 1, "left_cropping": 3, "target_width": 6, "data_format": "channels_first"}),
    ("pad-boxes", image.pad_images, lambda x, **k: np.pad(x, ((0, 0), (1, 2), (3, 0), (0, 0))), (IMG,), {"top_padding": 1, "bottom_padding": 2, "left_padding": 3, "right_padding": 0}),
    ("pad-target", image.pad_images, lambda x, **k: np.pad(x, ((2, 1), (1, 3), (0, 0))), (IMG1,), {"top_padding": 2, "target_height": 10, "right_padding": 3, "target_width": 13}),
    ("pad-cf", image.pad_images, lambda x, **k: np.pad(x, ((0, 0), (0, 0), (1, 1), (2, 2))), (IMG_CF,), {"bottom_padding": 1, "target_height": 9, "left_padding": 2, "right_padding": 2, "data_format": "channels_first"}),
    # patches
    ("extract_patches", image.extract_patches, ref_patches, (IMG, 2), {}),
    ("extract_patches-strides", image.extract_patches, ref_patches, (IMG, (3, 2)), {"strides": (2, 3)}),
    ("extract_patches-same", image.extract_patches, ref_patches, (IMG, (3, 3)), {"strides": 2, "padding": "same"}),
    ("extract_patches-dilation", image.extract_patches, ref_patches, (IMG, 2), {"strides": 1, "dilation_rate": 2}),
    ("extract_patches-cf", image.extract_patches, ref_patches, (IMG_CF, (2, 3)), {"data_format": "channels_first"}),
    ("extract_patches-unbatched", image.extract_patches, ref_patches, (IMG1, 3), {"padding": "same"}),
    # sampling
    *[
        (f"map_coordinates-o{order}-{mode}", image.map_coordinates, ref_map_coordinates, (IMG[0, ..., 0], MAP_COORDS, order), {"fill_mode": mode, "fill_value": 0.25})
        for order in (0, 1) for mode in SCIPY_MODES
    ],
    ("map_coordinates-3d", image.map_coordinates, ref_map_coordinates, (IMG[0], (rng.random((3, 6)) * 8 - 1).astype("float32"), 1), {"fill_mode": "nearest"}),
    *[
        (f"affine-{interp}-{mode}", image.affine_transform, ref_affine, (IMG, TRANSFORM), {"interpolation": interp, "fill_mode": mode, "fill_value": 0.5})
        for interp in ("nearest", "bilinear") for mode in SCIPY_MODES
    ],
    ("affine-batched-transforms", image.affine_transform, ref_affine, (IMG, TRANSFORMS), {}),
    ("affine-cf-unbatched", image.affine_transform, ref_affine, (IMG_CF[0], TRANSFORM), {"data_format": "channels_first", "fill_mode": "reflect"}),
    ("perspective", image.perspective_transform, ref_perspective, (IMG, START, END), {}),
    ("perspective-nearest-cf", image.perspective_transform, ref_perspective, (IMG_CF, START, END), {"interpolation": "nearest", "fill_value": 1.0, "data_format": "channels_first"}),
    ("perspective-batched-points", image.perspective_transform, ref_perspective, (IMG, np.stack([START, START]), np.stack([END, START])), {}),
    # filters
    ("gaussian_blur", image.gaussian_blur, ref_blur, (IMG,), {}),
    ("gaussian_blur-5x3", image.gaussian_blur, ref_blur, (IMG,), {"kernel_size": (5, 3), "sigma": (2.0, 0.7)}),
    ("gaussian_blur-cf-unbatched", image.gaussian_blur, ref_blur, (IMG_CF[0],), {"kernel_size": (3, 5), "sigma": (1.5, 1.5), "data_format": "channels_first"}),
    ("sobel_edges", image.sobel_edges, ref_sobel, (IMG,), {}),
    ("sobel_edges-cf", image.sobel_edges, ref_sobel, (IMG_CF,), {"data_format": "channels_first"}),
    ("sobel_edges-unbatched", image.sobel_edges, ref_sobel, (IMG1,), {}),
    ("ssim", image.ssim, ref_ssim, (BIG, np.clip(BIG + 0.1 * rng.standard_normal(BIG.shape), 0, 1).astype("float32")), {}),
    ("ssim-small-filter", image.ssim, ref_ssim, (IMG, IMG[::-1].copy()), {"filter_size": 3, "filter_sigma": 1.0, "max_val": 2.0}),
    ("ssim-unbatched-cf", image.ssim, ref_ssim, (IMG_CF[0], IMG_CF[1]), {"filter_size": 5, "data_format": "channels_first"}),
    # scale_and_translate
    ("scale_and_translate", image.scale_and_translate, ref_scale_and_translate, (IMG, (2, 5, 11, 3), (0.7, 1.3), (0.5, -1.0), (1, 2), "linear"), {}),
    ("scale_and_translate-cubic-noaa", image.scale_and_translate, ref_scale_and_translate, (BIG, (2, 6, 14, 2), (0.4, 1.0), (0.0, 0.25), (1, 2), "cubic"), {"antialias": False}),
]  # fmt: skip


@pytest.mark.parametrize("name,op,ref,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_reference(name, op, ref, args, kwargs):
    assert_op_matches(op, ref, *args, rtol=1e-4, atol=2e-5, **kwargs)


UNKNOWN_BATCH = [
    "resize-bilinear-up",
    "rgb_to_grayscale",
    "crop-boxes",
    "pad-boxes",
    "extract_patches-same",
    "affine-bilinear-constant",
    "gaussian_blur",
    "sobel_edges",
    "ssim",
]


@pytest.mark.parametrize("name", UNKNOWN_BATCH)
def test_symbolic_unknown_batch(name):
    _, op, _, args, kwargs = next(c for c in CASES if c[0] == name)
    symbolic = [
        KerasTensor((None,) + a.shape[1:], dtype=str(a.dtype))
        if isinstance(a, np.ndarray) and a.ndim == 4
        else a
        for a in args
    ]
    spec = op(*symbolic, **kwargs)
    eager = op(
        *[backend.convert_to_tensor(a) if isinstance(a, np.ndarray) else a for a in args], **kwargs
    )
    assert spec.shape[0] is None and tuple(spec.shape[1:]) == tuple(_np(eager).shape[1:])
    assert spec.dtype == backend.standardize_dtype(eager.dtype)


# ---------------------------------------------------------------------------------------------
# Extra behaviour
# ---------------------------------------------------------------------------------------------


def test_resize_crop_to_aspect_ratio():
    x = rng.random((1, 6, 12, 1)).astype("float32")
    got = _np(image.resize(x, (4, 4), crop_to_aspect_ratio=True))
    np.testing.assert_allclose(got, ref_resize(x[:, :, 3:9], (4, 4)), rtol=1e-5, atol=1e-6)


def test_resize_pad_to_aspect_ratio():
    x = rng.random((1, 6, 12, 1)).astype("float32")
    got = _np(image.resize(x, (4, 4), pad_to_aspect_ratio=True, fill_value=0.5))
    padded = np.pad(x, ((0, 0), (3, 3), (0, 0), (0, 0)), constant_values=0.5)
    np.testing.assert_allclose(got, ref_resize(padded, (4, 4)), rtol=1e-5, atol=1e-6)


def test_resize_area_integer_factor_is_block_mean():
    got = _np(image.resize(BIG, (8, 7), interpolation="area"))
    want = BIG.reshape(2, 8, 2, 7, 2, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(backend.backend() != "jax", reason="checked once, on the jax backend")
def test_resize_matches_jax_image_resize():
    import jax

    for method, jax_method, size, antialias in (
        ("bilinear", "linear", (12, 4), False),
        ("bicubic", "cubic", (3, 5), True),
        ("lanczos3", "lanczos3", (3, 12), True),
        ("nearest", "nearest", (12, 4), False),
    ):
        want = np.asarray(
            jax.image.resize(IMG, (2,) + size + (3,), jax_method, antialias=antialias)
        )
        got = _np(image.resize(IMG, size, interpolation=method, antialias=antialias))
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=method)


@pytest.mark.parametrize("dtype", ["uint8", "int32"])
def test_integer_images_keep_their_dtype(dtype):
    x = (rng.random((1, 5, 6, 3)) * 200).astype(dtype)
    out = image.resize(x, (3, 4))
    assert backend.standardize_dtype(out.dtype) == dtype
    np.testing.assert_allclose(
        _np(out), np.round(ref_resize(x.astype("float64"), (3, 4))), atol=1.0
    )
    gray = image.rgb_to_grayscale(x)
    assert backend.standardize_dtype(gray.dtype) == dtype
    assert backend.standardize_dtype(image.affine_transform(x, TRANSFORM).dtype) == dtype
    nearest = image.resize(x, (10, 12), interpolation="nearest")
    np.testing.assert_array_equal(_np(nearest), ref_resize(x, (10, 12), "nearest"))
    sobel = image.sobel_edges(x)
    assert backend.standardize_dtype(sobel.dtype) == "float32"


def test_map_coordinates_int_input_rounds():
    x = np.arange(12, dtype="int32").reshape(3, 4) * 3
    coords = np.array([[0.5, 1.25], [0.5, 2.5]], "float32")
    got = _np(image.map_coordinates(x, coords, 1))
    assert got.dtype == np.int32
    want = ref_map_coordinates(x, coords, 1)
    np.testing.assert_array_equal(got, np.sign(want) * np.floor(np.abs(want) + 0.5))


def test_map_coordinates_list_of_coordinates():
    coords = [MAP_COORDS[0], MAP_COORDS[1]]
    got = _np(image.map_coordinates(IMG[0, ..., 0], coords, 1))
    np.testing.assert_allclose(
        got, ref_map_coordinates(IMG[0, ..., 0], MAP_COORDS, 1), rtol=1e-5, atol=1e-6
    )


def test_python_list_arguments():
    got = _np(image.affine_transform(IMG, TRANSFORM.tolist()))
    np.testing.assert_allclose(got, ref_affine(IMG, TRANSFORM), rtol=1e-4, atol=2e-5)
    got = _np(image.perspective_transform(IMG, START.tolist(), END.tolist()))
    np.testing.assert_allclose(got, ref_perspective(IMG, START, END), rtol=1e-4, atol=2e-5)
    coords = [[0.5, 1.5, 2.25], [1.0, 0.25, 3.5]]
    got = _np(image.map_coordinates(IMG[0, ..., 0], coords, 1))
    np.testing.assert_allclose(
        got, ref_map_coordinates(IMG[0, ..., 0], coords, 1), rtol=1e-5, atol=1e-6
    )


def test_map_coordinates_symbolic_list():
    spec = image.map_coordinates(KerasTensor((5, 6)), [KerasTensor((3, 4)), KerasTensor((3, 4))], 1)
    assert spec.shape == (3, 4) and spec.dtype == "float32"
    spec = image.map_coordinates(KerasTensor((5,), dtype="int32"), [KerasTensor((7,))], 0)
    assert spec.shape == (7,) and spec.dtype == "int32"


def test_float64_is_kept():
    x = IMG.astype("float64")
    for out in (
        image.resize(x, (3, 3)),
        image.gaussian_blur(x),
        image.rgb_to_hsv(x),
        image.affine_transform(x, TRANSFORM.astype("float64")),
        image.sobel_edges(x),
    ):
        assert backend.standardize_dtype(out.dtype) == "float64"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_is_kept(dtype):
    x = backend.convert_to_tensor(IMG, dtype)
    outs = [
        image.resize(x, (4, 5)),
        image.resize(x, (4, 5), interpolation="nearest"),
        image.affine_transform(x, TRANSFORM),
        image.gaussian_blur(x),
        image.rgb_to_hsv(x),
        image.hsv_to_rgb(x),
        image.rgb_to_grayscale(x),
        image.extract_patches(x, 2),
        image.ssim(x, x, filter_size=3),
        image.sobel_edges(x),
    ]
    for out in outs:
        assert backend.standardize_dtype(out.dtype) == dtype
    np.testing.assert_allclose(
        _np(backend.cast(outs[0], "float32")), ref_resize(IMG, (4, 5)), atol=0.02
    )


def test_hsv_round_trip():
    back = _np(image.hsv_to_rgb(image.rgb_to_hsv(IMG)))
    np.testing.assert_allclose(back, IMG, rtol=1e-5, atol=1e-6)


def test_extract_patches_3d():
    x = rng.random((2, 4, 5, 6, 2)).astype("float32")
    got = _np(image.extract_patches_3d(x, (2, 2, 3)))
    assert got.shape == (2, 2, 2, 2, 2 * 2 * 3 * 2)
    want = x[:, 2:4, 2:4, 3:6, :].reshape(2, -1)
    np.testing.assert_allclose(got[:, 1, 1, 1], want)
    same = image.extract_patches_3d(x, 3, strides=2, padding="same")
    assert tuple(_np(same).shape) == (2, 2, 3, 3, 27 * 2)
    cf = _np(
        image.extract_patches_3d(np.moveaxis(x, -1, 1), (2, 2, 3), data_format="channels_first")
    )
    np.testing.assert_allclose(np.moveaxis(cf, 1, -1), got)
    spec = image.extract_patches_3d(KerasTensor((None, 4, 5, 6, 2)), 2, strides=1)
    assert spec.shape == (None, 3, 4, 5, 16)


def test_elastic_transform():
    x = rng.random((2, 12, 10, 3)).astype("float32")
    out = image.elastic_transform(x, alpha=5.0, sigma=2.0, seed=3)
    assert tuple(_np(out).shape) == x.shape
    np.testing.assert_allclose(
        _np(image.elastic_transform(x, alpha=5.0, sigma=2.0, seed=3)), _np(out)
    )
    assert not np.allclose(_np(out), x)
    identity = image.elastic_transform(x, alpha=0.0, sigma=2.0, seed=1)
    np.testing.assert_allclose(_np(identity), x, rtol=1e-6, atol=1e-6)
    unbatched = image.elastic_transform(
        np.moveaxis(x[0, :6, :5], -1, 0),
        sigma=1.0,
        seed=1,
        data_format="channels_first",
        interpolation="nearest",
    )
    assert tuple(_np(unbatched).shape) == (3, 6, 5)
    spec = image.elastic_transform(KerasTensor((None, 12, 10, 3)))
    assert spec.shape == (None, 12, 10, 3) and spec.dtype == "float32"


def test_affine_identity_and_translation():
    identity = np.array([1, 0, 0, 0, 1, 0, 0, 0], "float32")
    np.testing.assert_allclose(_np(image.affine_transform(IMG, identity)), IMG, atol=1e-6)
    shift = np.array([1, 0, -1, 0, 1, 0, 0, 0], "float32")  # output x samples input x - 1
    got = _np(image.affine_transform(IMG, shift, interpolation="nearest"))
    np.testing.assert_allclose(got[:, :, 1:], IMG[:, :, :-1])
    np.testing.assert_allclose(got[:, :, 0], 0.0)


def test_pad_and_crop_positional_examples():
    x = rng.random((15, 25, 3)).astype("float32")
    padded = _np(image.pad_images(x, 2, 3, target_height=20, target_width=30))
    np.testing.assert_array_equal(padded, np.pad(x, ((2, 3), (3, 2), (0, 0))))
    cropped = _np(image.crop_images(padded, 2, 3, target_height=15, target_width=25))
    np.testing.assert_array_equal(cropped, x)


@pytest.mark.skipif(backend.backend() != "tensorflow", reason="tf.function-specific")
def test_tf_function_with_unknown_batch():
    import tensorflow as tf

    spec = [tf.TensorSpec((None, 7, 9, 3), tf.float32)]
    for fn in (
        lambda t: image.affine_transform(t, TRANSFORM),
        lambda t: image.extract_patches(t, 2),
        lambda t: image.perspective_transform(t, START, END),
    ):
        got = tf.function(fn, input_signature=spec)(IMG)
        np.testing.assert_allclose(got.numpy(), _np(fn(tf.constant(IMG))), rtol=1e-5, atol=1e-6)


def test_ssim_identical_images_is_one():
    np.testing.assert_allclose(_np(image.ssim(BIG, BIG)), np.ones(2), rtol=1e-5)


def test_default_data_format_comes_from_config():
    from cornu import config

    config.set_image_data_format("channels_first")
    try:
        got = _np(image.rgb_to_grayscale(IMG_CF))
    finally:
        config.set_image_data_format("channels_last")
    np.testing.assert_allclose(got, ref_grayscale(IMG_CF, "channels_first"), rtol=1e-5, atol=1e-6)


def test_image_ops_are_not_top_level():
    assert not hasattr(ops, "rgb_to_grayscale") and hasattr(ops.image, "resize")


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

ERRORS = [
    ("resize-rank", lambda: image.resize(IMG[0, 0], (2, 2)), ValueError, "resize: `images` must be a 3D"),
    ("resize-size", lambda: image.resize(IMG, (2,)), ValueError, "`size` must be a pair"),
    ("resize-method", lambda: image.resize(IMG, (2, 2), interpolation="cubic"), ValueError, "`interpolation` must be one of"),
    ("resize-both-aspect", lambda: image.resize(IMG, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), ValueError, "only one of"),
    ("resize-fill-mode", lambda: image.resize(IMG, (2, 2), pad_to_aspect_ratio=True, fill_mode="reflect"), ValueError, "`fill_mode` must be 'constant'"),
    ("data-format", lambda: image.rgb_to_grayscale(IMG, data_format="nhwc"), ValueError, "`data_format` must be"),
    ("grayscale-channels", lambda: image.rgb_to_grayscale(IMG[..., :2]), ValueError, "must have 3 channels"),
    ("hsv-int", lambda: image.rgb_to_hsv(IMG.astype("int32")), TypeError, "rgb_to_hsv: `images` must have a float dtype"),
    ("crop-two-of-three", lambda: image.crop_images(IMG, top_cropping=1), ValueError, "give exactly two of `top_cropping`"),
    ("crop-too-big", lambda: image.crop_images(IMG, top_cropping=5, bottom_cropping=5, left_cropping=0, right_cropping=0), ValueError, "do not fit"),
    ("pad-negative", lambda: image.pad_images(IMG, top_padding=-1, bottom_padding=0, left_padding=0, right_padding=0), ValueError, "`top_padding` must be >= 0"),
    ("patches-padding", lambda: image.extract_patches(IMG, 2, padding="full"), ValueError, "`padding` must be 'valid' or 'same'"),
    ("patches-size", lambda: image.extract_patches(IMG, (2, 2, 2)), ValueError, "`size` must be a positive int or 2"),
    ("patches-3d-rank", lambda: image.extract_patches_3d(IMG1, 2), ValueError, "`volumes` must be a 4D"),
    ("map-order", lambda: image.map_coordinates(IMG[0, ..., 0], MAP_COORDS, 3), ValueError, "`order` must be 0 or 1"),
    ("map-mode", lambda: image.map_coordinates(IMG[0, ..., 0], MAP_COORDS, 1, fill_mode="edge"), ValueError, "`fill_mode` must be one of"),
    ("map-rows", lambda: image.map_coordinates(IMG[0], MAP_COORDS, 1), ValueError, "one row per input dimension"),
    ("affine-shape", lambda: image.affine_transform(IMG, TRANSFORM[:6]), ValueError, r"`transform` must have shape \(8,\)"),
    ("affine-interp", lambda: image.affine_transform(IMG, TRANSFORM, interpolation="bicubic"), ValueError, "'nearest' or 'bilinear'"),
    ("affine-batch", lambda: image.affine_transform(IMG1, TRANSFORMS), ValueError, "for a single image"),
    ("perspective-points", lambda: image.perspective_transform(IMG, START[:3], END), ValueError, r"`start_points` must have shape \(4, 2\)"),
    ("blur-sigma", lambda: image.gaussian_blur(IMG, sigma=(0.0, 1.0)), ValueError, "`sigma` must be positive"),
    ("ssim-shapes", lambda: image.ssim(IMG, BIG), ValueError, "must have the same shape"),
    ("ssim-filter", lambda: image.ssim(IMG, IMG, filter_size=4), ValueError, "positive odd int"),
    ("ssim-too-small", lambda: image.ssim(IMG, IMG), ValueError, "at least filter_size=11"),
    ("sobel-tiny", lambda: image.sobel_edges(IMG[:, :1]), ValueError, "at least 2x2"),
    ("scale-translate-dims", lambda: image.scale_and_translate(IMG, (2, 5, 5, 4), (1, 1), (0, 0), (1, 2), "linear"), ValueError, "not in `spatial_dims`"),
    ("scale-translate-method", lambda: image.scale_and_translate(IMG, (2, 5, 5, 3), (1, 1), (0, 0), (1, 2), "nearest"), ValueError, "`method` must be one of"),
    ("elastic-mode", lambda: image.elastic_transform(IMG, fill_mode="edge"), ValueError, "elastic_transform: `fill_mode`"),
]  # fmt: skip


test_errors = raises_test(ERRORS)


def test_symbolic_errors():
    with pytest.raises(ValueError, match="must have 3 channels"):
        image.rgb_to_hsv(KerasTensor((None, 4, 4, 2)))
    with pytest.raises(ValueError, match="`size` must be a pair"):
        image.resize(KerasTensor((None, 4, 4, 2)), 3)


# ---------------------------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------------------------


_gradient = backend_grad_of_sum


def _numeric_gradient(fn, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        grad[i] = (np.sum(fn(up)) - np.sum(fn(down))) / (2 * eps)
    return grad


SMALL = rng.random((1, 4, 5, 2))
GRADIENT_CASES = [
    ("resize", lambda t: image.resize(t, (3, 6)), lambda a: ref_resize(a, (3, 6))),
    ("resize-bicubic-aa", lambda t: image.resize(t, (3, 2), interpolation="bicubic", antialias=True), lambda a: ref_resize(a, (3, 2), "bicubic", True)),
    ("affine", lambda t: image.affine_transform(t, TRANSFORM.astype("float64")), lambda a: ref_affine(a, TRANSFORM.astype("float64"))),
    ("gaussian_blur", lambda t: image.gaussian_blur(t), ref_blur),
    ("map_coordinates", lambda t: image.map_coordinates(t[0, ..., 0], MAP_COORDS * 0.4, 1), lambda a: ref_map_coordinates(a[0, ..., 0], MAP_COORDS * 0.4, 1)),
    ("ssim", lambda t: image.ssim(t, t * 0.5 + 0.2, filter_size=3), lambda a: ref_ssim(a, a * 0.5 + 0.2, filter_size=3)),
    ("sobel_edges", image.sobel_edges, ref_sobel),
    ("perspective", lambda t: image.perspective_transform(t, START * 0.5, END * 0.5), lambda a: ref_perspective(a, START * 0.5, END * 0.5)),
]  # fmt: skip


@requires_training
@pytest.mark.parametrize("name,fn,ref", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, fn, ref):
    x = SMALL.copy()
    np.testing.assert_allclose(_gradient(fn, x), _numeric_gradient(ref, x), rtol=1e-4, atol=1e-6)
