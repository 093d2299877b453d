#!/bin/sh
# PDF input.  Every sample's PDF (tests/formats/fixtures/STEM.pdf, printed by
# LibreOffice from the DOCX rendering: tests/formats/make-fixtures) goes
# through `chidao extract` with the format detected from the content; each
# must say source.format "pdf", give every task its pages (1 <= first <= last
# <= the document's pages), and give the tasks of the original text field by
# field (compare.py); the set is scored against the gold (score.py: task F1 >=
# 0.98, field accuracy >= 0.97).
# A scanned PDF (tests/formats/pdf/scanned.pdf: one page holding an image and
# no text) fails with "needs OCR"; an encrypted one and a broken one fail
# clearly; all exit 3.
# usage: tests/formats/pdf.sh build/chidao ../shared
set -u
bin=$1
shared=$2
here=$(dirname "$0")
fixtures=$here/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
failed() { echo "FAIL $*"; fail=$((fail + 1)); }
expect_rc() { # name expected actual
    if [ "$2" = "$3" ]; then ok; else failed "$1: exit $3, expected $2"; fi
}
expect_err() { # name pattern file
    if grep -q -- "$2" "$3"; then ok; else failed "$1: stderr lacks '$2'"; sed 's/^/    /' "$3"; fi
}
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

# the pages of a PDF, counted from its page objects (no pdfinfo needed)
page_count() {
    /usr/bin/python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page[^s]", open(sys.argv[1], "rb").read())))' "$1"
}

mkdir -p "$tmp/out" "$tmp/gold"
for txt in samples/*.txt; do
    stem=$(basename "$txt" .txt)
    f=$fixtures/$stem.pdf
    if [ ! -f "$f" ]; then
        failed "$f: missing (run tests/formats/make-fixtures)"
        continue
    fi
    "$bin" extract "$txt" > "$tmp/$stem.ref.json" 2> /dev/null || failed "$txt: the original text does not convert"
    ln -s "$(cd "$shared/gold" && pwd)/$stem.json" "$tmp/gold/$stem.json"
    out=$tmp/out/$stem.json
    if ! "$bin" extract "$f" > "$out" 2> "$tmp/err"; then
        failed "$stem.pdf: chidao extract failed"
        sed 's/^/    /' "$tmp/err"
        rm -f "$out"
        continue
    fi
    # source.format and the pages of every task
    if /usr/bin/python3 - "$out" "$(page_count "$f")" > "$tmp/check" 2>&1 <<'PY'; then ok; else failed "$stem.pdf: $(cat "$tmp/check")"; fi
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
n = int(sys.argv[2])
if r["source"]["format"] != "pdf":
    sys.exit("source.format is %r, expected 'pdf'" % r["source"]["format"])
if not r["tasks"]:
    sys.exit("no tasks")
for t in r["tasks"]:
    p = t.get("pages")
    if not p or not (1 <= p[0] <= p[1] <= n):
        sys.exit("task %s: pages %r, expected [first, last] within 1..%d" % (t["id"], p, n))
PY
    if /usr/bin/python3 "$here/compare.py" "$tmp/$stem.ref.json" "$out" "$stem.pdf" > "$tmp/cmp" 2>&1; then
        ok
    else
        failed "$stem.pdf: tasks differ from the original text's"
        sed 's/^/    /' "$tmp/cmp"
    fi
done

# scored in the background while the error cases run
/usr/bin/python3 "$shared/eval/score.py" "$tmp/gold" "$tmp/out" > "$tmp/score" 2>&1 &
scorer=$!

# a scan: pages with an image and no characters
"$bin" extract "$here/pdf/scanned.pdf" > "$tmp/scan.json" 2> "$tmp/err"
expect_rc scanned 3 $?
expect_err scanned "scanned.pdf: no text layer (a scanned PDF?): it needs OCR" "$tmp/err"
if [ -s "$tmp/scan.json" ]; then failed "scanned: a record was written"; else ok; fi

# encrypted (a password to open it), broken, cut short
"$bin" extract "$here/pdf/encrypted.pdf" > /dev/null 2> "$tmp/err"
expect_rc encrypted 3 $?
expect_err encrypted "encrypted.pdf: encrypted PDF: it needs a password" "$tmp/err"
printf '%%PDF-1.4\nnot really a PDF\n' > "$tmp/broken.pdf"
"$bin" extract "$tmp/broken.pdf" > /dev/null 2> "$tmp/err"
expect_rc broken 3 $?
expect_err broken "broken.pdf: not a readable PDF" "$tmp/err"
head -c 2000 "$fixtures/004_ff2c98ccd76aaf96.pdf" > "$tmp/cut.pdf"
"$bin" extract "$tmp/cut.pdf" > /dev/null 2> "$tmp/err"
expect_rc cut-short 3 $?
expect_err cut-short "cut.pdf: not a readable PDF" "$tmp/err"

# --from pdf on a text file is a broken PDF, not a crash
"$bin" extract --from pdf samples/004_ff2c98ccd76aaf96.txt > /dev/null 2> "$tmp/err"
expect_rc from-pdf 3 $?

# batch workers read PDFs in parallel: the same tasks as one by one
mkdir -p "$tmp/many"
for f in "$fixtures"/*.pdf; do
    stem=$(basename "$f" .pdf)
    cp "$f" "$tmp/many/$stem.pdf"
    cp "$f" "$tmp/many/$stem-copy.pdf"
done
"$bin" batch -j 4 -o "$tmp/batch" "$tmp/many" > /dev/null 2>&1
expect_rc batch-parallel 0 $?
for f in "$tmp"/out/*.json; do
    stem=$(basename "$f" .json)
    for b in "$tmp/batch/$stem.json" "$tmp/batch/$stem-copy.json"; do
        if /usr/bin/python3 -c 'import json,sys; a,b=(json.load(open(p, encoding="utf-8")) for p in sys.argv[1:]); sys.exit(a["tasks"] != b["tasks"])' "$f" "$b" 2> /dev/null; then
            ok
        else
            failed "batch -j 4: $(basename "$b") differs from extract"
        fi
    done
done

wait $scorer
last=$(tail -n 1 "$tmp/score")
f1=$(echo "$last" | sed -n 's/.*task_f1=\([0-9.]*\).*/\1/p')
acc=$(echo "$last" | sed -n 's/.*field_acc=\([0-9.]*\).*/\1/p')
if [ -z "$f1" ] || [ -z "$acc" ]; then
    failed "score.py gave no figures"
    cat "$tmp/score"
else
    echo "pdf: task_f1=$f1 field_acc=$acc"
    if below "$f1" 0.98; then failed "pdf: task F1 $f1 < 0.98"; else ok; fi
    if below "$acc" 0.97; then failed "pdf: field accuracy $acc < 0.97"; else ok; fi
fi

echo "pdf: $pass passed, $fail failed"
[ $fail -eq 0 ]
