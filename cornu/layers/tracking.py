"""Attribute tracking: lists and dicts assigned to a layer report the Variables and Layers later
added to them, so `self.blocks = []; self.blocks.append(Dense(4))` is tracked."""


class TrackedList(list):
    """A list that tells its owner about items added after assignment."""

    def __init__(self, values, on_add):
        super().__init__(values)
        self._on_add = on_add

    def append(self, value):
        self._on_add(value)
        super().append(value)

    def extend(self, values):
        values = list(values)
        for value in values:
            self._on_add(value)
        super().extend(values)

    def insert(self, index, value):
        self._on_add(value)
        super().insert(index, value)

    def __setitem__(self, index, value):
        self._on_add(value)
        super().__setitem__(index, value)

    def __iadd__(self, values):
        self.extend(values)
        return self


class TrackedDict(dict):
    """A dict that tells its owner about values added after assignment."""

    def __init__(self, values, on_add):
        super().__init__(values)
        self._on_add = on_add

    def __setitem__(self, key, value):
        self._on_add(value)
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):
        for value in dict(*args, **kwargs).values():
            self._on_add(value)
        super().update(*args, **kwargs)

    def setdefault(self, key, default=None):
        if key not in self:
            self._on_add(default)
        return super().setdefault(key, default)
