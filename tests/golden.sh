#!/bin/sh
# Golden-file tests: every samples/X.txt and tests/fixtures/X.txt is converted
# and compared byte for byte with tests/expected/X.json.
#   tests/golden.sh build/chidao           compare
#   tests/golden.sh build/chidao --regen   rewrite the expected files (then
#                                          read `git diff tests/expected` before committing)
set -u
bin=$1
regen=${2:-}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in samples/*.txt tests/fixtures/*.txt; do
    [ -f "$f" ] || continue
    stem=$(basename "$f" .txt)
    exp=tests/expected/$stem.json
    "$bin" extract "$f" > "$tmp/$stem.json" 2> "$tmp/$stem.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $f: exit $rc"; cat "$tmp/$stem.err"; fail=$((fail + 1)); continue
    fi
    if [ "$regen" = "--regen" ]; then
        cp "$tmp/$stem.json" "$exp"; echo "wrote $exp"; pass=$((pass + 1)); continue
    fi
    if [ ! -f "$exp" ]; then
        echo "FAIL $f: no $exp (run: make regen)"; fail=$((fail + 1)); continue
    fi
    if cmp -s "$exp" "$tmp/$stem.json"; then
        pass=$((pass + 1))
    else
        echo "FAIL $f: output differs from $exp"; diff -u "$exp" "$tmp/$stem.json" | head -40
        fail=$((fail + 1))
    fi
done
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
