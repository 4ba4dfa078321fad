# Only because setuptools reads cffi_modules from setup() and not from pyproject.toml.
from setuptools import setup

setup(cffi_modules=["python/build_ffi.py:ffibuilder"])
