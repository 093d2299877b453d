#!/bin/sh
# The CLI paths under valgrind (memcheck), on the ordinary build (the ASan
# build cannot run under valgrind): extract of every sample to JSON and XML,
# one DOCX, one HTML, one PDF, a legacy-encoded text, a batch over the
# samples in every format with two workers, template check, diff and rules
# test.  Any memory error or definite leak fails (exit 99); the suppressions
# (tests/valgrind.supp) cover third-party noise only.
# usage: tests/valgrind.sh build/chidao
set -u
bin=$1
root=$(dirname "$0")/..
fx=$root/tests/formats/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# vg NAME EXPECTED_RC ARGS...: run chidao ARGS under valgrind
vg() {
    name=$1 want=$2
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --suppressions="$root/tests/valgrind.supp" --log-file="$tmp/vg.log" \
        "$bin" "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ "$rc" = "$want" ] && [ ! -s "$tmp/vg.log" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL valgrind $name: exit $rc (expected $want)"
        head -60 "$tmp/vg.log" "$tmp/err"
        fail=$((fail + 1))
    fi
}

for f in "$root"/samples/*.txt; do
    s=$(basename "$f" .txt)
    vg "extract $s json" 0 extract "$f"
    vg "extract $s xml" 0 extract -f xml "$f"
done
vg "extract docx" 0 extract "$fx/004_ff2c98ccd76aaf96.numbered.docx"
vg "extract html" 0 extract "$fx/004_ff2c98ccd76aaf96.html"
vg "extract pdf" 0 extract "$fx/004_ff2c98ccd76aaf96.pdf"
vg "extract tcvn3" 0 extract "$root/tests/formats/fixtures-enc/000_144062e581508771.tcvn3.txt"
vg "extract csv" 0 extract -f csv "$root/samples/004_ff2c98ccd76aaf96.txt"
vg "extract xlsx" 0 extract -f xlsx -o "$tmp/one.xlsx" "$root/samples/004_ff2c98ccd76aaf96.txt"
vg "extract unreadable" 3 extract "$tmp/missing.txt"
vg "extract xxe docx" 0 extract "$root/tests/bad/xxe.docx"
vg "extract billion laughs" 3 extract "$root/tests/bad/billion-laughs.docx"
vg "extract recursive pdf" 3 extract "$root/tests/bad/recursive.pdf"
# a batch with a failing input among the samples: both paths of every output
vg "batch" 2 batch -j2 -o "$tmp/batch" -f json,xml,csv,ndjson,xlsx "$root"/samples/*.txt "$root/tests/bad/random.bin"
tpl=$root/rules/templates/02-CTr-BCDTW-2026.xml
vg "template check" 1 check --template "$tpl" "$root"/samples/00[0-2]_*.txt
vg "template derive" 0 template derive --cite "02-CTr/BCĐTW" -o "$tmp/t.xml" "$root"/samples/*.txt
vg "diff" 0 diff "$root/samples/002_68621dcf91b9871c.txt" "$root/tests/template/002-edited.txt"
vg "rules test" 0 rules test "$root/rules"

echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
