"""ONNX export parity: what a user sees of the file `model.export(path, format="onnx")` writes
when they open it in onnxruntime (input names, ranks, which dims are fixed, the results for the
same weights), the message printed, and the error for an unknown format.

Not compared: output names (Keras's are the converter's internal value names, which differ by
backend: "18", "add_out_1", "Identity:0"; cornu names them output_<i>) and the symbol of a
dynamic dimension (Keras: "batch" on jax/torch, "unk__<n>" on tensorflow; cornu: "batch"), so a
dynamic dim is observed as "dynamic". Keras raises "The model provided has never called" for a
Functional model that was never called; cornu exports it, so the cases call the model first.
"""

import numpy as np

from tests.parity.case import case


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _face(path, feeds_by_position):
    import onnxruntime

    session = onnxruntime.InferenceSession(path)

    def dims(shape):
        return [d if isinstance(d, int) else "dynamic" for d in shape]

    inputs = session.get_inputs()
    results = session.run(None, {i.name: x for i, x in zip(inputs, feeds_by_position)})
    return {
        "inputs": [(i.name, dims(i.shape), i.type) for i in inputs],
        "outputs": [(dims(o.shape), o.type) for o in session.get_outputs()],
        "results": results,
    }


@case(rtol=1e-4, atol=1e-5, timeout=300)
def case_export_onnx_functional_two_inputs(keras, H):
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    hidden = keras.layers.Dense(4, activation="relu")(a)
    out1 = keras.layers.Dense(2)(keras.layers.Add()([keras.layers.Dense(4)(b), hidden]))
    out2 = keras.layers.Dense(1)(a)
    model = H.det_weights(keras.Model([a, b], [out1, out2]))
    xs = [_x((5, 3)), _x((5, 2), seed=1)]
    model(xs)  # Keras on jax counts a direct call only, not predict, as "called"
    printed = H.capture_stdout(model.export, "m.onnx", format="onnx")
    face = _face("m.onnx", xs)
    return {**face, "printed": printed.strip().splitlines()[-1],
            "predict": model.predict(xs, verbose=0)}  # fmt: skip


@case(rtol=1e-4, atol=1e-5, timeout=300)
def case_export_onnx_input_signature_and_bad_format(keras, H):
    model = H.det_weights(
        keras.Sequential([keras.Input((6, 3)), keras.layers.LSTM(4), keras.layers.Dense(2)])
    )
    x = _x((7, 6, 3))
    model(x)
    spec = keras.KerasTensor((7, 6, 3), "float32", name="sequence")
    model.export("fixed.onnx", format="onnx", verbose=False, input_signature=[spec])
    fixed = _face("fixed.onnx", [x])
    if keras.backend.backend() == "tensorflow":
        # Keras on tensorflow makes the batch dim dynamic even when the signature fixes it;
        # cornu keeps the signature's size. Compared without that dim.
        fixed["inputs"] = [(name, dims[1:], kind) for name, dims, kind in fixed["inputs"]]
        fixed["outputs"] = [(dims[1:], kind) for dims, kind in fixed["outputs"]]
    return {
        "fixed": fixed,
        "predict": model.predict(x, verbose=0),
        "bad_format": H.raises(model.export, "m.bin", format="bogus"),
    }
