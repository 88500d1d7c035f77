"""keras.utils parity: labels, normalization, padding, data packing, Config, source inputs,
splitting and windowing datasets, the object registry, and the mixed_precision names."""

import numpy as np

from tests.parity.case import ALL, case


def _np(keras, value):
    return np.asarray(keras.ops.convert_to_numpy(value))


# -- to_categorical -------------------------------------------------------------------------


@case(backends=ALL)
def case_to_categorical_list(keras, H):
    return keras.utils.to_categorical([0, 2, 1, 2])


@case(backends=ALL)
def case_to_categorical_column_labels_and_num_classes(keras, H):
    out = keras.utils.to_categorical([[1], [4], [0]], num_classes=5)
    return {"value": out, "shape": out.shape}


@case(backends=ALL)
def case_to_categorical_2d_labels_gain_an_axis(keras, H):
    return keras.utils.to_categorical([[1, 0], [2, 1]], 4)


@case(backends=ALL)
def case_to_categorical_scalar_negative_and_empty(keras, H):
    return {
        "scalar": keras.utils.to_categorical(2, 3),
        "negative": keras.utils.to_categorical([0, -1], 3),
        "empty": keras.utils.to_categorical([], 3),
    }


@case(backends=ALL)
def case_to_categorical_errors(keras, H):
    return {
        "out_of_range": H.raises(keras.utils.to_categorical, [0, 5], 3),
        "text": H.raises(keras.utils.to_categorical, ["a"]),
        "float_num_classes": H.raises(keras.utils.to_categorical, [0], 2.0),
    }


@case()
def case_to_categorical_backend_tensor(keras, H):
    labels = keras.ops.convert_to_tensor(np.array([[0], [3], [1]], "int32"))
    out = keras.utils.to_categorical(labels, 4)
    return {"value": _np(keras, out).astype("float32"), "is_tensor": keras.ops.is_tensor(out)}


# -- normalize ------------------------------------------------------------------------------


@case(backends=ALL)
def case_normalize_l2_float32_keeps_dtype(keras, H):
    x = np.array([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]], "float32")
    return keras.utils.normalize(x)


@case(backends=ALL)
def case_normalize_orders_on_float64(keras, H):
    x = np.array([[3.0, -4.0], [1.0, 2.0]])
    U = keras.utils
    return {
        "l1": U.normalize(x, order=1),
        "l3": U.normalize(x, order=3),
        "inf": U.normalize(x, order=np.inf),
    }


@case(backends=ALL)
def case_normalize_int_and_1d_numpy(keras, H):
    return {
        "int": keras.utils.normalize(np.array([[3, 4]])),
        "one_d": keras.utils.normalize(np.array([3.0, 4.0], "float32")),
    }


@case(backends=ALL)
def case_normalize_matrix_norm_when_axis_none(keras, H):
    return keras.utils.normalize(np.array([[3.0, 0.0], [0.0, 4.0]], "float32"), axis=None)


@case(backends=ALL)
def case_normalize_bad_order_raises(keras, H):
    return H.raises(keras.utils.normalize, np.array([[3.0, 4.0]]), order="fro")


@case(backends=ALL)
def case_normalize_list_and_tensor_go_through_ops(keras, H):
    tensor = keras.ops.convert_to_tensor(np.array([[3.0, 4.0]], "float32"))
    from_list = keras.utils.normalize([[3.0, 4.0]])
    return {
        "list": _np(keras, from_list),
        "tensor": _np(keras, keras.utils.normalize(tensor, order=1)),
        "tensor_1d": _np(keras, keras.utils.normalize(keras.ops.convert_to_tensor([3.0, 4.0]))),
        "list_is_ndarray": isinstance(from_list, np.ndarray),
    }


# -- pad_sequences --------------------------------------------------------------------------

SEQS = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]]


@case(backends=ALL)
def case_pad_sequences_defaults(keras, H):
    return keras.utils.pad_sequences(SEQS)


