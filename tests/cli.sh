#!/bin/sh
# CLI behaviour: exit codes, error messages naming the file, atomic -o,
# rule-file errors with a caret.  usage: tests/cli.sh build/chidao
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { # name expected_rc actual_rc
    if [ "$2" = "$3" ]; then pass=$((pass + 1)); else echo "FAIL $1: exit $3, expected $2"; fail=$((fail + 1)); fi
}
grep_err() { # name pattern file
    if grep -q -- "$2" "$3"; then pass=$((pass + 1)); else echo "FAIL $1: stderr lacks '$2'"; cat "$3"; fail=$((fail + 1)); fi
}

"$bin" --version > "$tmp/out"; expect version 0 $?
"$bin" --help > "$tmp/out"; expect help 0 $?
"$bin" frobnicate 2> "$tmp/err"; expect unknown-command 2 $?
"$bin" extract -f pdf samples/000_144062e581508771.txt > /dev/null 2> "$tmp/err"; expect bad-format 2 $?

"$bin" extract "$tmp/missing.txt" > /dev/null 2> "$tmp/err"; expect missing-file 3 $?
grep_err missing-file "chidao: $tmp/missing.txt: cannot open" "$tmp/err"

: > "$tmp/empty.txt"
"$bin" extract "$tmp/empty.txt" > /dev/null 2> "$tmp/err"; expect empty 3 $?
grep_err empty "empty.txt" "$tmp/err"

printf 'Số: 1/KH-UBND\nKế hoạch \303\050 năm 2026\n' > "$tmp/bad.txt"
"$bin" extract "$tmp/bad.txt" > "$tmp/out" 2> "$tmp/err"; expect invalid-utf8 3 $?
grep_err invalid-utf8 "bad.txt:2: invalid UTF-8 byte 0xC3" "$tmp/err"
"$bin" extract --repair "$tmp/bad.txt" > "$tmp/out" 2> "$tmp/err"; expect repair 0 $?
grep_err repair-diagnostic '"encoding-repaired"' "$tmp/out"

"$bin" extract "$tmp" > /dev/null 2> "$tmp/err"; expect directory 3 $?

# -o writes the whole file or nothing
"$bin" extract -o "$tmp/a.json" samples/002_68621dcf91b9871c.txt; expect output-file 0 $?
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/a.json"; expect output-json 0 $?
ls "$tmp" | grep -q '\.tmp\.' && { echo "FAIL temp file left behind"; fail=$((fail + 1)); }
"$bin" extract -o "$tmp/nodir/a.json" samples/002_68621dcf91b9871c.txt 2> "$tmp/err"; expect unwritable 5 $?

# stdin
"$bin" extract < samples/004_ff2c98ccd76aaf96.txt > "$tmp/out"; expect stdin 0 $?

# --limit NAME=VALUE (src/limits.h): unknown names and bad values are usage
# errors; a cap lowered fails the input with "limit exceeded: NAME", exit 3
s002=samples/002_68621dcf91b9871c.txt
"$bin" extract --limit frobs=1 "$s002" > /dev/null 2> "$tmp/err"; expect limit-unknown 2 $?
grep_err limit-unknown "unknown limit" "$tmp/err"
"$bin" extract --limit lines=ten "$s002" > /dev/null 2> "$tmp/err"; expect limit-not-a-number 2 $?
"$bin" extract --limit lines=0 "$s002" > /dev/null 2> "$tmp/err"; expect limit-zero 2 $?
"$bin" extract --limit xml-depth=100000 "$s002" > /dev/null 2> "$tmp/err"; expect limit-over-max 2 $?
"$bin" extract --limit "$s002" > /dev/null 2> "$tmp/err"; expect limit-no-assignment 2 $?
"$bin" extract --limit > /dev/null 2> "$tmp/err"; expect limit-no-argument 2 $?
"$bin" batch -o "$tmp/b" --limit frobs=1 "$s002" > /dev/null 2> "$tmp/err"; expect batch-limit-unknown 2 $?
"$bin" extract --limit lines=10 --limit tasks=100000 "$s002" > /dev/null 2> "$tmp/err"; expect limit-lines 3 $?
grep_err limit-lines "^chidao: $s002: limit exceeded: lines: " "$tmp/err"
"$bin" extract --limit lines=100000 "$s002" > /dev/null 2> "$tmp/err"; expect limit-raised 0 $?
head -c 4000 "$s002" | "$bin" extract --limit file-size=1k > /dev/null 2> "$tmp/err"; expect limit-stdin 3 $?
grep_err limit-stdin "^chidao: -: limit exceeded: file-size: " "$tmp/err"
"$bin" extract --limit file-size=1k "$s002" > /dev/null 2> "$tmp/err"; expect limit-file 3 $?
grep_err limit-file "limit exceeded: file-size: the file is" "$tmp/err"
# extract keeps a time budget when given one: 1 ms is not enough for a document
"$bin" extract --limit time=1 "$s002" > /dev/null 2> "$tmp/err"; expect limit-time 3 $?
grep_err limit-time "limit exceeded: time: " "$tmp/err"
"$bin" extract --csv-formulas sometimes "$s002" > /dev/null 2> "$tmp/err"; expect csv-formulas-bad 2 $?
"$bin" extract -f csv --csv-formulas keep "$s002" > /dev/null 2> "$tmp/err"; expect csv-formulas-keep 0 $?

# a bad rule file: file, line, PCRE2 message and a caret
mkdir "$tmp/rules"
cp rules/*.rules "$tmp/rules/"
printf '[broken]\npattern = ^(Sở [a-z\n' > "$tmp/rules/zz.rules"
"$bin" extract --rules "$tmp/rules" samples/000_144062e581508771.txt > /dev/null 2> "$tmp/err"; expect bad-rule 4 $?
grep_err bad-rule-line "zz.rules:2:" "$tmp/err"
grep_err bad-rule-caret "^ *\^" "$tmp/err"
"$bin" rules test "$tmp/rules" > /dev/null 2>&1; expect bad-rule-test 4 $?
printf '[wrong]\npattern = ^x\nemit = k=1\nexample = x => k=2\n' > "$tmp/rules/zz.rules"
"$bin" rules test "$tmp/rules" > /dev/null 2> "$tmp/err"; expect failing-example 4 $?
grep_err failing-example "zz.rules:4: \[wrong\]" "$tmp/err"

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
