"""JAX convolution and pooling kernels (channels-last inputs; see numpy/nn_conv.py)."""

import math

import jax
import jax.numpy as jnp

_SPECS = {1: ("NWC", "WIO", "NWC"), 2: ("NHWC", "HWIO", "NHWC"), 3: ("NDHWC", "DHWIO", "NDHWC")}


def conv(x, kernel, strides, padding, dilation, groups):
    n = kernel.ndim - 2
    return jax.lax.conv_general_dilated(
        x,
        kernel,
        window_strides=tuple(strides),
        padding=[tuple(p) for p in padding],
        rhs_dilation=tuple(dilation),
        dimension_numbers=_SPECS[n],
        feature_group_count=groups,
        precision=jax.lax.Precision.HIGHEST,
    )


def max_pool(x, window, strides):
    return jax.lax.reduce_window(
        x, -jnp.inf, jax.lax.max, (1,) + tuple(window) + (1,), (1,) + tuple(strides) + (1,), "VALID"
    )


def avg_pool(x, window, strides):
    total = jax.lax.reduce_window(
        x,
        0.0,
        jax.lax.add,
        (1,) + tuple(window) + (1,),
        (1,) + tuple(strides) + (1,),
        "VALID",
    )
    return total / jnp.array(math.prod(window), x.dtype)


def conv_bias(x, kernel, bias, strides, padding, dilation, groups):
    """`conv` plus a per-output-channel `bias`."""
    return conv(x, kernel, strides, padding, dilation, groups) + bias
