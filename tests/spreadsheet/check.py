"""Read a chidao workbook back with openpyxl (an independent reader) and
compare it with the JSON records of the same documents.

    check.py records WORKBOOK RECORD.json...   rows and values match the records
    check.py hostile WORKBOOK                  the hostile batch of spreadsheet.sh

Prints one "PASS name" or "FAIL name: why" line per check (spreadsheet.sh
counts them).  Run with Debian's /usr/bin/python3 (python3-openpyxl).
"""
import datetime
import json
import re
import sys

import openpyxl

SHEETS = ["Nhiệm vụ", "Chỉ tiêu", "Cảnh báo", "Văn bản"]
HEADERS = {
    "Nhiệm vụ": ["Tệp nguồn", "Số văn bản", "Mục", "STT", "Nội dung nhiệm vụ", "Chủ trì", "Phối hợp",
                 "Chỉ đạo", "Thời hạn", "Loại thời hạn", "Từ ngày", "Đến ngày", "Kết quả/sản phẩm",
                 "Văn bản giao", "Ghi chú", "Dòng"],
    "Chỉ tiêu": ["Tệp nguồn", "Số văn bản", "Mục", "STT", "Chỉ tiêu", "Đơn vị", "Mục tiêu", "Chủ trì", "Dòng"],
    "Cảnh báo": ["Tệp nguồn", "Mức độ", "Mã", "Vấn đề", "Nội dung", "Dòng"],
    "Văn bản": ["Tệp nguồn", "Loại văn bản", "Số văn bản", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu",
                "Năm", "Người ký", "Chức vụ người ký", "Số nhiệm vụ", "Số chỉ tiêu", "Số cảnh báo",
                "Trạng thái"],
}
DEADLINE_KINDS = {"date": "ngày", "month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm",
                  "range": "khoảng thời gian", "ongoing": "thường xuyên", "event": "theo sự kiện",
                  "unknown": "chưa rõ"}
RECURRENCES = {"yearly": "hằng năm", "quarterly": "hằng quý", "monthly": "hằng tháng", None: "định kỳ"}
SEVERITIES = {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"}
# the codes CONTRACT.md names: each must be explained in Vietnamese
CONTRACT_CODES = ["missing-lead", "missing-deadline", "deadline-unparsed", "deadline-outside-year",
                  "numbering-gap", "numbering-duplicate", "blank-number", "blank-date", "date-mismatch",
                  "metadata-from-caption", "ocr-repair", "encoding-repaired", "unknown-agency"]
DOCUMENT_KINDS = {"program": "Chương trình", "plan": "Kế hoạch", "decision": "Quyết định", "letter": "Công văn",
                  "notice": "Thông báo", "directive": "Chỉ thị", "resolution": "Nghị quyết", "scheme": "Đề án",
                  "report": "Báo cáo", "other": "Khác"}
# C0 controls other than the line break, DEL, C1 controls, and the
# non-characters XML forbids.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
CELL_MAX_UNITS = 32767
TRUNCATION_MARK = " … [đã cắt bớt]"
LINE_HEIGHT = 15

failures = 0


def report(name, problems):
    global failures
    if problems:
        failures += 1
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        print(f"FAIL {name}: {shown}{more}")
    else:
        print(f"PASS {name}")


def rows(ws):
    """Data rows (after the header) as lists of values, padded to the header."""
    width = len(HEADERS[ws.title])
    out = []
    for r in ws.iter_rows(min_row=2, max_col=width, values_only=True):
        out.append(list(r) + [None] * (width - len(r)))
    return out


def text(value):
    """The cell text the workbook should hold for a JSON value (None: blank)."""
    return value if value not in (None, "") else None


def joined(items, sep):
    return sep.join(items) if items else None


def names(agencies):
    return joined([a["name"] for a in agencies], "\n")


def lines(pair):
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}–{pair[1]}"


def date(iso):
    return datetime.datetime.fromisoformat(iso) if iso else None


def deadline_kind(d):
    if d["kind"] == "recurring":
        return RECURRENCES.get(d.get("recurrence"), "định kỳ")
    return DEADLINE_KINDS[d["kind"]]


def compare(name, got_rows, expected_rows, columns):
    """Cell by cell; expected_rows are lists aligned with columns."""
    problems = []
    if len(got_rows) != len(expected_rows):
        problems.append(f"{len(got_rows)} rows, expected {len(expected_rows)}")
    for i, (got, exp) in enumerate(zip(got_rows, expected_rows)):
        for col, (g, e) in enumerate(zip(got, exp)):
            if g != e:
                problems.append(f"row {i + 2} {columns[col]}: {g!r} != {e!r}")
    report(name, problems)


