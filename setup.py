"""The calflops Python package: python/calflops plus its C++ extension calflops._core.

    python3 -m venv --system-site-packages venv   # Debian's torch stays visible
    venv/bin/pip install --no-build-isolation .

The extension is built by this repository's CMake build (target calflops_core, which links the
position-independent C++ library) in build-python/, then copied into the package. Offline:
cmake, g++, nlohmann-json3-dev, pybind11-dev and python3-dev come from Debian
(scripts/install-deps.sh).
"""

import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.path.join(ROOT, "build-python")
        jobs = os.environ.get("CALFLOPS_JOBS", "2")
        configure = ["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                     "-DCALFLOPS_TESTS=OFF", "-DCALFLOPS_BENCH=OFF",
                     "-DPython_EXECUTABLE=" + sys.executable]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        subprocess.check_call(configure)
        subprocess.check_call(["cmake", "--build", build, "-j", jobs, "--target", "calflops_core"])
        built = os.path.join(build, "python", "calflops")
        so = [f for f in os.listdir(built) if f.startswith("_core") and f.endswith(".so")]
        if not so:
            raise RuntimeError("the CMake build produced no calflops/_core*.so in " + built)
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(built, so[0]), target)


setup(
    name="calflops-cpp",
    version="0.1.0",
    description="Parameters, MACs and FLOPs of PyTorch modules (calflops' API) counted by the "
                "calflops C++ engine",
    packages=["calflops"],
    package_dir={"": "python"},
    ext_modules=[Extension("calflops._core", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.8",
    zip_safe=False,
)
