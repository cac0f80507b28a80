#!/usr/bin/env bash
# Builds greenlca and runs the whole test suite (Criterion suites through ctest).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GLCA_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$@"
ctest --test-dir "$build" --output-on-failure
