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
