#!/bin/sh
# Text extracted by other tools (tests/formats/fixtures, made by
# tests/formats/make-fixtures from each sample's PDF and HTML):
#   STEM.layout.txt     pdftotext -layout: tables aligned with spaces
#   STEM.pandoc.txt     pandoc -t plain: simple, multiline and grid tables
#   STEM.pdftotext.txt  pdftotext: the reading order, tables cell by cell
# Each goes through `chidao extract`; its tables must come out as rows (the
# text form) with the line numbers of the file kept; each set is scored
# against the gold (score.py) and compared with the original text's tasks
# (compare.py).
#
# The issue's thresholds (task F1 >= 0.98, field accuracy >= 0.97) hold for
# the pandoc set.  The other two sets are held to the floors below (a
# ratchet: raise them as accuracy improves).  pdftotext -layout places each
# row's cells on its own (a cell is pushed right when the text left of it ran
# long) and squeezes cells against their neighbours with one space:
# src/layout.c reads such tables row by row, and takes a column whose lines
# pdftotext placed a column or two apart (no position free of the text left
# of it) where a word starts after a wide gap; but a cell glued to the next
# with one space on every line of a row cannot be told from it ("Sở" after
# "người dân"), and a word a narrow column cut may lose its end to another
# cell.  Plain pdftotext interleaves the lines of
# the cells of a row: the geometry is gone and no text pass can rebuild the
# rows.  Outside the tables: pdftotext writes the Symbol-font bullets of the
# field lines as U+F0B7 (private use), which rules/fields.rules does not take
# for a bullet, and hard line breaks in a sentence are joined by the
# structure stage only when the line does not end in ';'.
# usage: tests/formats/layout.sh build/chidao ../shared
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
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }

# floors: task F1 and field accuracy per set
# The layout floors were 0.73 / 0.78 on the first fixtures, whose PDFs had
# lost the end of 002's last column at the page edge (LibreOffice sized the
# tables by content); make-fixtures now fits every table to the text width,
# which keeps all the text but gives 003's indicator table and 002's task
# table narrow wrapped columns: measured anew on those, 0.641 / 0.817, then
# raised as the layout pass improved (0.979 / 0.967 with tables read row by
# row; the same code gives 0.967 / 0.931 on the first fixtures; 0.979 / 0.977
# with ragged columns cut line by line).
floor_f1() { case $1 in pandoc) echo 0.99 ;; layout) echo 0.99 ;; pdftotext) echo 0.66 ;; esac; }
floor_acc() { case $1 in pandoc) echo 0.99 ;; layout) echo 0.98 ;; pdftotext) echo 0.98 ;; esac; }
# the worst single sample of each set (the issue asks 0.98 / 0.97 of every
# sample: pandoc and pdftotext -layout meet it, the latter since the
# structure stage tells hard-wrapped text by its line widths and skips the
# footnotes pdftotext prints at each page's foot)
floor_doc_f1() { case $1 in pandoc) echo 0.98 ;; layout) echo 0.98 ;; pdftotext) echo 0 ;; esac; }
floor_doc_acc() { case $1 in pandoc) echo 0.97 ;; layout) echo 0.97 ;; pdftotext) echo 0 ;; esac; }

