#!/bin/sh
# The MPI batch against one process (ctest test "mpi", built with GLCA_MPI):
#   run_mpi.sh GREENLCA GEN_SYNTHETIC SOURCE_DIR WORK_DIR
# 1. the bundled examples catalog (includes: read serially by one rank) with the rules, USLCI and
#    IPCC AR6: mpirun -n 3 stores the rows one process stores;
# 2. a generated catalog with bad products, 3 ranks of 2 threads, small chunks: the same rows,
#    error rows and their file:line included, whether the ranks write the store in turns (one
#    host, few threads: the default) or a part each (GLCA_MPI_STORE=parts, as across hosts), and
#    whether rank 0 serves the others between its products (the default) or on a thread; the
#    same with a product of malformed XML, where the stream of one process breaks off;
# 3. the job killed (SIGKILL) mid-run and run again with another N: what was committed before
#    the kill is skipped, not redone (the summary's "already stored" count equals it), and the
#    store ends with the rows of one process, none twice;
# 4. one rank killed (parts): mpirun aborts the job; the parts merged by `greenlca merge`, and
#    the same command resumes as in 3;
# 5. imported data with --allocation and --linking-report: rank 0 alone links it and writes the
#    report, and the rows are those of one process.
set -eu
greenlca=$1 gen=$2 src=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
mpirun="mpirun --oversubscribe --allow-run-as-root"
compare="$here/compare_stores.sh"

# under the sanitizers: Open MPI's own leaks suppressed (lsan-openmpi.supp), full stacks so that
# the suppressions find Open MPI in them
export LSAN_OPTIONS="suppressions=$here/lsan-openmpi.supp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}:fast_unwind_on_malloc=0"
# containers often forbid the cross-memory attach of Open MPI's shared-memory transport
export OMPI_MCA_btl_vader_single_copy_mechanism=none

rm -rf "$work" && mkdir -p "$work" && cd "$work"

echo "== examples catalog, 1 process vs 3 ranks"
ex="$src/tests/fixtures/cli/examples.catalog.xml --inventory
    $src/inventories/data/uslci/uslci.inventory.xml
    --method $src/inventories/data/methods/ipcc-ar6-gwp100.method.xml
    --rules-dir $src/ruleset/rules --quiet"
# exit status 1 is expected: the certification examples include products that are errors
"$greenlca" batch $ex --no-cache --results ex1.sqlite || [ $? -eq 1 ]
$mpirun -n 3 "$greenlca" batch $ex --cache-dir cache --results ex3.sqlite || [ $? -eq 1 ]
# again with the Lambda cache warm: rank 0 broadcasts the background as read from the cache,
# and takes the inputs' digests (the catalog's, which nobody hashes then) from the cache too
[ "$(ls cache/digests | wc -l)" -eq 3 ] # catalog, inventory, method: files settled long ago
$mpirun -n 3 "$greenlca" batch $ex --cache-dir cache --results ex3b.sqlite || [ $? -eq 1 ]
[ "$(sqlite3 ex1.sqlite 'SELECT count(*) FROM verdict')" -gt 0 ]
"$compare" ex1.sqlite ex3.sqlite
"$compare" ex1.sqlite ex3b.sqlite

echo "== generated catalog with bad products, 1 process vs 3 ranks x 2 threads"
"$gen" --out syn --processes 400 --flows 150 --categories 6 --products 3000 --lines 30 \
    --bad 25 --seed 7 >/dev/null
syn="syn/catalog.xml --inventory syn/background.inventory.xml --method syn/method.method.xml
     --no-cache --quiet"