@case(backends=ALL)
def case_pad_sequences_padding_and_truncating_sides(keras, H):
    pad = keras.utils.pad_sequences
    return {
        "post_post": pad(SEQS, maxlen=4, padding="post", truncating="post", value=-1),
        "pre_post": pad(SEQS, maxlen=4, padding="pre", truncating="post"),
        "post_pre": pad(SEQS, maxlen=4, padding="post", truncating="pre"),
        "short": pad(SEQS, maxlen=3),
    }


@case(backends=ALL)
def case_pad_sequences_dtypes_and_values(keras, H):
    pad = keras.utils.pad_sequences
    return {
        "float32": pad([[0.5, 1.5]], maxlen=3, dtype="float32"),
        "nan": pad([[1, 2]], maxlen=3, dtype="float64", value=np.nan),
        "int64": pad([[1, 2]], maxlen=3, dtype="int64"),
        "float_value_in_int": pad([[1]], maxlen=3, value=1.7),
        "float_seq_in_int": pad([[1.7, 2.2]], maxlen=3),
        "np_dtype": pad(SEQS, dtype=np.float32),
    }


@case(backends=ALL)
def case_pad_sequences_element_shapes_and_empties(keras, H):
    pad = keras.utils.pad_sequences
    return {
        "nested": pad([[[1, 2], [3, 4]], [[5, 6]]]),
        "empty_member": pad([[], [1, 2]]),
        "all_empty": pad([[], []]),
        "no_sequences": pad([], maxlen=3),
        "arrays": pad([np.array([1, 2]), np.array([3])]),
        "two_d_array": pad(np.array([[1, 2], [3, 4]]), maxlen=3),
        "tuples": pad(((1, 2), (3,))),
    }


@case(backends=ALL)
def case_pad_sequences_strings(keras, H):
    pad = keras.utils.pad_sequences
    words = [["a", "bb"], ["c"]]
    return {
        "object": pad(words, dtype=object, value="x").tolist(),
        "unicode": pad(words, dtype="<U3", value="x"),
        "str_truncates": pad(words, dtype="str", value="x"),
    }


@case(backends=ALL)
def case_pad_sequences_errors(keras, H):
    pad = keras.utils.pad_sequences
    return {
        "padding": H.raises(pad, SEQS, padding="mid"),
        "truncating": H.raises(pad, SEQS, maxlen=2, truncating="mid"),
        "scalar_member": H.raises(pad, [1, 2]),
        "not_sized": H.raises(pad, 5),
        "generator": H.raises(pad, iter([[1], [2, 3]])),
        "text_value_int_dtype": H.raises(pad, [[1]], maxlen=2, value="x"),
        "text_in_int": H.raises(pad, [["a", "b"]]),
        "negative_maxlen": H.raises(pad, SEQS, maxlen=-1),
        "ragged_elements": H.raises(pad, [[[1, 2], [3]], [[5, 6]]]),
    }


@case(backends=ALL)
def case_pad_sequences_in_preprocessing_sequence(keras, H):
    return keras.preprocessing.sequence.pad_sequences([[1], [2, 3, 4]], maxlen=2, padding="post")


# -- pack / unpack --------------------------------------------------------------------------


@case(backends=ALL)
def case_pack_x_y_sample_weight(keras, H):
    x, y, w = np.ones((3, 2)), np.zeros(3), np.arange(3.0)
    pack = keras.utils.pack_x_y_sample_weight
    return {
        "x": pack(x) is x,
        "xy": pack(x, y),
        "xyw": pack(x, y, w),
        "x_w_drops_w": pack(x, None, w),
        "list_x": pack([x, x]),
        "tuple_x": pack((x, x)),
        "dict_x": pack({"a": x}),
    }


