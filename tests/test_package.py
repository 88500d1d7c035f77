"""The package metadata users see: one version, the license file the metadata names."""

import os

import tomllib

import cornu

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)


def test_version_is_defined_once_in_cornu():
    project = _project()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cornu.__version__"}
    assert cornu.version() == cornu.__version__
    assert cornu.__version__.count(".") == 2


def test_license_file_matches_the_declared_license():
    project = _project()["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    with open(os.path.join(ROOT, "LICENSE"), encoding="utf-8") as f:
        text = f.read()
    assert "Apache License" in text and "Version 2.0, January 2004" in text


def test_extras_name_tensorflow_and_the_cpu_wheel():
    extras = _project()["project"]["optional-dependencies"]
    assert extras["tensorflow"] == ["tensorflow>=2.16"]
    assert extras["tensorflow-cpu"] == ["tensorflow-cpu>=2.16"]
    assert any(req.startswith("tensorflow>=") for req in extras["all"])
