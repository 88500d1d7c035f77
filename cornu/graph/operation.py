"""`Operation`: something callable on real tensors (eagerly) or on KerasTensors (symbolically)."""

from cornu import backend, tree
from cornu.backend.common import scopes
from cornu.graph.keras_tensor import KerasTensor, any_symbolic_tensors
from cornu.graph.node import Node
from cornu.utils.identifiers import snake_case

to_snake_case = snake_case  # `MultiHeadAttention` -> `multi_head_attention`


def auto_name(prefix):
    """`dense`, then `dense_1`, `dense_2`, ... within a session."""
    uid = scopes.get_uid(prefix) - 1
    return prefix if uid == 0 else f"{prefix}_{uid}"


class Operation:
    """Base of every op and layer: `call` computes, `compute_output_spec` infers.

    Called with any KerasTensor among its arguments it computes nothing: it returns
    KerasTensors with the inferred shapes and dtypes and records a `Node`.

    Args:
        name: a name; `snake_case(ClassName)` with a counter when None.
    """

    def __init__(self, name=None):
        if name is None:
            name = auto_name(to_snake_case(type(self).__name__))
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"{type(self).__name__}: name must be a string without '/'; received {name!r}."
            )
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Infers the outputs and records the node that makes them."""
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensors, found by evaluating `call` on abstract values of the inputs."""
        return backend.compute_output_spec(self.call, *args, **kwargs)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _single_node_tensors(self, attr):
        if not self._inbound_nodes:
            raise AttributeError(f"Operation '{self.name}' has never been called symbolically.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Operation '{self.name}' has been called {len(self._inbound_nodes)} times; "
                f"its {attr} is ambiguous."
            )
        node = self._inbound_nodes[0]
        tensors = node.input_tensors if attr == "input" else node.outputs
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def input(self):
        """The input KerasTensor(s) of the operation's only symbolic call."""
        return self._single_node_tensors("input")

    @property
    def output(self):
        """The output KerasTensor(s) of the operation's only symbolic call."""
        return self._single_node_tensors("output")

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class OpCall(Operation):
    """The Operation recorded when a `cornu.ops` function is applied to KerasTensors.

    It keeps the op's function and the call's non-tensor arguments, so a Functional model can
    replay the call on real tensors.
    """

    def __new__(cls, fn=None, spec=None):
        # Each op gets a class named as Keras names its op classes (`not_equal` -> NotEqual),
        # which is what users see in `model.operations` and `model.summary()`.
        if cls is OpCall and fn is not None:
            cls = _op_classes.get(fn.__name__)
            if cls is None:
                cls = type(op_class_name(fn.__name__), (OpCall,), {"__module__": __name__})
                _op_classes[fn.__name__] = cls
        return super().__new__(cls)

    def __init__(self, fn, spec=None):
        super().__init__(name=auto_name(fn.__name__))
        self.fn = fn
        self.spec = spec

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        if self.spec is not None:
            return self.spec(*args, **kwargs)
        return backend.compute_output_spec(self.fn, *args, **kwargs)

    def get_config(self):
        return {"name": self.name, "op": self.fn.__name__}


_op_classes = {}


def op_class_name(fn_name):
    """`not_equal` -> `NotEqual` (Keras names its op classes this way)."""
    return "".join(part[:1].upper() + part[1:] for part in fn_name.split("_"))


def map_keras_tensors(fn, structure):
    """Applies `fn` to every KerasTensor leaf of `structure`."""
    return tree.map_structure(lambda x: fn(x) if isinstance(x, KerasTensor) else x, structure)
