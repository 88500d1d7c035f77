"""`cornu.layers`: the layer library."""

from cornu.layers.core.dense import Dense
from cornu.layers.core.input_layer import Input, InputLayer
from cornu.layers.input_spec import InputSpec
from cornu.layers.layer import Layer
