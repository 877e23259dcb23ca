"""Build script: the optional compiled permutation engine and the shipped data folders.

Everything declarative lives in ``pyproject.toml``; this file only adds what setuptools cannot
declare there:

* the C extension ``umkm_geo.stats._crand`` (plain C, no NumPy headers), marked ``optional`` so that a
  machine without a C compiler still installs; :mod:`umkm_geo.stats.permutation` then falls back to
  NumPy and warns;
* ``data/boundaries``, ``data/facts`` and ``data/sources`` copied into the wheel as ``umkm_geo/_data/...``.
  Editable installs skip the copy: :func:`umkm_geo._resources.data_dir` reads the repository's
  ``data/`` folders there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED_DATA = ("boundaries", "facts", "sources")  # data/<kind> -> umkm_geo/_data/<kind>


class BuildPyWithData(build_py):
    """``build_py`` that also copies the repository's data folders into the package."""

    def run(self) -> None:
        """Build the packages, then copy ``data/<kind>`` to ``umkm_geo/_data/<kind>`` (not when editable)."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for kind in SHIPPED_DATA:
            source = HERE / "data" / kind
            target = Path(self.build_lib) / "umkm_geo" / "_data" / kind
            shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*", "__pycache__"))


class BuildExtOptimised(build_ext):
    """``build_ext`` with optimisation flags per compiler (never ``-march=native``)."""

    def build_extensions(self) -> None:
        """Add ``-O3`` (``/O2`` for MSVC) before building."""
        flags = ["/O2"] if self.compiler.compiler_type == "msvc" else ["-O3"]
        for ext in self.extensions:
            ext.extra_compile_args = [*flags, *ext.extra_compile_args]
        super().build_extensions()


setup(
    ext_modules=[Extension("umkm_geo.stats._crand", sources=["src/umkm_geo/stats/_crand.c"], optional=True)],
    cmdclass={"build_py": BuildPyWithData, "build_ext": BuildExtOptimised},
)
