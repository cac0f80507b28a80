#!/bin/sh
# compare_stores.sh A.sqlite B.sqlite: exit 0 when the latest run of each store has the same
# product, impact, indicator and verdict rows (run ids aside).  EXCEPT compares stored values
# exactly (a REAL equals only the same double), both ways, and the counts catch duplicates.
set -eu
a=$1 b=$2
q="ATTACH '$b' AS b;"
for t in "product:ordinal, id, source, status, message" \
         "impact:ordinal, category, raw_materials, production, distribution, use, end_of_life,
                 total" \
         "indicator:ordinal, position, id, value, baseline, comparator, outcome, reason" \
         "verdict:ordinal, ruleset, certified, reasons"; do
    table=${t%%:*} cols=${t#*:}
    ra="(SELECT max(id) FROM main.run)" rb="(SELECT max(id) FROM b.run)"
    q="$q SELECT '$table', (SELECT count(*) FROM main.$table WHERE run = $ra),
        (SELECT count(*) FROM b.$table WHERE run = $rb),
        (SELECT count(*) FROM (SELECT $cols FROM main.$table WHERE run = $ra EXCEPT
                               SELECT $cols FROM b.$table WHERE run = $rb)),
        (SELECT count(*) FROM (SELECT $cols FROM b.$table WHERE run = $rb EXCEPT
                               SELECT $cols FROM main.$table WHERE run = $ra));"
done
out=$(sqlite3 -separator ' ' "$a" "$q")
echo "$out" | sed 's/^/  rows (a b a-b b-a): /'
echo "$out" | awk '$2 != $3 || $4 != 0 || $5 != 0 { bad = 1 } END { exit bad }'
