#!/usr/bin/env bash
# build.sh: configure and build Myelin in ./build (Ninja, -j2, ccache).
# Usage: scripts/build.sh [ninja targets...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MYELIN_BUILD_DIR:-$root/build}"
jobs="${MYELIN_JOBS:-2}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$build" -j"$jobs" "$@"
