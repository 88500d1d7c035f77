"""Custom layers: the Layer base as users subclass it (weights, build, shapes, masks, training,
call arguments, naming, saving their own state)."""

import numpy as np

from tests.parity.case import ALL, case

X = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.5]], "float32")


def _scaled_dense(keras):
    class ScaledDense(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
            self.count = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="count"
            )

        def call(self, x, training=None):
            if training:
                self.count.assign_add(1.0)
            return keras.ops.matmul(x, self.kernel) * self.scale

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return ScaledDense


# -- weights ------------------------------------------------------------------------------


@case(backends=ALL)
def case_weight_order_and_flags(keras, H):
    class Mixed(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.sub = keras.layers.Dense(1, name="sub")

        def build(self, shape):
            self.sub.build(shape)
            self.b = self.add_weight(shape=(1,), name="b", trainable=False)
            self.a = self.add_weight(shape=(1,), name="a")
            self.c = self.add_weight(shape=(1,), name="c", trainable=False)
            self.e = keras.Variable(np.zeros((1,), "float32"), name="e", trainable=True)

        def call(self, x):
            return x

    layer = Mixed(name="mixed")
    layer.build((None, 1))
    return {
        "weights": [v.name for v in layer.weights],
        "variables": [v.name for v in layer.variables],
        "trainable": [v.name for v in layer.trainable_weights],
        "non_trainable": [v.name for v in layer.non_trainable_weights],
        "paths": [v.path for v in layer.weights],
    }


@case(backends=ALL)
def case_trainable_toggle_keeps_declared_flags(keras, H):
    class C(keras.layers.Layer):
        def build(self, shape):
            self.a = self.add_weight(shape=(1,), name="a")
            self.b = self.add_weight(shape=(1,), name="b", trainable=False)

        def call(self, x):
            return x

    layer = C()
    layer.build((None, 1))
    out = {}
    layer.b.trainable = True
    out["b_on"] = [v.name for v in layer.trainable_weights]
    layer.trainable = False
    out["frozen"] = (
        [(v.name, v.trainable) for v in layer.weights],
        [v.name for v in layer.non_trainable_weights],
    )
    layer.trainable = True
    out["thawed"] = [(v.name, v.trainable) for v in layer.weights]
    layer.a.trainable = False
    out["a_off"] = (
        [v.name for v in layer.trainable_weights],
        [v.name for v in layer.non_trainable_weights],
    )
    return out


@case(backends=ALL)
def case_batchnorm_toggle_keeps_moving_stats_frozen(keras, H):
    bn = keras.layers.BatchNormalization()
    bn.build((None, 3))
    bn.trainable = False
    frozen = [v.trainable for v in bn.weights]
    bn.trainable = True
    return {
        "frozen": frozen,
        "thawed": [v.trainable for v in bn.weights],
        "counts": (len(bn.trainable_weights), len(bn.non_trainable_weights)),
    }


@case(backends=ALL)
def case_add_weight_variants(keras, H):
    class V(keras.layers.Layer):
        def build(self, shape):
            self.a = self.add_variable((2,), initializer="ones", name="a")
            self.b = self.add_weight(shape=(2,), initializer="zeros", name="b", trainable=False)
            self.c = self.add_weight((2,), "ones", "int32", name="c", trainable=False)
            self.d = self.add_weight(shape=(3, 2), initializer="zeros", name="d")
            self.f = self.add_weight(
                shape=(2,), initializer=keras.initializers.Constant(3.0), name="f", dtype="float16"
            )

        def call(self, x):
            return x

    layer = V()
    layer.build((None, 2))
    return {
        "described": [(w.name, w.dtype, tuple(w.shape), w.trainable) for w in layer.weights],
        "values": [np.asarray(w.numpy()) for w in layer.weights],
    }


@case(backends=ALL)
def case_add_weight_errors(keras, H):
    layer = keras.layers.Layer()
    return {
        "name_first": H.raises(layer.add_weight, "w", (2,)),
        "too_many_positional": H.raises(layer.add_weight, (3,), "ones", "float32", False),
        "bad_initializer": H.raises(layer.add_weight, shape=(1,), initializer="nope"),
        "default_name": layer.add_weight(shape=(2,)).name,
    }


@case(backends=ALL)
def case_add_weight_regularizer_constraint(keras, H):
    layer = keras.layers.Layer()
    w = layer.add_weight(shape=(2,), initializer="ones", regularizer="l2", constraint="non_neg")
    return {
        "losses": [keras.ops.convert_to_numpy(l) for l in layer.losses],
        "constraint": type(w.constraint).__name__,
    }


@case(backends=ALL)
def case_add_weight_outside_build(keras, H):
    layer = keras.layers.Layer(name="plain")
    v = layer.add_weight(shape=(1,), initializer="ones", name="z")
    return {"names": [w.name for w in layer.weights], "path": v.path, "built": layer.built}


@case(backends=ALL)
def case_metric_add_weight(keras, H):
    class Avg(keras.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight(name="total", initializer="zeros")
            self.count = self.add_variable(shape=(), name="count", initializer="zeros")

        def update_state(self, y, *args, **kwargs):
            self.total.assign_add(keras.ops.sum(y))
            self.count.assign_add(1.0)

        def result(self):
            return self.total / self.count

    metric = Avg(name="avg")
    metric.update_state(np.ones((3,), "float32"))
    metric.update_state(np.full((3,), 2.0, "float32"))
    result = metric.result()
    metric.reset_state()
    return {
        "result": result,
        "names": [v.name for v in metric.variables],
        "after_reset": [np.asarray(v.numpy()) for v in metric.variables],
    }


# -- build ---------------------------------------------------------------------------------


@case(backends=ALL)
def case_build_marks_built_and_names_weights(keras, H):
    class NoBuilt(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), name="w")

        def call(self, x):
            return x * self.w

    layer = NoBuilt(name="nb")
    before = layer.built
    layer.build((None, 3))
    return {"before": before, "after": layer.built, "paths": [v.path for v in layer.weights]}


@case(backends=ALL)
def case_nested_layer_paths(keras, H):
    class Inner(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w

    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Inner(name="innr")
            self.dense = keras.layers.Dense(2, name="inner_dense")

        def call(self, x):
            return self.dense(self.inner(x))

    called = Block(name="called")
    called(X)
    built = Block(name="built_first")
    built.build((None, 3))
    built(X)
    return {
        "called": [v.path for v in called.weights],
        "built_first": [v.path for v in built.weights],
        "flags": (called.built, called.inner.built, called.dense.built),
    }


@case(backends=ALL)
def case_build_with_several_shapes(keras, H):
    class QV(keras.layers.Layer):
        def build(self, query_shape, value_shape):
            self.got = (query_shape, value_shape)
            self.w = self.add_weight(
                shape=(query_shape[-1], value_shape[-1]), name="w", initializer="ones"
            )

        def call(self, query, value):
            return keras.ops.matmul(query, self.w) + value

    a, b = np.ones((2, 3), "float32"), np.ones((2, 4), "float32")
    layer = QV()
    y = layer(a, value=b)
    rebuilt = QV()
    rebuilt.build_from_config(layer.get_build_config())
    return {
        "y": y,
        "got": layer.got,
        "config": layer.get_build_config(),
        "rebuilt": (rebuilt.built, rebuilt.got),
    }


@case(backends=ALL)
def case_build_optional_second_shape(keras, H):
    class KW(keras.layers.Layer):
        def build(self, x_shape, y_shape=None):
            self.got = (x_shape, y_shape)

        def call(self, x, y=None):
            return x if y is None else x + y

    a = np.ones((2, 3), "float32")
    one, two = KW(), KW()
    one(a)
    two(a, y=a)
    return {"one": (one.got, one.get_build_config()), "two": (two.got, two.get_build_config())}


@case(backends=ALL)
def case_build_bad_parameter_names(keras, H):
    class Diff(keras.layers.Layer):
        def build(self, s1, s2):
            pass

        def call(self, x, y):
            return x + y

    a = np.ones((2, 3), "float32")
    return H.raises(Diff(), a, a)


@case(backends=ALL)
def case_build_structured_inputs(keras, H):
    class ListBuild(keras.layers.Layer):
        def build(self, shapes):
            self.shapes = shapes

        def call(self, xs):
            return xs[0] + xs[1]

    class DictBuild(keras.layers.Layer):
        def build(self, shapes):
            self.shapes = shapes

        def call(self, xs):
            return xs["a"] + xs["b"]

    a = np.ones((2, 3), "float32")
    lb, db = ListBuild(), DictBuild()
    lb([a, a])
    db({"a": a, "b": a})
    sym = DictBuild()({"a": keras.Input((3,)), "b": keras.Input((3,))})
    return {
        "list": (lb.shapes, lb.get_build_config()),
        "dict": (db.shapes, db.get_build_config()),
        "symbolic": sym.shape,
    }


# -- shapes and specs ---------------------------------------------------------------------


@case(backends=ALL)
def case_compute_output_shape_override(keras, H):
    class Proj(keras.layers.Layer):
        def build(self, s):
            self.w = self.add_weight(shape=(s[-1], 3), name="w")

        def call(self, x):
            return keras.ops.matmul(x, self.w)

        def compute_output_shape(self, s):
            return s[:-1] + (3,)

    layer = Proj()
    y = layer(keras.Input((5,)))
    return {
        "symbolic": y.shape,
        "built": layer.built,
        "weights": [tuple(w.shape) for w in layer.weights],
        "direct": Proj().compute_output_shape((None, 7)),
    }


@case(backends=ALL)
def case_compute_output_spec_override(keras, H):
    class Spec(keras.layers.Layer):
        def call(self, x):
            return x[:, :1]

        def compute_output_spec(self, x):
            return keras.KerasTensor(x.shape[:-1] + (1,), dtype="float16")

    class Inferred(keras.layers.Layer):
        def call(self, x):
            return keras.ops.concatenate([x, x], axis=-1)

    y = Spec()(keras.Input((4,)))
    z = Inferred().compute_output_spec(keras.KerasTensor((None, 4)))
    w = Inferred()(keras.Input((2, 4)))
    return {"spec": (y.shape, y.dtype), "inferred_spec": z.shape, "symbolic_call": w.shape}


@case(backends=ALL)
def case_custom_layer_in_models(keras, H):
    ScaledDense = _scaled_dense(keras)
    i = keras.Input((3,), name="x")
    func = keras.Model(i, ScaledDense(2, name="sd")(i))
    seq = keras.Sequential([keras.Input((3,)), ScaledDense(2, name="sd2")])
    H.det_weights(func)
    H.det_weights(seq)
    return {
        "func": func.predict(X, verbose=0),
        "seq": seq(X),
        "func_out": func.output_shape,
        "summary": H.summary(seq),
        "weights": [(v.name, v.trainable) for v in seq.weights],
    }


@case()
def case_custom_layer_state_updates_in_fit(keras, H):
    ScaledDense = _scaled_dense(keras)
    model = keras.Sequential([keras.Input((3,)), ScaledDense(1, name="sd")])
    H.det_weights(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    history = model.fit(
        X, np.ones((2, 1), "float32"), epochs=3, batch_size=1, verbose=0, shuffle=False
    )
    count_after_fit = np.asarray(model.layers[0].count.numpy())
    model.predict(X, verbose=0)
    return {
        "loss": H.rounded(history),
        "count": count_after_fit,
        "count_after_predict": np.asarray(model.layers[0].count.numpy()),
    }


@case(backends=ALL)
def case_custom_layer_config_roundtrip(keras, H):
    ScaledDense = _scaled_dense(keras)
    layer = ScaledDense(4, name="sd")
    config = layer.get_config()
    clone = ScaledDense.from_config(config)
    return {"config": config, "clone": (clone.name, clone.units, clone.built)}


# -- masks --------------------------------------------------------------------------------


def _mask_layers(keras):
    class MaskZeros(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, x):
            return x

        def compute_mask(self, x, mask=None):
            return keras.ops.not_equal(keras.ops.sum(x, axis=-1), 0)

    class UseMask(keras.layers.Layer):
        def call(self, x, mask=None):
            if mask is None:
                return keras.ops.zeros_like(x[..., 0])
            return keras.ops.cast(mask, "float32")

    return MaskZeros, UseMask


@case()  # Keras's numpy backend cannot attach `_keras_mask` to NumPy arrays
def case_custom_compute_mask_propagates(keras, H):
    MaskZeros, UseMask = _mask_layers(keras)
    x = np.array([[[1.0], [0.0], [2.0]]], "float32")
    i = keras.Input((3, 1))
    func = keras.Model(i, UseMask()(MaskZeros()(i)))
    seq = keras.Sequential([keras.Input((3, 1)), MaskZeros(), UseMask()])
    eager = MaskZeros()(x)
    return {
        "eager_mask": eager._keras_mask,
        "chained": UseMask()(MaskZeros()(x)),
        "functional": func(x),
        "sequential": seq(x),
        "symbolic_mask": MaskZeros()(i)._keras_mask.shape,
    }


@case(backends=ALL)
def case_mask_through_embedding_to_custom_layer(keras, H):
    _, UseMask = _mask_layers(keras)
    ids = np.array([[3, 0, 5, 0]], "int32")
    i = keras.Input((4,), dtype="int32")
    e = keras.layers.Embedding(10, 2, mask_zero=True)(i)
    model = keras.Model(i, UseMask()(e))
    return model(ids)


# -- calls: arguments and training -------------------------------------------------------


def _scale_layer(keras):
    class Scale(keras.layers.Layer):
        def call(self, x, factor=2.0, mode="mul", training=None):
            result = x * factor if mode == "mul" else x + factor
            return result * 0 if training else result

    return Scale


@case(backends=ALL)
def case_call_keyword_arguments(keras, H):
    Scale = _scale_layer(keras)
    layer = Scale()
    one = np.ones((1, 2), "float32")
    i = keras.Input((2,))
    model = keras.Model(i, Scale()(i, factor=4.0, mode="add"))
    return {
        "kwargs": layer(one, factor=3.0, mode="add"),
        "training": layer(one, training=True),
        "symbolic": model(one),
        "recorded": model.get_config()["layers"][1]["inbound_nodes"][0]["kwargs"],
    }


@case(backends=ALL)
def case_call_positional_non_tensor_refused(keras, H):
    Scale = _scale_layer(keras)
    layer = Scale()
    one = np.ones((1, 2), "float32")
    return {
        "float": H.raises(layer, one, 5.0),
        "str": H.raises(layer, one, 2.0, "add"),
        "symbolic": H.raises(layer, keras.Input((2,)), 3),
        "none_ok": H.raises(layer, one, None),
    }


@case(backends=ALL)
def case_training_propagates_to_sublayers(keras, H):
    class Probe(keras.layers.Layer):
        def call(self, x, training=None):
            return x * (2.0 if training else 1.0)

    class Outer(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.probe = Probe()

        def call(self, x):
            return self.probe(x)

    class OuterExplicit(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.probe = Probe()

        def call(self, x, training=None):
            return self.probe(x)

    one = np.ones((1, 1), "float32")
    outer, explicit = Outer(), OuterExplicit()
    model = keras.Sequential([keras.Input((1,)), Probe()])
    return {
        "outer": (outer(one, training=True), outer(one)),
        "explicit": (explicit(one, training=True), explicit(one, training=False)),
        "model": (model(one, training=True), model(one), model.predict(one, verbose=0)),
    }


@case(backends=ALL)
def case_subclassed_model_training_argument(keras, H):
    class Probe(keras.layers.Layer):
        def call(self, x, training=None):
            return x * (3.0 if training else 1.0)

    class Sub(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.probe = Probe()
            self.drop = keras.layers.Dropout(0.99, seed=1)

        def call(self, x, training=None):
            return self.drop(self.probe(x, training=training), training=False)

    model = Sub()
    one = np.ones((1, 2), "float32")
    return {
        "train": model(one, training=True),
        "infer": model(one),
        "predict": model.predict(one, verbose=0),
    }


# -- naming -------------------------------------------------------------------------------


@case(backends=ALL)
def case_layer_auto_names(keras, H):
    L = keras.layers

    class MyLayer(L.Layer):
        pass

    class HTTPServer2D(L.Layer):
        pass

    first = [L.Dense(2, name="x").name, L.Dense(2).name, L.Dense(2).name]
    custom = [MyLayer().name, MyLayer().name, HTTPServer2D().name]
    keras.backend.clear_session()
    after_clear = [
        L.Dense(2).name,
        L.Conv2D(2, 3).name,
        L.LSTM(2).name,
        L.BatchNormalization().name,
        L.GlobalAveragePooling1D().name,
        L.Dense(3, name="dense_5").name,
        L.Dense(3).name,
    ]
    return {"first": first, "custom": custom, "after_clear": after_clear}


@case(backends=ALL)
def case_layer_bad_names(keras, H):
    return {
        "slash": H.raises(keras.layers.Dense, 2, name="a/b"),
        "int": H.raises(keras.layers.Dense, 2, name=3),
    }


# -- saving own state ---------------------------------------------------------------------


def _own_state_layer(keras):
    class Own(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(2,), initializer="ones", name="w")
            self.note = 0.0

        def call(self, x):
            return x * self.w

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["note"] = np.array([self.note + 7.0])

        def load_own_variables(self, store):
            self.note = float(np.asarray(store["note"])[0])
            self.w.assign(np.asarray(store["0"]))

    return Own


@case(backends=ALL)
def case_save_own_variables_store(keras, H):
    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    H.det_weights(layer)
    store = {}
    layer.save_own_variables(store)
    other = keras.layers.Dense(2)
    other.build((None, 3))
    other.load_own_variables(store)
    third = keras.layers.Dense(2)
    third.build((None, 3))
    return {
        "keys": sorted(store),
        "same": [np.array_equal(a, b) for a, b in zip(layer.get_weights(), other.get_weights())],
        "too_many": H.raises(third.load_own_variables, {**store, "2": np.ones((2,))}),
    }


@case(backends=ALL)
def case_custom_save_own_variables_roundtrip(keras, H):
    Own = _own_state_layer(keras)
    model = keras.Sequential([keras.Input((2,)), Own(name="own")])
    model.layers[0].w.assign(np.array([2.0, 3.0], "float32"))
    model.save_weights("own.weights.h5")
    fresh = keras.Sequential([keras.Input((2,)), Own(name="own")])
    fresh.load_weights("own.weights.h5")
    return {
        "note": fresh.layers[0].note,
        "w": np.asarray(fresh.layers[0].w.numpy()),
        "files": H.h5_paths("own.weights.h5"),
    }


@case(backends=ALL)
def case_custom_layer_keras_file_roundtrip(keras, H):
    ScaledDense = _scaled_dense(keras)
    model = keras.Sequential([keras.Input((3,)), ScaledDense(2, name="sd")])
    H.det_weights(model)
    model.save("m.keras")
    loaded = keras.models.load_model("m.keras", custom_objects={"ScaledDense": ScaledDense})
    return {
        "y": loaded.predict(X, verbose=0),
        "names": [v.name for v in loaded.weights],
        "type": type(loaded.layers[0]).__name__,
    }


# -- sub-layers held in a dict ------------------------------------------------------------


def _blocks(keras):
    @keras.saving.register_keras_serializable(package="parity_blocks")
    class Blocks(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blocks = {
                "b": keras.layers.Dense(3, name="bb"),
                "a": keras.layers.Dense(2, name="aa"),
            }

        def call(self, x):
            return keras.ops.concatenate([self.blocks["a"](x), self.blocks["b"](x)], axis=-1)

    return Blocks


@case(backends=ALL)
def case_dict_of_sublayers_in_sequential(keras, H):
    Blocks = _blocks(keras)
    model = keras.Sequential(
        [keras.Input((3,)), Blocks(name="blk"), keras.layers.Dense(1, name="o")]
    )
    H.det_weights(model)
    block = model.layers[0]
    return {
        "paths": [w.path for w in model.weights],
        "y": model(X),
        "block_weights": [w.path for w in block.weights],
        "count": model.count_params(),
        "blocks_type": type(block.blocks).__mro__[-2].__name__,
        "summary": H.summary(model),
    }


@case(backends=ALL)
def case_dict_of_sublayers_in_functional(keras, H):
    Blocks = _blocks(keras)
    x = keras.Input((3,), name="x")
    model = keras.Model(x, Blocks(name="blk")(x))
    H.det_weights(model)
    return {
        "paths": [w.path for w in model.weights],
        "y": model.predict(X, verbose=0),
        "shape": model.output_shape,
    }


@case()
def case_dict_of_sublayers_save_load_and_fit(keras, H):
    Blocks = _blocks(keras)
    model = keras.Sequential(
        [keras.Input((3,)), Blocks(name="blk"), keras.layers.Dense(1, name="o")]
    )
    H.det_weights(model)
    model.compile("sgd", "mse")
    history = model.fit(X, np.ones((2, 1), "float32"), epochs=2, verbose=0)
    model.save("blocks.keras")
    loaded = keras.saving.load_model("blocks.keras")
    return {
        "loss": H.rounded(history),
        "y": loaded.predict(X, verbose=0),
        "names": [w.name for w in loaded.weights],
    }
