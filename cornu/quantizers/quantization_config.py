"""Quantization configs: which mode a layer is quantized in, and with which quantizers."""

from cornu.quantizers import quantizers


def _quantizer_or_none(value, what, cls_name):
    from cornu.quantizers import registry  # imports this module: loaded on first use

    if value is None or isinstance(value, quantizers.Quantizer):
        return value
    if isinstance(value, (str, dict)):
        return registry.get(value)
    raise TypeError(
        f"{cls_name}: {what} must be a Quantizer, its name or config, or None; received "
        f"{value!r} of type {type(value).__name__}."
    )


class QuantizationConfig:
    """The base of quantization configs (`Int8QuantizationConfig`, ...): the quantizers of
    a layer's weights and of its inputs. Not usable by itself: its `mode` is the subclass's.

    Args:
        weight_quantizer: a Quantizer for the weights (None: the layer's default).
        activation_quantizer: a Quantizer for the inputs (None: inputs stay float).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        name = type(self).__name__
        self.weight_quantizer = _quantizer_or_none(weight_quantizer, "weight_quantizer", name)
        self.activation_quantizer = _quantizer_or_none(
            activation_quantizer, "activation_quantizer", name
        )

    @property
    def mode(self):
        raise NotImplementedError(
            "Subclasses must implement this property. Do not instantiate QuantizationConfig "
            "directly: use Int8QuantizationConfig, Int4QuantizationConfig, ..."
        )

    def get_config(self):
        from cornu.quantizers import registry  # imports this module: loaded on first use

        return {
            "weight_quantizer": registry.serialize(self.weight_quantizer),
            "activation_quantizer": registry.serialize(self.activation_quantizer),
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights with per-output-channel scales; inputs quantized per row by default.

    Args:
        weight_quantizer: a Quantizer for the kernel (None: abs-max over the reduced axes).
        activation_quantizer: "default" (an `AbsMaxQuantizer`), a Quantizer, or None.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if activation_quantizer == "default":
            activation_quantizer = quantizers.AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)

    @property
    def mode(self):
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights (two per byte) in blocks of `block_size` rows with zero points.

    Args:
        weight_quantizer: a Quantizer for the kernel (None: the default).
        activation_quantizer: "default" (None: inputs stay float), a Quantizer, or None.
        block_size: rows per quantization block (None or -1: one scale per column).
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and (
            not isinstance(block_size, int)
            or isinstance(block_size, bool)
            or (block_size < 1 and block_size != -1)
        ):
            raise ValueError(
                "Int4QuantizationConfig: block_size must be None, -1 (both: one scale per "
                f"column) or a positive int; received block_size={block_size!r}."
            )
        if block_size is not None and block_size > 0 and (weight_quantizer or activation_quantizer):
            raise ValueError(
                f"Int4QuantizationConfig: block_size={block_size} (blocks with zero points) "
                "takes no custom weight_quantizer or activation_quantizer. Set block_size=None "
                "or -1 for one scale per column, or remove the quantizer arguments."
            )
        self.block_size = block_size

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}


class Float8QuantizationConfig(QuantizationConfig):
    """float8 training (delayed scaling with amax histories); no arguments."""

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        return "float8"

    def get_config(self):
        return {}


class GPTQConfig(QuantizationConfig):
    """Settings of GPTQ quantization (Frantar et al. 2022): calibration data and grouping.

    Used by `model.quantize("gptq", config=...)`: see `cornu.quantizers.gptq`.
    """

    def __init__(
        self,
        dataset,
        tokenizer,
        weight_bits=4,
        num_samples=128,
        per_channel=True,
        sequence_length=512,
        hessian_damping=0.01,
        group_size=128,
        symmetric=False,
        activation_order=False,
        quantization_layer_structure=None,
    ):
        super().__init__(None, None)
        self.dataset = dataset
        self.tokenizer = tokenizer
        self.weight_bits = weight_bits
        self.num_samples = num_samples
        self.per_channel = per_channel
        self.sequence_length = sequence_length
        self.hessian_damping = hessian_damping
        self.group_size = group_size
        self.symmetric = symmetric
        self.activation_order = activation_order
        self.quantization_layer_structure = quantization_layer_structure

    @property
    def mode(self):
        return "gptq"

    def get_config(self):
        """Keras's fields; the dataset, tokenizer and structure are not saved (None)."""
        names = ("weight_bits", "num_samples", "per_channel", "sequence_length",
                 "hessian_damping", "group_size", "symmetric", "activation_order")  # fmt: skip
        return {"dataset": None, "tokenizer": None, **{n: getattr(self, n) for n in names},
                "quantization_layer_structure": None}  # fmt: skip


class AWQConfig(QuantizationConfig):
    """Settings of AWQ quantization (Lin et al. 2023): calibration data and grouping.

    Used by `model.quantize("awq", config=...)`: see `cornu.quantizers.awq`.
    """

    def __init__(
        self,
        dataset,
        tokenizer,
        weight_bits=4,
        num_samples=128,
        sequence_length=512,
        group_size=128,
        num_grid_points=20,
        quantization_layer_structure=None,
    ):
        super().__init__(None, None)
        if weight_bits != 4:  # Keras's limit: the codes are packed two per byte
            raise ValueError(
                f"AWQ only supports 4-bit quantization. Received weight_bits={weight_bits}."
            )
        self.dataset = dataset
        self.tokenizer = tokenizer
        self.weight_bits = weight_bits
        self.num_samples = num_samples
        self.sequence_length = sequence_length
        self.group_size = group_size
        self.num_grid_points = num_grid_points
        self.quantization_layer_structure = quantization_layer_structure

    @property
    def mode(self):
        return "awq"

    def get_config(self):
        """Keras's fields; the dataset, tokenizer and structure are not saved (None)."""
        names = ("weight_bits", "num_samples", "sequence_length", "group_size", "num_grid_points")
        return {"dataset": None, "tokenizer": None, **{n: getattr(self, n) for n in names},
                "quantization_layer_structure": None}  # fmt: skip