@case(backends=ALL)
def case_unpack_x_y_sample_weight(keras, H):
    x, y, w = np.ones((3, 2)), np.zeros(3), np.arange(3.0)
    unpack = keras.utils.unpack_x_y_sample_weight
    return {
        "x": unpack(x),
        "one_tuple": unpack((x,)),
        "list_pair": unpack([x, y]),
        "triple": unpack((x, y, w)),
        "dict": unpack({"a": x}),
        "four": H.raises(unpack, (x, y, w, w)),
        "empty": H.raises(unpack, ()),
        "identity": unpack((x, y))[0] is x,
    }


# -- Config ---------------------------------------------------------------------------------


@case(backends=ALL)
def case_config_attributes_and_items(keras, H):
    config = keras.utils.Config(a=1, b=2)
    config.c = 3
    config["d"] = 4
    popped = config.pop("d")
    config.update({"e": 5})
    return {
        "a": config.a, "b": config["b"], "dict": config.as_dict(), "json": config.to_json(),
        "len": len(config), "keys": list(config.keys()), "values": list(config.values()),
        "items": list(config.items()), "contains": "a" in config, "popped": popped,
        "get": config.get("zz", 7), "repr": repr(config), "iter": list(config),
        "missing_attr": H.raises(lambda: config.zzz),
        "missing_item": H.raises(lambda: config["zzz"]),
        "positional": H.raises(keras.utils.Config, {"a": 1}),
        "is_dict": isinstance(config, dict),
    }  # fmt: skip


@case(backends=ALL)
def case_config_freeze(keras, H):
    config = keras.utils.Config(a=1)
    config.freeze()

    def set_attr():
        config.a = 2

    def set_item():
        config["a"] = 2

    def del_item():
        del config["a"]

    found = {
        "frozen": config.frozen, "attr": H.raises(set_attr), "item": H.raises(set_item),
        "del": H.raises(del_item), "pop": H.raises(config.pop, "a"),
        "update": H.raises(config.update, {"b": 1}),
    }  # fmt: skip
    config.unfreeze()
    config.a = 3
    found.update(after=config.a, frozen_after=config.frozen)
    return found


# -- graph, logging, registry ---------------------------------------------------------------


@case(backends=ALL)
def case_get_source_inputs(keras, H):
    a = keras.Input((3,), name="a")
    b = keras.Input((3,), name="b")
    h = keras.layers.Dense(2)(a)
    s = keras.layers.Add()([h, keras.layers.Dense(2)(b)])
    model = keras.Model([a, b], s)
    called = model([keras.Input((3,), name="c"), keras.Input((3,), name="d")])
    names = lambda ts: [t.name for t in ts]  # noqa: E731
    return {
        "one": names(keras.utils.get_source_inputs(h)),
        "input": names(keras.utils.get_source_inputs(a)),
        "two": names(keras.utils.get_source_inputs(s)),
        "called_model": names(keras.utils.get_source_inputs(called)),
        "array": keras.utils.get_source_inputs(np.ones(3)),
    }


@case(backends=ALL)
def case_interactive_logging_toggles(keras, H):
    U = keras.utils
    states = [U.is_interactive_logging_enabled()]
    U.disable_interactive_logging()
    states.append(U.is_interactive_logging_enabled())
    states.append(keras.config.is_interactive_logging_enabled())
    U.enable_interactive_logging()
    states.append(U.is_interactive_logging_enabled())
    return states


@case(backends=ALL)
def case_registry_names_and_lookup(keras, H):
    @keras.utils.register_keras_serializable(package="pk")
    def triple(x):
        return x * 3

    def plain(x):
        return x

    U = keras.utils
    return {
        "name": U.get_registered_name(triple),
        "plain_name": U.get_registered_name(plain),
        "class_name": U.get_registered_name(keras.layers.Dense),
        "found": U.get_registered_object("pk>triple") is triple,
        "missing": U.get_registered_object("pk>nothing"),
        "custom": U.get_registered_object("zz", custom_objects={"zz": 5}),
        "module": U.get_registered_object("zz", module_objects={"zz": 6}),
        "in_custom_objects": "pk>triple" in U.get_custom_objects(),
    }


