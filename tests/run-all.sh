#!/bin/sh
# The full test suite, as CI runs it: the style check, the unit tests (Check), the
# black-box cases over fixture trees, the state-store cases and the kernel-level
# integration tests, first in a -Werror build and then again in an AddressSanitizer +
# UndefinedBehaviorSanitizer build; then make distcheck, and every fuzz target for a
# short while.
#
#   tests/run-all.sh                 everything
#   tests/run-all.sh --quick         the -Werror build only (no sanitizers, no fuzzing)
#   FUZZ_SECONDS=N                   seconds per fuzz target (default 15)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
quick=no
[ "${1:-}" = "--quick" ] && quick=yes

"$top/setup.sh" --deps-only
# What only the tests need: jq (the black-box runner checks JSON output with it) and the
# real engines the integration tests drive (Icinga 2, Nagios 4, NRPE).
test_packages="jq curl icinga2 nagios4 nagios-nrpe-server nagios-nrpe-plugin monitoring-plugins-basic"
missing=""
for p in $test_packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "run-all: missing test packages:$missing (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "run-all: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
cd "$top"
[ -x configure ] || autoreconf -fi >/dev/null

run_build() { # dir, configure flags...
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" && make -s -j"$(nproc)" >/dev/null)
	echo "== make check in $(basename "$dir") ($*)"
	if ! (cd "$dir" && make -s -j"$(nproc)" check >/dev/null 2>&1); then
		for log in "$dir"/tests/*.log "$dir"/tests/*/*.log; do
			[ -f "$log" ] || continue
			case "$log" in */test-suite.log) continue ;; esac
			grep -q '^FAIL\|^ERROR' "${log%.log}.trs" 2>/dev/null && { echo "---- $log"; cat "$log"; }
		done
		grep -E '^(# )?(TOTAL|PASS|FAIL|SKIP|ERROR|XFAIL|XPASS)' "$dir/tests/test-suite.log" || true
		return 1
	fi
	cat "$dir"/tests/*.log "$dir"/tests/*/*.log 2>/dev/null | grep -E '^[0-9]+ passed, [0-9]+ failed|^[0-9]+%: Checks' || true
	grep -E '^(# )?(TOTAL|PASS|FAIL|SKIP|ERROR):' "$dir/tests/test-suite.log" | tr '\n' ' '
	echo
}

status=0
run_build "$top/_build-test" --enable-werror || status=1
if [ "$quick" = no ]; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		run_build "$top/_build-asan" --enable-werror --enable-sanitizers CC=clang || status=1
	# The release tarball must build, pass its tests, install under DESTDIR and
	# uninstall cleanly (make distcheck).
	echo "== make distcheck"
	if (cd "$top/_build-test" && make -s distcheck >distcheck.log 2>&1); then
		echo "distcheck: ok"
	else
		tail -n 40 "$top/_build-test/distcheck.log"
		status=1
	fi
	if [ -x "$top/tests/fuzz/run.sh" ]; then
		echo "== fuzz targets, ${FUZZ_SECONDS:-15}s each"
		FUZZ_SECONDS=${FUZZ_SECONDS:-15} "$top/tests/fuzz/run.sh" || status=1
	fi
fi
[ $status -eq 0 ] && echo "run-all: all passed" || echo "run-all: FAILED"
exit $status
