"""numpy indexing kernels."""


def get_item(x, key):
    return x[key]
