#!/bin/sh
# Each plugin links only what it needs: loading libcurl or OpenSSL costs milliseconds at
# every run, so a plugin may load only the outside libraries of the lib/ext/ modules it
# uses, and the /proc and /sys plugins nothing but libc. The table below is the
# allowlist: every plugin built must have a line, with the libraries (soname stems) it
# may name as NEEDED besides libc. A library those pull in is theirs to choose.
# Skipped in sanitizer builds, which link their runtimes.
PLUGINS=${PLUGINS:-$(cd "$(dirname "$0")/../plugins" && pwd)}

# plugin          libraries it may link besides libc
ALLOWLIST='
check_cpu
check_mem
check_disk_io
check_net
check_hwmon
check_mdraid
check_process
check_antivirus
check_db_conns
db_conns_pgsql  libpq
db_conns_mysql  libmariadb
check_log_errors  libsystemd
check_firewall  libjson-c libcrypto
check_backup_age  libjson-c
plumbline-notify  libjson-c libcrypto libcurl libm
check_restore_drill  libjson-c libcrypto
check_url  libcurl
check_ids  libjson-c libyajl libsystemd
plumbline-inspect
inspect_icinga2  libcurl libyajl
plumbline-report
plumbline-status
status_icinga2  libcurl libyajl
'
# For example, an HTTP plugin on lib/ext/'s libcurl module:  check_http  libcurl

command -v ldd >/dev/null 2>&1 || { echo "links: no ldd; skipped"; exit 77; }

# The libraries a program names as NEEDED (readelf), one stem a line: "libm.so.6" -> libm.
# Without readelf, ldd's list (which includes what those libraries pull in) stands in.
needed() {
	if command -v readelf >/dev/null 2>&1; then
		LC_ALL=C readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'
	else
		ldd "$1" | awk '$1 !~ /^(linux-vdso|\/)/ { print $1 }'
	fi | sed 's/\.so.*$//' | grep -v -x -e libc -e 'ld-linux.*'
}

# Prints the libraries $2 (a program named $1) links beyond its allowlist line, or
# "unlisted"; prints nothing when it keeps to its line.
beyond() {
	line=$(printf '%s\n' "$ALLOWLIST" | awk -v p="$1" '$1 == p')
	if [ -z "$line" ]; then
		echo unlisted
		return
	fi
	for lib in $(needed "$2"); do
		case " $line " in
		*" $lib "*) ;;
		*) printf '%s ' "$lib" ;;
		esac
	done
}

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1"; failed=$((failed + 1)); }

# The checker itself: a program named like a libc-only plugin that links libm must be
# caught, and one that links only libc must pass.
if command -v cc >/dev/null 2>&1; then
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/links.XXXXXX") || exit 99
	printf '#include <math.h>\nint main(int c, char **v) { (void)v; return (int)sqrt(c); }\n' \
		>"$tmp/m.c"
	if cc -o "$tmp/check_cpu" "$tmp/m.c" -Wl,--no-as-needed -lm 2>/dev/null &&
		cc -o "$tmp/check_mem" -x c - 2>/dev/null <<EOF
int main(void) { return 0; }
EOF
	then
		out=$(beyond check_cpu "$tmp/check_cpu")
		[ "$out" = "libm " ] && ok "the allowlist catches a libc-only plugin linking libm" ||
			notok "the allowlist let check_cpu link libm (got '$out')"
		out=$(beyond check_mem "$tmp/check_mem")
		[ -z "$out" ] && ok "a program linking only libc passes" ||
			notok "a libc-only program was refused ('$out')"
		out=$(beyond check_nosuch "$tmp/check_mem")
		[ "$out" = unlisted ] && ok "a plugin without an allowlist line is refused" ||
			notok "a plugin without an allowlist line passed ('$out')"
	fi
	rm -rf "$tmp"
fi

seen=0
# check_db_conns' backends (db_conns_*) are checked as plugins are: each its one library;
# so are plumbline-notify, plumbline-inspect, plumbline-status and their Icinga 2 parts
# (inspect_icinga2, status_icinga2).
for p in "$PLUGINS"/check_* "$PLUGINS"/db_conns_* "$PLUGINS"/plumbline-* "$PLUGINS"/inspect_* \
	"$PLUGINS"/status_*; do
	[ -x "$p" ] && [ -f "$p" ] || continue
	case "$p" in *.o | *.1 | *.c) continue ;; esac
	if grep -q AddressSanitizer "$p" 2>/dev/null || ldd "$p" | grep -q 'libasan\|libubsan'; then
		echo "links: sanitizer build; skipped"
		exit 77
	fi
	seen=$((seen + 1))
	name=$(basename "$p")
	extra=$(beyond "$name" "$p")
	allowed=$(printf '%s\n' "$ALLOWLIST" | awk -v p="$name" '$1 == p { $1 = ""; print }')
	if [ "$extra" = unlisted ]; then
		notok "$name has no line in the allowlist of tests/links.sh: add it with the libraries it may link"
	elif [ -n "$extra" ]; then
		notok "$name links ${extra% }, beyond its allowlist (libc${allowed:+,$allowed})"
	else
		ok "$name links only libc${allowed:+ and$allowed}"
	fi
	# A plugin that keeps no state (no --state-dir in its --help) links no state store:
	# the store's code runs at every run of the ones that keep state, and only there.
	if command -v nm >/dev/null 2>&1 &&
		! "$p" --help 2>/dev/null | grep -q -e '--state-dir'; then
		store=$(nm "$p" 2>/dev/null | awk '$3 ~ /^pl_store_/ { print $3 }' | tr '\n' ' ')
		[ -z "$store" ] && ok "$name keeps no state and links no pl_store code" ||
			notok "$name keeps no state but links the state store: $store"
	fi
done
[ "$seen" -gt 0 ] || notok "no plugin found in $PLUGINS"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