def check_layout(wb):
    report("sheet names", [] if wb.sheetnames == SHEETS else [f"{wb.sheetnames} != {SHEETS}"])
    for ws in wb.worksheets:
        if ws.title not in HEADERS:
            continue
        header = [c.value for c in ws[1]]
        report(f"{ws.title}: header row", [] if header == HEADERS[ws.title] else [f"{header}"])
        not_bold = [c.value for c in ws[1] if not (c.font and c.font.b)]
        report(f"{ws.title}: header bold", [f"not bold: {not_bold}"] if not_bold else [])
        report(f"{ws.title}: header frozen", [] if ws.freeze_panes == "A2" else [f"freeze_panes {ws.freeze_panes}"])
        last = openpyxl.utils.get_column_letter(len(HEADERS[ws.title]))
        want = f"A1:{last}{ws.max_row}"
        report(f"{ws.title}: autofilter over all rows",
               [] if ws.auto_filter.ref == want else [f"{ws.auto_filter.ref} != {want}"])
        narrow = [c for c in range(1, len(HEADERS[ws.title]) + 1)
                  if (ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or 0) < 5]
        report(f"{ws.title}: column widths set", [f"columns {narrow}"] if narrow else [])


def check_clean_text(wb):
    problems = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    if CONTROL.search(c.value):
                        problems.append(f"{ws.title}!{c.coordinate} has a control character: {c.value[:40]!r}")
                    if len(c.value.encode("utf-16-le")) // 2 > CELL_MAX_UNITS:
                        problems.append(f"{ws.title}!{c.coordinate} longer than Excel's cell limit")
    report("no control characters, no over-long cell", problems)


def check_row_heights(ws, column_names):
    """A row with k lines in a cell is at least k lines high (LibreOffice does
    not fit rows to wrapped text by itself)."""
    problems = []
    cols = [HEADERS[ws.title].index(n) for n in column_names]
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        need = max((len(str(row[c]).split("\n")) for c in cols if c < len(row) and row[c]), default=1)
        height = ws.row_dimensions[r].height
        if need > 1 and (height is None or height < need * LINE_HEIGHT):
            problems.append(f"row {r}: height {height} for {need} lines")
    report(f"{ws.title}: rows tall enough for their line breaks", problems)


def check_records(wb, records):
    check_layout(wb)
    check_clean_text(wb)

    tasks = wb["Nhiệm vụ"]
    expected = []
    for rec in records:
        doc = rec["document"]
        for t in rec["tasks"]:
            d = t["deadline"]
            expected.append([
                rec["source"]["path"], text(doc["number"]), joined(t["section"], " › "), text(t["number"]),
                text(t["text"]), names(t["lead"]), names(t["support"]), joined(t["direction"], "\n"),
                text(d["raw"]) if d else None, deadline_kind(d) if d else None,
                date(d["start"]) if d else None, date(d["end"]) if d else None,
                text(t["output"]), text(t["assigned_by"]), text(t["note"]), lines(t["lines"]),
            ])
    compare("Nhiệm vụ: one row per task, values as in the JSON", rows(tasks), expected, HEADERS["Nhiệm vụ"])
    problems = []
    for r, row in enumerate(tasks.iter_rows(min_row=2, min_col=11, max_col=12), start=2):
        for c in row:
            if c.value is not None and not (c.is_date and c.number_format == "dd/mm/yyyy"):
                problems.append(f"{c.coordinate}: {c.value!r} format {c.number_format!r}")
    report("Nhiệm vụ: start and end are dates shown dd/mm/yyyy", problems)
    n_dates = sum(1 for rec in records for t in rec["tasks"] if t["deadline"] and t["deadline"]["end"])
    report("Nhiệm vụ: the samples have end dates", [] if n_dates > 0 else ["no task with an end date"])
    check_row_heights(tasks, ["Chủ trì", "Phối hợp", "Chỉ đạo"])

    expected = []
    for rec in records:
        for ind in rec["indicators"]:
            expected.append([
                rec["source"]["path"], text(rec["document"]["number"]), joined(ind["section"], " › "),
                text(ind["number"]), text(ind["name"]), text(ind["unit"]), text(ind["target"]),
                names(ind["lead"]), lines(ind["lines"]),
            ])
    compare("Chỉ tiêu: one row per indicator", rows(wb["Chỉ tiêu"]), expected, HEADERS["Chỉ tiêu"])

    expected = []
    for rec in records:
        for d in rec["diagnostics"]:
            expected.append([rec["source"]["path"], SEVERITIES[d["severity"]], d["code"], None, text(d["message"]),
                             d["line"]])
    got = rows(wb["Cảnh báo"])
    # "Vấn đề" is the code in words: one wording per code, Vietnamese, for every contract code seen
    labels, problems = {}, []
    for row in got:
        code, label = row[2], row[3]
        if labels.setdefault(code, label) != label:
            problems.append(f"{code}: {labels[code]!r} and {label!r}")
        if code in CONTRACT_CODES and not (label and re.search("[^\x00-\x7f]", label)):
            problems.append(f"{code}: no Vietnamese explanation ({label!r})")
    report("Cảnh báo: each code explained in Vietnamese, always alike", problems)
    if len(records) >= 5:  # the batch of the samples, not one document
        report("Cảnh báo: the samples show most contract codes",
               [] if len(set(labels) & set(CONTRACT_CODES)) >= 8 else [sorted(labels)])
    compare("Cảnh báo: one row per diagnostic", [r[:3] + [None] + r[4:] for r in got], expected,
            HEADERS["Cảnh báo"])

    expected = []
    for rec in records:
        doc = rec["document"]
        signer = doc["signer"]
        expected.append([
            rec["source"]["path"], DOCUMENT_KINDS[doc["kind"]], text(doc["number"]), date(doc["date"]),
            text(doc["issuer"]), text(doc["title"]), doc["year"], text(signer["name"]), text(signer["title"]),
            len(rec["tasks"]), len(rec["indicators"]), len(rec["diagnostics"]), "ok",
        ])
    compare("Văn bản: one row per document", rows(wb["Văn bản"]), expected, HEADERS["Văn bản"])


