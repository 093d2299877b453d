#!/bin/sh
# Every sample in every encoding (tests/formats/fixtures-enc, made by
# tests/formats/make-encoded): detected without --encoding, reported in
# source.encoding with an encoding-repaired warning, and giving the tasks of
# the text it carries field by field (compare.py); each encoding's set scored
# against the gold (task F1 >= 0.98, field accuracy >= 0.97).  Also: the
# generated table header is up to date, --encoding and its errors, UTF-16
# faults named by offset, UTF-8 with a bad byte still reported as UTF-8.
# usage: tests/formats/encodings.sh build/chidao ../shared
set -u
bin=$1
shared=$2
here=$(dirname "$0")
fixtures=$here/fixtures-enc
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
expect() { # name expected_rc actual_rc
    if [ "$2" = "$3" ]; then ok; else bad "$1: exit $3, expected $2"; fi
}
grep_err() { # name pattern file
    if grep -q -- "$2" "$3"; then ok; else bad "$1: output lacks '$2'"; cat "$3"; fi
}
# the record's source.encoding, and whether it has an encoding-repaired warning
describe() {
    $py -c 'import json,sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
    print(d["source"]["encoding"], any(x["code"] == "encoding-repaired" for x in d["diagnostics"]))
except ValueError:
    print("no-record False")' "$1"
}
expected_encoding() {
    case $1 in
    utf16le) echo UTF-16LE ;; utf16be) echo UTF-16BE ;; cp1258) echo windows-1258 ;;
    tcvn3) echo TCVN3 ;; vni) echo VNI ;; viscii) echo VISCII ;; nfd) echo UTF-8 ;;
    esac
}

# the compiled-in tables are those of rules/encodings/
if rules/encodings/gen-header | cmp -s - src/encoding_tables.h; then ok; else
    bad "src/encoding_tables.h is stale: run rules/encodings/gen-header > src/encoding_tables.h"
fi

