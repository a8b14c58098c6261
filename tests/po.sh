#!/bin/sh
# The Simplified Chinese catalog (po/zh_CN.po, README.md "Language") is complete and in
# step with the sources: msgfmt --check passes; no entry is untranslated or fuzzy; the
# template xgettext makes now from the files po/POTFILES.in lists has no msgid the
# catalog lacks, and the catalog no msgid the sources lost (msgmerge would make it
# obsolete); every C file that marks messages is listed, and every listed file exists;
# and what must never change with the language (option names, the state words, /proc,
# /sys and /etc paths) is in each translation as in its msgid.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$(dirname "$0")/env.sh"
: "${MSGFMT:=msgfmt}"
: "${XGETTEXT:=xgettext}"
: "${MSGMERGE:=msgmerge}"
for t in "$MSGFMT" "$XGETTEXT" "$MSGMERGE" msgattrib python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "po: no $t (apt-get install gettext); skipped"; exit 77; }
done
PO=$top_srcdir/po/zh_CN.po
tmp=$(mktemp -d "${TMPDIR:-/tmp}/po.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

stats=$(LC_ALL=C "$MSGFMT" --check --statistics -o "$tmp/zh_CN.mo" "$PO" 2>&1)
rc=$?
check "msgfmt --check po/zh_CN.po: $stats" '[ "$rc" -eq 0 ]'
check "every entry translated, none fuzzy" \
	'printf "%s\n" "$stats" | grep -Eq "^[0-9]+ translated messages?\.$"'
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$PO" | grep -c '^msgid ')
untr=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ')
check "msgattrib: no fuzzy entry ($fuzzy), no untranslated one ($untr)" \
	'[ "$fuzzy" -eq 0 ] && [ "$untr" -eq 0 ]'
obs=$(grep -c '^#~ msgid' "$PO")
check "no obsolete (#~) entry left in the catalog ($obs)" '[ "$obs" -eq 0 ]'

# The template, as "make -C po update-po" makes it (po/Makefile.am).
files=$(sed -e '/^#/d' -e '/^$/d' "$top_srcdir/po/POTFILES.in")
missing_file=""
for f in $files; do
	[ -f "$top_srcdir/$f" ] || missing_file="$missing_file $f"
done
check "every file po/POTFILES.in lists exists${missing_file:+ (not:$missing_file)}" \
	'[ -z "$missing_file" ]'
unlisted=""
for f in $(cd "$top_srcdir" && grep -lE '"pl_i18n\.h"|(^|[^A-Za-z0-9_])[NP]?_\("' \
	lib/core/*.c lib/source/*.c lib/ext/*.c plugins/*.c 2>/dev/null); do
	printf '%s\n' "$files" | grep -qx "$f" || unlisted="$unlisted $f"
done
check "every C file that marks messages is in po/POTFILES.in${unlisted:+ (not:$unlisted)}" \
	'[ -z "$unlisted" ]'
(cd "$top_srcdir" && "$XGETTEXT" --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	--flag=N_:1:no-c-format --keyword=P_:1,2 --keyword=C_:1c,2 --add-comments=TRANSLATORS: \
	--files-from=po/POTFILES.in -o "$tmp/plumbline.pot") 2>"$tmp/xgettext.err"
check "xgettext over po/POTFILES.in$(sed -n '1s/^/: /p' "$tmp/xgettext.err")" \
	'[ -s "$tmp/plumbline.pot" ]'
"$MSGMERGE" --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$PO" "$tmp/plumbline.pot" 2>&1
check "msgmerge of the catalog with the template" '[ -s "$tmp/merged.po" ]'
new=$(msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep '^msgid "' |
	grep -v '^msgid ""$' | head -n 5 | tr '\n' ' ')
check "every msgid of the sources has a translation${new:+ (missing: $new)}" '[ -z "$new" ]'
gone=$(msgattrib --only-obsolete "$tmp/merged.po" | grep '^#~ msgid' | head -n 5 | tr '\n' ' ')
check "no msgid in the catalog that the sources lost${gone:+ ($gone)}" '[ -z "$gone" ]'

# What never changes with the language, word for word.
bad=$(python3 - "$PO" <<'EOF'
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()


def unq(block):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))


keep = re.compile(r"--[a-z][a-z0-9-]*[a-z0-9]|\b(?:OK|WARNING|CRITICAL|UNKNOWN)\b|"
                  r"/(?:proc|sys|etc)(?:/[A-Za-z0-9_.-]+)*")
for ent in text.split("\n\n"):
    m = re.search(r'^msgid ((?:".*"\n?)+)', ent, re.M)
    s = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', ent, re.M)
    if not m or not s:
        continue
    mid, mstr = unq(m.group(1)), unq(s.group(1))
    if not mid:
        continue
    for w in keep.findall(mid):
        if w not in mstr:
            print("%r lost %r" % (mid[:50], w))
            break
EOF
)
check "option names, state words and paths kept in every translation${bad:+: $(printf '%s' "$bad" | head -n 3)}" \
	'[ -z "$bad" ]'
finish
