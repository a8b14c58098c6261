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
#   PACKAGE_TEST=1                   with --quick: also the Debian package test (the full
#                                    run always has it; PACKAGE_TEST=0 leaves it out there)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
quick=no
[ "${1:-}" = "--quick" ] && quick=yes

"$top/setup.sh" --deps-only
# What only the tests need (README.md, "Quick start", says the same):
#   jq, curl              the black-box runner checks JSON with jq; curl reads Icinga 2's API
#   icinga2, nagios4-core, nagios-nrpe-server, nagios-nrpe-plugin
#                         the real engines that tests/integration/engines.sh starts on its
#                         own, on loopback (nagios4-core: the daemon alone, without the
#                         web interface, Apache and PHP of "nagios4")
#   monitoring-plugins-basic  what those engines expect beside them
#   postgresql, postgresql-client-15, mariadb-server, mariadb-client
#                         the real servers tests/integration/db.sh starts on its own, in a
#                         scratch directory on 127.0.0.1 (check_db_conns)
#   systemd-journal-remote, logrotate
#                         tests/integration/log-errors.sh makes .journal files from export
#                         text with the first (no journald needed) and rotates a log with
#                         the real logrotate (its timer is disabled like the services)
#   nftables, iptables    tests/integration/firewall.sh loads rulesets with nft, iptables-nft
#                         and iptables-legacy into network namespaces it creates
#   ufw                   firewall.sh enables the real ufw in such a namespace, its /etc/ufw
#                         a copy bound over the host's in a mount namespace (the host's
#                         ufw stays ENABLED=no, as the package installs it)
#   firewalld             firewall.sh runs the real firewalld on a private system bus (its
#                         own dbus-daemon, /run/dbus a tmpfs in a mount namespace) with its
#                         rules in a network namespace; its unit is stopped and disabled
#   restic, borgbackup    tests/integration/backup.sh makes real repositories with them
#   nginx-light, openssl  tests/integration/http.sh starts nginx (built with ssl and http_v2)
#                         on loopback with certificates it makes with openssl (check_url)
#   monitoring-plugins-standard, liburiparser1
#                         bench/url runs Monitoring Plugins' check_curl beside check_url
#                         (liburiparser1 is only a Recommends of the package, and
#                         check_curl does not start without it)
#   fail2ban              tests/integration/ids.sh runs a real fail2ban-server in a scratch
#                         directory (its own socket, a no-op ban action)
#   sudo                  tests/integration/firewall.sh checks contrib/sudoers.d/plumbline
#                         with visudo -c (no service)
#   python3-jsonschema    the black-box runner checks every JSON output against
#                         contrib/schema/plumbline-result.schema.json with it (run by
#                         /usr/bin/python3, never a python3 found on the PATH)
#   chromium              tests/integration/inspect.sh opens the HTML report in a real
#                         headless Chromium (screenshot, DOM, print to PDF, no request)
#   fonts-wqy-zenhei      a CJK font: the Chinese HTML reports of inspect.sh and
#                         report-html.sh show glyphs, not boxes, on screen and in the PDF
#   openssl               tests/integration/notify.sh makes a CA and a certificate for
#                         its STARTTLS and SMTPS receivers
# Their services are neither started by the install nor enabled at boot: apt-get runs
# under a policy-rc.d that refuses every start, and the services of the packages it
# installed are disabled afterwards. Nagios 4 depends on a mailx, which needs a mail
# transfer agent: where there is none, ssmtp (no daemon) stands in, instead of exim4.
test_packages="jq nftables iptables ufw python3-jsonschema libcap2-bin curl icinga2 nagios4-core nagios-nrpe-server nagios-nrpe-plugin monitoring-plugins-basic postgresql postgresql-client-15 mariadb-server mariadb-client clamav clamav-daemon systemd-journal-remote logrotate restic borgbackup sudo openssl nginx-light monitoring-plugins-standard liburiparser1 fail2ban firewalld dpkg-dev debhelper lintian fakeroot tinyproxy-bin chromium poppler-utils fonts-wqy-zenhei"
installed() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 2>/dev/null | awk '$1 == "ii" { print $2 }'; }
missing=""
for p in $test_packages; do
	installed | grep -qx "$p" || missing="$missing $p"
done
if [ -n "$missing" ] && ! installed | grep -qx nagios4-common &&
	! dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null |
	grep '^ii ' | grep -q 'mail-transport-agent'; then
	missing="$missing ssmtp"
