#!/usr/bin/env bash
# test.sh: installs what is missing, builds everything and runs every test
# (GoogleTest unit tests and lit/FileCheck tests, through ctest). .ci/run
# calls exactly this.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${MYELIN_BUILD_DIR:-$root/build}"

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
ctest --test-dir "$build" --output-on-failure -j2
