"""Random initializers: RandomNormal/Uniform, TruncatedNormal, VarianceScaling and its named
forms (Glorot, He, LeCun)."""

import math

from cornu import ops
from cornu.backend.common import dtypes
from cornu.initializers.initializer import Initializer
from cornu.random.random import _initializer_sample as _sample


class RandomInitializer(Initializer):
    """Base of seeded initializers: an int seed gives the same values on every call."""

    def __init__(self, seed=None):
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise TypeError(
                f"{type(self).__name__}: seed must be None or an int; received {seed!r}."
            )
        self.seed = seed

    def _seed(self):
        return self.seed

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """Normal(mean, stddev) samples."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _sample("normal", shape, self.mean, self.stddev, _float(dtype), self._seed())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(RandomInitializer):
    """Uniform[minval, maxval) samples."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _sample("uniform", shape, self.minval, self.maxval, _float(dtype), self._seed())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal(mean, stddev) samples, redrawn beyond two standard deviations."""

    def __call__(self, shape, dtype=None):
        return _sample(
            "truncated_normal", shape, self.mean, self.stddev, _float(dtype), self._seed()
        )


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) of a weight shape: dense (in, out) or conv (spatial..., in, out).

    `input_axes`/`output_axes` name the axes whose sizes make the fans (for kernels such as
    EinsumDense's, whose layout is not (..., in, out)).
    """
    shape = tuple(shape)
    if input_axes is not None or output_axes is not None:
        fan_in = math.prod(shape[a] for a in (input_axes or ())) or 1
        fan_out = math.prod(shape[a] for a in (output_axes or ())) or 1
        return fan_in, fan_out
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(RandomInitializer):
    """Samples with variance `scale / n`, n being fan_in, fan_out or their mean.

    `distribution="truncated_normal"` divides the stddev by 0.8796..., the stddev of a standard
    normal truncated at two standard deviations, so the samples keep the intended variance
    (He et al. 2015; Glorot & Bengio 2010).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):  # fmt: skip
        super().__init__(seed)
        self.input_axes = None if input_axes is None else tuple(input_axes)
        self.output_axes = None if output_axes is None else tuple(output_axes)
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be positive; received {scale!r}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                "VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg'; "
                f"received {mode!r}."
            )
        distribution = distribution.lower()
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform", "normal"):
            raise ValueError(
                "VarianceScaling: distribution must be 'truncated_normal', "
                f"'untruncated_normal' or 'uniform'; received {distribution!r}."
            )
        self.scale, self.mode = scale, mode
        self.distribution = "truncated_normal" if distribution == "normal" else distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        dtype = _float(dtype)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / 0.87962566103423978
            return _sample("truncated_normal", shape, 0.0, stddev, dtype, self._seed())
        if self.distribution == "untruncated_normal":
            return _sample("normal", shape, 0.0, math.sqrt(variance), dtype, self._seed())
        limit = math.sqrt(3.0 * variance)
        return _sample("uniform", shape, -limit, limit, dtype, self._seed())

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            "input_axes": _axes_config(self.input_axes),
            "output_axes": _axes_config(self.output_axes),
        }


def _axes_config(axes):
    return None if axes is None else list(axes)


def _named(name, scale, mode, distribution, doc):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {
            "seed": self.seed,
            "input_axes": _axes_config(self.input_axes),
            "output_axes": _axes_config(self.output_axes),
        }

    return type(
        name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc}
    )


GlorotUniform = _named(
    "GlorotUniform", 1.0, "fan_avg", "uniform", "Uniform with limit sqrt(6 / (fan_in + fan_out))."
)
GlorotNormal = _named(
    "GlorotNormal",
    1.0,
    "fan_avg",
    "truncated_normal",
    "Truncated normal with stddev sqrt(2 / (fan_in + fan_out)).",
)
HeUniform = _named("HeUniform", 2.0, "fan_in", "uniform", "Uniform with limit sqrt(6 / fan_in).")
HeNormal = _named(
    "HeNormal", 2.0, "fan_in", "truncated_normal", "Truncated normal with stddev sqrt(2 / fan_in)."
)
LecunUniform = _named(
    "LecunUniform", 1.0, "fan_in", "uniform", "Uniform with limit sqrt(3 / fan_in)."
)
LecunNormal = _named(
    "LecunNormal",
    1.0,
    "fan_in",
    "truncated_normal",
    "Truncated normal with stddev sqrt(1 / fan_in).",
)
for _cls in (GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal):
    _cls.__module__ = __name__


def _float(dtype):
    name = dtypes.standardize_dtype(dtype)
    return name if name in dtypes.FLOAT_TYPES else None


class Orthogonal(RandomInitializer):
    """A (scaled) random orthogonal matrix: the Q of the QR of a normal sample, with signs
    fixed by R's diagonal (Saxe et al. 2014). Higher-rank shapes are flattened to
    (prod(shape[:-1]), shape[-1])."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal initializer needs a shape of rank >= 2; received {tuple(shape)}."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        sample = _sample("normal", flat, 0.0, 1.0, "float32", self._seed())
        q, r = ops.qr(sample)
        q = q * ops.sign(ops.diagonal(r))
        if rows < cols:
            q = ops.transpose(q)
        return ops.cast(self.gain * ops.reshape(q, tuple(shape)), _float(dtype) or "float32")

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}
