"""h5py, imported on first use: `import cornu` should not pay for HDF5 (~70 ms) until a
model is actually saved or loaded."""


class _LazyModule:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        import importlib

        module = importlib.import_module(self._name)
        self.__dict__.update(vars(module))
        return getattr(module, attr)


h5py = _LazyModule("h5py")