@case(backends=ALL)
def case_register_again_and_without_get_config(keras, H):
    register = keras.utils.register_keras_serializable

    def first(x):
        return x

    def second(x):
        return x

    register(package="again", name="fn")(first)
    register(package="again", name="fn")(second)

    class NoConfig:
        pass

    return {
        "replaced": keras.utils.get_registered_object("again>fn") is second,
        "no_get_config": H.raises(register(), NoConfig),
    }


@case(backends=ALL)
def case_custom_object_scope(keras, H):
    def fn(x):
        return x

    U = keras.utils
    with U.custom_object_scope({"fn": fn}) as scope:
        inside = (type(scope).__name__, U.get_registered_object("fn") is fn,
                  "fn" in U.get_custom_objects())  # fmt: skip
    with U.CustomObjectScope({"fn": fn}):
        config = keras.saving.serialize_keras_object(keras.layers.Activation(fn))
        restored = keras.saving.deserialize_keras_object(config).activation is fn
    return {"inside": inside, "after": U.get_registered_object("fn"), "restored": restored,
            "two_args": H.raises(U.CustomObjectScope, {"a": 1}, {"b": 2})}  # fmt: skip


@case(backends=ALL)
def case_serialize_plain_values(keras, H):
    S, D = keras.utils.serialize_keras_object, keras.utils.deserialize_keras_object

    def myfn(x):
        return x

    return {
        "array": S(np.arange(3, dtype="int32")),
        "array_back": D(S(np.arange(3, dtype="int32"))),
        "tuple": S((1, (2, 3))),
        "bytes": S(b"ab"),
        "function": S(myfn),
        "relu": S(keras.activations.relu),
        "relu_back": D(S(keras.activations.relu)).__name__,
        "unregistered_fn": H.raises(D, S(myfn)),
        "set": H.raises(S, {1, 2}),
        "complex": H.raises(S, 1 + 2j),
        "strings": (D("relu"), D("nonexistent_thing"), D([1, 2]), D(3.5)),
        "unknown_module": H.raises(D, {"module": "foo.bar", "class_name": "Nope", "config": {}}),
    }


@case(backends=ALL)
def case_serialize_module_names(keras, H):
    S = keras.utils.serialize_keras_object
    objects = [
        keras.layers.Dense(1), keras.optimizers.Adam(), keras.losses.MeanSquaredError(),
        keras.metrics.Mean(), keras.initializers.GlorotUniform(), keras.regularizers.L2(),
        keras.constraints.NonNeg(), keras.DTypePolicy("float32"), keras.layers.Layer(),
        keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9), keras.random.SeedGenerator(1),
    ]  # fmt: skip
    found = [(S(o)["module"], S(o)["class_name"], S(o)["registered_name"]) for o in objects]
    # Keras on torch records its torch optimizer subclass (module "keras.src.backend.torch...").
    return [entry for entry in found if entry[1] != "Adam"]


# -- datasets -------------------------------------------------------------------------------


@case()
def case_split_dataset_sizes(keras, H):
    x = np.arange(50, dtype="float32").reshape(25, 2)
    y = np.arange(25)

    def sizes(*args, **kwargs):
        return [len(list(part)) for part in keras.utils.split_dataset(*args, **kwargs)]

    return {
        "half": sizes(x, left_size=0.5),
        "right_half": sizes(x, right_size=0.5),
        "round_up": sizes(x[:10], left_size=0.35),
        "ints": sizes((x, y), left_size=3, right_size=22),
        "list": sizes([x, y], left_size=10),
        "mixed": sizes(x[:10], left_size=3, right_size=0.7),
    }


@case(backends=("jax", "tensorflow"))
def case_split_dataset_subsets_and_bad_arrays(keras, H):
    # Not on torch: Keras 3.15's torch split fails when left + right < total, and on arrays
    # of unequal lengths or lists it fails with AssertionError/TypeError from torch.
    x = np.arange(50, dtype="float32").reshape(25, 2)
    split = keras.utils.split_dataset
    return {
        "subset": [
            len(list(part)) for part in split((x, np.arange(25)), left_size=3, right_size=4)
        ],
        "lengths": H.raises(split, (x, x[:9]), left_size=3),
        "list_of_lists": H.raises(split, [[1, 2], [3, 4]], left_size=1),
    }


