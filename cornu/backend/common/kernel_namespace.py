"""One flat namespace of a backend's kernels, gathered from its topic modules on first use.

Each backend package names its kernel modules in `KERNEL_MODULES` (`"elementwise"`, `"nn"`,
...); the topic files are only a way to keep each backend's code readable. The ops front end
reads every kernel through one `KernelNamespace`, so a primitive (`add`, `concatenate`, ...) is
declared once per backend and a module that needs another topic's kernel imports it.

Importing is lazy: the framework submodules the kernels pull in load only when the first op
runs, which keeps `import cornu` fast.
"""

import importlib
import types


class KernelDeclaredTwice(ImportError):
    """Two kernel modules of one backend bind the same public name to different objects."""


def gather(package, module_names):
    """`{name: object}` of the public kernels in `package`'s `module_names`, merged.

    A name bound in two modules to the same object (one imports it from the other) is fine;
    bound to two different objects it raises `KernelDeclaredTwice`, since the two would
    drift apart. Modules and classes are not kernels and are left out.
    """
    merged, origin = {}, {}
    for module_name in module_names:
        module = importlib.import_module(f"{package}.{module_name}")
        for name, value in vars(module).items():
            if name.startswith("_") or isinstance(value, (types.ModuleType, type)):
                continue
            if name in merged and merged[name] is not value:
                raise KernelDeclaredTwice(
                    f"{package} declares the kernel {name!r} twice, in {origin[name]}.py and "
                    f"{module_name}.py; keep one and import it in the other module."
                )
            merged.setdefault(name, value)
            origin.setdefault(name, module_name)
    return merged


class KernelNamespace:
    """The kernels of backend package `package`, loaded on the first attribute read.

    After the load the kernels are plain instance attributes, so later reads cost one
    attribute lookup.
    """

    def __init__(self, package):
        self._package = package

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if "_loaded" not in self.__dict__:
            package = importlib.import_module(self._package)
            self.__dict__.update(gather(self._package, package.KERNEL_MODULES))
            self.__dict__["_loaded"] = True
            if name in self.__dict__:
                return self.__dict__[name]
        raise AttributeError(
            f"The {self._package.rsplit('.', 1)[-1]} backend has no kernel {name!r} "
            f"(see cornu/backend/interface.py for the kernels each backend provides)."
        )
