#!/bin/sh
# The batch CSVs loaded into a throw-away PostgreSQL server with
# schemas/postgres.sql, then read back: row counts, a join, typed dates,
# Vietnamese text byte for byte, NULL versus '', a failed document, and
# every value of every row against the batch's JSON records
# (tests/database/roundtrip.py).  usage: tests/database.sh build/chidao
#
# The server (Debian's postgresql) runs from a temporary data directory,
# listens on 127.0.0.1 at a free port and on a socket in that directory, and
# is stopped and removed on exit, failure included.  As root it runs as the
# postgres user (the server refuses to run as root).
set -u
bin=$1
tmp=$(mktemp -d)
pg="$tmp/pg"     # data directory, socket and log, owned by the server's user
pg_bin=
cleanup() {
    if [ -n "$pg_bin" ] && [ -f "$pg/data/postmaster.pid" ]; then
        as_server "$pg_bin/pg_ctl" -D "$pg/data" -m immediate -w stop > /dev/null 2>&1
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL $*"; fail=$((fail + 1)); }
expect() { # name expected actual
    if [ "$2" = "$3" ]; then ok; else ko "$1: got '$3', expected '$2'"; fi
}
finish() {
    echo "database: $pass passed, $fail failed"
    [ $fail -eq 0 ]
    exit
}

# ---- the server ----
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
    ko "no PostgreSQL server in /usr/lib/postgresql (Debian package postgresql; make test-deps installs it)"
    finish
fi
mkdir "$pg"
if [ "$(id -u)" = 0 ]; then
    # from inside $tmp, so that the server's user never needs to read the
    # caller's working directory
    as_server() { (cd "$tmp" && runuser -u postgres -- "$@"); }
    chmod 711 "$tmp"
    chown postgres "$pg" || { ko "cannot hand $pg to the postgres user"; finish; }
else
    as_server() { "$@"; }
fi
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# no fsync: the data directory lives for a few seconds
if ! as_server "$pg_bin/initdb" -D "$pg/data" -U chidao -A trust -E UTF8 --locale=C -N > "$tmp/initdb.log" 2>&1; then
    ko "initdb failed:"; cat "$tmp/initdb.log"; finish
fi
as_server "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -W \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$pg' -c fsync=off" start > /dev/null
tries=0
until "$pg_bin/pg_isready" -q -h "$pg" -p "$port"; do
    tries=$((tries + 1))
    if [ $tries -ge 100 ]; then
        ko "server not ready after 10 s:"; cat "$pg/server.log"; finish
    fi
    sleep 0.1
done

export PGCLIENTENCODING=UTF8
sql() { "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg" -p "$port" -U chidao -d postgres "$@"; }
# One value of a query; its error, if any, shows in the FAIL line.
query() { sql -c "$1" 2>&1; }
# Create the tables in a schema of their own and load a batch's CSVs, as
# the header of schemas/postgres.sql says.
load() { # schema outdir
    sql -c "CREATE SCHEMA $1" || return 1
    sql -c "SET search_path TO $1" -f schemas/postgres.sql || return 1
    for table in documents tasks indicators diagnostics; do
        sql -c "SET search_path TO $1" \
            -c "\\copy $table FROM '$2/$table.csv' WITH (FORMAT csv, HEADER match, ENCODING 'UTF8')" || return 1
    done
}

# Dump the rows of the documents that converted and compare every column
# with the batch's JSON records.
roundtrip() { # name outdir
    mkdir "$tmp/dump-$1"
    for table in documents tasks indicators diagnostics; do
        sql -c "SELECT row_to_json(x) FROM $table x
                WHERE document IN (SELECT document FROM documents WHERE status = 'ok')" \
            > "$tmp/dump-$1/$table.jsonl"
    done
    if /usr/bin/python3 tests/database/roundtrip.py "$tmp/dump-$1" "$2"/*.json; then
        ok
    else
        ko "round-trip $1 (above)"
    fi
}

# ---- the samples ----
mkdir "$tmp/out"
# --csv-formulas keep: a database load takes cells as they are (by default a
# cell starting with = + - @ gets an apostrophe against spreadsheet formulas)
"$bin" batch -o "$tmp/out" -f csv,json --csv-formulas keep samples/ > "$tmp/batch.log" 2>&1
expect batch-exit 0 $?
load b "$tmp/out" 2> "$tmp/load.err"
expect load 0 $?
[ -s "$tmp/load.err" ] && cat "$tmp/load.err"
export PGOPTIONS="-c search_path=b" # for the queries below

# expected figures from the JSON records of the same batch
/usr/bin/python3 - "$tmp/out" > "$tmp/expected" << 'EOF'
import glob, json, os, sys
recs = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))]
tasks = [t for r in recs for t in r["tasks"]]
print("documents", len(recs))
print("tasks", len(tasks))
print("indicators", sum(len(r["indicators"]) for r in recs))
print("diagnostics", sum(len(r["diagnostics"]) for r in recs))
print("per-number", ",".join(sorted("%s=%d" % (r["document"]["number"] or "(null)", len(r["tasks"])) for r in recs)))
print("number-empty", sum(t["number"] == "" for t in tasks))
print("output-null", sum(t["output"] is None for t in tasks))
print("doc-number-null", sum(r["document"]["number"] is None for r in recs))
print("tasks-004", [len(r["tasks"]) for r in recs if r["source"]["path"].endswith("004_ff2c98ccd76aaf96.txt")][0])
(t26,) = [t for r in recs if r["document"]["number"] == "07-QĐ/BCĐ" for t in r["tasks"] if t["id"] == "T026"]
print("t026-lead", t26["lead"][0]["name"])
print("t026-support", "; ".join(a["name"] for a in t26["support"]))
print("signer-002", [r for r in recs if r["document"]["number"] == "07-QĐ/BCĐ"][0]["document"]["signer"]["name"])
EOF
want() { sed -n "s/^$1 //p" "$tmp/expected"; }

for table in documents tasks indicators diagnostics; do
    expect "rows-$table" "$(want $table)" "$(query "SELECT count(*) FROM $table")"
done
[ "$(want tasks)" -gt 0 ] || ko "the samples gave no tasks"

# a join: tasks per document number
expect join-tasks-per-number "$(want per-number)" "$(query "SELECT string_agg(n, ',' ORDER BY n) FROM (
    SELECT coalesce(d.number, '(null)') || '=' || count(t.id) AS n
    FROM documents d LEFT JOIN tasks t USING (document) GROUP BY d.document, d.number) x")"

# seed 002, row 26: "Tháng 7" of 2026 is read as a date column
t026="FROM tasks JOIN documents d USING (document) WHERE d.number = '07-QĐ/BCĐ' AND id = 'T026'"
expect deadline-date "t|date|31" "$(query "SELECT deadline_end = DATE '2026-07-31', pg_typeof(deadline_end),
    deadline_end - deadline_start + 1 $t026")"
expect deadline-order "1" "$(query "SELECT count(*) $t026 AND deadline_end BETWEEN DATE '2026-07-01' AND DATE '2026-07-31'")"

# Vietnamese, byte for byte against the JSON (names column and jsonb alike)
expect vietnamese-lead "$(want t026-lead)" "$(query "SELECT lead $t026")"
expect vietnamese-lead-json "$(want t026-lead)" "$(query "SELECT lead_json->0->>'name' $t026")"
expect vietnamese-support "$(want t026-support)" "$(query "SELECT support $t026")"
expect vietnamese-signer "$(want signer-002)" "$(query "SELECT signer_name FROM documents WHERE number = '07-QĐ/BCĐ'")"
expect nfc "0" "$(query "SELECT count(*) FROM tasks WHERE text IS NOT NFC NORMALIZED OR lead IS NOT NFC NORMALIZED")"

# NULL and '' stay apart: an unlabelled task's number is '', an absent
# output or document number is NULL
expect empty-string "$(want number-empty)" "$(query "SELECT count(*) FROM tasks WHERE number = ''")"
expect empty-not-null "0" "$(query "SELECT count(*) FROM tasks WHERE number IS NULL")"
expect null "$(want output-null)" "$(query "SELECT count(*) FROM tasks WHERE output IS NULL")"
expect null-not-empty "0" "$(query "SELECT count(*) FROM tasks WHERE output = ''")"
expect null-document-number "$(want doc-number-null)" "$(query "SELECT count(*) FROM documents WHERE number IS NULL")"
expect no-lead-is-null "0" "$(query "SELECT count(*) FROM tasks WHERE (lead IS NULL) <> (lead_json = '[]')")"

# every column of every row against the JSON records
roundtrip b "$tmp/out"

# ---- a batch with a document that fails ----
# The other document's name holds every character RFC 4180 quotes (comma,
# quote, CR, LF): it is the key column of all four tables.
mkdir "$tmp/in" "$tmp/out2"
odd_name=$(printf 'good, "q"\r\nx.txt')
cp samples/004_ff2c98ccd76aaf96.txt "$tmp/in/$odd_name"
printf 'Số: 1/KH-UBND\nKế hoạch \303\050 năm 2026\n' > "$tmp/in/bad.txt"
# cells a spreadsheet would take for formulas: with --csv-formulas keep they
# load as they are (the round trip below compares them with the JSON)
printf '%s\n' 'Số: 2/KH-UBND' 'KẾ HOẠCH' 'Thực hiện nhiệm vụ năm 2026' 'II. NHIỆM VỤ, GIẢI PHÁP' \
    '1. =SUM(A1:A9) xây dựng đề án.' '- Chủ trì: @Sở Tài chính.' '2. +Tổ chức hội nghị.' '3. -Rà soát thủ tục.' \
    > "$tmp/in/formulas.txt"
"$bin" batch -o "$tmp/out2" -f csv,json --csv-formulas keep "$tmp/in" > "$tmp/batch2.log" 2>&1
expect failed-batch-exit 2 $?
load f "$tmp/out2" 2> "$tmp/load2.err"
expect failed-load 0 $?
[ -s "$tmp/load2.err" ] && cat "$tmp/load2.err"
export PGOPTIONS="-c search_path=f"
base="regexp_replace(document, '^.*/', '')"
expect failed-documents "bad.txt|failed" "$(query "SELECT string_agg($base || '|' || status, ',')
    FROM documents WHERE status = 'failed'")"
bad="document IN (SELECT document FROM documents WHERE status = 'failed')"
expect failed-row "0|t|t|t" "$(query "SELECT tasks, error LIKE 'invalid UTF-8 byte 0xC3%',
    kind IS NULL, bytes IS NOT NULL FROM documents WHERE $bad")"
expect failed-no-tasks "0" "$(query "SELECT count(*) FROM tasks WHERE $bad")"
expect failed-errors-only "t|t" "$(query "SELECT count(*) > 0, bool_and(severity = 'error') FROM diagnostics WHERE $bad")"
expect quoted-key "$(want tasks-004)" "$(query "SELECT count(*) FROM tasks JOIN documents d USING (document)
    WHERE d.status = 'ok' AND $base = E'good, \"q\"\\r\\nx.txt'")"
expect formulas-kept "=SUM(A1:A9) xây dựng đề án.|+Tổ chức hội nghị.|-Rà soát thủ tục." "$(query "SELECT string_agg(text, '|'
    ORDER BY id) FROM tasks WHERE document LIKE '%formulas.txt'")"
roundtrip f "$tmp/out2"

finish