def check_hostile(wb):
    """spreadsheet.sh's hostile batch: a file name with a control character,
    one with a byte that is not UTF-8, a task longer than a cell may be, and a
    file that fails to decode."""
    check_layout(wb)
    check_clean_text(wb)
    files = [r[0] for r in rows(wb["Văn bản"])]
    report("hostile: every document listed", [] if len(files) == 4 else [f"{files}"])
    report("hostile: control character in a file name dropped",
           [] if any("ctlname" in f for f in files) else [f"{files}"])
    report("hostile: undecodable file name byte shown as U+FFFD",
           [] if any("latin\ufffd" in f for f in files) else [f"{files}"])

    failed = [r for r in rows(wb["Văn bản"]) if r[12] != "ok"]
    problems = []
    if len(failed) != 1:
        problems.append(f"{len(failed)} failed documents, expected 1")
    elif not (failed[0][0].endswith("undecodable.txt") and failed[0][12].startswith("lỗi (input)")):
        problems.append(f"status {failed[0][12]!r} for {failed[0][0]!r}")
    report("hostile: a failed document has its reason in Văn bản", problems)
    errors = [r for r in rows(wb["Cảnh báo"]) if r[0].endswith("undecodable.txt")]
    report("hostile: a failed document's errors in Cảnh báo",
           [] if errors and all(r[1] == "lỗi" for r in errors) else [f"{errors}"])
    report("hostile: a failed document has no task rows",
           [f"{r[0]}" for r in rows(wb["Nhiệm vụ"]) if r[0].endswith("undecodable.txt")])

    long_texts = [r[4] for r in rows(wb["Nhiệm vụ"]) if r[4] and r[4].startswith("Rà soát dài")]
    problems = []
    if len(long_texts) != 1:
        problems.append(f"{len(long_texts)} long tasks, expected 1")
    else:
        t = long_texts[0]
        units = len(t.encode("utf-16-le")) // 2
        if not t.endswith(TRUNCATION_MARK):
            problems.append(f"no truncation mark at the end: {t[-30:]!r}")
        if not CELL_MAX_UNITS - 40 <= units <= CELL_MAX_UNITS:
            problems.append(f"{units} UTF-16 units")
    report("hostile: an over-long task text cut at Excel's limit with a mark", problems)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    wb = openpyxl.load_workbook(path)
    if mode == "records":
        records = [json.load(open(p, encoding="utf-8")) for p in sys.argv[3:]]
        check_records(wb, records)
    else:
        check_hostile(wb)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
