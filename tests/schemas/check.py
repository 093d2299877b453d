"""Checks of the chidao/1 record for tests/schemas.sh, run with Debian's
/usr/bin/python3 (python3-jsonschema).  One process does many checks, since
starting Python and importing jsonschema costs more than a check.

  check.py schema SCHEMA             the JSON Schema is itself a valid 2020-12 schema
  check.py valid SCHEMA FILE...      each JSON file conforms (formats asserted)
  check.py invalid SCHEMA FILE...    each JSON file is rejected
  check.py same XML...               each X.xml carries the values of X.json

Every check prints one line, "PASS what" or "FAIL what: why"; the shell
counts them.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

# The XML form's list containers and the name of their entries; the
# contract's JSON has plain arrays there.
LIST_ENTRY = {
    "tasks": "task",
    "indicators": "indicator",
    "diagnostics": "diagnostic",
    "references": "reference",
    "replaces": "reference",
    "recipients": "recipient",
    "section": "heading",
    "direction": "leader",
    "lead": "agency",
    "support": "agency",
}
# Leaves that are JSON integers.
INTEGER = {"bytes", "year", "line", "first", "last"}

# What XML 1.0 cannot carry, and the XML form therefore drops.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Obj(tuple):
    """A JSON object as its (key, value) pairs in order, so that comparing
    two records also compares the order of their keys."""


class Mismatch(Exception):
    pass


def validator(schema_path):
    from jsonschema import Draft202012Validator

    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def schema_errors(v, doc):
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message) for e in errors]


# ---- the XML back into the JSON shape ----

def no_text(el, where):
    if (el.text or "").strip():
        raise Mismatch("%s: stray text %r" % (where, el.text.strip()))
    for child in el:
        if (child.tail or "").strip():
            raise Mismatch("%s: stray text %r" % (where, child.tail.strip()))


def fields(el, where):
    pairs = []
    for child in el:
        pairs.append((child.tag.replace("-", "_"), from_xml(child, "%s/%s" % (where, child.tag))))
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Mismatch("%s: repeated element" % where)
    return pairs


def from_xml(el, where):
    if el.get(XSI_NIL) == "true":
        if len(el) or el.text:
            raise Mismatch("%s: nil element with content" % where)
        return None
    if el.tag in LIST_ENTRY:
        no_text(el, where)
        for child in el:
            if child.tag != LIST_ENTRY[el.tag]:
                raise Mismatch("%s: <%s> in a list of <%s>" % (where, child.tag, LIST_ENTRY[el.tag]))
        return [from_xml(c, "%s/%s[%d]" % (where, c.tag, i)) for i, c in enumerate(el)]
    if el.tag == "lines":
        no_text(el, where)
        pairs = fields(el, where)
        if [k for k, _ in pairs] != ["first", "last"]:
            raise Mismatch("%s: expected <first> and <last>" % where)
        return [v for _, v in pairs]
    if len(el):
        no_text(el, where)
        return Obj(fields(el, where))
    text = el.text or ""
    if el.tag in INTEGER:
        try:
            return int(text)
        except ValueError:
            raise Mismatch("%s: %r is not an integer" % (where, text))
    return text


def record_from_xml(path):
    root = ET.parse(path).getroot()
    if root.tag != "chidao":
        raise Mismatch("root element is <%s>" % root.tag)
    no_text(root, "/chidao")
    return Obj([("schema", root.get("schema"))] + fields(root, "/chidao"))


def as_xml_can_carry(value):
    """The JSON value with the characters the XML form drops removed."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, list):
        return [as_xml_can_carry(v) for v in value]
    if isinstance(value, Obj):
        return Obj((k, as_xml_can_carry(v)) for k, v in value)
    return value


def difference(want, got, where=""):
    """Where the JSON value (want) and the XML's (got) first differ, or None."""
    if isinstance(want, Obj) and isinstance(got, Obj):
        wk, gk = [k for k, _ in want], [k for k, _ in got]
        if wk != gk:
            return "%s: JSON keys %s, XML elements %s" % (where or "/", wk, gk)
        for (k, w), (_, g) in zip(want, got):
            d = difference(w, g, "%s/%s" % (where, k))
            if d:
                return d
        return None
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return "%s: %d entries in JSON, %d in XML" % (where, len(want), len(got))
        for i, (w, g) in enumerate(zip(want, got)):
            d = difference(w, g, "%s/%d" % (where, i))
            if d:
                return d
        return None
    if type(want) is not type(got) or want != got:
        return "%s: JSON %r, XML %r" % (where, want, got)
    return None


def same(xml_path, json_path):
    try:
        with open(json_path, encoding="utf-8") as f:
            want = as_xml_can_carry(json.load(f, object_pairs_hook=Obj))
    except (OSError, ValueError) as e:
        return str(e)
    try:
        got = record_from_xml(xml_path)
    except (Mismatch, ET.ParseError, OSError) as e:
        return str(e)
    return difference(want, got)


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "schema":
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        try:
            with open(args[0], encoding="utf-8") as f:
                Draft202012Validator.check_schema(json.load(f))
            print("PASS %s is a valid 2020-12 schema" % args[0])
        except (ValueError, SchemaError) as e:
            print("FAIL %s is not a valid schema: %s" % (args[0], getattr(e, "message", e)))
    elif cmd in ("valid", "invalid"):
        v = validator(args[0])
        for path in args[1:]:
            try:
                errors = schema_errors(v, load_json(path))
            except (OSError, ValueError) as e:
                print("FAIL %s: not readable JSON: %s" % (path, e))
                continue
            if cmd == "valid" and errors:
                print("FAIL %s against the JSON Schema: %s" % (path, "; ".join(errors[:5])))
            elif cmd == "invalid" and not errors:
                print("FAIL %s: the JSON Schema accepts it" % path)
            else:
                print("PASS %s %s by the JSON Schema" % (path, "accepted" if cmd == "valid" else "rejected"))
    elif cmd == "same":
        for xml_path in args:
            json_path = re.sub(r"\.xml$", "", xml_path) + ".json"
            d = same(xml_path, json_path)
            if d:
                print("FAIL %s and %s differ: %s" % (xml_path, json_path, d))
            else:
                print("PASS %s carries the values of %s" % (xml_path, json_path))
    else:
        sys.exit("check.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main(sys.argv)