encodings="utf16le utf16be cp1258 tcvn3 viscii vni nfd"
mkdir "$tmp/ref" "$tmp/carried"
for sample in samples/*.txt; do
    stem=$(basename "$sample" .txt)
    "$bin" extract "$sample" > "$tmp/ref/$stem.json" 2> /dev/null
    set -- $(describe "$tmp/ref/$stem.json")
    if [ "$1 $2" = "UTF-8 False" ]; then ok; else bad "$stem: plain UTF-8 reported as '$1', repaired=$2"; fi
done
# what each fixture carries: the sample, its quotes made straight where the encoding has none
$py "$here/make-encoded" --carried "$tmp/carried" > /dev/null

for enc in $encodings; do
    mkdir "$tmp/$enc" "$tmp/$enc-ref"
    want=$(expected_encoding "$enc")
    for sample in samples/*.txt; do
        stem=$(basename "$sample" .txt)
        got=$tmp/$enc/$stem.json
        if ! "$bin" extract "$fixtures/$stem.$enc.txt" > "$got" 2> "$tmp/err"; then
            bad "$enc $stem: extract failed"
            cat "$tmp/err"
            continue
        fi
        set -- $(describe "$got")
        if [ "$1" = "$want" ]; then ok; else bad "$enc $stem: source.encoding '$1', expected '$want'"; fi
        if [ "$want" = UTF-8 ] || [ "$2" = True ]; then ok; else bad "$enc $stem: no encoding-repaired warning"; fi
        ref=$tmp/ref/$stem.json
        if ! cmp -s "$tmp/carried/$stem.$enc.txt" "$sample"; then
            ref=$tmp/$enc-ref/$stem.json
            "$bin" extract "$tmp/carried/$stem.$enc.txt" > "$ref" 2> /dev/null
        fi
        if $py "$here/compare.py" "$ref" "$got" "$enc $stem"; then ok; else bad "$enc $stem: tasks differ"; fi
    done
done

# score.py against the gold, once per distinct set of tasks (its overall line
# depends on the tasks alone, and a run takes tens of seconds): sets with the
# same tasks share a run, the distinct ones run side by side
$py -c 'import hashlib,json,os,sys
for enc in sys.argv[2:]:
    d = os.path.join(sys.argv[1], enc)
    tasks = [json.load(open(os.path.join(d, f), encoding="utf-8"))["tasks"] for f in sorted(os.listdir(d))]
    print(enc, hashlib.sha256(json.dumps(tasks, sort_keys=True).encode()).hexdigest()[:16])' "$tmp" $encodings > "$tmp/keys"
for key in $(cut -d" " -f2 "$tmp/keys" | sort -u); do
    enc=$(grep -m1 " $key\$" "$tmp/keys" | cut -d" " -f1)
    $py "$shared/eval/score.py" "$shared/gold" "$tmp/$enc" > "$tmp/score-$key" 2>&1 &
done
wait
while read -r enc key; do
    line=$(tail -n 1 "$tmp/score-$key")
    echo "encodings $enc: $line"
    if echo "$line" | $py -c 'import re,sys
m = re.search(r"task_f1=([\d.]+) field_acc=([\d.]+)", sys.stdin.read())
sys.exit(0 if m and float(m.group(1)) >= 0.98 and float(m.group(2)) >= 0.97 else 1)'; then ok; else
        bad "$enc: below task F1 0.98 / field accuracy 0.97"
        cat "$tmp/score-$key"
    fi
done < "$tmp/keys"

# --encoding overrides detection; names are case-insensitive, aliases work
f=$fixtures/004_ff2c98ccd76aaf96
"$bin" extract --encoding vni "$f.vni.txt" > "$tmp/out" 2> /dev/null; expect encoding-vni 0 $?
set -- $(describe "$tmp/out"); [ "$1" = VNI ] && ok || bad "--encoding vni: source.encoding '$1'"
"$bin" extract --encoding CP1258 "$f.cp1258.txt" > "$tmp/out" 2> /dev/null; expect encoding-cp1258 0 $?
"$bin" extract --encoding tcvn "$f.tcvn3.txt" > "$tmp/out" 2> /dev/null; expect encoding-tcvn 0 $?
"$bin" extract --encoding UTF-16 "$f.utf16be.txt" > "$tmp/out" 2> /dev/null; expect encoding-utf16 0 $?
set -- $(describe "$tmp/out"); [ "$1" = UTF-16BE ] && ok || bad "--encoding UTF-16 on a BE file: '$1'"
"$bin" extract --encoding klingon "$f.vni.txt" > /dev/null 2> "$tmp/err"; expect unknown-encoding 2 $?
grep_err unknown-encoding "unknown encoding for --encoding" "$tmp/err"
# told it is UTF-8, a VISCII file is invalid UTF-8, not silently converted
"$bin" extract --encoding utf8 "$f.viscii.txt" > /dev/null 2> "$tmp/err"; expect encoding-utf8 3 $?
grep_err encoding-utf8 "invalid UTF-8 byte" "$tmp/err"

# UTF-16 faults: the file and the byte offset, exit 3
head -c 1001 "$f.utf16le.txt" > "$tmp/odd.txt"
"$bin" extract "$tmp/odd.txt" > /dev/null 2> "$tmp/err"; expect utf16-truncated 3 $?
grep_err utf16-truncated "odd.txt:.*truncated UTF-16LE.*offset 1000" "$tmp/err"
printf '\377\376K\000\000\330x\000' > "$tmp/lone.txt" # "K", a high surrogate, "x"
"$bin" extract "$tmp/lone.txt" > /dev/null 2> "$tmp/err"; expect utf16-lone-surrogate 3 $?
grep_err utf16-lone-surrogate "lone.txt:1: invalid UTF-16LE: lone high surrogate 0xD800 at offset 4" "$tmp/err"

# a UTF-8 file with a stray byte stays UTF-8: the read stage names the byte, --repair repairs it
{ head -n 40 samples/000_144062e581508771.txt; printf 'Kho\351 h\n'; } > "$tmp/stray.txt"
"$bin" extract "$tmp/stray.txt" > /dev/null 2> "$tmp/err"; expect utf8-stray 3 $?
grep_err utf8-stray "stray.txt:41: invalid UTF-8 byte 0xE9" "$tmp/err"
"$bin" extract --repair "$tmp/stray.txt" > "$tmp/out" 2> /dev/null; expect utf8-stray-repair 0 $?
set -- $(describe "$tmp/out"); [ "$1" = UTF-8 ] && ok || bad "stray byte: source.encoding '$1'"

echo "encodings: $pass passed, $fail failed"
[ $fail -eq 0 ]
