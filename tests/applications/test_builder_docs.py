"""The builders' docstrings: one shared description of the common arguments, every argument
documented."""

import inspect

import pytest

from cornu import applications
from cornu.applications import _builder

BUILDERS = [
    value
    for name, value in sorted(vars(applications).items())
    if name[0].isupper() and inspect.isfunction(value)
]


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_docstring_lists_every_argument(builder):
    doc = builder.__doc__
    assert "{arguments}" not in doc and "{title}" not in doc
    args = doc.split("Args:", 1)[1].split("Returns:", 1)[0] if "Args:" in doc else ""
    if not args:  # "arguments as <sibling>": the sibling documents them
        assert "arguments as" in " ".join(doc.split())
        return
    for name in inspect.signature(builder).parameters:
        assert f"\n        {name}: " in args, name


def test_shared_text_and_own_descriptions():
    def build(include_top=True, input_shape=None, alpha=1.0):
        pass

    section = _builder.arguments_section(build, default_size=299, min_size=75, alpha="width.")
    assert section.splitlines()[0] == "Args:"
    assert "        alpha: width.\n" in section
    assert "at least 75x75" in section and "(299, 299, 3)" in section
    assert section.endswith("    Returns:\n        A functional `Model`.")


def test_an_argument_without_a_description_is_refused():
    def build(include_top=True, depth=3):
        pass

    with pytest.raises(ValueError, match="argument `depth` has no shared description"):
        _builder.arguments_section(build)
