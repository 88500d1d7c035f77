"""pack/unpack_x_y_sample_weight, Config, get_source_inputs, and the re-exported names."""

import numpy as np
import pytest

import cornu
from cornu import utils


def test_pack_and_unpack():
    x, y, w = np.ones((3, 2)), np.zeros(3), np.ones(3)
    assert utils.pack_x_y_sample_weight(x) is x
    assert utils.pack_x_y_sample_weight([x]) == ([x],)
    assert len(utils.pack_x_y_sample_weight(x, y, w)) == 3
    assert utils.pack_x_y_sample_weight(x, None, w) is x
    assert utils.unpack_x_y_sample_weight(x) == (x, None, None)
    assert utils.unpack_x_y_sample_weight([x, y])[1] is y
    with pytest.raises(ValueError, match="found a tuple of 4 elements"):
        utils.unpack_x_y_sample_weight((x, y, w, w))


def test_config_items_attributes_and_freeze():
    config = utils.Config(a=1)
    config.b = 2
    config["c"] = 3
    assert config.as_dict() == {"a": 1, "b": 2, "c": 3}
    assert config.to_json() == '{"a": 1, "b": 2, "c": 3}'
    with pytest.raises(AttributeError, match="Unknown attribute: 'zz'"):
        config.zz
    config.freeze()
    with pytest.raises(ValueError, match="the config is frozen"):
        config.a = 5
    config.unfreeze()
    config.a = 5
    assert config["a"] == 5 and not config.frozen


def test_get_source_inputs_walks_to_the_inputs():
    a = cornu.Input((3,), name="src_a")
    b = cornu.Input((3,), name="src_b")
    out = cornu.layers.Add()([cornu.layers.Dense(2)(a), cornu.layers.Dense(2)(b)])
    assert [t.name for t in utils.get_source_inputs(out)] == ["src_a", "src_b"]
    assert utils.get_source_inputs(a) == [a]


def test_registry_and_logging_names_are_reexported():
    assert utils.register_keras_serializable is cornu.saving.register_keras_serializable
    assert utils.serialize_keras_object is cornu.saving.serialize_keras_object
    utils.disable_interactive_logging()
    try:
        assert not utils.is_interactive_logging_enabled()
    finally:
        utils.enable_interactive_logging()
