#!/bin/sh
# The reviewers' workbook read back with an independent reader (Debian's
# python3-openpyxl, see tests/spreadsheet/check.py):
#   - `batch -f xlsx samples/`: four sheets, bold frozen header, autofilter,
#     one row per task / indicator / diagnostic / document with the values of
#     each sample's JSON record, start and end as real dates;
#   - `extract -f xlsx -o FILE`: the same for one document;
#   - a hostile batch: control characters and a non-UTF-8 byte in file names,
#     a task longer than an Excel cell, a file that fails to decode.
# usage: tests/spreadsheet.sh build/chidao
set -u
bin=$1
py=/usr/bin/python3
check=tests/spreadsheet/check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { # name expected_rc actual_rc
    if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL $1: exit $3, expected $2"; fail=$((fail + 1)); fi
}
# run check.py and count its PASS / FAIL lines; a crash is one failure
run_check() { # name check.py-arguments...
    name=$1; shift
    "$py" "$check" "$@" > "$tmp/check.out" 2>&1
    rc=$?
    p=$(grep -c '^PASS' "$tmp/check.out")
    f=$(grep -c '^FAIL' "$tmp/check.out")
    grep '^FAIL' "$tmp/check.out" | sed "s/^FAIL /FAIL $name: /"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: check.py exited $rc"; cat "$tmp/check.out"; f=1
    fi
    pass=$((pass + p)) fail=$((fail + f))
}

if ! "$py" -c 'import openpyxl' 2> /dev/null; then
    echo "FAIL python3-openpyxl is not installed (make test-deps)"
    echo "spreadsheet: 0 passed, 1 failed"
    exit 1
fi

# the JSON records, in the order batch appends documents (sorted paths)
mkdir "$tmp/json"
for f in samples/*.txt; do
    stem=$(basename "$f" .txt)
    "$bin" extract "$f" > "$tmp/json/$stem.json" 2> /dev/null
    expect "extract $f" 0 $?
done

"$bin" batch -o "$tmp/out" -f xlsx samples/ 2> "$tmp/err"
expect batch 0 $?
if [ -f "$tmp/out/tasks.xlsx" ]; then
    run_check batch records "$tmp/out/tasks.xlsx" "$tmp"/json/*.json
else
    echo "FAIL batch: no tasks.xlsx"; cat "$tmp/err"; fail=$((fail + 1))
fi

one=samples/002_68621dcf91b9871c.txt
"$bin" extract -f xlsx -o "$tmp/one.xlsx" "$one" 2> "$tmp/err"
expect extract-xlsx 0 $?
if [ -f "$tmp/one.xlsx" ]; then
    run_check extract records "$tmp/one.xlsx" "$tmp/json/$(basename "$one" .txt).json"
else
    echo "FAIL extract: no $tmp/one.xlsx"; cat "$tmp/err"; fail=$((fail + 1))
fi

# hostile input: the pipeline cleans document text, but file names reach the
# workbook as they are, and a task may be longer than a cell can hold
mkdir "$tmp/hostile"
cp samples/004_ff2c98ccd76aaf96.txt "$tmp/hostile/$(printf 'ctl\001name.txt')"
cp samples/004_ff2c98ccd76aaf96.txt "$tmp/hostile/$(printf 'latin\377.txt')"
printf 'Số: 1/KH-UBND\nKế hoạch \303\050 năm 2026\n' > "$tmp/hostile/undecodable.txt"
"$py" - "$tmp/hostile/long.txt" << 'EOF'
import sys
body = "văn bản 𝔸 " * 4000  # 44,000 UTF-16 units: more than an Excel cell holds
open(sys.argv[1], "w", encoding="utf-8").write(
    "KẾ HOẠCH\nThực hiện năm 2026\n\nI. NHIỆM VỤ\n1. Rà soát dài " + body + "hết.\n"
    "- Chủ trì: Sở Tư pháp\n- Thời hạn: Quý II/2026\n")
EOF
"$bin" batch -o "$tmp/hostile-out" -f xlsx "$tmp/hostile" 2> "$tmp/err"
expect hostile-batch 2 $? # some input failed, the rest converted
if [ -f "$tmp/hostile-out/tasks.xlsx" ]; then
    run_check hostile hostile "$tmp/hostile-out/tasks.xlsx"
else
    echo "FAIL hostile: no tasks.xlsx"; cat "$tmp/err"; fail=$((fail + 1))
fi

echo "spreadsheet: $pass passed, $fail failed"
[ $fail -eq 0 ]
