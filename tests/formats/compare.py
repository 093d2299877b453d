#!/usr/bin/python3
"""Compare the tasks of two chidao records field by field.

usage: compare.py REFERENCE.json CANDIDATE.json [LABEL]

REFERENCE is the record of the original text, CANDIDATE the record of the same
document read from another format or encoding.  Tasks are compared in order:
text, lead and support (canonical names), deadline (raw, kind, start, end) and
output; runs of white space count as one space.  Prints one line per
difference and exits 1 when there is any.
"""
import json, re, sys


def norm(v):
    if isinstance(v, str):
        return re.sub(r"\s+", " ", v).strip()
    return v


def fields(t):
    d = t.get("deadline") or {}
    return {
        "text": norm(t["text"]),
        "lead": [norm(a["name"]) for a in t["lead"]],
        "support": [norm(a["name"]) for a in t["support"]],
        "deadline": [norm(d.get("raw")), d.get("kind"), d.get("start"), d.get("end")] if d else None,
        "output": norm(t["output"]),
    }


def main():
    ref = json.load(open(sys.argv[1], encoding="utf-8"))
    got = json.load(open(sys.argv[2], encoding="utf-8"))
    label = sys.argv[3] if len(sys.argv) > 3 else sys.argv[2]
    diffs = []
    rt, gt = ref["tasks"], got["tasks"]
    if len(rt) != len(gt):
        diffs.append("%d tasks, expected %d" % (len(gt), len(rt)))
    for i, (a, b) in enumerate(zip(rt, gt)):
        fa, fb = fields(a), fields(b)
        for k in fa:
            if fa[k] != fb[k]:
                diffs.append("task %d (%s) %s: %r, expected %r" % (i + 1, a["number"], k, fb[k], fa[k]))
    for d in diffs[:20]:
        print("%s: %s" % (label, d))
    if len(diffs) > 20:
        print("%s: … %d more differences" % (label, len(diffs) - 20))
    sys.exit(1 if diffs else 0)


main()
