"""keras.ops: results, dtypes (promotion, Python scalars, defaults), symbolic specs, errors."""

import numpy as np

from tests.parity.case import ALL, case

RNG = np.random.default_rng(71)
A = RNG.standard_normal((3, 4)).astype("float32")
B = RNG.standard_normal((4, 2)).astype("float32")
I = np.array([[3, -1, 2, 7], [0, 5, -4, 1]], dtype="int32")
KT = RNG.standard_normal((2, 2, 4, 3)).astype("float32")  # a conv_transpose kernel


def _dtype_name(keras, x):
    return keras.backend.standardize_dtype(x.dtype)


@case(backends=ALL)
def case_dtype_promotion(keras, H):
    o = keras.ops
    pairs = [
        ("int8", "uint8"),
        ("int32", "float16"),
        ("int64", "float32"),
        ("uint8", "int16"),
        ("bool", "int8"),
        ("float16", "bfloat16"),
        ("uint16", "int8"),
        ("bool", "float32"),
    ]
    promoted = [_dtype_name(keras, o.add(o.zeros((2,), a), o.zeros((2,), b))) for a, b in pairs]
    weak = [
        _dtype_name(keras, o.multiply(o.ones((2,), d), s))
        for d in ("int8", "uint8", "float16", "int32")
        for s in (2, 2.5)
    ]
    return {"promoted": promoted, "weak": weak,
            "result_type": [keras.backend.result_type(a, b) for a, b in pairs]}  # fmt: skip


@case(backends=ALL)
def case_default_dtypes(keras, H):
    o = keras.ops
    return [_dtype_name(keras, t) for t in (
        o.convert_to_tensor([1, 2]), o.convert_to_tensor([1.0]), o.convert_to_tensor(True),
        o.arange(5), o.arange(0.0, 1.0, 0.25), o.linspace(0, 1, 5), o.ones((2,)), o.eye(2),
        o.zeros((2,), dtype="int32"), o.full((2,), 3), o.full((2,), 3.0),
        o.true_divide(o.arange(3), 2), o.mean(o.arange(4)), o.sqrt(o.arange(4)),
        o.floor_divide(o.arange(4), 2), o.argmax(A, axis=0), o.sum(o.arange(4, dtype="int8")),
        o.cumsum(o.ones((3,), dtype="bool")),
    )]  # fmt: skip


@case(backends=ALL)
def case_elementwise_math(keras, H):
    o = keras.ops
    x = np.array([-2.5, -0.5, 0.0, 0.5, 1.5, 2.5], dtype="float32")
    return {
        "round": o.round(x), "floor": o.floor(x), "ceil": o.ceil(x), "sign": o.sign(x),
        "abs_int": o.abs(I), "mod": o.mod(I, 3), "floor_div": o.floor_divide(I, 3),
        "power": o.power(o.abs(x), 1.5), "clip": o.clip(x, -1, 1), "exp": o.exp(x),
        "log1p": o.log1p(o.abs(x)), "sqrt": o.sqrt(o.abs(x)), "square_int": o.square(I),
        "maximum": o.maximum(I, 0), "where": o.where(x > 0, x, -x),
        "isclose": o.isclose(x, 0.5), "logaddexp": o.logaddexp(x, x[::-1]),
        "arctan2": o.arctan2(x, x[::-1] + 3.0), "divide_no_nan": o.divide_no_nan(x, x - 0.5),
    }  # fmt: skip


@case(backends=ALL)
def case_reductions(keras, H):
    o = keras.ops
    return {
        "sum": o.sum(A, axis=1), "sum_keep": o.sum(A, axis=0, keepdims=True),
        "mean_all": o.mean(A), "max": o.max(A, axis=-1), "min_int": o.min(I, axis=0),
        "prod_int": o.prod(I, axis=1), "std": o.std(A, axis=0), "var": o.var(A),
        "argmin": o.argmin(A, axis=1), "any": o.any(I > 4, axis=1), "all": o.all(I > -5),
        "logsumexp": o.logsumexp(A, axis=1), "median": o.median(A, axis=0),
        "quantile": o.quantile(A, 0.25, axis=1), "cumprod": o.cumprod(I, axis=1),
        "count_nonzero": o.count_nonzero(I, axis=0), "sum_bool": o.sum(I > 0),
    }  # fmt: skip


