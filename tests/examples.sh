#!/bin/sh
# The examples paste into bash as written: every command line of README.md's sh blocks
# and of each plugin's --help examples is read once as the literal words an admin means
# (quotes removed, nothing expanded) and once by bash itself, in an empty directory with
# failglob set and HOME pointing nowhere; the two lists must be the same. An unquoted
# ~ (tilde expansion: "steal=~:30" becomes "steal=/root:30"), glob, brace, $ or ` shows
# as a difference or an error, and so does a shell operator (| & ; < > ( )).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$(dirname "$0")/env.sh"
command -v bash >/dev/null 2>&1 || { echo "examples: no bash; skipped"; exit 77; }

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1"; failed=$((failed + 1)); }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/examples.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"

# The literal words of one command line, one a line: blanks split words, '...' and "..."
# are removed around their text, a backslash keeps the next character, an unquoted # at
# the start of a word begins a comment. What the shell would treat specially outside
# quotes ($ ` | & ; < > ( )) and $ ` \ inside double quotes give "ERROR <why>" instead.
literal_words() {
	printf '%s\n' "$1" | awk '
	{
		n = length($0); w = ""; inw = 0; q = ""
		for (i = 1; i <= n; i++) {
			c = substr($0, i, 1)
			if (q == "\047") {
				if (c == "\047") q = ""; else w = w c
				continue
			}
			if (q == "\"") {
				if (c == "\"") q = ""
				else if (c == "$" || c == "`" || c == "\\") { print "ERROR " c " inside double quotes"; exit }
				else w = w c
				continue
			}
			if (c == " " || c == "\t") {
				if (inw) print w
				w = ""; inw = 0
				continue
			}
			if (c == "#" && !inw) break
			if (index("$`|&;<>()", c)) { print "ERROR unquoted " c; exit }
			inw = 1
			if (c == "\047" || c == "\"") { q = c; continue }
			if (c == "\\") { i++; w = w substr($0, i, 1); continue }
			w = w c
		}
		if (q != "") { print "ERROR unterminated quote"; exit }
		if (inw) print w
	}'
}

# The same line as bash reads it.
bash_words() {
	(cd "$tmp/empty" && HOME=/nonexistent/home bash --norc --noprofile -c \
		'shopt -s failglob; eval "printf \"%s\\n\" $1"' bash "$1" 2>&1)
}

# check_line SOURCE LINE
check_line() {
	lit=$(literal_words "$2")
	case "$lit" in
	ERROR*)
		notok "$1: '$2' is not a plain command line (${lit#ERROR }): quote it"
		return
		;;
	esac
	got=$(bash_words "$2")
	if [ "$got" = "$lit" ]; then
		ok "$1: $2"
	else
		notok "$1: bash changes '$2': $(printf '%s' "$got" | tr '\n' ' ') (quote the word)"
	fi
}

# The checker itself, on lines that must fail and lines that must pass.
for bad in "check_cpu --criticalx steal=~:30" "check_disk_io --include nvme*" \
	"check_net --include eth{0,1}" "check_mem -w \$W" "check_cpu > out" \
	"check_hwmon --include 'nvme*' ~root"; do
	lit=$(literal_words "$bad")
	got=$(bash_words "$bad")
	case "$lit" in ERROR*) got=error ;; esac
	if [ "$got" = "$lit" ]; then
		notok "the checker lets through: $bad"
	else
		ok "the checker catches: $bad"
	fi
done
good="check_cpu --criticalx 'steal=~:30' --warningx \"iowait=20\" a\\ b   # a comment"
lit=$(literal_words "$good")
got=$(bash_words "$good")
if [ "$got" = "$lit" ] && [ "$(printf '%s\n' "$lit" | wc -l)" -eq 6 ]; then
	ok "the checker accepts a quoted line"
else
	notok "the checker refuses a quoted line: $(printf '%s' "$lit" | tr '\n' '|')"
fi

# README.md: every line of a sh block that is not a comment.
readme=$top_srcdir/README.md
n=0
awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 } on && NF && $1 !~ /^#/' "$readme" \
	>"$tmp/readme.lines"
while IFS= read -r line; do
	n=$((n + 1))
	check_line "README.md" "$line"
done <"$tmp/readme.lines"
[ "$n" -gt 5 ] || notok "README.md: only $n example lines found in its sh blocks"

# Each plugin's --help: the command lines of its Examples section.
seen=0
for p in "$PLUGINS"/check_*; do
	[ -x "$p" ] && [ -f "$p" ] || continue
	case "$p" in *.o | *.1 | *.c) continue ;; esac
	name=$(basename "$p")
	seen=$((seen + 1))
	"$p" --help 2>&1 | awk -v p="$name" '
		/^Examples:/ { on = 1; next }
		on && /^[^ ]/ { on = 0 }
		on && ($0 == "  " p || index($0, "  " p " ") == 1) { sub(/^  /, ""); print }' \
		>"$tmp/help.lines"
	[ -s "$tmp/help.lines" ] || notok "$name --help: no example lines found"
	while IFS= read -r line; do
		check_line "$name --help" "$line"
	done <"$tmp/help.lines"
done
[ "$seen" -gt 0 ] || notok "no plugin found in $PLUGINS"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
