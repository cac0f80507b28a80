#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang (-DGLCA_FUZZ=ON, a build directory of
# its own) and runs them one after the other, each under nice.
#
#   scripts/fuzz.sh --smoke [harness...]          CI: every harness for a bounded time, the
#                                                 whole run within about 6 minutes
#   scripts/fuzz.sh --campaign SECONDS [harness...]  long runs, SECONDS per harness
#   scripts/fuzz.sh --runs N [harness...]         long runs of N inputs each (-runs=N): each
#                                                 ends by itself, whatever the machine's load
#   scripts/fuzz.sh --no-build ...                skip configuring and building
#
# Harnesses default to every tests/fuzz/fuzz_<name>.c.  Each run starts from the seed corpus
# (tests/fuzz/corpus/<name>) and the kept regressions (tests/fuzz/regressions/<name>); what it
# finds new goes to <build>/fuzz-corpus/<name> (kept between runs, never into the repo) and
# crashes to <build>/fuzz-artifacts/<name>/.  Runs are under nice -n 19 (GLCA_FUZZ_NICE), so the
# shared machine's builds come first.  One line per harness (seconds: wall time of the run):
#   fuzz_<name> seconds=S execs=N execs_per_s=R cov=C ft=F corpus=K result=ok|FINDING
# Exit status 1 when any harness found something: keep the input under
# tests/fuzz/regressions/<name>/ with the fix (the Criterion suite replays it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GLCA_FUZZ_BUILD_DIR:-$root/build-fuzz}
mode="" seconds=0 runs=0 do_build=1
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) mode=smoke ;;
    --campaign) mode=campaign; seconds=${2:?--campaign needs SECONDS}; shift ;;
    --runs) mode=runs; runs=${2:?--runs needs N}; shift ;;
    --no-build) do_build=0 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1") ;;
  esac
  shift
done
if [ -z "$mode" ]; then
  echo "usage: scripts/fuzz.sh --smoke | --campaign SECONDS | --runs N [harness...]" >&2
  exit 2
fi
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in "$root"/tests/fuzz/fuzz_*.c; do
    n=$(basename "$f" .c)
    harnesses+=("${n#fuzz_}")
  done
fi
if [ "$mode" = smoke ]; then
  # 30 s each, less when there are many harnesses, so the runs stay within 5.5 minutes
  seconds=$(( 330 / ${#harnesses[@]} ))
  [ "$seconds" -le 30 ] || seconds=30
fi

if [ "$do_build" = 1 ]; then
  CC=${CC:-clang} cmake -S "$root" -B "$build" -DGLCA_FUZZ=ON -DGLCA_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j2 --target fuzz
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for h in "${harnesses[@]}"; do
  exe="$build/tests/fuzz/fuzz_$h"
  [ -x "$exe" ] || { echo "fuzz.sh: no harness $exe" >&2; exit 2; }
  work="$build/fuzz-corpus/$h" artifacts="$build/fuzz-artifacts/$h" log="$build/fuzz-$h.log"
  mkdir -p "$work" "$artifacts"
  dict="$root/tests/fuzz/dict/$h.dict"
  [ -f "$dict" ] || dict="$root/tests/fuzz/dict/xml.dict"
  dirs=("$work" "$root/tests/fuzz/corpus/$h")
  [ -d "$root/tests/fuzz/regressions/$h" ] && dirs+=("$root/tests/fuzz/regressions/$h")
  if [ "$mode" = runs ]; then
    bound=(-runs="$runs")
  else
    bound=(-max_total_time="$seconds")
  fi
  rc=0
  start=$(date +%s)
  nice -n "${GLCA_FUZZ_NICE:-19}" "$exe" "${bound[@]}" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "${dirs[@]}" \
    >"$log" 2>&1 || rc=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  result=ok
  if [ "$rc" -ne 0 ]; then
    result=FINDING
    status=1
    grep -E 'ERROR|glca_fuzz:|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  fi
  echo "fuzz_$h seconds=$elapsed execs=${execs:-0} execs_per_s=${rate:-0} cov=${cov:-0}" \
       "ft=${ft:-0} corpus=${corp:-0} result=$result"
done
exit $status
