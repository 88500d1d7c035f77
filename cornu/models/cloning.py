"""`clone_model`: a new model with the same structure and fresh (re-initialized) weights."""

from cornu.models.functional import Functional
from cornu.models.sequential import Sequential


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):  # fmt: skip
    """Copies a Sequential or Functional model's structure; its layers get new weights.

    Args:
        model: the model to clone.
        input_tensors: not supported yet beyond None (raises ValueError otherwise).
        clone_function: `layer -> new layer`, applied to each layer (default: from its config).
        call_function, recursive: accepted for Keras compatibility when None/False.
    """
    if input_tensors is not None or call_function is not None or kwargs:
        raise ValueError("clone_model: input_tensors/call_function are not supported yet.")
    clone_function = clone_function or (
        lambda layer: layer.__class__.from_config(layer.get_config())
    )
    if isinstance(model, Sequential):
        clone = Sequential(name=model.name)
        for layer in model._stack:
            if layer.__class__.__name__ == "InputLayer":
                clone.add(layer.__class__.from_config(layer.get_config()), rebuild=False)
            else:
                clone.add(clone_function(layer), rebuild=False)
        clone._maybe_rebuild()
        return clone
    if isinstance(model, Functional):
        return Functional.from_config(model.get_config())
    raise ValueError(
        f"clone_model works on Sequential and Functional models; received "
        f"{type(model).__name__} (for subclassed models, construct a new instance)."
    )
