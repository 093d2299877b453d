"""Every value the database holds against the JSON records of the same batch.

usage: roundtrip.py DUMPDIR RECORD.json...

DUMPDIR holds documents.jsonl, tasks.jsonl, indicators.jsonl and
diagnostics.jsonl: one `row_to_json` per line, as tests/database.sh dumps the
tables loaded from the batch's CSVs.  A row matches its record when every
column equals the record's field (dates compare as ISO text, jsonb columns
as JSON, NULL as null, '' as "").  Prints a FAIL line per difference (the
first few) and exits 1 on any.
"""
import json
import os
import sys

MAX_SHOWN = 20


def load_rows(dump_dir, table):
    with open(os.path.join(dump_dir, table + ".jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def names(agencies):
    """The names column: canonical names joined by "; ", NULL for none."""
    return "; ".join(a["name"] for a in agencies) or None


def expected_document(rec):
    src, doc = rec["source"], rec["document"]
    return {
        "document": src["path"], "sha256": src["sha256"], "bytes": src["bytes"],
        "encoding": src["encoding"], "format": src["format"],
        "kind": doc["kind"], "kind_label": doc["kind_label"], "number": doc["number"],
        "issuer": doc["issuer"], "place": doc["place"], "date": doc["date"], "year": doc["year"],
        "title": doc["title"], "signer_title": doc["signer"]["title"],
        "signer_name": doc["signer"]["name"], "tasks": len(rec["tasks"]),
        "indicators": len(rec["indicators"]), "status": "ok", "error": None,
    }


def expected_task(path, t):
    d = t["deadline"] or {}
    return {
        "document": path, "id": t["id"], "number": t["number"], "section": t["section"],
        "text": t["text"], "lead": names(t["lead"]), "lead_json": t["lead"],
        "support": names(t["support"]), "support_json": t["support"],
        "direction": t["direction"], "output": t["output"],
        "deadline_raw": d.get("raw"), "deadline_kind": d.get("kind"),
        "deadline_start": d.get("start"), "deadline_end": d.get("end"),
        "deadline_recurrence": d.get("recurrence"),
        "assigned_by": t["assigned_by"], "note": t["note"],
        "first_line": t["lines"][0], "last_line": t["lines"][1],
    }


def expected_indicator(path, i):
    return {
        "document": path, "id": i["id"], "number": i["number"], "section": i["section"],
        "name": i["name"], "unit": i["unit"], "target": i["target"],
        "lead": names(i["lead"]), "lead_json": i["lead"],
        "first_line": i["lines"][0], "last_line": i["lines"][1],
    }


def expected_diagnostic(path, seq, d):
    return {"document": path, "seq": seq, "severity": d["severity"], "code": d["code"],
            "message": d["message"], "line": d["line"]}


def main():
    dump_dir, record_paths = sys.argv[1], sys.argv[2:]
    records = []
    for p in record_paths:
        with open(p, encoding="utf-8") as f:
            records.append(json.load(f))
    expected = {"documents": {}, "tasks": {}, "indicators": {}, "diagnostics": {}}
    for rec in records:
        path = rec["source"]["path"]
        expected["documents"][(path,)] = expected_document(rec)
        for t in rec["tasks"]:
            expected["tasks"][(path, t["id"])] = expected_task(path, t)
        for i in rec["indicators"]:
            expected["indicators"][(path, i["id"])] = expected_indicator(path, i)
        for seq, d in enumerate(rec["diagnostics"], 1):
            expected["diagnostics"][(path, seq)] = expected_diagnostic(path, seq, d)
    keys = {"documents": ("document",), "tasks": ("document", "id"),
            "indicators": ("document", "id"), "diagnostics": ("document", "seq")}
    failures, compared = [], 0
    for table, want in expected.items():
        got = {tuple(r[k] for k in keys[table]): r for r in load_rows(dump_dir, table)}
        for key in sorted(set(want) | set(got), key=repr):
            if key not in got:
                failures.append("%s %s: in the JSON, not in the database" % (table, key))
            elif key not in want:
                failures.append("%s %s: in the database, not in the JSON" % (table, key))
            elif set(got[key]) != set(want[key]):
                failures.append("%s: columns %s, expected %s" % (table, sorted(got[key]), sorted(want[key])))
            else:
                for column, value in want[key].items():
                    compared += 1
                    if got[key][column] != value:
                        failures.append("%s %s %s: database %r, JSON %r"
                                        % (table, key, column, got[key][column], value))
    for line in failures[:MAX_SHOWN]:
        print("FAIL round-trip " + line)
    if len(failures) > MAX_SHOWN:
        print("FAIL round-trip: %d more differences" % (len(failures) - MAX_SHOWN))
    if not compared:
        print("FAIL round-trip: nothing compared")
    return 1 if failures or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
