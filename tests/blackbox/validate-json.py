# Validates JSON documents against the result schema.
#
#   /usr/bin/python3 validate-json.py SCHEMA FILE...
#   /usr/bin/python3 validate-json.py --self-test SCHEMA
#
# --self-test checks the schema itself on documents written here: a minimal result and
# one with an item are accepted, "not_judged" entries (optional, added within schema 1)
# are accepted at the top and in items, a document without them still is (older
# outputs stay valid), and malformed entries are refused. Prints why and exits 1 when
# the schema does not hold that.
#
# Each FILE must hold exactly one JSON document that the schema accepts. Prints one
# "FILE: why" line per bad file and exits 1 when there was one; 2 when the validator
# itself is missing (Debian: python3-jsonschema). Run it with /usr/bin/python3: another
# python3 on the PATH may lack Debian's modules.
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate-json: python3-jsonschema is not installed (apt-get install "
          "python3-jsonschema)", file=sys.stderr)
    sys.exit(2)


def minimal():
    node = {"findings": [], "lines": [], "not_judged": [], "metrics": [], "facts": {},
            "items": []}
    doc = dict(node, schema=1, plugin="check_x", service="X", state="OK", exit_code=0,
               status="X OK - fine", summary="fine",
               left_out={"items": 0, "metrics": 0, "findings": 0, "lines": 0, "facts": 0,
                         "not_judged": 0})
    item = dict(node, kind="device", name="sda", label="sda", state="OK")
    return doc, item


def self_test(validator):
    note = {"label": "eth3_rx_util", "for": "this run",
            "reason": "eth3 appeared since the last run", "fix": None,
            "thresholds": ["-w (argument 5)"]}
    good, bad = [], []
    doc, item = minimal()
    good.append(("a minimal result", doc))
    doc, item = minimal()
    item["not_judged"] = [note]
    doc["items"] = [item]
    doc["not_judged"] = [dict(note, label="md0_spare", **{"for": "not here"})]
    good.append(("not_judged at the top and in an item", doc))
    doc, item = minimal()
    del doc["not_judged"], doc["left_out"]["not_judged"]
    good.append(("a result without not_judged (older outputs)", doc))
    for why, change in [
            ("an unknown 'for'", {"for": "sometimes"}),
            ("no reason", {"reason": None}),
            ("an empty reason", {"reason": ""}),
            ("no thresholds", {"thresholds": []}),
            ("a threshold that is no string", {"thresholds": [80]}),
            ("an unknown key", {"value": 1})]:
        for where in ("top", "item"):
            doc, item = minimal()
            n = dict(note, **change)
            n = {k: v for k, v in n.items() if v is not None or k == "fix"}
            if where == "top":
                doc["not_judged"] = [n]
            else:
                item["not_judged"] = [n]
                doc["items"] = [item]
            bad.append(("not_judged (%s) with %s" % (where, why), doc))
    failed = 0
    for why, doc in good:
        errors = list(validator.iter_errors(doc))
        if errors:
            print("self-test: %s is refused: %s" % (why, errors[0].message[:200]))
            failed += 1
    for why, doc in bad:
        if validator.is_valid(doc):
            print("self-test: %s is accepted" % why)
            failed += 1
    sys.exit(1 if failed else 0)


def main():
    if sys.argv[1] == "--self-test":
        with open(sys.argv[2], encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        self_test(cls(schema))
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in sys.argv[2:]:
        try:
            with open(path, "rb") as f:
                raw = f.read()
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            print("%s: not one JSON document: %s" % (path, e))
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:3]:
            where = "/".join(str(p) for p in e.path) or "(top)"
            print("%s: at %s: %s" % (path, where, e.message[:300]))
        bad += bool(errors)
    sys.exit(1 if bad else 0)


main()
