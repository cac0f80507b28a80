#!/usr/bin/env bash
# Builds the ThreadSanitizer driver (tests/tsan) with clang and -DGLCA_TSAN=ON in a build
# directory of its own, and runs it: the parallel catalog reader, the batch pipeline and Monte
# Carlo on 2 threads.  Exit status 0 only with zero TSan reports and the driver's own checks met.
#
# OpenMP: clang's runtime (libomp, from libomp-14-dev) is not TSan-instrumented, so TSan cannot
# see the ordering its barriers, criticals and task waits give.  LLVM's Archer tool (libarcher.so,
# shipped with libomp) tells TSan about that ordering through the OMPT interface; it is loaded
# with OMP_TOOL_LIBRARIES.  What TSan still reports from inside libomp itself (its allocator
# and locks) is suppressed by tests/tsan/tsan.supp, which matches nothing of ours: any other
# report is a failure.
#
#   scripts/tsan.sh [--no-build]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GLCA_TSAN_BUILD_DIR:-$root/build-tsan}
if [ "${1:-}" != "--no-build" ]; then
  CC=${CC:-clang} cmake -S "$root" -B "$build" -DGLCA_TSAN=ON -DGLCA_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j2 --target tsan_driver
fi
archer=$(ls /usr/lib/llvm-*/lib/libarcher.so 2>/dev/null | sort -V | tail -1 || true)
[ -n "$archer" ] || { echo "tsan.sh: libarcher.so not found (libomp-14-dev)" >&2; exit 2; }
export OMP_TOOL_LIBRARIES="$archer"
export ARCHER_OPTIONS=${ARCHER_OPTIONS:-verbose=1}
symbolizer=$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer | tail -1)
tsan="halt_on_error=0 exitcode=66 suppressions=$root/tests/tsan/tsan.supp"
export TSAN_OPTIONS=${TSAN_OPTIONS:-$tsan external_symbolizer_path=$symbolizer}
export OMP_NUM_THREADS=2
"$build/tests/tsan/tsan_driver"
echo "tsan.sh: no ThreadSanitizer reports"
