#!/usr/bin/env bash
# install-deps.sh: install the Debian packages Myelin needs to build, test and train.
#
# Idempotent: packages already present are not touched; `apt-get update` runs only
# when something is missing (a fresh machine has stale package lists).
set -euo pipefail

PACKAGES=(
  # Toolchain and build
  cmake ninja-build ccache g++ pkg-config
  # LLVM/MLIR 19 (shared libMLIR/libLLVM, tablegen, FileCheck, lit, clang for linking)
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools clang-19 libomp-19-dev
  # find_package(MLIR) needs zstd's CMake target; the runtime reads .gz IDX via zlib
  libzstd-dev zlib1g-dev
  # Libraries
  libfmt-dev libgtest-dev
  # The benchmark's reference sgemm (bench/: cblas, OpenBLAS)
  libopenblas-dev
  # Data: Fashion-MNIST IDX files and the fortunes text corpus
  dataset-fashion-mnist fortunes
  # lit runs with python3
  python3
  # headless rendering of `myelin report` pages in tests/lit/report
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
