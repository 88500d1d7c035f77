"""JAX elementwise kernels (inputs already promoted to one dtype by the front end).

The kernels JAX shares with NumPy (`add`, `maximum`, `where`, `clip`, ...) are bound from
`common/array_kernels.py`; the ones below are JAX's own.
"""

import jax
import jax.numpy as jnp
import jax.scipy.special as _special

from cornu.backend.common import array_kernels

globals().update(array_kernels.elementwise(jnp))

divide = jnp.divide
erf = _special.erf
erfc = _special.erfc
erfinv = _special.erfinv
rsqrt = jax.lax.rsqrt
heaviside = jnp.heaviside
ldexp = jnp.ldexp


def i0(x):
    return jnp.i0(x).astype(x.dtype)


def view_as_complex(x):
    return jax.lax.complex(x[..., 0], x[..., 1])
