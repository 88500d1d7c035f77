"""`Config`: a dict of settings readable as attributes (`config.units`), that can be frozen."""

import json


class Config:
    """Holds named settings; read and write them as attributes or items.

    Args:
        **kwargs: the initial settings.

    Example:

    >>> config = Config(learning_rate=0.1)
    >>> config.epochs = 3
    >>> config.as_dict()
    {'learning_rate': 0.1, 'epochs': 3}
    >>> config.freeze()  # from now on, changing a setting raises ValueError
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self):
        """True after `freeze()` (until `unfreeze()`)."""
        return self._frozen

    def freeze(self):
        """Makes the settings read-only."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Makes the settings writable again."""
        object.__setattr__(self, "_frozen", False)

    def _raise_if_frozen(self):
        if self._frozen:
            raise ValueError(
                "Cannot mutate attribute(s) because the config is frozen. Call `unfreeze()` "
                "first to change it."
            )

    def __getattr__(self, name):
        config = self.__dict__.get("_config", {})
        if name in config:
            return config[name]
        raise AttributeError(f"Unknown attribute: '{name}'.")

    def __setattr__(self, name, value):
        self._raise_if_frozen()
        self._config[name] = value

    def __getitem__(self, key):
        return self._config[key]

    def __setitem__(self, key, value):
        self._raise_if_frozen()
        self._config[key] = value

    def __delitem__(self, key):
        self._raise_if_frozen()
        del self._config[key]

    def __contains__(self, item):
        return item in self._config

    def __len__(self):
        return len(self._config)

    def __iter__(self):
        return iter(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"

    def get(self, key, default=None):
        return self._config.get(key, default)

    def pop(self, *args):
        self._raise_if_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._raise_if_frozen()
        return self._config.update(*args, **kwargs)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def as_dict(self):
        """A shallow copy of the settings as a plain dict."""
        return dict(self._config)

    def to_json(self):
        """The settings as a JSON string."""
        return json.dumps(self._config)