@case(backends=ALL)
def case_array_manipulation(keras, H):
    o = keras.ops
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    return {
        "reshape": o.reshape(x, (4, -1)), "transpose": o.transpose(x, (2, 0, 1)),
        "swapaxes": o.swapaxes(x, 0, 2), "expand": o.expand_dims(x, -1).shape,
        "squeeze": o.squeeze(o.ones((1, 3, 1)), axis=0).shape,
        "concat": o.concatenate([x, x], axis=1), "stack": o.stack([A, A], axis=-1),
        "split": o.split(x, [1, 3], axis=2), "split_n": o.split(x, 3, axis=1),
        "tile": o.tile(A[:1], (2, 2)), "repeat": o.repeat(I, 2, axis=0),
        "flip": o.flip(x, axis=(0, 2)), "roll": o.roll(x, 1, axis=2),
        "pad": o.pad(A, ((1, 0), (0, 2))), "pad_reflect": o.pad(A, ((1, 1), (2, 0)), mode="reflect"),
        "broadcast": o.broadcast_to(A[0], (2, 4)), "moveaxis": o.moveaxis(x, 0, -1).shape,
        "tril": o.tril(A, -1), "diag": o.diag(A[:, :3]), "trace": o.trace(A),
    }  # fmt: skip


@case(backends=ALL)
def case_indexing_sorting(keras, H):
    o = keras.ops
    idx = np.array([[0, 3], [2, 1], [1, 1]])
    return {
        "take": o.take(A, np.array([2, 0]), axis=1), "take_flat": o.take(A, np.array([5, 2])),
        "take_along": o.take_along_axis(A, idx, axis=1), "sort": o.sort(A, axis=0),
        "argsort": o.argsort(A[0]), "top_k": o.top_k(A, k=2)[0],
        "searchsorted": o.searchsorted(np.array([1.0, 3.0, 5.0]), np.array([0.5, 3.0, 6.0])),
        "unique": o.unique(np.array([3, 1, 3, 2])) if hasattr(o, "unique") else None,
        "slice": o.slice(A, (1, 1), (2, 2)),
        "update": o.slice_update(o.zeros((3, 3)), (1, 1), o.ones((2, 2))),
        "scatter": o.scatter(np.array([[0], [2], [0]]), np.array([1.0, 2.0, 3.0]), (4,)),
        "scatter_update": o.scatter_update(o.zeros((2, 3)), np.array([[0, 1], [1, 2]]),
                                           np.array([5.0, 6.0])),
        "digitize": o.digitize(np.array([0.2, 1.5, 3.0]), np.array([1.0, 2.0])),
    }  # fmt: skip


@case(backends=ALL)
def case_linear_algebra(keras, H):
    o = keras.ops
    sq = np.array([[4.0, 1.0], [2.0, 3.0]], dtype="float32")
    return {
        "matmul": o.matmul(A, B), "matmul_int": o.matmul(I, I.T), "dot": o.dot(A[0], A[1]),
        "einsum": o.einsum("ij,jk->ik", A, B), "einsum_batch": o.einsum("bij->bji", A[None]),
        "tensordot": o.tensordot(A, B, axes=1), "outer": o.outer(A[0], B[:, 0]),
        "inv": o.linalg.inv(sq), "det": o.linalg.det(sq), "solve": o.linalg.solve(sq, B[:2]),
        "norm": o.norm(A, axis=1), "fro": o.norm(A), "norm_ord1": o.norm(A, ord=1, axis=0),
        "cholesky": o.linalg.cholesky(sq @ sq.T), "cross": o.cross(A[0, :3], A[1, :3]),
    }  # fmt: skip


