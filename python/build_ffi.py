"""CFFI builder (API mode, out of line) for staffpool._native.

The cdef is cut from include/staffpool.h between its CFFI-CDEF markers, so the header and the
bindings cannot drift apart. Run directly (`python build_ffi.py`) to build the extension in place
next to the package, or through setuptools' `cffi_modules` when pip installs the package.
"""
from __future__ import annotations

import glob
import os
import shutil
import sys

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HEADER = os.path.join(ROOT, "include", "staffpool.h")


def _cdef_text() -> str:
    with open(HEADER, encoding="utf-8") as f:
        text = f.read()
    begin = text.index("CFFI-CDEF-BEGIN")
    begin = text.index("\n", begin) + 1
    end = text.rindex("\n", 0, text.index("CFFI-CDEF-END"))
    return text[begin:end]


def make_builder(absolute_paths: bool) -> FFI:
    """setuptools wants sources relative to the project root (its working directory); cffi's
    in-place compile changes directory, so it needs absolute ones."""
    sources = sorted(glob.glob(os.path.join(ROOT, "csrc", "*.c")))
    if not absolute_paths:
        sources = [os.path.relpath(path, ROOT) for path in sources]
    builder = FFI()
    builder.cdef(_cdef_text())
    builder.set_source(
        "staffpool._native",
        '#include "staffpool.h"',
        sources=sources,
        include_dirs=[os.path.join(ROOT, "include"), os.path.join(ROOT, "csrc")],
        libraries=["glpk", "sqlite3", "m", "pthread"],
        extra_compile_args=["-std=c11", "-O2", "-D_POSIX_C_SOURCE=200809L", "-Wall"],
    )
    return builder


ffibuilder = make_builder(absolute_paths=False)


def build_in_place() -> str:
    """Compiles into build/ffi and copies the module into python/staffpool/."""
    tmpdir = os.path.join(ROOT, "build", "ffi")
    os.makedirs(tmpdir, exist_ok=True)
    built = make_builder(absolute_paths=True).compile(tmpdir=tmpdir, verbose=False)
    target = os.path.join(HERE, "staffpool", os.path.basename(built))
    # A process may have the old module mapped: write a new file and rename it over the old one,
    # never rewrite the mapped file in place.
    partial = target + ".partial"
    shutil.copyfile(built, partial)
    os.replace(partial, target)
    return target


if __name__ == "__main__":
    print("built", os.path.relpath(build_in_place(), ROOT), file=sys.stderr)
