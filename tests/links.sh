#!/bin/sh
# Each plugin links only what it needs: the /proc and /sys plugins load nothing but libc
# (loading libcurl or OpenSSL costs milliseconds at every run). A plugin that needs more
# is listed below with what it may load. Skipped in sanitizer builds, which link their
# runtimes.
PLUGINS=${PLUGINS:-$(cd "$(dirname "$0")/../plugins" && pwd)}
command -v ldd >/dev/null 2>&1 || { echo "links: no ldd; skipped"; exit 77; }
passed=0
failed=0
for p in "$PLUGINS"/check_*; do
	[ -x "$p" ] && [ -f "$p" ] || continue
	case "$p" in *.o | *.1 | *.c) continue ;; esac
	if grep -q AddressSanitizer "$p" 2>/dev/null || ldd "$p" | grep -q 'libasan\|libubsan'; then
		echo "links: sanitizer build; skipped"
		exit 77
	fi
	name=$(basename "$p")
	allowed='linux-vdso|libc\.so|ld-linux'
	extra=$(ldd "$p" | grep -v -E "$allowed" | awk '{print $1}' | tr '\n' ' ')
	if [ -n "$extra" ]; then
		echo "not ok - $name links more than libc: $extra"
		failed=$((failed + 1))
	else
		echo "ok - $name links only libc"
		passed=$((passed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