@case(backends=ALL, rtol=1e-5, atol=1e-6)
def case_nn_activations(keras, H):
    o = keras.ops
    x = np.linspace(-4, 4, 10, dtype="float32").reshape(2, 5)
    names = ("relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "elu", "selu",
             "hard_sigmoid", "hard_silu", "log_sigmoid", "leaky_relu", "tanh_shrink",
             "soft_shrink", "squareplus")  # fmt: skip
    return {
        "by_name": {n: getattr(o, n)(x) for n in names if hasattr(o, n)},
        "gelu": o.gelu(x), "gelu_tanh": o.gelu(x, approximate=True),
        "softmax": o.softmax(x, axis=0), "log_softmax": o.log_softmax(x),
        "glu": o.glu(np.concatenate([x, x], axis=-1)),
        "int_relu": o.relu(I),
    }  # fmt: skip


@case(backends=ALL, rtol=1e-5, atol=1e-6)
def case_nn_losses_and_encodings(keras, H):
    o = keras.ops
    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]], dtype="float32")
    labels = np.array([2, 0])
    probs = o.softmax(logits)
    return {
        "one_hot": o.one_hot(labels, 3), "one_hot_axis": o.one_hot(labels, 4, axis=0),
        "multi_hot": o.multi_hot(np.array([[0, 2], [1, 1]]), 3),
        "cce_logits": o.categorical_crossentropy(o.one_hot(labels, 3), logits, from_logits=True),
        "cce_probs": o.categorical_crossentropy(o.one_hot(labels, 3), probs),
        "scce": o.sparse_categorical_crossentropy(labels, logits, from_logits=True),
        "bce": o.binary_crossentropy(np.array([[1.0, 0.0, 1.0]], "float32"),
                                     o.sigmoid(logits[:1])),
        "bce_logits": o.binary_crossentropy(np.array([[1.0, 0.0, 1.0]], "float32"), logits[:1],
                                            from_logits=True),
        "moments": o.moments(A, axes=[0]),
        "normalize": o.normalize(A, axis=1),
        "bn": o.batch_normalization(A, np.zeros(4, "float32"), np.ones(4, "float32") * 4.0,
                                    axis=-1, offset=np.ones(4, "float32"), epsilon=1e-3),
    }  # fmt: skip


@case(backends=ALL, rtol=1e-4, atol=1e-5)
def case_nn_conv_and_pool(keras, H):
    o = keras.ops
    x = RNG.standard_normal((2, 5, 5, 3)).astype("float32")
    k = RNG.standard_normal((3, 3, 3, 2)).astype("float32")
    return {
        "conv_same": o.conv(x, k, strides=1, padding="same"),
        "conv_dilated": o.conv(x, k, padding="valid", dilation_rate=2),
        "conv_transpose": o.conv_transpose(x, KT, strides=2, padding="valid"),
        "depthwise": o.depthwise_conv(x, k[..., :1], padding="same"),
        "max_pool": o.max_pool(x, 2, strides=2, padding="valid"),
        "avg_pool": o.average_pool(x, 3, strides=2, padding="same"),
        "conv1d": o.conv(x[:, 0], k[0], padding="valid"),
    }  # fmt: skip


@case(backends=ALL, rtol=1e-5, atol=1e-5)
def case_math_ops(keras, H):
    o = keras.ops
    data = np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32")
    ids = np.array([0, 0, 2, 1, 2])
    return {
        "segment_sum": o.segment_sum(data, ids, num_segments=3),
        "segment_max": o.segment_max(data, ids, num_segments=3),
        "in_top_k": o.in_top_k(np.array([2, 0]), A[:2, :3], k=1),
        "erf": o.erf(data - 3.0), "erfinv": o.erfinv(np.array([-0.5, 0.0, 0.5], "float32")),
        "rsqrt": o.rsqrt(data), "logdet": o.logdet(np.eye(3, dtype="float32") * 2.0),
        "extract_sequences": o.extract_sequences(data, 3, 1),
        "fft_real": o.fft((data, np.zeros_like(data)))[0],
        "top_k_values": o.top_k(data, 2)[0],
        "stft_shape": o.stft(np.ones((16,), "float32"), 8, 4, 8)[0].shape,
    }  # fmt: skip


