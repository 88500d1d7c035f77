"""load_img / save_img / img_to_array / array_to_img / smart_resize (Pillow; any backend)."""

import io

import numpy as np
import pytest

from cornu import utils
from cornu.preprocessing import image as preprocessing_image

PIL = pytest.importorskip("PIL.Image", reason="image files need Pillow")


def _rgb(height=5, width=7, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3)).astype("uint8")


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "img.png"
    PIL.fromarray(_rgb()).save(path)
    return path


def test_exported_names():
    for name in ("load_img", "save_img", "img_to_array", "array_to_img"):
        assert getattr(utils, name) is getattr(preprocessing_image, name)
    assert callable(preprocessing_image.smart_resize)


@pytest.mark.parametrize(
    "color_mode,mode", [("rgb", "RGB"), ("rgba", "RGBA"), ("grayscale", "L")], ids=str
)
def test_load_img_color_modes(png, color_mode, mode):
    img = utils.load_img(png, color_mode=color_mode)
    assert img.mode == mode and img.size == (7, 5)


def test_load_img_reads_path_string_and_file_object(png):
    from_str = utils.img_to_array(utils.load_img(str(png)))
    from_file = utils.img_to_array(utils.load_img(io.BytesIO(png.read_bytes())))
    np.testing.assert_array_equal(from_str, _rgb().astype("float32"))
    np.testing.assert_array_equal(from_file, from_str)


def test_load_img_target_size_and_aspect_ratio(png):
    assert utils.load_img(png, target_size=(3, 4)).size == (4, 3)
    kept = utils.load_img(png, target_size=(2, 2), keep_aspect_ratio=True, interpolation="box")
    # The centred 5x5 window, box-averaged to 2x2: the crop comes first.
    window = _rgb()[:, 1:6].astype("float64")
    expected = PIL.fromarray(window.astype("uint8")).resize((2, 2), PIL.Resampling.BOX)
    np.testing.assert_array_equal(np.asarray(kept), np.asarray(expected))


def test_load_img_errors(png):
    with pytest.raises(ValueError, match="color_mode must be"):
        utils.load_img(png, color_mode="cmyk")
    with pytest.raises(ValueError, match="Invalid interpolation method 'cubic'"):
        utils.load_img(png, target_size=(2, 2), interpolation="cubic")
    with pytest.raises(TypeError, match="should be a path"):
        utils.load_img(3)


def test_img_to_array_layouts_and_dtype(png):
    gray = utils.load_img(png, color_mode="grayscale")
    assert utils.img_to_array(gray).shape == (5, 7, 1)
    first = utils.img_to_array(utils.load_img(png), data_format="channels_first", dtype="uint8")
    assert first.shape == (3, 5, 7) and first.dtype == np.uint8
    with pytest.raises(ValueError, match="data_format"):
        utils.img_to_array(gray, data_format="nhwc")
    with pytest.raises(ValueError, match="Unsupported image shape"):
        utils.img_to_array(np.zeros((2, 2, 2, 2)))


def test_array_to_img_scales_to_255():
    x = np.linspace(-1, 3, 24, dtype="float32").reshape(2, 4, 3)
    img = utils.array_to_img(x)
    assert img.mode == "RGB" and img.size == (4, 2)
    expected = ((x + 1) / 4 * 255).astype("uint8")
    np.testing.assert_array_equal(np.asarray(img), expected)


@pytest.mark.parametrize(
    "channels,values,mode",
    [(1, 7.0, "L"), (1, 300.0, "I"), (3, 7.0, "RGB"), (4, 7.0, "RGBA")],
    ids=["gray", "gray_over_255", "rgb", "rgba"],
)
def test_array_to_img_modes(channels, values, mode):
    img = utils.array_to_img(np.full((2, 3, channels), values), scale=False)
    assert img.mode == mode
    assert np.asarray(img).max() == int(values)


def test_array_to_img_channels_first_and_errors():
    x = np.zeros((3, 2, 5))
    assert utils.array_to_img(x, data_format="channels_first").size == (5, 2)
    with pytest.raises(ValueError, match="rank 3"):
        utils.array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Unsupported channel number: 2"):
        utils.array_to_img(np.zeros((2, 2, 2)))


def test_save_img_round_trip(tmp_path):
    x = _rgb().astype("float32")
    utils.save_img(tmp_path / "out.png", x, scale=False)
    np.testing.assert_array_equal(utils.img_to_array(utils.load_img(tmp_path / "out.png")), x)


def test_save_img_jpeg_drops_alpha(tmp_path):
    rgba = np.concatenate([_rgb(), np.full((5, 7, 1), 255, "uint8")], axis=-1)
    with pytest.warns(UserWarning, match="RGBA"):
        utils.save_img(tmp_path / "out.jpg", rgba)
    assert utils.load_img(tmp_path / "out.jpg", color_mode="rgba").size == (7, 5)
    assert PIL.open(tmp_path / "out.jpg").format == "JPEG"


def test_smart_resize_crops_then_resizes():
    x = np.arange(6 * 5 * 3, dtype="float32").reshape(6, 5, 3)
    y = preprocessing_image.smart_resize(x, (3, 4))
    # Rows 1..3 (a 3x5 window for aspect 3:4), then bilinear 5 -> 4 columns (half-pixel).
    np.testing.assert_allclose(y[0, :, 0], [15.375, 19.125, 22.875, 26.625])
    nearest = preprocessing_image.smart_resize(x, (3, 4), interpolation="nearest")
    np.testing.assert_array_equal(nearest[:, :, 0][0], [15, 18, 24, 27])
    assert isinstance(y, np.ndarray) and y.dtype == np.float32


def test_smart_resize_batch_channels_first_and_errors():
    x = np.ones((2, 3, 6, 5), "uint8")
    y = preprocessing_image.smart_resize(x, (3, 4), data_format="channels_first")
    assert y.shape == (2, 3, 3, 4) and y.dtype == np.float32
    with pytest.raises(ValueError, match="incorrect rank"):
        preprocessing_image.smart_resize(np.zeros((2, 2)), (3, 4))
    with pytest.raises(ValueError, match="tuple of 2 integers"):
        preprocessing_image.smart_resize(np.zeros((2, 2, 1)), (3,))


def test_smart_resize_backend_tensor_matches_numpy():
    from cornu import backend, ops

    x = np.arange(6 * 5 * 3, dtype="float32").reshape(6, 5, 3)
    y = preprocessing_image.smart_resize(ops.convert_to_tensor(x), (3, 4))
    assert backend.is_tensor(y) or backend.backend() == "numpy"
    np.testing.assert_allclose(
        backend.convert_to_numpy(y), preprocessing_image.smart_resize(x, (3, 4)), rtol=1e-5
    )
