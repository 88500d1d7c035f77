"""JAX elementwise kernels (inputs already promoted to one dtype by the front end)."""

import jax.numpy as np

add = np.add
subtract = np.subtract
multiply = np.multiply
true_divide = np.true_divide
floor_divide = np.floor_divide
mod = np.mod
power = np.power
negative = np.negative
absolute = np.absolute
invert = np.invert
logical_and = np.logical_and
logical_or = np.logical_or
logical_xor = np.logical_xor
logical_not = np.logical_not
equal = np.equal
not_equal = np.not_equal
less = np.less
less_equal = np.less_equal
greater = np.greater
greater_equal = np.greater_equal
