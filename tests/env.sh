# Sourced by the test scripts in tests/blackbox and tests/integration: where the sources,
# the fixtures and the built plugins are. "make check" sets top_srcdir, top_builddir,
# PLUGINS and FIXTURES; run by hand, they are guessed from the script's place and from
# the current directory (the top of a build tree, or its tests/).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
if [ -z "${PLUGINS:-}" ]; then
	if [ -n "${top_builddir:-}" ]; then
		PLUGINS=$top_builddir/plugins
	elif [ -x "$PWD/plugins/check_cpu" ]; then
		PLUGINS=$PWD/plugins
	elif [ -x "$PWD/../plugins/check_cpu" ]; then
		PLUGINS=$(cd "$PWD/../plugins" && pwd)
	else
		PLUGINS=$top_srcdir/plugins
	fi
fi
: "${FIXTURES:=$top_srcdir/tests/fixtures}"
export top_srcdir PLUGINS FIXTURES

# free_port [WANTED]: a TCP port nothing listens on (WANTED itself when it is free), for a
# test's own servers on loopback. For bash scripts (RANDOM).
free_port() {
	local p i
	p=${1:-}
	for i in $(seq 100); do
		if [ -n "$p" ] && ! ss -Hltn "sport = :$p" | grep -q .; then
			echo "$p"
			return 0
		fi
		p=$((20000 + RANDOM % 30000))
	done
	return 1
}

# watchdog SECONDS: the backstop of a test that starts servers (every wait in it is
# bounded too): after SECONDS it prints a "not ok" line and sends TERM to the test, whose
# EXIT trap then cleans up. Sets WATCHDOG to its pid, for the cleanup to kill.
watchdog() {
	(
		trap 'kill "$sp" 2>/dev/null; exit 0' TERM
		sleep "$1" &
		sp=$!
		wait "$sp"
		echo "not ok - the whole test took over ${1}s: stopped"
		kill -TERM $$
	) &
	WATCHDOG=$!
}

# One line a check ("ok - NAME" / "not ok - NAME"), counted in passed and failed; a test
# ends with "N passed, M failed" (finish). A test may define its own check or finish
# over these (one that prints more on a failure).
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1"; failed=$((failed + 1)); }
# check NAME CONDITION: the condition (a shell string, eval'd) as a check.
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
# finish: the "N passed, M failed" line; exit 0 when none failed, else 1.
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

# expect NAME RC PATTERN...: the exit code in $rc and each extended regex somewhere in
# $out (what the test's own run function left there).
expect() {
	local name=$1 want=$2 p
	shift 2
	if [ "$rc" != "$want" ]; then
		notok "$name: exit $rc, want $want: $(printf '%s' "$out" | head -n 3)"
		return
	fi
	for p in "$@"; do
		if ! printf '%s\n' "$out" | grep -Eq -- "$p"; then
			notok "$name: no /$p/ in: $(printf '%s' "$out" | head -n 4)"
			return
		fi
	done
	ok "$name"
}
# refute NAME PATTERN: the extended regex must not be in $out.
refute() {
	if printf '%s\n' "$out" | grep -Eq -- "$2"; then
		notok "$1: /$2/ in: $(printf '%s' "$out" | head -n 3)"
	else
		ok "$1"
	fi
}
