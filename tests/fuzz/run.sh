#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with libFuzzer, ASan and UBSan, seeds each from the
# fixtures its "fuzz-seeds:" line names and from tests/fuzz/seeds/<name>/, and runs it for
# $FUZZ_SECONDS (default 20) on a temporary copy of that corpus: nothing is written into
# the source tree. Prints "fuzz_x: ok (N runs)" or the failure per target, then
# "N passed, M failed"; exits 1 if any target failed to build or crashed.
#
# Environment: FUZZ_SECONDS, CC (default clang), BUILD_DIR (a configured build tree whose
# config.h to use; by default a small one is generated), FUZZ_WORK (the scratch directory;
# default a new one under /tmp, removed when every target passed), FUZZ_TARGETS (names to
# run, e.g. "range store"; default all).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-20}
cc=${CC:-clang}
command -v "$cc" >/dev/null 2>&1 || cc=clang-14
work=${FUZZ_WORK:-$(mktemp -d /tmp/plumbline-fuzz.XXXXXX)}
mkdir -p "$work/obj" "$work/bin" "$work/corpus" "$work/crash" || exit 2
san='-fsanitize=address,undefined -fno-sanitize-recover=all'
cflags="-std=c99 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter"

# config.h: the configured one if given, else the few macros lib/ needs.
if [ -n "${BUILD_DIR:-}" ] && [ -f "$BUILD_DIR/config.h" ]; then
	confdir=$BUILD_DIR
else
	confdir=$work
	version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
	cat >"$work/config.h" <<EOF
#define _GNU_SOURCE 1
#define PACKAGE "plumbline"
#define PACKAGE_NAME "plumbline"
#define PACKAGE_VERSION "${version:-0}"
#define VERSION PACKAGE_VERSION
#define PL_STATE_ROOT "/var/tmp"
#define PL_SYSCONFDIR "/etc"
EOF
fi

# libFuzzer's runtime lives in libclang-rt-14-dev on Debian; install it when missing.
printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n' >"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "libFuzzer runtime missing: installing libclang-rt-14-dev"
		apt-get install -y libclang-rt-14-dev >"$work/apt.log" 2>&1 ||
			{ apt-get update && apt-get install -y libclang-rt-14-dev; } \
				>>"$work/apt.log" 2>&1
	fi
	if ! "$cc" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.log"; then
		echo "$cc cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev):"
		cat "$work/probe.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

