#!/bin/sh
# Sets up Plumbline on a Debian 12 machine: installs what the build needs, builds every
# plugin, and runs each one against this host, ending with the inspection report of this
# host (plumbline-inspect: every plugin's state and status line, as one report). The
# plugins that must be told what to watch get arguments that fit a fresh host (the
# journal, a database port that listens); one with nothing to watch here (no backup, no
# database) is listed as skipped, with the reason.
#
#   ./setup.sh              install build dependencies, build, print this host's report
#   ./setup.sh --deps-only  only install the dependencies (used by CI and tests/run-all.sh)
#   ./setup.sh --no-deps    build and run without touching the package manager
#
# Run it as root (or through sudo) the first time: it calls apt-get.
set -eu

top=$(cd "$(dirname "$0")" && pwd)
build="$top/_build"
mode=${1:-all}

# Debian packages: the build, Check for the unit tests, clang and libFuzzer for the fuzz
# targets, iproute2/util-linux/procps/coreutils for the kernel-level integration tests.
# The -dev packages are the outside libraries of lib/ext/ (JSON, SHA-256 and TLS, HTTP,
# PostgreSQL, MariaDB, the journal): the plugins that need one are built only with it.
packages="build-essential autoconf automake pkg-config check clang libclang-rt-14-dev \
	iproute2 util-linux procps coreutils gettext \
	libjson-c-dev libssl-dev libcurl4-openssl-dev libpq-dev libmariadb-dev libsystemd-dev libyajl-dev"

install_deps() {
	missing=""
	for p in $packages; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: missing packages:$missing; run as root (or: sudo apt-get install$missing)" >&2
		exit 1
	fi
	echo "setup.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

case "$mode" in
--deps-only) install_deps; exit 0 ;;
--no-deps) ;;
all) install_deps ;;
*) echo "usage: $0 [--deps-only|--no-deps]" >&2; exit 2 ;;
esac

cd "$top"
# configure is made anew when configure.ac or an m4 file changed since (a tree made
# before a new configure option would otherwise reject it).
if [ ! -x configure ] || [ -n "$(find configure.ac m4 -newer configure 2>/dev/null | head -n 1)" ]; then
	autoreconf -fi >/dev/null
fi
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" -q
make -s -j"$(nproc)" >/dev/null

# Whether something listens on TCP port $1 here (/proc/net/tcp{,6}: state 0A).
listening() {
	hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'
}
# The arguments a plugin needs on a fresh host, in $args (words without blanks), or
# return 1 with why it is skipped in $skip. The others run bare.
plugin_args() {
	args="" skip=""
	case "$1" in
	check_db_conns)
		# No credentials here: the socket mode counts the TCP connections to a
		# database's port, when one listens.
		for port in 5432 3306; do
			if listening "$port"; then
				args="--type socket --port $port"
				return 0
			fi
		done
		skip="no database server listens on port 5432 or 3306 (give --type pgsql or mysql and credentials, or --type socket --port PORT)"
		return 1 ;;
	check_log_errors)
		if [ -d /var/log/journal ] || [ -d /run/log/journal ]; then
			args="--journal"
		elif [ -r /var/log/syslog ]; then
			args="--file /var/log/syslog --critical-pattern segfault --warning-pattern error"
		else
			skip="no journal and no /var/log/syslog (give --file PATH with a pattern, or --journal)"
			return 1
		fi ;;
	check_backup_age)
		skip="no backup is configured here (give --source restic or borg with --repo, or --source files with --path and --class rules)"
		return 1 ;;
	check_url)
		if listening 80; then
			args="--url http://127.0.0.1/"
		else
			skip="no web server listens on port 80 here (give --url URL)"
			return 1
		fi ;;
	check_ids)
		# What an IDS check can read on any host: the SSH logins of the auth log or
		# the journal (Suricata's eve.json or Snort's alerts when one runs: --eve...).
		if [ -r /var/log/auth.log ]; then
			args="--auth-log /var/log/auth.log"
		elif [ -d /var/log/journal ] || [ -d /run/log/journal ]; then
			args="--journal"
		else
			skip="no auth log and no journal (give --eve, --auth-log or --journal)"
			return 1
		fi ;;
	check_restore_drill)
		skip="no restore drill is configured here (give --journal FILE, the drills' journal)"
		return 1 ;;
	check_antivirus)
		if ! command -v clamd >/dev/null 2>&1 && [ ! -x /usr/sbin/clamd ]; then
			skip="ClamAV is not installed (apt-get install clamav-daemon)"
			return 1
		fi ;;
	esac
	return 0
}

# Each plugin once (a rate plugin's first reading; a plugin that cannot run here says
# why in the report), into the check list of the inspection report that ends the run.
echo "Built in $build/plugins. Every plugin against this host, as one inspection report:"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
list=$state/checks.list
: >"$list"
for p in plugins/check_*; do
	[ -x "$p" ] || continue
	case "$p" in *.o | *.1) continue ;; esac
	name=$(basename "$p")
	if ! plugin_args "$name"; then
		printf '%-20s [skipped] %s\n' "$name" "$skip"
		continue
	fi
	# The plugins that keep state keep it in the scratch directory. $args is split
	# into words on purpose.
	sd=""
	"$p" --help 2>&1 | grep -q -- '--state-dir' && sd="--state-dir $state"
	# shellcheck disable=SC2086
	"$p" $sd $args >/dev/null 2>&1 || true
	echo "${name#check_} = $build/$p $sd $args" >>"$list"
done
# The report: each check's state and status line, grouped into the policy's inspection
# items; it exits with the worst state, which is no failure of setup.sh.
echo
plugins/plumbline-inspect --checks "$list" --state-dir "$state" --check-timeout 20 || true
echo
echo "Your own check list, the HTML report, the sign-off and the daily timer: README.md, \"Daily inspection\"."
echo "Install with: make -C $build install   (plugins in /usr/lib/nagios/plugins, man pages in /usr/share/man)"
