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
mkdir -p "$tmp/stale/.tasks.xlsx.chidao-tmp.999999999.1.d"
: > "$tmp/stale/.x.json.chidao-tmp.999999999.0"
: > "$tmp/stale/.tasks.xlsx.chidao-tmp.999999999.1.d/tmp.AbCdEf"   # the workbook's scratch
"$bin" batch -o "$tmp/stale" samples/004_ff2c98ccd76aaf96.txt 2> /dev/null
[ -e "$tmp/stale/.x.json.chidao-tmp.999999999.0" ] && bad "stale temporary file kept" || ok
[ -e "$tmp/stale/.tasks.xlsx.chidao-tmp.999999999.1.d" ] && bad "stale temporary directory kept" || ok

# 7. SIGKILL at 20 random moments of a batch over the samples copied six
# times, in every format: after each kill every output present is whole --
# byte for byte what an uninterrupted run writes (the workbook: all but its
# creation time) -- and anything else is a temporary file under the
# documented name (.NAME.chidao-tmp.PID.SEQ, and .d for the workbook's
# directory of temporary files); a re-run removes those and
# completes the set, identical to the uninterrupted run.  The moments are
# spread over the length of that run, timed here.
mkdir -p "$tmp/many"
i=0
while [ $i -lt 6 ]; do
    for f in samples/*.txt; do cp "$f" "$tmp/many/$i-$(basename "$f")"; done
    i=$((i + 1))
done
$py - "$bin" "$tmp" <<'PY' > "$tmp/kill.out" 2>&1
import json, os, random, re, signal, subprocess, sys, time, zipfile
import xml.etree.ElementTree as ET

bin, tmp = sys.argv[1], sys.argv[2]
temp_name = re.compile(r"^\..+\.chidao-tmp\.[0-9]+\.[0-9]+(\.d)?$")

def batch(out):
    return subprocess.Popen([bin, "batch", "-o", out, "-j2", "-f", "json,xml,csv,ndjson,xlsx",
                             os.path.join(tmp, "many")], stderr=subprocess.DEVNULL)

def contents(path):
    """A file's bytes; a workbook's parts but its creation time."""
    if path.endswith(".xlsx"):
        with zipfile.ZipFile(path) as z:
            return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}
    with open(path, "rb") as f:
        return f.read()

failures = []
def check(d, when):
    for n in sorted(os.listdir(d)):
        if temp_name.match(n):
            continue
        if n not in ref:
            failures.append(f"{when}: unexpected file {n}")
            continue
        try:
            got = contents(os.path.join(d, n))
            if n.endswith(".json"):
                json.loads(got)
            elif n.endswith(".xml"):
                ET.fromstring(got)
        except Exception as e:
            failures.append(f"{when}: {n} is not whole: {e}")
            continue
        if got != ref[n]:
            failures.append(f"{when}: {n} differs from the uninterrupted run")

# the uninterrupted run, timed
ref_dir = os.path.join(tmp, "uninterrupted")
t0 = time.monotonic()
rc = batch(ref_dir).wait()
length = time.monotonic() - t0
if rc != 0:
    sys.exit(f"FAIL the uninterrupted batch exited {rc}")
ref = {n: contents(os.path.join(ref_dir, n)) for n in os.listdir(ref_dir)}

seed = random.randrange(1 << 30)
rng = random.Random(seed)
killed = os.path.join(tmp, "killed")
for k in range(20):
    delay = rng.uniform(0, length)
    p = batch(killed)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if os.path.isdir(killed):
        check(killed, f"kill {k + 1} at {delay:.3f} s")
rc = batch(killed).wait()
if rc != 0:
    failures.append(f"the re-run exited {rc}")
left = sorted(os.listdir(killed))
if left != sorted(ref):
    failures.append(f"after the re-run: {len(left)} files, expected {len(ref)}: "
                    f"{sorted(set(left) ^ set(ref))[:5]}")
check(killed, "after the re-run")
for f in failures:
    print("FAIL", f)
print(f"{len(ref)} outputs, run of {length:.2f} s, 20 kills (seed {seed}), {len(failures)} failures")
sys.exit(1 if failures else 0)
PY
if [ $? -eq 0 ]; then ok; else bad "SIGKILL: a half-written or missing output"; fi
sed -n 's/^FAIL /FAIL SIGKILL: /p; $s/^/batch: SIGKILL: /p' "$tmp/kill.out"

echo "batch: $pass passed, $fail failed"
[ $fail -eq 0 ]
