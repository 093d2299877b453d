#!/bin/sh
# Hostile and broken inputs (tests/bad/EXPECTED): chidao extract on each ends
# within a time and memory bound set here, not by the product, with the
# expected exit code and a stderr line naming the file and the reason, and no
# crash or sanitizer report; then one batch over all of them plus samples/
# converts the samples exactly as extract does and exits 2 listing the rest.
#   usage: tests/bad.sh build/chidao
set -u
bin=$1
py=/usr/bin/python3
dir=$(cd "$(dirname "$0")" && pwd)/bad
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# Bounds: 20 s each; 2 GB of address space, except under ASan, whose shadow
# memory reserves terabytes of address space (ulimit -v would stop it at once).
limit_kb=2097152
if grep -q __asan_init "$bin" 2>/dev/null; then limit_kb=unlimited; fi

# ---- the inputs too big to commit, or not files at all
gen=$tmp/gen
mkdir "$gen"
head -c 104857600 /dev/zero | tr '\0' a > "$gen/long-line.txt"
yes a | head -n 1000000 > "$gen/many-lines.txt"
yes '5 5' | head -n 1000000 > "$gen/digit-lines.txt"
$py - "$gen" <<'PY'
import os, sys, zipfile
d = sys.argv[1]
def put(name, text):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(text)
head = "Số: 1/KH-UBND\nKẾ HOẠCH\nThực hiện nhiệm vụ năm 2026\n"
put("nested-numbered.txt", head + "".join(
    ".".join(["1"] * k) + ". Sở Tài chính chủ trì thực hiện nhiệm vụ cấp %d.\n" % k for k in range(1, 3001)))
put("nested-markdown.md", head + "".join(
    " " * k + "- Sở Y tế chủ trì nhiệm vụ cấp %d\n" % k for k in range(10000)))
cols = range(10000)
put("wide-table-tabs.txt", head + "\t".join("Cột %d" % i for i in cols) + "\n"
    + "\t".join("Sở %d" % i for i in cols) + "\n")
row = lambda cell: "| " + " | ".join(cell(i) for i in cols) + " |\n"
put("wide-table-pipes.md", head + row(lambda i: "Nhiệm vụ %d" % i) + row(lambda i: "---") + row(lambda i: "Sở %d" % i))
put("long-deadline.txt", head + "1. Sở Tài chính chủ trì xây dựng đề án, hoàn thành trong Quý "
    + "I" * (100 * 1024) + "/2026.\n")
# a DOCX whose document part inflates to 200 MB (about 200 KB compressed)
ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>')
with zipfile.ZipFile(os.path.join(d, "zip-bomb.docx"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("_rels/.rels", rels)
    with z.open("word/document.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document '
                b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
        for _ in range(200):
            f.write(b" " * (1 << 20))
        f.write(b"</w:t></w:r></w:p></w:body></w:document>")
PY
mkdir "$gen/a-directory"
mkfifo "$gen/fifo.txt"
printf 'Số: 1/KH-UBND\n' > "$gen/unreadable.txt"
chmod 000 "$gen/unreadable.txt"
ln -s /proc/self/mem "$gen/proc-mem.txt"
as_root=false
[ "$(id -u)" = 0 ] && as_root=true

input_of() { # name: the committed file, else the generated one
    if [ -e "$dir/$1" ]; then echo "$dir/$1"; else echo "$gen/$1"; fi
}
sanitizer_clean() { # name stderr-file
    if grep -q 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$2"; then
        bad "$1: sanitizer report"; sed -n 1,20p "$2"
    else
        ok
    fi
}

# ---- 1. chidao extract on each input
failing=""
while IFS='	' read -r name want reason; do
    case $name in '#'* | '') continue ;; esac
    if [ "$name" = unreadable.txt ] && $as_root; then
        echo "note: unreadable.txt skipped: running as root, chmod 000 does not stop reads (proc-mem.txt covers a refused read)"
        continue
    fi
    f=$(input_of "$name")
    [ "$want" = 0 ] || failing="$failing $name"
    (ulimit -v $limit_kb; exec timeout 20 "$bin" extract "$f") > "$tmp/out" 2> "$tmp/err"
    got=$?
    case $got in
    124) bad "$name: still running after 20 s" ;;
    12[5-9] | 1[3-9]? | 2??) bad "$name: killed or crashed (exit $got)"; sed -n 1,5p "$tmp/err" ;;
    "$want") ok ;;
    *) bad "$name: exit $got, expected $want"; sed -n 1,3p "$tmp/err" ;;
    esac
    sanitizer_clean "$name" "$tmp/err"
    if [ "$want" != 0 ]; then
        grep -q "^chidao: .*$name" "$tmp/err" && ok || { bad "$name: stderr does not name the file"; sed -n 1,3p "$tmp/err"; }
    fi
    if [ "$reason" != - ]; then
        grep -qF -- "$reason" "$tmp/err" && ok || { bad "$name: stderr lacks '$reason'"; sed -n 1,3p "$tmp/err"; }
    fi
    if [ "$want" = 0 ]; then
        $py -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/out" 2> /dev/null &&
            ok || bad "$name: output is not JSON"
    fi
    # XXE: the external entity is never fetched
    if [ "$name" = xxe.docx ]; then
        grep -q 'root:' "$tmp/out" && bad "xxe.docx: /etc/passwd leaked into the output" || ok
    fi
done < "$dir/EXPECTED"

# ---- 2. one batch over every bad input plus the samples
set --
for name in $(grep -v '^#' "$dir/EXPECTED" | cut -f1); do
    [ "$name" = unreadable.txt ] && $as_root && continue
    set -- "$@" "$(input_of "$name")"
done
(ulimit -v $limit_kb; exec timeout 300 "$bin" batch -o "$tmp/batch" "$@" samples/) 2> "$tmp/err"
got=$?
[ "$got" = 2 ] && ok || { bad "batch: exit $got, expected 2"; tail -n 5 "$tmp/err"; }
sanitizer_clean batch "$tmp/err"
for name in $failing; do
    [ "$name" = unreadable.txt ] && $as_root && continue
    [ "$name" = a-directory ] && continue # batch walks a directory: an empty one is no failure
    grep -q "^chidao: .*$name: " "$tmp/err" && ok || bad "batch: no report for $name"
done
for f in samples/*.txt; do
    stem=$(basename "$f" .txt)
    "$bin" extract "$f" > "$tmp/one.json"
    cmp -s "$tmp/one.json" "$tmp/batch/$stem.json" && ok || bad "batch: $stem.json missing or differs from extract"
done
grep -r -q 'root:' "$tmp/batch" && bad "batch: /etc/passwd leaked into the outputs" || ok

echo "bad: $pass passed, $fail failed"
[ $fail -eq 0 ]