@case()
def case_split_dataset_errors(keras, H):
    x = np.arange(10, dtype="float32")
    split = keras.utils.split_dataset
    return {
        "none": H.raises(split, x),
        "too_big": H.raises(split, x, left_size=1.5),
        "int_too_big": H.raises(split, x, left_size=10),
        "zero": H.raises(split, x, left_size=0),
        "empty_side": H.raises(split, x, left_size=0.01),
        "sum": H.raises(split, x, left_size=6, right_size=6),
        "bool": H.raises(split, x, left_size=True),
        "text": H.raises(split, x, left_size="a"),
        "dict": H.raises(split, {"a": x}, left_size=3),
    }


@case()
def case_split_dataset_unshuffled_order(keras, H):
    x = np.arange(20, dtype="float32").reshape(10, 2)
    left, right = keras.utils.split_dataset((x, np.arange(10)), left_size=0.8)
    if keras.backend.backend() == "torch":  # Keras's torch split shuffles regardless
        return "skipped"
    left_x = np.stack([np.asarray(a) for a, _ in left])
    right_y = np.stack([np.asarray(b) for _, b in right])
    return {"left_x": left_x, "right_y": right_y.astype("int64")}


@case()
def case_timeseries_windows_and_targets(keras, H):
    data = np.arange(20, dtype="float32")
    ds = keras.utils.timeseries_dataset_from_array(data, data[3:], sequence_length=3, batch_size=4)
    xs, ys = zip(*[(np.asarray(a), np.asarray(b)) for a, b in ds])
    strided = keras.utils.timeseries_dataset_from_array(
        data, None, sequence_length=4, sampling_rate=2, sequence_stride=3, batch_size=100
    )
    window = np.asarray(next(iter(strided)))
    ranged = keras.utils.timeseries_dataset_from_array(
        data, data * 10, 3, start_index=5, end_index=10, batch_size=100
    )
    rx, ry = next(iter(ranged))
    return {
        "x": np.concatenate(xs), "y": np.concatenate(ys), "batches": len(xs), "strided": window,
        "ranged_x": np.asarray(rx), "ranged_y": np.asarray(ry),
        "short_targets": [np.asarray(b[1]).shape for b in keras.utils.timeseries_dataset_from_array(data, data[:5], 3, batch_size=100)],
        "unbatched": [np.asarray(b).shape for b in keras.utils.timeseries_dataset_from_array(data, None, 3, batch_size=None)][:2],
        "too_long": len(list(keras.utils.timeseries_dataset_from_array(data, None, 30))),
        "frames": np.asarray(next(iter(keras.utils.timeseries_dataset_from_array(np.ones((10, 2, 3), "float32"), None, 4)))).shape,
    }  # fmt: skip


@case()
def case_timeseries_argument_errors(keras, H):
    data = np.arange(20, dtype="float32")
    make = keras.utils.timeseries_dataset_from_array
    return {
        "stride": H.raises(make, data, None, 3, sequence_stride=0),
        "rate": H.raises(make, data, None, 3, sampling_rate=0),
        "start_negative": H.raises(make, data, None, 3, start_index=-1),
        "start_big": H.raises(make, data, None, 3, start_index=30),
        "end_big": H.raises(make, data, None, 3, end_index=30),
        "end_before_start": H.raises(make, data, None, 3, start_index=5, end_index=5),
        "format": H.raises(make, data, None, 3, format="zz"),
    }


