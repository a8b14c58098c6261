#!/bin/sh
# Style check, in the spirit of curl's checksrc: fails on calls the suite bans because
# they overflow buffers, ignore errors or keep hidden state. Use the checked helpers of
# lib/ instead: pl_snprintf, pl_strlcpy, pl_buf_*, pl_parse_* / pl_scan_*.
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 99
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|atoi|atol|atoll|atof|strtok|strtol|strtoul|strtoll|strtoull|strtod|sscanf|fscanf|scanf|system|popen|alloca)[[:space:]]*\('
# strip comments and string literals crudely: ignore lines that are comments
# String literals are removed first: a message may well say "system (".
hits=$(grep -rnE "$banned" --include='*.c' --include='*.h' lib plugins tests/unit tests/fuzz bench 2>/dev/null \
	| sed -E 's/"([^"\\]|\\.)*"/""/g' | grep -E "$banned" \
	| grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' )
if [ -n "$hits" ]; then
	echo "checksrc: banned calls (use lib/'s checked helpers):"
	echo "$hits"
	exit 1
fi
# No trailing blanks; lines of at most 100 columns in lib/ and plugins/, except lines that
# carry a string literal (a message is easier to grep for in one piece).
bad=$(grep -rnE '[[:space:]]+$' --include='*.c' --include='*.h' lib plugins tests/unit tests/fuzz | head -n 20)
if [ -n "$bad" ]; then
	echo "checksrc: trailing whitespace:"
	echo "$bad"
	exit 1
fi
long=$(awk 'FILENAME ~ /\.[ch]$/ { l=$0; gsub(/\t/, "        ", l); if (length(l) > 100 && l !~ /"/) print FILENAME ":" FNR ": line longer than 100 columns" }' \
	$(find lib plugins -name '*.[ch]') | head -n 20)
if [ -n "$long" ]; then
	echo "checksrc: $long"
	exit 1
fi
# Each main() in plugins/ reads as parse, arm, collect, evaluate, report, and the
# evaluation lives in lib/ where unit tests reach it: no function body in plugins/ over
# 60 lines (from the '{' that opens a definition at the start of a line to its '}').
fat=$(awk 'FNR == 1 { body = 0; fn = "" }
	/^[A-Za-z_][A-Za-z0-9_]*\(/ { fn = $0; sub(/\(.*/, "", fn) }
	/^\{/ { body = 1; n = 0; start = FNR; next }
	body && /^\}/ { if (n > 60) print FILENAME ":" fn ":" start ":" n; body = 0; next }
	body { n++ }' plugins/*.c |
	while IFS=: read -r file fn line n; do
		echo "$file:$line: $fn() has $n lines (at most 60: split it, or move its evaluation into lib/)"
	done | head -n 20)
if [ -n "$fat" ]; then
	echo "checksrc: $fat"
	exit 1
fi
echo "checksrc: ok"
exit 0
