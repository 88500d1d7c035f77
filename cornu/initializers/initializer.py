"""`Initializer`: the base of every weight initializer, and `get` to resolve identifiers."""


class Initializer:
    """Makes the initial value of a weight: `initializer(shape, dtype=None)`.

    Subclasses implement `__call__` and, when they take arguments, `get_config`.
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"