"$greenlca" batch $syn --threads 1 --results syn1.sqlite || [ $? -eq 1 ]
$mpirun -n 3 "$greenlca" batch $syn --threads 2 --chunk 40 --results syn3.sqlite || [ $? -eq 1 ]
[ "$(sqlite3 syn1.sqlite "SELECT count(*) FROM product WHERE status = 'error'")" -eq 25 ]
"$compare" syn1.sqlite syn3.sqlite
[ -z "$(ls syn3.sqlite.part-* 2>/dev/null)" ] # no parts: the ranks wrote the store in turns
$mpirun -n 3 -x GLCA_MPI_STORE=parts "$greenlca" batch $syn --threads 2 --chunk 40 \
    --results syn3p.sqlite || [ $? -eq 1 ]
"$compare" syn1.sqlite syn3p.sqlite
# rank 0's own thread serving the others (the default beyond 4 ranks) instead of its
# evaluating threads between products
$mpirun -n 3 -x GLCA_MPI_SERVE=thread "$greenlca" batch $syn --threads 2 --chunk 40 \
    --results syn3t.sqlite || [ $? -eq 1 ]
"$compare" syn1.sqlite syn3t.sqlite
[ -z "$(ls syn3p.sqlite.part-* 2>/dev/null)" ] # the parts were merged and removed

echo "== malformed XML in product 1700: one process stops there, so do 3 ranks"
# the block is handed to the serial reader, which cannot go past a mismatched end tag: the
# catalog ends at that product for one process, and ranks that computed later chunks meanwhile
# must not leave them in the store
awk '/<product / { n++ } n == 1701 && !done && /<\/product>/ { sub("</product>", "</produkt>");
     done = 1 } { print }' syn/catalog.xml >syn/broken.xml
broken="syn/broken.xml --inventory syn/background.inventory.xml --method syn/method.method.xml
        --no-cache --quiet"
"$greenlca" batch $broken --threads 1 --results broken1.sqlite || [ $? -eq 1 ]
$mpirun -n 3 "$greenlca" batch $broken --threads 1 --chunk 40 --results broken3.sqlite ||
    [ $? -eq 1 ]
[ "$(sqlite3 broken1.sqlite "SELECT max(ordinal) FROM product")" -eq 1700 ]
sqlite3 broken1.sqlite "SELECT source FROM product WHERE ordinal = 1700" | grep -q broken.xml:
"$compare" broken1.sqlite broken3.sqlite

echo "== SIGKILL mid-run, then the same command on 2 ranks"
"$gen" --out big --processes 400 --flows 150 --categories 6 --products 10000 --lines 30 \
    --bad 40 --seed 8 >/dev/null
big="big/catalog.xml --inventory big/background.inventory.xml --method big/method.method.xml
     --no-cache --threads 1 --chunk 16"
