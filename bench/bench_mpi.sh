#!/bin/sh
# bench_mpi.sh: `mpirun -n N greenlca batch` on the 10,000-product synthetic catalog for N = 1,
# 2, 4 ranks of one thread each (oversubscribed past the cores), against one process; checks
# that every store holds the one-process rows (tests/mpi/compare_stores.sh) and prints
# products/s and the speed-up over one rank, best of --runs.  Two times per run: "job", the
# summary's own (after MPI_Init: inputs, background from the Lambda cache, catalog, merge), and
# "wall", the whole mpirun command (process launch and MPI_Init/Finalize included).  On a
# machine shared with other work the wall-clock speed-up says more about the neighbours than
# about greenlca, so the CPU seconds of all ranks together (GNU time on mpirun, which waits for
# them) are printed too: "efficiency" = CPU of one rank / CPU of N ranks, the fraction of the
# ideal N-fold speed-up left when each rank has a free core.  Then bench_mpi_store's writer,
# merge and splitter rates.  Last line:
#   bench_mpi products=P rate_1=R/s rate_2=R/s speedup_2=Xx efficiency_2=E ...
#
#   bench/bench_mpi.sh [--build DIR] [--work DIR] [--runs R] [--ranks "1 2 4"] [--threads T]
#                      [--no-store]   (without bench_mpi_store's rates)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build work=/tmp/glca-bench-mpi runs=3 ranks="1 2 4" threads=1 store=yes
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --no-store) store=no; shift ;;
    *) echo "usage: bench_mpi.sh [--build DIR] [--work DIR] [--runs R] [--ranks LIST]" \
            "[--threads T] [--no-store]" >&2; exit 2 ;;
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
min() { if [ -z "$1" ]; then echo "$2"; else echo "$1 $2" | awk '{ print $2 < $1 ? $2 : $1 }'; fi; }

echo "load: $(uptime)"
rm -f one.sqlite*
"$greenlca" batch $args --results one.sqlite 2>one.log || [ $? -eq 1 ]
echo "one process (reference, Lambda cache warmed): $(job_seconds one.log) s"
results=""
for n in $ranks; do
    best_job="" best_wall="" best_cpu=""
    r=0
    while [ $r -lt "$runs" ]; do
        rm -f "mpi$n.sqlite"*
        t0=$(now)
        $timer $mpirun -n "$n" "$greenlca" batch $args --results "mpi$n.sqlite" 2>"mpi$n.log" ||
            [ $? -eq 1 ]
        t1=$(now)
        [ -z "$timer" ] || best_cpu=$(min "$best_cpu" "$(awk -F+ '{ print $1 + $2 }' cpu.txt)")
        best_job=$(min "$best_job" "$(job_seconds "mpi$n.log")")
        best_wall=$(min "$best_wall" "$(echo "$t1 $t0" | awk '{ print $1 - $2 }')")
        r=$((r + 1))
    done
    "$src/tests/mpi/compare_stores.sh" one.sqlite "mpi$n.sqlite" >/dev/null ||
        { echo "bench_mpi: $n ranks: rows differ from one process" >&2; exit 1; }
    results="$results $n:$best_job:$best_wall:${best_cpu:-0}"
done
echo "ranks x $threads thread  job s  products/s  speed-up   wall s  products/s  speed-up" \
     "  CPU s  efficiency  (best of $runs; rows identical to one process)"
line="bench_mpi products=$products"
speed=""
for e in $results; do
    n=${e%%:*} rest=${e#*:}
    job=${rest%%:*} rest=${rest#*:}
    wall=${rest%%:*} cpu=${rest#*:}
    set -- $(echo "$products $job $wall" | awk '{ printf "%.0f %.0f", $1 / $2, $1 / $3 }')
    rj=$1 rw=$2
    [ -n "$speed" ] || { base_j=$rj; base_w=$rw; base_c=$cpu; speed=1; }
    sj=$(echo "$rj $base_j" | awk '{ printf "%.2f", $1 / $2 }')
    sw=$(echo "$rw $base_w" | awk '{ printf "%.2f", $1 / $2 }')
    eff=$(echo "$base_c $cpu" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }')
    printf "%5s %14.2f %11s %8sx %9.2f %11s %8sx %7.2f %11s\n" "$n" "$job" "$rj" "$sj" "$wall" \
        "$rw" "$sw" "$cpu" "$eff"
    line="$line rate_$n=$rj/s"
    [ "$n" = 1 ] || line="$line speedup_$n=${sj}x efficiency_$n=$eff"
done
if [ "$store" = yes ]; then
    "$build/bench/bench_mpi_store" --data data --work "$work" --products 20000 --runs "$runs" |
        tail -n 2
    "$build/bench/bench_mpi_store" --data data --work "$work" --products 20000 --indicators 16 \
        --runs "$runs" | tail -n 2
fi
echo "load: $(uptime)"
echo "$line"