fi
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "run-all: missing test packages:$missing (run as root, or apt-get install them)" >&2
		exit 1
	fi
	echo "run-all: installing for the tests:$missing (services kept stopped and disabled)"
	before=$(installed)
	policy=/usr/sbin/policy-rc.d
	made_policy=no
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# tests/run-all.sh: no service starts while it installs\nexit 101\n' \
			>"$policy"
		chmod 755 "$policy"
		made_policy=yes
		trap 'rm -f "$policy"' EXIT
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# --no-remove: never take away a package of the admin's (an MTA, say) to make room.
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends --no-remove $missing >/dev/null
	if [ "$made_policy" = yes ]; then
		rm -f "$policy"
		trap - EXIT
	fi
	# Every service of a package installed just now: stopped (in case a policy-rc.d of
	# the admin's let it start) and disabled at boot.
	for pkg in $(installed | grep -vxF "$before"); do
		for f in $(dpkg -L "$pkg" 2>/dev/null |
			grep -E '^(/usr)?/lib/systemd/system/[^/]+\.(service|socket|timer)$|^/etc/init\.d/[^/]+$'); do
			unit=$(basename "$f")
			case "$f" in
			/etc/init.d/*)
				"$f" stop >/dev/null 2>&1 || true
				update-rc.d "$unit" disable >/dev/null 2>&1 || true
				;;
			*)
				if [ -d /run/systemd/system ]; then
					systemctl stop "$unit" >/dev/null 2>&1 || true
				fi
				if command -v systemctl >/dev/null 2>&1; then
					systemctl disable --quiet "$unit" >/dev/null 2>&1 || true
				fi
				;;
			esac
			echo "run-all: $pkg: $unit stopped and disabled"
		done
	done
fi
cd "$top"
# configure is made anew when configure.ac or an m4 file changed since (a tree made
# before a new configure option would otherwise reject it).
if [ ! -x configure ] || [ -n "$(find configure.ac m4 -newer configure 2>/dev/null | head -n 1)" ]; then
	autoreconf -fi >/dev/null
fi

run_build() { # dir, configure flags...
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@" && make -s -j"$(nproc)" >/dev/null)
	echo "== make check in $(basename "$dir") ($*)"
	if ! (cd "$dir" && make -s -j"$(nproc)" check >make-check.out 2>&1); then
		# A test program that does not compile leaves no test-suite.log: show why.
		[ -f "$dir/tests/test-suite.log" ] || grep -E 'error|\*\*\*' "$dir/make-check.out" | head -n 20
		for log in "$dir"/tests/*.log "$dir"/tests/*/*.log; do
			[ -f "$log" ] || continue
			case "$log" in */test-suite.log) continue ;; esac
			grep -q '^FAIL\|^ERROR' "${log%.log}.trs" 2>/dev/null && { echo "---- $log"; cat "$log"; }
		done
		grep -E '^(# )?(TOTAL|PASS|FAIL|SKIP|ERROR|XFAIL|XPASS)' "$dir/tests/test-suite.log" 2>/dev/null || true
		return 1
	fi
	cat "$dir"/tests/*.log "$dir"/tests/*/*.log 2>/dev/null | grep -E '^[0-9]+ passed, [0-9]+ failed|^[0-9]+%: Checks' || true
	grep -E '^(# )?(TOTAL|PASS|FAIL|SKIP|ERROR):' "$dir/tests/test-suite.log" | tr '\n' ' '
	echo
}

status=0
# --enable-require-libs: a missing outside library fails the build instead of leaving
# its plugins (and their tests) out.
run_build "$top/_build-test" --enable-werror --enable-require-libs || status=1
if [ "$quick" = no ]; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		run_build "$top/_build-asan" --enable-werror --enable-require-libs --enable-sanitizers CC=clang || status=1
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
# The Debian packages, once (not in make check, not under ASan): built twice from a clean
# copy of the tree, linted, installed, upgraded, run through NRPE, purged. Needs root and a
# git clone; exit 77 says why it skipped.
if { [ "$quick" = no ] && [ "${PACKAGE_TEST:-1}" != 0 ]; } ||
	{ [ "$quick" = yes ] && [ "${PACKAGE_TEST:-0}" = 1 ]; }; then
	echo "== Debian packages (tests/integration/debian.sh)"
	plog=$top/_build-test/debian.log
	prc=0
	top_srcdir=$top bash "$top/tests/integration/debian.sh" >"$plog" 2>&1 || prc=$?
	case $prc in
	0) grep -E '^[0-9]+ passed, [0-9]+ failed' "$plog" || true ;;
	77) grep -m 1 'skipped' "$plog" || true ;;
	*)
		grep -E '^not ok|^[0-9]+ passed' "$plog" || tail -n 20 "$plog"
		status=1
		;;
	esac
fi
[ $status -eq 0 ] && echo "run-all: all passed" || echo "run-all: FAILED"
exit $status
