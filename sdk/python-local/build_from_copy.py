"""A PEP 517 build backend: setuptools' own, run on a fresh copy of ../python (the generated
Python SDK) in a temporary folder, so that building writes nothing into the generated tree.
See pyproject.toml beside this file."""

import contextlib
import os
import shutil
import tempfile
from typing import Any, Dict, Iterator, List, Optional

from setuptools import build_meta as _setuptools

_SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "python"))
# What Python or an earlier in-place build may have left in ../python: never copied.
_LEFT_BEHIND = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", "build", "dist", "*.egg-info")

_ConfigSettings = Optional[Dict[str, Any]]


@contextlib.contextmanager
def _in_copy() -> Iterator[None]:
    if not os.path.isfile(os.path.join(_SOURCE, "setup.py")):
        raise FileNotFoundError(f"the generated Python SDK is not at {_SOURCE} (no setup.py): run `npm run gen:sdks`")
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="pulumi-servicestage-sdk-") as scratch:
        copy = os.path.join(scratch, "python")
        shutil.copytree(_SOURCE, copy, ignore=_LEFT_BEHIND)
        os.chdir(copy)
        try:
            yield
        finally:
            os.chdir(cwd)


def get_requires_for_build_wheel(config_settings: _ConfigSettings = None) -> List[str]:
    with _in_copy():
        return _setuptools.get_requires_for_build_wheel(config_settings)


def build_wheel(wheel_directory: str, config_settings: _ConfigSettings = None, metadata_directory: Optional[str] = None) -> str:
    wheel_directory = os.path.abspath(wheel_directory)
    with _in_copy():
        return _setuptools.build_wheel(wheel_directory, config_settings)


def get_requires_for_build_sdist(config_settings: _ConfigSettings = None) -> List[str]:
    with _in_copy():
        return _setuptools.get_requires_for_build_sdist(config_settings)


def build_sdist(sdist_directory: str, config_settings: _ConfigSettings = None) -> str:
    sdist_directory = os.path.abspath(sdist_directory)
    with _in_copy():
        return _setuptools.build_sdist(sdist_directory, config_settings)