@case(backends=ALL, rtol=1e-4, atol=1e-4)
def case_image_ops(keras, H):
    o = keras.ops
    img = np.arange(2 * 4 * 4 * 3, dtype="float32").reshape(2, 4, 4, 3) / 10
    rotate = np.array([0.0, -1.0, 3.0, 1.0, 0.0, 0.0, 0.0, 0.0], "float32")
    return {
        "resize_bilinear": o.image.resize(img, (2, 6)),
        "resize_nearest": o.image.resize(img, (8, 8), interpolation="nearest"),
        "resize_antialias": o.image.resize(img, (2, 2), antialias=True),
        "gray": o.image.rgb_to_grayscale(img),
        "hsv": o.image.rgb_to_hsv(img / 5.0),
        "affine": o.image.affine_transform(img, np.stack([rotate, rotate]), fill_mode="constant"),
        "affine_reflect": o.image.affine_transform(img, np.stack([rotate, rotate]) + np.array(
            [0, 0, 0.5, 0, 0, 0.5, 0, 0], "float32"), fill_mode="reflect"),
        "crop": o.image.crop_images(img, 1, 1, target_height=2, target_width=3),
        "pad": o.image.pad_images(img, 1, 0, target_height=6, target_width=5),
        "patches": o.image.extract_patches(img, 2),
        "map_coordinates": o.image.map_coordinates(img[0, :, :, 0],
                                                   np.array([[0.5, 1.5], [2.0, 0.25]]), 1),
    }  # fmt: skip


@case(backends=ALL)
def case_symbolic_specs(keras, H):
    o = keras.ops
    x = keras.KerasTensor((None, 3, 4))
    i = keras.KerasTensor((None, 5), dtype="int32")
    outs = [
        o.matmul(x, o.ones((4, 2))),
        o.sum(x, axis=1),
        o.reshape(x, (-1, 12)),
        o.concatenate([x, x], axis=-1),
        o.argmax(x, axis=-1),
        o.one_hot(i, 3),
        o.cast(i, "float16"),
        o.expand_dims(i, 1),
        o.add(i, 2.5),
        o.transpose(x),
        o.take(x, np.array([0, 2]), axis=1),
        o.softmax(x),
        o.split(x, 2, axis=-1),
        o.top_k(x, 2),
        o.image.resize(keras.KerasTensor((None, 8, 8, 3)), (4, 4)),
        o.conv(keras.KerasTensor((None, 8, 8, 3)), o.ones((3, 3, 3, 5)), strides=2),
    ]
    return [[(tuple(t.shape), t.dtype) for t in (out if isinstance(out, (list, tuple))
                                                 else [out])] for out in outs]  # fmt: skip


@case(backends=ALL)
def case_op_errors(keras, H):
    o = keras.ops
    # Eager shape errors come from the frameworks under Keras (RuntimeError on torch), so only
    # the symbolic checks, which are Keras's own, are compared.
    return {
        "symbolic_concat": H.raises(
            o.concatenate, [keras.KerasTensor((None, 3)), keras.KerasTensor((None, 4, 1))]
        ),
        "symbolic_matmul": H.raises(
            o.matmul, keras.KerasTensor((None, 3)), keras.KerasTensor((4, 2))
        ),
        "symbolic_reshape": H.raises(o.reshape, keras.KerasTensor((2, 3)), (7,)),
    }


@case()
def case_stop_gradient_and_cast(keras, H):
    o = keras.ops
    x = o.convert_to_tensor(A)
    casts = [o.cast(x, d) for d in ("float16", "bfloat16", "int32", "bool", "uint8")]
    return {
        "stop": o.stop_gradient(x),
        "casts": [_dtype_name(keras, c) for c in casts],
        "cast_values": o.cast(o.cast(x * 10, "int32"), "float32"),
        "is_tensor": [o.is_tensor(x), o.is_tensor(A)],
        "numpy": type(o.convert_to_numpy(x)).__name__,
        "dtype_of_variable": keras.Variable(np.ones(2, "float16")).dtype,
    }


