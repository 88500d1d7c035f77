"""Accuracy of a small trained MLP after GPTQ and AWQ, in cornu and in real Keras on the same
float weights and calibration data (Keras runs in a subprocess).

    CORNU_BACKEND=jax python benchmarks/quantized_accuracy.py [--bits 4] [--group-size 16]

Prints a table and the results as one JSON line (also to `--out`, when given).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

_RUN = """
import json, sys, numpy as np
lib_name, folder, bits, group_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if lib_name == "keras":
    import keras as lib
else:
    import cornu as lib
data = np.load(folder + "/data.npz")
weights = np.load(folder + "/weights.npz")

def build():
    x = lib.Input((32,))
    h = lib.layers.Dense(64, activation="relu")(x)
    h = lib.layers.Dense(64, activation="relu")(h)
    model = lib.Model(x, lib.layers.Dense(10)(h))
    model.set_weights([weights[f"w{i}"] for i in range(len(weights.files))])
    return model

def accuracy(model):
    logits = model.predict(data["x_test"], verbose=0)
    return float((np.argmax(logits, -1) == data["y_test"]).mean())

results = {"float": accuracy(build())}
calibration = data["x_train"][:128]
for mode in ("gptq", "awq"):
    model = build()
    model.get_quantization_layer_structure = lambda m, s=model: {
        "pre_block_layers": [], "sequential_blocks": s.layers[1:]}
    Config = lib.quantizers.GPTQConfig if mode == "gptq" else lib.quantizers.AWQConfig
    config = Config(dataset=calibration, tokenizer=lambda t: t,
                    weight_bits=bits if mode == "gptq" else 4,  # AWQ: 4 bits only
                    num_samples=128, sequence_length=32, group_size=group_size)
    model.quantize(mode, config=config)
    results[mode] = accuracy(model)
print("RESULT" + json.dumps(results))
"""


def _data(seed=0):
    """Ten Gaussian classes in 32 correlated dimensions (8 latent factors)."""
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((8, 32))
    centers = rng.standard_normal((10, 8)) * 1.5
    y = rng.integers(0, 10, 4000)
    x = ((centers[y] + rng.standard_normal((4000, 8))) @ mix).astype("float32")
    x += 0.1 * rng.standard_normal(x.shape).astype("float32")
    return x[:3000], y[:3000], x[3000:], y[3000:]


def _train(x, y):
    import cornu

    cornu.utils.set_random_seed(0)
    inputs = cornu.Input((32,))
    h = cornu.layers.Dense(64, activation="relu")(inputs)
    h = cornu.layers.Dense(64, activation="relu")(h)
    model = cornu.Model(inputs, cornu.layers.Dense(10)(h))
    model.compile("adam", cornu.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, epochs=8, batch_size=64, verbose=0)
    return model.get_weights()


def _run(lib, folder, bits, group_size):
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("CORNU_BACKEND", "jax"),
           "TF_CPP_MIN_LOG_LEVEL": "3"}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", _RUN, lib, folder, str(bits), str(group_size)],
                          capture_output=True, text=True, env=env, timeout=1200)  # fmt: skip
    line = [s for s in done.stdout.splitlines() if s.startswith("RESULT")]
    if not line:
        raise RuntimeError(f"{lib} run failed:\n{done.stderr[-3000:]}")
    return json.loads(line[0][len("RESULT") :])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bits", type=int, default=4)
    parser.add_argument("--group-size", type=int, default=16)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = _data()
    with tempfile.TemporaryDirectory() as folder:
        weights = _train(x_train, y_train)
        np.savez(f"{folder}/weights.npz", **{f"w{i}": w for i, w in enumerate(weights)})
        np.savez(f"{folder}/data.npz", x_train=x_train, y_train=y_train, x_test=x_test,
                 y_test=y_test)  # fmt: skip
        results = {lib: _run(lib, folder, args.bits, args.group_size) for lib in ("cornu", "keras")}
    print(f"MLP 32-64-64-10, gptq weight_bits={args.bits} (awq: 4), group_size={args.group_size}, "
          f"backend={os.environ.get('CORNU_BACKEND')}")  # fmt: skip
    print(f"{'':8}{'float':>8}{'gptq':>8}{'awq':>8}")
    for lib, row in results.items():
        print(f"{lib:8}" + "".join(f"{row[k]:8.4f}" for k in ("float", "gptq", "awq")))
    summary = {"bits": args.bits, "group_size": args.group_size, **results}
    print(json.dumps(summary))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
