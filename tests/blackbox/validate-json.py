# Validates JSON documents against the result schema.
#
#   /usr/bin/python3 validate-json.py SCHEMA FILE...
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


def main():
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
