# -*- Python -*-
# lit configuration for Myelin's IR and end-to-end tests (after MLIR's
# examples/standalone/test/lit.cfg.py).

import os
import shutil
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "MYELIN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".nn", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.myelin_obj_root, "tests", "lit")
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%examples", os.path.join(config.myelin_src_root, "examples")))
config.substitutions.append(("%fashion_mnist", "/usr/share/datasets/fashion-mnist"))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
config.substitutions.append(("%python", sys.executable))
# mlir-cpu-runner's support libraries (printMemrefF32), for forward checks of
# lowerings that run IR directly.
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(("%mlir_runner_utils", os.path.join(llvm_lib_dir, "libmlir_runner_utils.so")))
config.substitutions.append(("%mlir_c_runner_utils", os.path.join(llvm_lib_dir, "libmlir_c_runner_utils.so")))
config.substitutions.append(("%libomp", os.path.join(llvm_lib_dir, "libomp.so")))

tool_dirs = [config.myelin_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["myelinc", "myelin-opt", "myelin"], tool_dirs)
# Headless Chromium renders `myelin report` pages (tests/lit/report). No
# REQUIRES: install-deps.sh installs it, and the checker fails loudly without.
config.substitutions.append(
    ("%chromium", shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"))
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.myelin_tools_dir, append_path=True)

# Out-of-tree plugin builds (tests/lit/plugins): `cmake --install
# %myelin_obj_root --prefix ...`, then `%plugin_cmake -S <plugin> -B ...`.
config.substitutions.append(("%myelin_obj_root", config.myelin_obj_root))
plugin_cmake = "cmake -G Ninja -DCMAKE_BUILD_TYPE=Release"
if shutil.which("ccache"):
    plugin_cmake += " -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
config.substitutions.append(("%plugin_cmake", plugin_cmake))
llvm_config.with_system_environment(["CCACHE_DIR", "CCACHE_BASEDIR"])
