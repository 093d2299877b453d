#!/bin/sh
# Accuracy ratchets: score the samples against ../shared/gold and the real
# documents against ../shared/real/gold with ../shared/eval/score.py, and fail
# when a figure drops below the one recorded in tests/accuracy.txt.  Raise the
# recorded figures with each improvement.
set -u
bin=$1
shared=$2
floor=tests/accuracy.txt
if [ ! -f "$shared/eval/score.py" ]; then
    echo "accuracy: $shared/eval/score.py not found: cannot measure" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
score() { # gold_dir texts... -> prints "f1 field_acc meta_ok meta_n ind_exact ind_gold"
    gold=$1; shift
    mkdir -p "$tmp/out"; rm -f "$tmp/out"/*
    for f in "$@"; do
        "$bin" extract "$f" > "$tmp/out/$(basename "$f" .txt).json" 2>/dev/null
    done
    python3 "$shared/eval/score.py" "$gold" "$tmp/out" --json > "$tmp/score.txt"
    python3 - "$tmp/score.txt" <<'PY'
import json, sys
line = [l for l in open(sys.argv[1], encoding="utf-8") if l.startswith("{")][-1]
s = json.loads(line)
print("%.3f %.3f %d %d %d %d" % (s["f1"], s["field_acc"], s["meta"][0], s["meta"][1],
                                 s["indicators"]["exact"], s["indicators"]["gold"]))
PY
}
get() { awk -v k="$1" '$1 == k { print $2 }' "$floor"; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
pass=0 fail=0
check() { # name value floor
    if below "$2" "$3"; then
        echo "FAIL accuracy $1 = $2, below the recorded $3"; fail=$((fail + 1))
    else
        echo "ok   accuracy $1 = $2 (floor $3)"; pass=$((pass + 1))
    fi
}
set -- $(score "$shared/gold" "$shared"/seeds/*.txt)
check seeds.task_f1 "$1" "$(get seeds.task_f1)"
check seeds.field_acc "$2" "$(get seeds.field_acc)"
check seeds.meta "$3" "$(get seeds.meta)"
check seeds.indicators "$5" "$(get seeds.indicators)"
if [ -d "$shared/real/gold" ]; then
    set -- $(score "$shared/real/gold" "$shared"/real/texts/*.txt)
    check real.task_f1 "$1" "$(get real.task_f1)"
    check real.field_acc "$2" "$(get real.field_acc)"
    check real.meta "$3" "$(get real.meta)"
fi
echo "accuracy: $pass passed, $fail failed"
[ $fail -eq 0 ]
