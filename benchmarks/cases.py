"""The benchmark cases: architecture, batch size and data shared by cornu and native loops."""

import numpy as np

CASES = {
    # name: (input shape per sample, classes, batch size, steps per epoch, description)
    "tiny_mlp": ((32,), 2, 32, 200, "MLP 32-32-2, batch 32 (overhead-bound)"),
    "mlp": ((784,), 10, 128, 40, "MLP 784-512-512-10, batch 128"),
    "cnn": ((28, 28, 1), 10, 64, 20, "Conv32-pool-Conv64-pool-Dense on 28x28x1, batch 64"),
    "lstm": ((50, 32), 10, 64, 15, "LSTM(64) on 50x32 sequences, batch 64"),
}


def data(case, seed=0):
    shape, classes, batch, steps, _ = CASES[case]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch * steps,) + shape).astype("float32")
    y = rng.integers(0, classes, size=(batch * steps,)).astype("int32")
    return x, y


def init_weights(case, seed=1):
    """NumPy initial weights in cornu/Keras layout, so every loop starts from the same point."""
    rng = np.random.default_rng(seed)

    def glorot(shape, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype("float32")

    if case in ("tiny_mlp", "mlp"):
        sizes = {"tiny_mlp": [32, 32, 2], "mlp": [784, 512, 512, 10]}[case]
        weights = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            weights += [glorot((a, b), a, b), np.zeros(b, "float32")]
        return weights
    if case == "cnn":
        return [
            glorot((3, 3, 1, 32), 9, 9 * 32), np.zeros(32, "float32"),
            glorot((3, 3, 32, 64), 9 * 32, 9 * 64), np.zeros(64, "float32"),
            glorot((5 * 5 * 64, 10), 1600, 10), np.zeros(10, "float32"),
        ]  # fmt: skip
    if case == "lstm":
        return [
            glorot((32, 256), 32, 256), glorot((64, 256), 64, 256), np.zeros(256, "float32"),
            glorot((64, 10), 64, 10), np.zeros(10, "float32"),
        ]  # fmt: skip
    raise KeyError(case)