@case()
def case_timeseries_dataset_trains_a_model(keras, H):
    series = np.sin(np.arange(120) * 0.1).astype("float32")
    ds = keras.utils.timeseries_dataset_from_array(series[:, None], series[8:], 8, batch_size=16)
    model = keras.Sequential([keras.Input((8, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(ds, epochs=2, verbose=0)
    return H.rounded(history)


# -- mixed precision ------------------------------------------------------------------------


@case(backends=ALL)
def case_mixed_precision_namespace(keras, H):
    MP = keras.mixed_precision
    names = sorted(n for n in dir(MP) if not n.startswith("_"))
    same = (MP.Policy is keras.DTypePolicy, MP.DTypePolicy is keras.DTypePolicy,
            MP.LossScaleOptimizer is keras.optimizers.LossScaleOptimizer)  # fmt: skip
    MP.set_global_policy("mixed_bfloat16")
    try:
        inside = (MP.global_policy().name, keras.config.dtype_policy().name,
                  keras.layers.Dense(2).compute_dtype, keras.layers.Dense(2).variable_dtype,
                  keras.config.floatx())  # fmt: skip
    finally:
        MP.set_global_policy("float32")
    return {"names": names, "same": same, "inside": inside, "after": MP.global_policy().name}


@case(backends=ALL)
def case_dtype_policy_objects(keras, H):
    policy = keras.DTypePolicy("mixed_float16")
    serialized = keras.dtype_policies.serialize(policy)
    return {
        "attrs": (repr(policy), policy.name, policy.compute_dtype, policy.variable_dtype,
                  policy.quantization_mode),  # fmt: skip
        "config": policy.get_config(),
        "serialized": serialized,
        "back": keras.dtype_policies.deserialize(serialized).name,
        "get_str": keras.dtype_policies.get("bfloat16").name,
        "get_dict": keras.dtype_policies.get({"class_name": "DTypePolicy", "config": {"name": "float16"}}).name,
        "eq": (keras.DTypePolicy("float32") == keras.DTypePolicy("float32"), policy == "mixed_float16"),
        "float64": keras.DTypePolicy("float64").compute_dtype,
        "layer_config": keras.layers.Dense(2, dtype="mixed_float16").get_config()["dtype"],
        "bad_name": H.raises(keras.DTypePolicy, 3),
        "bad_str": H.raises(keras.dtype_policies.get, "nope"),
        "bad_get": H.raises(keras.dtype_policies.get, 3),
        "bad_global": H.raises(keras.mixed_precision.set_global_policy, "foo"),
    }  # fmt: skip


@case(rtol=1e-3, atol=1e-4)
def case_mixed_float16_compile_wraps_optimizer(keras, H):
    x, y = H.data(64, 4)
    keras.config.set_dtype_policy("mixed_float16")
    try:
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, dtype="float32")])  # fmt: skip
        H.det_weights(model)
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
        wrapped = type(model.optimizer).__name__, type(model.optimizer.inner_optimizer).__name__
        history = model.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False)
        plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        plain.compile(optimizer="sgd", loss="mse", auto_scale_loss=False)
    finally:
        keras.config.set_dtype_policy("float32")
    losses = history.history["loss"]
    return {
        "wrapped": wrapped, "not_wrapped": type(plain.optimizer).__name__,
        "decreases": losses[-1] < losses[0], "first_loss": losses[0],
        "scale": float(keras.ops.convert_to_numpy(model.optimizer.dynamic_scale)),
        "iterations": int(keras.ops.convert_to_numpy(model.optimizer.iterations)),
        "weights_dtype": sorted({str(w.dtype) for w in model.weights}),
    }  # fmt: skip


@case()
def case_loss_scale_optimizer_config(keras, H):
    lso = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=64.0)
    config = lso.get_config()
    keys = sorted(config)  # before from_config, which may consume the dict
    back = keras.optimizers.LossScaleOptimizer.from_config(config)
    return {
        "keys": keys, "name": lso.name, "initial": lso.initial_scale,
        "growth": lso.dynamic_growth_steps, "back": type(back.inner_optimizer).__name__,
        "serialized": keras.optimizers.serialize(lso)["class_name"],
    }  # fmt: skip