@case(backends=ALL)
def case_creation_ops(keras, H):
    o = keras.ops
    return {
        "zeros_like": o.zeros_like(I), "ones_like_f": o.ones_like(I, dtype="float16"),
        "full_like": o.full_like(A, 7), "tri": o.tri(3, 4, k=1), "identity": o.identity(3),
        "meshgrid": list(o.meshgrid(np.arange(3), np.arange(2), indexing="ij")),
        "arange_step": o.arange(1, 10, 3, dtype="float32"), "logspace": o.logspace(0, 2, 3),
        "empty_shape": o.empty((2, 3)).shape, "scalar_add": o.add(1, 2),
        "scalar_mixed": o.multiply(2, 1.5), "array_scalar": o.add(I, 1.5),
    }  # fmt: skip


@case()
def case_backend_gradients(keras, H):
    o = keras.ops
    x_np = np.array([1.0, -2.0, 3.0], dtype="float32")

    def loss(x):
        return o.sum(o.square(x) * o.stop_gradient(x) + o.sin(x))

    return _native_grad(keras, loss, x_np)


@case(backends=("jax", "tensorflow"))  # Keras 3.15 on torch gives sign(x) * 0.5 here
def case_custom_gradient(keras, H):
    o = keras.ops

    @o.custom_gradient
    def clipped_identity(x):
        def grad(*args, upstream=None):
            upstream = args[0] if args else upstream
            return o.clip(upstream, -0.5, 0.5)

        return x, grad

    x_np = np.array([1.0, -2.0, 3.0], dtype="float32")

    def loss(x):
        return o.sum(clipped_identity(x) * 3.0)

    return _native_grad(keras, loss, x_np)


@case(backends=ALL)
def case_zero_d_results(keras, H):
    # On numpy, Keras gives NumPy scalars (np.float32) for 0-d reductions and products, and
    # 0-d arrays from conversions: the Python type is part of what a user observes.
    o = keras.ops
    v = A[0]
    return {
        "sum": o.sum(A), "mean_int": o.mean(I), "max": o.max(A, axis=(0, 1)), "any": o.any(I > 4),
        "argmax": o.argmax(A), "std": o.std(A), "logsumexp": o.logsumexp(A), "norm": o.norm(v),
        "trace": o.trace(A), "dot": o.dot(v, v),
        "einsum": o.einsum("i,i->", v, v), "exp": o.exp(np.float32(1.0)),
        "convert": o.convert_to_tensor(1.0), "cast": o.cast(np.float32(2.0), "int32"),
        "zeros": o.zeros(()), "where": o.where(np.array(True), 1.0, 2.0),
        "while_loop": o.while_loop(lambda x: x < 3, lambda x: x + 1, 0),
    }  # fmt: skip


@case(backends=ALL)
def case_unique_and_scatter_dtypes(keras, H):
    # NumPy's default int64/float64 data: Keras's numpy backend narrows it to 32 bits here.
    o = keras.ops
    ints, floats = np.array([3, 1, 3, 2]), np.array([3.0, 1.0, 3.0])
    at = np.array([[0], [2], [0]])
    return {
        "unique": [o.unique(x) for x in (ints, floats, ints.astype("int8"),
                                         floats.astype("float16"))],
        "scatter": [o.scatter(at, x, (4,)) for x in (floats, ints[:3], ints[:3].astype("int8"),
                                                     floats.astype("float32"))],
    }  # fmt: skip


def _native_grad(keras, loss, x_np):
    """d loss / d x at `x_np`, taken with the backend framework's own autodiff."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        grad = jax.grad(loss)(keras.ops.convert_to_tensor(x_np))
    elif backend == "torch":
        import torch

        x = torch.tensor(x_np, requires_grad=True)
        loss(x).backward()
        grad = x.grad
    else:
        import tensorflow as tf

        x = tf.Variable(x_np)
        with tf.GradientTape() as tape:
            value = loss(x)
        grad = tape.gradient(value, x)
    return keras.ops.convert_to_numpy(grad)