mkdir -p "$tmp/ref" "$tmp/gold"
for txt in samples/*.txt; do
    stem=$(basename "$txt" .txt)
    "$bin" extract "$txt" > "$tmp/ref/$stem.json" 2> /dev/null || failed "$txt: the original text does not convert"
    ln -s "$(cd "$shared/gold" && pwd)/$stem.json" "$tmp/gold/$stem.json"
done

for set in pandoc layout pdftotext; do
    mkdir -p "$tmp/$set"
    for txt in samples/*.txt; do
        stem=$(basename "$txt" .txt)
        f=$fixtures/$stem.$set.txt
        if [ ! -f "$f" ]; then
            failed "$f: missing (run tests/formats/make-fixtures)"
            continue
        fi
        if "$bin" extract "$f" > "$tmp/$set/$stem.json" 2> "$tmp/err"; then
            ok
        else
            failed "$stem.$set.txt: chidao extract failed"
            sed 's/^/    /' "$tmp/err"
            rm -f "$tmp/$set/$stem.json"
            continue
        fi
        /usr/bin/python3 "$here/compare.py" "$tmp/ref/$stem.json" "$tmp/$set/$stem.json" "$stem.$set.txt" \
            > "$tmp/$set.$stem.cmp" 2>&1
    done
    # score.py takes seconds a document: the three sets in parallel
    /usr/bin/python3 "$shared/eval/score.py" "$tmp/gold" "$tmp/$set" > "$tmp/$set.score" 2>&1 &
done

# pandoc's tables: every row of 002's table a task, its line the row's line
# in the file (the rewrite keeps the line numbers)
/usr/bin/python3 - "$tmp/pandoc/002_68621dcf91b9871c.json" "$fixtures/002_68621dcf91b9871c.pandoc.txt" \
    > "$tmp/lines" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
if len(r["tasks"]) != 56:
    sys.exit("%d tasks, expected 56" % len(r["tasks"]))
for t in r["tasks"]:
    first = lines[t["lines"][0] - 1].strip()
    if not first.startswith(t["number"] + " "):
        sys.exit("task %s: line %d is %r" % (t["number"], t["lines"][0], first[:40]))
    if t["pages"] is not None:
        sys.exit("task %s: pages %r for a text file" % (t["number"], t["pages"]))
PY
if [ $? -eq 0 ]; then ok; else failed "002 pandoc table: $(cat "$tmp/lines")"; fi
for stem in 002_68621dcf91b9871c 004_ff2c98ccd76aaf96; do
    if [ -s "$tmp/pandoc.$stem.cmp" ]; then
        failed "$stem.pandoc.txt: tasks differ from the original text's"
        sed 's/^/    /' "$tmp/pandoc.$stem.cmp"
    else
        ok
    fi
done

# a text with no table is left as it is: its record equals the original's
# bytes but for source
"$bin" extract samples/003_38d040c3a1a7432e.txt > "$tmp/a.json"
cp samples/003_38d040c3a1a7432e.txt "$tmp/copy.txt"
"$bin" extract "$tmp/copy.txt" > "$tmp/b.json"
if /usr/bin/python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a["tasks"]!=b["tasks"])' "$tmp/a.json" "$tmp/b.json"; then ok; else failed "copy of a sample: tasks changed"; fi

wait
for set in pandoc layout pdftotext; do
    differ=0
    for c in "$tmp/$set".*.cmp; do [ -s "$c" ] && differ=$((differ + 1)); done
    last=$(tail -n 1 "$tmp/$set.score")
    f1=$(echo "$last" | sed -n 's/.*task_f1=\([0-9.]*\).*/\1/p')
    acc=$(echo "$last" | sed -n 's/.*field_acc=\([0-9.]*\).*/\1/p')
    if [ -z "$f1" ] || [ -z "$acc" ]; then
        failed "$set: score.py gave no figures"
        cat "$tmp/$set.score"
        continue
    fi
    echo "$set: task_f1=$f1 field_acc=$acc ($differ of 5 documents differ from the original text's tasks)"
    if below "$f1" "$(floor_f1 $set)"; then failed "$set: task F1 $f1 < $(floor_f1 $set)"; else ok; fi
    if below "$acc" "$(floor_acc $set)"; then failed "$set: field accuracy $acc < $(floor_acc $set)"; else ok; fi
    # per sample: "STEM: tasks gold=G pred=P matched=M field_acc=A"
    worst=$(awk '/^[^ ].*: tasks gold=/ {
            for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            f1 = v["gold"] + v["pred"] ? 2 * v["matched"] / (v["gold"] + v["pred"]) : 1
            if (f1 < wf || !n) { wf = f1; wfd = $1 }
            if (v["field_acc"] < wa || !n) { wa = v["field_acc"]; wad = $1 }
            n++ }
        END { printf "%.3f %s %.3f %s\n", wf, wfd, wa, wad }' "$tmp/$set.score")
    wf=${worst%% *}; rest=${worst#* }; wfd=${rest%% *}; rest=${rest#* }; wa=${rest%% *}; wad=${rest#* }
    echo "$set: worst sample task_f1=$wf (${wfd%:}) field_acc=$wa (${wad%:})"
    if below "$wf" "$(floor_doc_f1 $set)"; then failed "$set: ${wfd%:} task F1 $wf < $(floor_doc_f1 $set)"; else ok; fi
    if below "$wa" "$(floor_doc_acc $set)"; then failed "$set: ${wad%:} field accuracy $wa < $(floor_doc_acc $set)"; else ok; fi
done

echo "layout: $pass passed, $fail failed"
[ $fail -eq 0 ]
