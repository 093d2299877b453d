#!/bin/sh
# The record contract in both forms: every samples/*.txt and
# tests/fixtures/*.txt (and a copy with characters XML cannot carry) as XML
# against schemas/chidao.xsd and as JSON against schemas/chidao.schema.json,
# the XML carrying the same values as the JSON; then broken records that each
# schema must reject, so that a permissive schema fails here.
# usage: tests/schemas.sh build/chidao
set -u
bin=$1
root=$(dirname "$0")/..
xsd=$root/schemas/chidao.xsd
jschema=$root/schemas/chidao.schema.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
failed() { echo "FAIL $*"; fail=$((fail + 1)); }

# check.py prints one "PASS …" or "FAIL …" line per check (Debian's python3
# has python3-jsonschema; the python3 on PATH may not).
check() {
    if /usr/bin/python3 "$root/tests/schemas/check.py" "$@" > "$tmp/check.out" 2>&1; then
        while IFS= read -r line; do
            case $line in
            PASS\ *) pass=$((pass + 1)) ;;
            *) echo "$line"; fail=$((fail + 1)) ;;
            esac
        done < "$tmp/check.out"
    else
        failed "check.py $1 crashed"
        cat "$tmp/check.out"
    fi
}

xsd_accepts() { # name file
    if xmllint --noout --schema "$xsd" "$2" 2> "$tmp/xmllint.err"; then
        pass=$((pass + 1))
    else
        failed "$1: rejected by the XSD"
        head -5 "$tmp/xmllint.err"
    fi
}

xsd_rejects() { # name file
    if xmllint --noout --schema "$xsd" "$2" 2> /dev/null; then failed "$1: the XSD accepts it"; else pass=$((pass + 1)); fi
}

# mutate name from to sed-script: a broken copy; FAIL when the edit no longer
# applies (the sample changed), since the negative case would test nothing.
mutate() {
    sed "$4" "$2" > "$3"
    if cmp -s "$2" "$3"; then failed "$1: the edit '$4' no longer applies to $2"; rm -f "$3"; fi
}

# A document whose path and text carry characters XML 1.0 cannot: a C0
# control in the file name, U+FFFE and U+FFFF in a task.  The XML drops them
# and must stay well-formed and valid.
mkdir "$tmp/in" "$tmp/out"
hostile="$tmp/in/hostile$(printf '\001')name.txt"
sed "s/tham mưu bố trí/tham mưu $(printf '\357\277\276\357\277\277') bố trí/" \
    "$root/tests/fixtures/request_items.txt" > "$hostile"

# extract stem ext ARGS...: the record in out/stem.ext, or FAIL (and no file,
# so that the checks below do not trip over a half-written one)
extract() {
    stem=$1 ext=$2
    shift 2
    "$bin" extract "$@" > "$tmp/out/$stem.$ext" 2> "$tmp/err"
    status=$?
    [ $status -eq 0 ] && return 0
    failed "$stem: extract $* exited $status"
    head -5 "$tmp/err"
    rm -f "$tmp/out/$stem.xml" "$tmp/out/$stem.json"
    return 1
}

for f in "$root"/samples/*.txt "$root"/tests/fixtures/*.txt "$hostile"; do
    stem=$(basename "$f" .txt)
    extract "$stem" xml -f xml "$f" && extract "$stem" json "$f" && xsd_accepts "$stem.xml" "$tmp/out/$stem.xml"
done

check schema "$jschema"
check valid "$jschema" "$tmp"/out/*.json
check same "$tmp"/out/*.xml

# ---- what each schema must reject (edits of seed 002's record) ----
base=002_68621dcf91b9871c
json=$tmp/out/$base.json
xml=$tmp/out/$base.xml
mkdir "$tmp/bad"
if [ -f "$json" ]; then
    mutate key-removed "$json" "$tmp/bad/key-removed.json" '/"assigned_by": null,/d'
    mutate null-list "$json" "$tmp/bad/null-list.json" 's/"direction": \[\]/"direction": null/'
    mutate unknown-key "$json" "$tmp/bad/unknown-key.json" 's/"note": null,/"note": null, "remark": null,/'
    mutate deadline-kind "$json" "$tmp/bad/deadline-kind.json" 's/"kind": "month"/"kind": "week"/'
    mutate recurrence-not-recurring "$json" "$tmp/bad/recurrence.json" \
        's/"kind": "month",/"kind": "month", "recurrence": "yearly",/'
    mutate dates-on-ongoing "$json" "$tmp/bad/dates-on-ongoing.json" 's/"kind": "month"/"kind": "ongoing"/'
    mutate impossible-date "$json" "$tmp/bad/impossible-date.json" 's/"2026-03-07"/"2026-02-30"/'
    mutate non-iso-date "$json" "$tmp/bad/non-iso-date.json" 's|"2026-03-07"|"07/03/2026"|'
    mutate diagnostic-code "$json" "$tmp/bad/diagnostic-code.json" 's/"date-mismatch"/"Date mismatch"/'
    check invalid "$jschema" "$tmp"/bad/*.json
else
    failed "no JSON record of $base to break"
fi
if [ -f "$xml" ]; then
    mutate unknown-element "$xml" "$tmp/bad/unknown-element.xml" 's|<note xsi:nil="true"/>|&<remark/>|'
    mutate element-removed "$xml" "$tmp/bad/element-removed.xml" '/<assigned-by xsi:nil="true"\/>/d'
    mutate impossible-date-xml "$xml" "$tmp/bad/impossible-date.xml" 's|<date>2026-03-07</date>|<date>2026-02-30</date>|'
    mutate non-iso-date-xml "$xml" "$tmp/bad/non-iso-date.xml" 's|<date>2026-03-07</date>|<date>07/03/2026</date>|'
    mutate deadline-kind-xml "$xml" "$tmp/bad/deadline-kind.xml" 's|<kind>month</kind>|<kind>week</kind>|'
    mutate nil-text "$xml" "$tmp/bad/nil-text.xml" 's|<text>|<text xsi:nil="true">|'
    for bad in "$tmp"/bad/*.xml; do [ -f "$bad" ] && xsd_rejects "$(basename "$bad")" "$bad"; done
else
    failed "no XML record of $base to break"
fi

echo "schemas: $pass passed, $fail failed"
[ $fail -eq 0 ]
