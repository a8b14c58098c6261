#!/bin/sh
# Sets up Plumbline on a Debian 12 machine: installs what the build needs, builds every
# plugin, and runs each one against this host so you can see its status line.
#
#   ./setup.sh              install build dependencies, build, run every plugin
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
	iproute2 util-linux procps coreutils \
	libjson-c-dev libssl-dev libcurl4-openssl-dev libpq-dev libmariadb-dev libsystemd-dev"

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

echo "Built in $build/plugins. Each plugin against this host (state in a scratch dir):"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
for p in plugins/check_*; do
	[ -x "$p" ] || continue
	case "$p" in *.o) continue ;; esac
	name=$(basename "$p")
	# Rate plugins need two readings: the first run samples briefly, the second is the
	# figure you would get from a scheduled check.
	PLUMBLINE_STATE_DIR=$state "$p" >/dev/null 2>&1 || true
	out=$(PLUMBLINE_STATE_DIR=$state "$p" 2>&1) && rc=0 || rc=$?
	line=$(printf '%s\n' "$out" | head -n 1)
	printf '%-14s [exit %s] %s\n' "$name" "$rc" "${line%% | *}"
done
echo "Install with: make -C $build install   (plugins in /usr/lib/nagios/plugins, man pages in /usr/share/man)"