"$greenlca" batch $big --quiet --results big1.sqlite || [ $? -eq 1 ]
gone() { # wait until no process of session $1 is left (the store's writer row names rank 0);
    # a zombie waiting to be reaped counts as gone, as it does for the store's lock
    tries=0
    while [ -n "$(awk -v s="$1" '$6 == s && $3 != "Z" { print $1 }' /proc/[0-9]*/stat \
            2>/dev/null)" ] &&
        [ $tries -lt 200 ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
}
stored() { # products committed so far in store $1 and its parts
    n=0
    for f in "$1" "$1".part-*; do
        [ -f "$f" ] || continue
        # nothing but the count on stdout: a store without its schema yet counts 0
        c=$(sqlite3 -cmd ".timeout 5000" "$f" "SELECT count(*) FROM product" 2>/dev/null) || c=0
        n=$((n + ${c:-0}))
    done
    echo $n
}
for attempt in 1 2 3 4 5; do
    rm -f big3.sqlite big3.sqlite.part-* big3.sqlite-wal big3.sqlite-shm
    setsid $mpirun -n 3 "$greenlca" batch $big --quiet --results big3.sqlite &
    job=$!
    tries=0
    # kill at the first commit: the 10,000 products take well under a second on an idle machine
    while [ "$(stored big3.sqlite)" -lt 1 ] && [ $tries -lt 600 ]; do
        sleep 0.01
        tries=$((tries + 1))
    done
    # the whole job: mpirun and every rank, each in a process group of its own, one session
    kill -KILL $(awk -v s="$job" '$6 == s { print $1 }' /proc/[0-9]*/stat 2>/dev/null) \
        2>/dev/null || true
    wait "$job" 2>/dev/null || true
    gone "$job"
    [ "$(stored big3.sqlite)" -lt 10000 ] && break
    echo "  attempt $attempt finished before the kill landed; again"
done
before=$(stored big3.sqlite)
echo "  committed before the kill: $before products"
[ "$before" -gt 0 ]
[ "$before" -lt 10000 ]
$mpirun -n 2 "$greenlca" batch $big --results big3.sqlite 2>resume.log || [ $? -eq 1 ]
grep "greenlca batch:" resume.log
grep -q "($before already stored)" resume.log
"$compare" big1.sqlite big3.sqlite
[ "$(sqlite3 big3.sqlite "SELECT status FROM run")" = done ]

echo "== the catalog's identity (41 MB: 5 ranges hashed by the ranks) is one process's"
# worked out by python's hashlib from the definition in catalog_hash.c
id=$(/usr/bin/python3 -c '
import hashlib, sys
data, r = open(sys.argv[1], "rb").read(), 8 << 20
head = b"greenlca-ranges-1\n%d %d\n" % (len(data), r)
print(hashlib.sha256(head + b"".join(hashlib.sha256(data[i:i + r]).digest()
                                     for i in range(0, len(data), r))).hexdigest())' \
    big/catalog.xml)
echo "  hashlib: $id"
[ "$(sqlite3 big1.sqlite "SELECT catalog_sha256 FROM run")" = "$id" ]
[ "$(sqlite3 big3.sqlite "SELECT catalog_sha256 FROM run")" = "$id" ]
# a store one process completed is the same run for 2 ranks: nothing left to do
$mpirun -n 2 "$greenlca" batch $big --results big1.sqlite 2>again.log || [ $? -eq 1 ]
grep "greenlca batch: finished" again.log
grep -q "0 products this time (10000 already stored)" again.log
[ "$(sqlite3 -cmd ".timeout 5000" big1.sqlite "SELECT count(*) FROM run")" -eq 1 ]

echo "== SIGKILL of rank 1 mid-run, then the same command on 3 ranks"
rank1() { # pid of rank 1 of the job in session $1, once it has started
    for pid in $(awk -v s="$1" '$6 == s && $2 == "(greenlca)" { print $1 }' /proc/[0-9]*/stat \
            2>/dev/null); do
        if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then
            echo "$pid"
            return
        fi
    done
}
# rank 1 is found before the first commit and killed right after it: the whole catalog takes
# well under a second on an idle machine.  A run that still finished first is tried again.
for attempt in 1 2 3 4 5; do
    rm -f big4.sqlite big4.sqlite.part-* big4.sqlite-wal big4.sqlite-shm
    setsid $mpirun -n 3 -x GLCA_MPI_STORE=parts "$greenlca" batch $big --quiet \
        --results big4.sqlite 2>abort.log &
    job=$!
    victim="" tries=0
    while [ -z "$victim" ] && [ $tries -lt 600 ]; do
        victim=$(rank1 "$job")
        [ -n "$victim" ] || sleep 0.01
        tries=$((tries + 1))
    done
    tries=0
    while [ "$(stored big4.sqlite)" -lt 1 ] && [ $tries -lt 600 ]; do
        sleep 0.01
        tries=$((tries + 1))
    done
    [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null || true
    wait "$job" || true
    gone "$job"
    [ "$(stored big4.sqlite)" -lt 10000 ] && break
    echo "  attempt $attempt finished before the kill landed; again"
done
grep -q "rank 1 .*signal 9" abort.log # mpirun saw it and ended the job
before=$(stored big4.sqlite)
echo "  committed before the abort: $before products"
[ "$before" -gt 0 ]
[ "$before" -lt 10000 ]
# the parts the job left, merged by hand: all that was committed is then in the store itself,
# and a second merge adds nothing; a part of another job is refused
ls big4.sqlite.part-* >/dev/null
"$greenlca" merge big4.sqlite big4.sqlite.part-* | grep "greenlca merge:"
[ "$(sqlite3 big4.sqlite "SELECT count(*) FROM product")" -eq "$before" ]
# the merge read the parts and closed them: no -wal or -shm of theirs for the next glob to take
[ -z "$(ls big4.sqlite.part-*-wal big4.sqlite.part-*-shm 2>/dev/null)" ]
"$greenlca" merge big4.sqlite big4.sqlite.part-* | grep -q "^greenlca merge: 0 products added"
if "$greenlca" merge big4.sqlite syn1.sqlite 2>merge.err; then false; fi
grep -q "syn1.sqlite: its run .* is not in big4.sqlite" merge.err
$mpirun -n 3 "$greenlca" batch $big --results big4.sqlite 2>resume4.log || [ $? -eq 1 ]
grep "greenlca batch:" resume4.log
grep -q "($before already stored)" resume4.log
"$compare" big1.sqlite big4.sqlite

echo "== imported data with --allocation none and a linking report, 1 process vs 2 ranks"
# a mill making flour and bran (EcoSpold 1, allocation records); rank 0 alone links it and
# writes the report, and the bran, left out under none, makes the muffin an error
cat >mill.xml <<'EOF'
<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold01">
<dataset number="10"><metaInformation><processInformation>
<referenceFunction name="Flour" unit="kg" amount="10"/>
</processInformation></metaInformation><flowData>
<exchange number="1" name="Flour" unit="kg" meanValue="10"><outputGroup>0</outputGroup></exchange>
<exchange number="2" name="Bran" unit="kg" meanValue="5"><outputGroup>2</outputGroup></exchange>
<exchange number="3" name="Carbon dioxide" category="air" unit="kg" meanValue="2">
<outputGroup>4</outputGroup></exchange>
<allocation referenceToCoProduct="1" fraction="60">
<referenceToInputOutput>3</referenceToInputOutput></allocation>
<allocation referenceToCoProduct="2" fraction="40">
<referenceToInputOutput>3</referenceToInputOutput></allocation>
</flowData></dataset></ecoSpold>
EOF
cat >bakery.catalog.xml <<'EOF'
<catalog xmlns="urn:greenlca:catalog:1" id="bakery">
<product xmlns="urn:greenlca:product:1" id="loaf" name="Loaf" category="example"
 functional-unit="1 loaf"><production><input process="flour" amount="0.5" unit="kg"/>
</production></product>
<product xmlns="urn:greenlca:product:1" id="muffin" name="Muffin" category="example"
 functional-unit="1 muffin"><production><input process="flour/bran" amount="0.25" unit="kg"/>
</production></product>
</catalog>
EOF
imp="bakery.catalog.xml --inventory mill.xml --allocation none --quiet
     --method $src/inventories/data/methods/ipcc-ar6-gwp100.method.xml"
"$greenlca" batch $imp --no-cache --results imp1.sqlite --linking-report link1.json ||
    [ $? -eq 1 ]
$mpirun -n 2 "$greenlca" batch $imp --cache-dir cache --results imp2.sqlite \
    --linking-report link2.json || [ $? -eq 1 ]
"$compare" imp1.sqlite imp2.sqlite
cmp link1.json link2.json
grep -q '"coproduct": 1' link2.json
[ "$(sqlite3 imp2.sqlite "SELECT path FROM run_input WHERE role = 'option'")" = allocation=none ]
[ "$(sqlite3 imp2.sqlite "SELECT count(*) FROM product WHERE status = 'error'")" -eq 1 ]
echo "mpi: all passed"
