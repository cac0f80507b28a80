#!/bin/sh
# bench_mpi.sh: `mpirun -n N greenlca batch` on the 10,000-product synthetic catalog for N = 1,
# 2, 4 ranks of one thread each (oversubscribed past the cores), against one process; checks
# that every store holds the one-process rows (tests/mpi/compare_stores.sh) and prints
# products/s and the speed-up over one rank (rounds of one run per rank count; best of the
# rounds, and the median of the rounds' ratios).  Two times per run: "job", the
# summary's own (after MPI_Init: inputs, background from the Lambda cache, catalog, merge), and
# "wall", the whole mpirun command (process launch and MPI_Init/Finalize included).  On a
# machine shared with other work the wall-clock speed-up says more about the neighbours than
# about greenlca, so the CPU seconds of all ranks together (GNU time on mpirun, which waits for
# them) are printed too: "efficiency" = CPU of one rank / CPU of N ranks, the fraction of the
# ideal N-fold speed-up left when each rank has a free core.  Then bench_mpi_store's writer,
# merge and splitter rates.  Last line:
#   bench_mpi products=P rate_1=R/s rate_2=R/s speedup_2=Xx median_speedup_2=Xx efficiency_2=E
# (speedup: best job time against best; median_speedup: the median of the rounds' ratios).
#
#   bench/bench_mpi.sh [--build DIR] [--work DIR] [--runs R] [--ranks "1 2 4"] [--threads T]
#                      [--no-store]   (without bench_mpi_store's rates)
#                      [--cold-digests] (the inputs' digests kept in the cache directory removed
#                                     before each run: every run hashes the catalog and the
#                                     inventory, as the first run on a new catalog does; the
#                                     Lambda cache stays warm)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build work=/tmp/glca-bench-mpi runs=3 ranks="1 2 4" threads=1 store=yes cold=no
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-store) store=no; shift ;;
    --cold-digests) cold=yes; shift ;;
    *) echo "usage: bench_mpi.sh [--build DIR] [--work DIR] [--runs R] [--ranks LIST]" \
            "[--threads T] [--no-store] [--cold-digests]" >&2; exit 2 ;;
    esac
done
greenlca=$build/cli/greenlca
mpirun="mpirun --oversubscribe --allow-run-as-root --bind-to none"
# GLCA_MPI_STORE=parts: a part per rank and the merge at the end, as across hosts
[ -z "${GLCA_MPI_STORE:-}" ] || mpirun="$mpirun -x GLCA_MPI_STORE"
mkdir -p "$work" && cd "$work"
[ -f data/catalog.xml ] || "$build/bench/gen_synthetic" --out data >/dev/null
products=$(grep -c "<product " data/catalog.xml)
args="data/catalog.xml --inventory data/background.inventory.xml --method data/method.method.xml
      --cache-dir cache --threads $threads"
now() { date +%s.%N; }
timer=""
[ ! -x /usr/bin/time ] || timer="/usr/bin/time -o cpu.txt -f %U+%S"
job_seconds() { sed -n 's/.* in \([0-9.]*\) s, .*/\1/p' "$1" | tail -n 1; }

echo "load: $(uptime)"
rm -f one.sqlite*
"$greenlca" batch $args --results one.sqlite 2>one.log || [ $? -eq 1 ]
echo "one process (reference, Lambda cache warmed): $(job_seconds one.log) s"
if [ "$cold" = yes ]; then
    echo "inputs' digests: removed before each run (every run hashes the catalog and inventory)"
else
    echo "inputs' digests: kept in the cache directory (a run again on the same files)"
fi
# Rounds outermost, so that each round runs every rank count once in turn: the neighbours' load
# (and this VM's speed, which drifts by 10-20 % over minutes) then falls alike on both sides of
# a round's ratio.  Two speed-ups: best of the rounds' job times, and the median of the rounds'
# own ratios, which one lucky or unlucky run cannot move.
: >runs.txt
r=0
while [ $r -lt "$runs" ]; do
    for n in $ranks; do
        rm -f "mpi$n.sqlite"*
        [ "$cold" = no ] || rm -rf cache/digests
        t0=$(now)
        $timer $mpirun -n "$n" "$greenlca" batch $args --results "mpi$n.sqlite" 2>"mpi$n.log" ||
            [ $? -eq 1 ]
        t1=$(now)
        cpu=0
        [ -z "$timer" ] || cpu=$(awk -F+ '{ print $1 + $2 }' cpu.txt)
        echo "$r $n $(job_seconds "mpi$n.log") $(echo "$t1 $t0" | awk '{ print $1 - $2 }') $cpu" \
            >>runs.txt
    done
    r=$((r + 1))
done
for n in $ranks; do
    "$src/tests/mpi/compare_stores.sh" one.sqlite "mpi$n.sqlite" >/dev/null ||
        { echo "bench_mpi: $n ranks: rows differ from one process" >&2; exit 1; }
done
echo "ranks x $threads thread  job s  products/s  speed-up   wall s  products/s  speed-up" \
     "  CPU s  efficiency  median speed-up  (best of $runs rounds; rows identical to one process)"
base=${ranks%% *}
line="bench_mpi products=$products"
for n in $ranks; do
    set -- $(awk -v n="$n" -v b="$base" -v p="$products" '
        $2 == b { j1[$1] = $3 }
        $2 == n { j[$1] = $3; if (!bj || $3 < bj) bj = $3; if (!bw || $4 < bw) bw = $4
                  if (!bc || $5 < bc) bc = $5 }
        $2 == b { if (!b1j || $3 < b1j) b1j = $3; if (!b1w || $4 < b1w) b1w = $4
                  if (!b1c || $5 < b1c) b1c = $5 }
        END {
            m = 0
            for (r in j) if (j[r] > 0) q[++m] = j1[r] / j[r]
            for (a = 1; a <= m; a++) for (c = a + 1; c <= m; c++) if (q[c] < q[a]) { t = q[a]; q[a] = q[c]; q[c] = t }
            med = m % 2 ? q[(m + 1) / 2] : (q[m / 2] + q[m / 2 + 1]) / 2
            printf "%.2f %.0f %.2f %.2f %.0f %.2f %.2f %.2f %.2f", bj, p / bj, (p / bj) / (p / b1j),
                   bw, p / bw, (p / bw) / (p / b1w), bc, (bc > 0 ? b1c / bc : 0), med
        }' runs.txt)
    printf "%5s %14s %11s %8sx %9s %11s %8sx %7s %11s %15sx\n" "$n" "$1" "$2" "$3" "$4" "$5" "$6" \
        "$7" "$8" "$9"
    line="$line rate_$n=$2/s"
    [ "$n" = "$base" ] || line="$line speedup_$n=${3}x median_speedup_$n=${9}x efficiency_$n=$8"
done
if [ "$store" = yes ]; then
    "$build/bench/bench_mpi_store" --data data --work "$work" --products 20000 --runs "$runs" |
        tail -n 2
    "$build/bench/bench_mpi_store" --data data --work "$work" --products 20000 --indicators 16 \
        --runs "$runs" | tail -n 2
fi
echo "load: $(uptime)"
echo "$line"
