#!/bin/sh
# chidao batch: per-document and combined outputs, input order whatever -j,
# bad files reported without stopping the batch, unique stems, sharding,
# --files-from, stale temporary files, SIGKILL leaves no half-written file.
#   usage: tests/batch.sh build/chidao
set -u
bin=$1
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
expect() { # name expected actual
    if [ "$2" = "$3" ]; then ok; else bad "$1: got '$3', expected '$2'"; fi
}

# 1. every format over the samples
"$bin" batch -o "$tmp/all" -f json,xml,csv,ndjson,xlsx samples/ 2> "$tmp/err"
expect all-exit 0 $?
grep -q '^chidao: batch: 5 documents (5 converted, 0 failed)' "$tmp/err" && ok || { bad "summary line"; cat "$tmp/err"; }
for f in samples/*.txt; do
    stem=$(basename "$f" .txt)
    "$bin" extract "$f" > "$tmp/one.json"
    cmp -s "$tmp/one.json" "$tmp/all/$stem.json" && ok || bad "$stem.json differs from extract"
    [ -s "$tmp/all/$stem.xml" ] && ok || bad "$stem.xml missing"
done
for f in tasks.xlsx documents.csv tasks.csv indicators.csv diagnostics.csv documents.ndjson; do
    [ -s "$tmp/all/$f" ] && ok || bad "$f missing"
done
ls -a "$tmp/all" | grep -q 'chidao-tmp' && bad "temporary file left behind" || ok
# NDJSON: one line per document, each the same record as the JSON file
$py - "$tmp/all" <<'PY' && ok || bad "ndjson lines differ from the JSON records"
import json, os, sys
d = sys.argv[1]
lines = open(os.path.join(d, "documents.ndjson"), encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
recs = [json.loads(l) for l in lines[:-1]]
assert len(recs) == 5, len(recs)
paths = [r["source"]["path"] for r in recs]
assert paths == sorted(paths), paths  # input order
for r in recs:
    stem = os.path.basename(r["source"]["path"])[:-4]
    assert r == json.load(open(os.path.join(d, stem + ".json"), encoding="utf-8")), stem
PY

# 2. the combined outputs do not depend on the number of threads
"$bin" batch -o "$tmp/j1" -j1 -f csv,ndjson samples/ 2> /dev/null
"$bin" batch -o "$tmp/j2" -j 2 -f csv,ndjson samples/ 2> /dev/null
for f in tasks.csv documents.csv diagnostics.csv indicators.csv documents.ndjson; do
    cmp -s "$tmp/j1/$f" "$tmp/j2/$f" && ok || bad "-j1 and -j2 differ in $f"
done

# 3. bad inputs are reported, the good ones converted, exit 2
mkdir -p "$tmp/in/sub" "$tmp/in/loop"
cp samples/002_68621dcf91b9871c.txt "$tmp/in/good.txt"
cp samples/004_ff2c98ccd76aaf96.txt "$tmp/in/sub/good.txt"   # same name: a unique stem
printf 'Số: 1/KH-UBND\nKế hoạch \303\050 năm 2026\n' > "$tmp/in/broken.txt"
: > "$tmp/in/empty.txt"
mkfifo "$tmp/in/fifo.txt"
ln -s .. "$tmp/in/loop/up"                                  # a directory loop, not followed
timeout 60 "$bin" batch -o "$tmp/mixed" -j2 "$tmp/in" "$tmp/missing.txt" 2> "$tmp/err"
expect mixed-exit 2 $?
for f in broken.txt empty.txt fifo.txt missing.txt; do
    grep -q "^chidao: .*$f: " "$tmp/err" && ok || bad "no report for $f"
done
grep -q "broken.txt: line 2: invalid UTF-8" "$tmp/err" && ok || bad "reason for broken.txt"
grep -q '(2 converted, 4 failed)' "$tmp/err" && ok || { bad "mixed summary"; cat "$tmp/err"; }
[ -s "$tmp/mixed/good.json" ] && [ -s "$tmp/mixed/good-2.json" ] && ok || bad "unique stems good, good-2"
expect mixed-files 2 "$(ls "$tmp/mixed" | wc -l)"

# 4. shards partition the inputs; --files-from adds paths (stdin too)
ls samples/*.txt > "$tmp/list"
"$bin" batch -o "$tmp/s1" --shard 1/2 --files-from "$tmp/list" 2> /dev/null; expect shard1-exit 0 $?
"$bin" batch -o "$tmp/s2" --shard 2/2 --files-from - < "$tmp/list" 2> /dev/null; expect shard2-exit 0 $?
expect shard-union "$(ls samples/*.txt | wc -l)" "$(ls "$tmp/s1" "$tmp/s2" | grep -c '\.json$')"
ls "$tmp/s1" > "$tmp/s1.list"; ls "$tmp/s2" > "$tmp/s2.list"
expect shard-disjoint "" "$(comm -12 "$tmp/s1.list" "$tmp/s2.list")"
expect shard-sizes "3 2" "$(ls "$tmp/s1" | wc -l) $(ls "$tmp/s2" | wc -l)"

# 5. usage errors
"$bin" batch samples/ 2> /dev/null; expect no-outdir 2 $?
"$bin" batch -o "$tmp/x" -f pdf samples/ 2> /dev/null; expect bad-format 2 $?
"$bin" batch -o "$tmp/x" --shard 3/2 samples/ 2> /dev/null; expect bad-shard 2 $?
"$bin" batch -o "$tmp/x" -j0 samples/ 2> /dev/null; expect bad-jobs 2 $?
: > "$tmp/file"
"$bin" batch -o "$tmp/file/out" samples/ 2> "$tmp/err"; expect unwritable 5 $?

# 6. a temporary file left by a killed run (its process is gone) is removed
mkdir -p "$tmp/stale"
: > "$tmp/stale/.x.json.chidao-tmp.999999999.0"
"$bin" batch -o "$tmp/stale" samples/004_ff2c98ccd76aaf96.txt 2> /dev/null
[ -e "$tmp/stale/.x.json.chidao-tmp.999999999.0" ] && bad "stale temporary file kept" || ok

# 7. SIGKILL at random moments: every output present is whole; a re-run completes the set
mkdir -p "$tmp/many"
i=0
while [ $i -lt 60 ]; do
    for f in samples/*.txt; do cp "$f" "$tmp/many/$i-$(basename "$f")"; done
    i=$((i + 1))
done
for delay in 0.05 0.15 0.3; do
    "$bin" batch -o "$tmp/killed" -j2 -f json,csv,ndjson,xlsx "$tmp/many" 2> /dev/null &
    pid=$!
    sleep $delay
    kill -9 $pid 2> /dev/null
    wait $pid 2> /dev/null
    $py - "$tmp/killed" <<'PY' && ok || bad "a half-written output after SIGKILL ($delay s)"
import json, os, sys
d = sys.argv[1]
if os.path.isdir(d):
    for n in os.listdir(d):
        if n.endswith(".json"):
            json.load(open(os.path.join(d, n), encoding="utf-8"))
PY
done
"$bin" batch -o "$tmp/killed" -j2 -f json,csv,ndjson,xlsx "$tmp/many" 2> /dev/null
expect rerun-exit 0 $?
expect rerun-complete 300 "$(ls "$tmp/killed" | grep -c '\.json$')"
ls -a "$tmp/killed" | grep -q 'chidao-tmp' && bad "temporary files after the re-run" || ok

echo "batch: $pass passed, $fail failed"
[ $fail -eq 0 ]
