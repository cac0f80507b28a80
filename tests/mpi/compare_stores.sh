#!/bin/sh
# compare_stores.sh A.sqlite B.sqlite: exit 0 when the latest run of each store has the same
# product, impact, indicator and verdict rows (every column but the run id).  EXCEPT compares
# stored values exactly (a REAL equals only the same double), both ways; the counts must agree.
set -eu
a=$1 b=$2
q="ATTACH '$b' AS b;"
for table in product impact indicator verdict; do
    # every column but run, as the schema of A has them
    cols=$(sqlite3 "$a" "SELECT group_concat(name, ', ') FROM pragma_table_info('$table')
                         WHERE name <> 'run'")
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
