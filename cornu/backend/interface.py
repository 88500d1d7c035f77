"""The contract each backend package (`cornu.backend.<name>`) fulfils.

`cornu.backend` re-exports these names from the chosen backend; a test checks that every
installed backend defines all of them.
"""

# Capabilities, asked for instead of backend names (`if backend.IS_DIFFERENTIABLE:`).
CAPABILITIES = (
    "IS_DIFFERENTIABLE",  # can compute gradients (numpy cannot)
    "SUPPORTS_SPARSE",  # has sparse tensors
    "SEED_DTYPE",  # dtype of a SeedGenerator's state
)

CORE = (
    "Variable",
    "LayerMixin",
    "convert_to_tensor",
    "convert_to_numpy",
    "is_tensor",
    "shape",
    "cast",
    "to_framework_dtype",
    "cond",
    "while_loop",
    "scan",
    "fori_loop",
    "stop_gradient",
    "vectorized_map",
    "device_scope",
    "compute_output_spec",
    "no_grad",
)

# cornu.backend.<name>.random: each takes a seed tensor from cornu.random.draw_seed.
# (dropout and beta are written once in cornu.random, over uniform and gamma.)
RANDOM = (
    "make_seed",
    "normal",
    "uniform",
    "truncated_normal",
    "randint",
    "categorical",
    "shuffle",
    "gamma",
    "binomial",
)