# lib/ goes into one archive, so each target links exactly the modules it calls. A module
# that does not compile is left out; a target that needs it then fails to link.
for src in "$top"/lib/core/*.c "$top"/lib/source/*.c; do
	obj=$work/obj/$(basename "$src" .c).o
	if ! "$cc" $cflags $san -fsanitize=fuzzer-no-link -I "$confdir" \
	    -I "$top/lib/core" -I "$top/lib/source" \
	    -c "$src" -o "$obj" 2>"$obj.log"; then
		echo "warning: ${src#$top/} does not compile:"
		sed 's/^/    /' "$obj.log"
		rm -f "$obj"
	fi
done
rm -f "$work/libplumbline-fuzz.a"
ar rcs "$work/libplumbline-fuzz.a" "$work"/obj/*.o || exit 2

# lib/ext/ links outside libraries: its modules are compiled with the flags of every
# library pkg-config knows here, into an archive of their own; a target names the
# libraries it links on a "fuzz-libs:" line (pkg-config names, e.g. "json-c").
extflags=""
for m in json-c libcrypto libssl libcurl libpq libmariadb libsystemd yajl; do
	pkg-config --exists "$m" 2>/dev/null && extflags="$extflags $(pkg-config --cflags "$m")"
done
mkdir -p "$work/extobj"
for src in "$top"/lib/ext/*.c; do
	[ -e "$src" ] || continue
	obj=$work/extobj/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	if ! "$cc" $cflags $san -fsanitize=fuzzer-no-link -I "$confdir" -I "$top/lib/core" \
	    -I "$top/lib/source" -I "$top/lib/ext" $extflags -c "$src" -o "$obj" 2>"$obj.log"; then
		echo "note: ${src#$top/} not built here (its library is missing?):"
		sed 's/^/    /' "$obj.log" | head -n 5
		rm -f "$obj"
	fi
done
rm -f "$work/libplumbline-ext-fuzz.a"
if ls "$work"/extobj/*.o >/dev/null 2>&1; then
	ar rcs "$work/libplumbline-ext-fuzz.a" "$work"/extobj/*.o || exit 2
fi

pass=0
fail=0
for src in "$top"/tests/fuzz/fuzz_*.c; do
	[ -e "$src" ] || continue
	t=$(basename "$src" .c)
	name=${t#fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*|*" $t "*) ;; *) continue ;; esac
	fi
	bin=$work/bin/$t
	libs=$(sed -n 's/.*fuzz-libs:\(.*\)/\1/p' "$src" | sed 's,\*/,,')
	extlink=""
	if [ -n "$libs" ]; then
		# shellcheck disable=SC2086
		if ! extlink="$work/libplumbline-ext-fuzz.a $(pkg-config --libs $libs)"; then
			echo "$t: FAILED to build: pkg-config does not know$libs (install its -dev package)"
			fail=$((fail + 1))
			continue
		fi
	fi
	# shellcheck disable=SC2086
	if ! "$cc" $cflags -Werror $san -fsanitize=fuzzer -I "$confdir" -I "$top/lib/core" \
	    -I "$top/lib/source" -I "$top/lib/ext" $extflags "$src" $extlink \
	    "$work/libplumbline-fuzz.a" -lm -o "$bin" 2>"$work/bin/$t.log"; then
		echo "$t: FAILED to build"
		sed 's/^/    /' "$work/bin/$t.log"
		fail=$((fail + 1))
		continue
	fi

	# Seeds: fixture files whose path ends in a suffix from the target's "fuzz-seeds:"
	# line, plus the hand-written ones. Copies only: libFuzzer writes into its corpus.
	corpus=$work/corpus/$t
	rm -rf "$corpus"
	mkdir -p "$corpus"
	i=0
	for suffix in $(sed -n 's/.*fuzz-seeds:\(.*\)/\1/p' "$src" | sed 's,\*/,,'); do
		# Only path suffixes count ("proc/stat"); words of a note are skipped.
		echo "$suffix" | grep -Eq '^[A-Za-z0-9_.:-]+(/[A-Za-z0-9_.:-]+)+$' || continue
		for f in $(find "$top/tests/fixtures" -type f -path "*/$suffix" | sort); do
			i=$((i + 1))
			cp "$f" "$corpus/fixture-$i"
		done
	done
	if [ -d "$top/tests/fuzz/seeds/$name" ]; then
		for f in "$top/tests/fuzz/seeds/$name"/*; do
			[ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"
		done
	fi

	mkdir -p "$work/crash/$t"
	log=$work/$t.log
	(cd "$work/crash/$t" && "$bin" -max_len=65536 -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/crash/$t/" \
		"$corpus" >"$log" 2>&1)
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "$t: ok (${runs:-?} runs)"
		pass=$((pass + 1))
		continue
	fi
	fail=$((fail + 1))
	echo "$t: CRASHED (exit $rc after ${runs:-?} runs; log $log)"
	# The report and the stack, without libFuzzer's own frames.
	grep -E '^==[0-9]+==|ERROR|SUMMARY|runtime error|^ *#[0-9]+ ' "$log" |
		grep -vE 'fuzzer::|__sanitizer_print_stack_trace|__libc_start|in _start|in main ' |
		head -n 30 | sed 's/^/    /'
	for a in "$work/crash/$t"/*; do
		[ -f "$a" ] || continue
		echo "    reproducer $a ($(wc -c <"$a") bytes), hex:"
		od -An -tx1 -v "$a" | head -n 32 | sed 's/^/    /'
		echo "    rerun: $bin $a"
	done
done

if [ "$fail" -eq 0 ] && [ -z "${FUZZ_WORK:-}" ]; then
	rm -rf "$work"
else
	echo "scratch directory kept: $work"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
