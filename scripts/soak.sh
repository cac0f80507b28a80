#!/usr/bin/env bash
# Soak test of the batch (not in CI; takes a long while): a generated catalog run to the end
# once without interruption, then again into a second store under kill -9 every few seconds for
# CYCLES cycles and to its end, and the two stores compared row by row.  The comparison is of
# `greenlca export --format json` of both, byte for byte: the export prints every double with 17
# significant digits (it reads back bitwise), every product with its ordinal, id, source, status
# and message, so equal exports mean equal rows.  Memory: the resident size of the uninterrupted
# run sampled every second, and the peak of each killed process.
#
#   scripts/soak.sh [--products N] [--cycles C] [--min-s S] [--max-s S] [--threads T]
#                   [--lines L] [--work DIR]
# defaults: 1,000,000 products of about 20 lines, 50 cycles, killed 2 to 5 s after each start.
# Exit status 0 when the stores are equal, 1 when they differ or a step failed.
set -euo pipefail

products=1000000 cycles=50 min_s=2 max_s=5 threads=2 lines=20 work=
while [ $# -gt 0 ]; do
    case $1 in
    --products) products=$2; shift 2 ;;
    --cycles) cycles=$2; shift 2 ;;
    --min-s) min_s=$2; shift 2 ;;
    --max-s) max_s=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GLCA_BUILD_DIR:-$root/build}
glca=$build/cli/greenlca
gen=$build/bench/gen_synthetic
for exe in "$glca" "$gen"; do
    [ -x "$exe" ] || { echo "soak.sh: $exe not built (cmake --build build)" >&2; exit 1; }
done
work=${work:-$(mktemp -d /tmp/glca-soak-XXXXXX)}
mkdir -p "$work"
echo "soak.sh: work directory $work; $(uptime)"

"$gen" --products "$products" --lines "$lines" --processes 2000 --flows 500 --categories 10 \
    --out "$work/data"
common=(--inventory "$work/data/background.inventory.xml" --method "$work/data/method.method.xml"
        --threads "$threads" --cache-dir "$work/cache" --quiet)
rm -f "$work"/reference.sqlite* "$work"/soak.sqlite*

kb() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# 1. the uninterrupted run, its resident size every second
"$glca" batch "$work/data/catalog.xml" "${common[@]}" --results "$work/reference.sqlite" &
pid=$!
t0=$(date +%s.%N)
: > "$work/reference.rss"
while kill -0 "$pid" 2>/dev/null; do
    kb "$pid" VmRSS >> "$work/reference.rss"
    sleep 1
done
wait "$pid" || { echo "soak.sh: the uninterrupted run failed" >&2; exit 1; }
t1=$(date +%s.%N)
ref_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
echo "soak.sh: uninterrupted run ${ref_seconds} s; RSS kB at 10/25/50/75/100 % of it, max:" \
    "$(awk 'NF {v[n++] = $1; if ($1 > m) m = $1}
            END {print v[int(n/10)], v[int(n/4)], v[int(n/2)], v[int(3*n/4)], v[n-1], m}' \
        "$work/reference.rss")"

# 2. the same run killed every few seconds
killed=0 finished=0
: > "$work/soak.peaks"
for ((i = 1; i <= cycles; i++)); do
    "$glca" batch "$work/data/catalog.xml" "${common[@]}" --results "$work/soak.sqlite" &
    pid=$!
    wait_ms=$(( (min_s * 1000) + RANDOM % ((max_s - min_s) * 1000 + 1) ))
    sleep "$(awk -v ms="$wait_ms" 'BEGIN {printf "%.3f", ms / 1000}')"
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid" || { echo "soak.sh: cycle $i: the batch failed" >&2; exit 1; }
        finished=1
        echo "soak.sh: cycle $i: the batch finished before the kill"
        break
    fi
    peak=$(kb "$pid" VmHWM)
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    killed=$((killed + 1))
    echo "$peak" >> "$work/soak.peaks"
    stored=
    if command -v sqlite3 > /dev/null; then
        stored=", $(sqlite3 "$work/soak.sqlite" 'SELECT count(*) FROM product' 2>/dev/null ||
            echo '?') products stored"
    fi
    echo "soak.sh: cycle $i: killed after ${wait_ms} ms, peak RSS ${peak} kB$stored"
done
if [ "$finished" = 0 ]; then
    "$glca" batch "$work/data/catalog.xml" "${common[@]}" --results "$work/soak.sqlite" ||
        { echo "soak.sh: the last, uninterrupted attempt failed" >&2; exit 1; }
fi

# 3. every row of the two stores
"$glca" export "$work/reference.sqlite" --format json > "$work/reference.jsonl"
"$glca" export "$work/soak.sqlite" --format json > "$work/soak.jsonl"
rows=$(wc -l < "$work/reference.jsonl")
echo "soak.sh: $killed kills; peak RSS of the killed processes kB (min, max):" \
    "$(sort -n "$work/soak.peaks" | awk 'NR == 1 {a = $1} {b = $1} END {print a, b}')"
if [ "$rows" -ne "$products" ]; then
    echo "soak.sh: the reference holds $rows products, not $products" >&2
    exit 1
fi
if cmp -s "$work/reference.jsonl" "$work/soak.jsonl"; then
    echo "soak.sh: equal: $rows products, every row bitwise, after $killed kills"
else
    echo "soak.sh: DIFFERENT: $(cmp "$work/reference.jsonl" "$work/soak.jsonl" || true)" >&2
    exit 1
fi
