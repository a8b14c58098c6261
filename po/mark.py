#!/usr/bin/python3
"""Marks messages for translation: wraps with _() the format argument of the calls named.

    po/mark.py FILE... [--call NAME:INDEX]...

Each NAME:INDEX says that argument INDEX (from 0) of calls to NAME is a message (a
printf format or a text). An argument made only of string literals that hold a letter
is wrapped, _("...") (already wrapped ones and "%s" are left alone); the text fields
of struct pl_plugin and struct pl_option (.help, .purpose, .description, .metrics,
.examples, .selects, .primary_help) get N_("..."): the library translates them. The default calls
are the library's: see DEFAULT. Prints what it changed; check the diff, then run
`make -C _b update-po` and translate the new entries of po/zh_CN.po."""
import re
import sys

DEFAULT = [
    "pl_snprintf:2", "pl_buf_printf:1", "pl_buf_puts:1", "pl_result_summary:1",
    "pl_result_summary_add:1", "pl_result_summary_metric:2", "pl_result_finding:2",
    "pl_result_line:1", "pl_die:1", "pl_usage_die:0", "pl_result_usage:1",
    "pl_item_finding:2", "pl_item_line:1", "pl_item_summary:1", "pl_metric_missing:2",
    "pl_metric_missing:3", "pl_timeout_waiting:0", "pl_timeout_waiting_on:0",
    "pl_wrap:1",
]
SKIP = re.compile(r"^option table:")
SPEC = re.compile(r"%[-+ #0-9.*]*[hlLqjzt]*[diouxXeEfgGcspn%]|\\.")


def is_message(text):
    """Words a person reads: a lowercase word not part of an option name (--x, -x),
    a variable ($X) or a conversion (%s); "-file FILE" and "%s (%s)" are not."""
    t = SPEC.sub("\0", text)   # a word right after a conversion is a unit: "%sms"
    words = re.findall(r"(?<![-\w$@\0\\./])[A-Za-z]*[a-z][A-Za-z]*(?![\w])", t)
    # One word is a message alone ("reading"), not beside a conversion ("end %016llx").
    if len(words) == 1 and text.strip() != words[0] and len(words[0]) < 4:
        return False
    return bool(words) and not SKIP.search(text)


def literal_end(s, i):
    """s[i] is '"': index after the closing quote."""
    i += 1
    while s[i] != '"':
        i += 2 if s[i] == "\\" else 1
    return i + 1


def skip(s, i):
    """Past a string, char literal or comment starting at i, else i."""
    if s[i] == '"':
        return literal_end(s, i)
    if s[i] == "'":
        i += 1
        while s[i] != "'":
            i += 2 if s[i] == "\\" else 1
        return i + 1
    if s.startswith("/*", i):
        return s.index("*/", i) + 2
    if s.startswith("//", i):
        return s.index("\n", i)
    return i


def args_of(s, i):
    """s[i] is '(': [(start, end)] of each argument, and the index after ')'."""
    depth, start, out = 0, i + 1, []
    j = i
    while True:
        k = skip(s, j)
        if k != j:
            j = k
            continue
        c = s[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                out.append((start, j))
                return out, j + 1
        elif c == "," and depth == 1:
            out.append((start, j))
            start = j + 1
        j += 1


def only_literals(a):
    t = a.strip()
    if not t.startswith('"'):
        return False
    i = 0
    while i < len(t):
        if t[i].isspace():
            i += 1
        elif t[i] == '"':
            i = literal_end(t, i)
        else:
            return False
    return True


def text_of(a):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', a))


def mark(src, calls):
    edits = []
    for name, idx in calls:
        for m in re.finditer(r"\b%s\s*\(" % re.escape(name), src):
            line_start = src.rfind("\n", 0, m.start()) + 1
            if src[line_start:m.start()].lstrip().startswith(("*", "/*", "#")):
                continue
            args, _ = args_of(src, m.end() - 1)
            if idx >= len(args):
                continue
            a0, a1 = args[idx]
            a = src[a0:a1]
            if not only_literals(a) or not is_message(text_of(a)):
                continue
            lead = len(a) - len(a.lstrip())
            trail = len(a) - len(a.rstrip())
            edits.append((a0 + lead, a1 - trail))
    out, last = [], 0
    for b, e in sorted(set(edits)):
        out.append(src[last:b] + "_(" + src[b:e] + ")")
        last = e
    out.append(src[last:])
    return "".join(out), len(set(edits))


FIELDS = ("help", "purpose", "description", "metrics", "examples", "selects", "primary_help")


def mark_fields(src):
    """N_() around the literals of the plugin's and the options' text fields."""
    edits = []
    for m in re.finditer(r"\.(%s)\s*=\s*" % "|".join(FIELDS), src):
        i = m.end()
        if src[i] != '"':
            continue
        j = i
        while True:
            k = j
            while src[k].isspace():
                k += 1
            if src[k] != '"':
                break
            j = literal_end(src, k)
        if is_message(text_of(src[i:j])):
            edits.append((i, j))
    out, last = [], 0
    for b, e in edits:
        out.append(src[last:b] + "N_(" + src[b:e] + ")")
        last = e
    out.append(src[last:])
    return "".join(out), len(edits)


def main(argv):
    files, calls = [], []
    it = iter(argv)
    for a in it:
        if a == "--call":
            n, i = next(it).split(":")
            calls.append((n, int(i)))
        else:
            files.append(a)
    if not calls:
        calls = [(c.split(":")[0], int(c.split(":")[1])) for c in DEFAULT]
    for f in files:
        with open(f, encoding="utf-8") as fh:
            src = fh.read()
        new, n = mark(src, calls)
        new, nf = mark_fields(new)
        n += nf
        if n:
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(new)
        print("%s: %d marked" % (f, n))


if __name__ == "__main__":
    main(sys.argv[1:])
