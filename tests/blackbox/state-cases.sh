#!/bin/bash
# Black-box tests of the state store, the deadline and --extra-opts, through the real
# check_cpu (and check_mem) run against fixture roots.
#
# Prints "ok - name" or "not ok - name" with details for each test, and ends with the
# line "N passed, M failed". Exit status 1 when any test failed.
#
# Environment (set by "make check"; guessed when run by hand): PLUGINS, FIXTURES,
# top_srcdir, top_builddir. Tests that need to drop privileges (setpriv or runuser, and
# running as root) are skipped, and say so, when that is not possible.

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../env.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87:print_stacktrace=1}
unset PLUMBLINE_STATE_DIR

CPU=$PLUGINS/check_cpu
MEM=$PLUGINS/check_mem
D12=$FIXTURES/cpu/debian12-2cpu
passed=0
failed=0
skipped=0

work=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-state.XXXXXX") || exit 99
chmod 755 "$work"      # unprivileged runs need to reach their directories inside
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT

# The figures of debian12 t0 -> t1 and of t0 or t1 alone, computed from the fixture
# files (see cpu.cases): busy over the 3.04 s, and the averages since boot.
PAIR_BUSY='busy=68.15%;;;0;100'
T0_BOOT_BUSY='busy=6.76%;;;0;100'
T1_BOOT_BUSY='busy=7.59%;;;0;100'

# ---------------------------------------------------------------- helpers

# as_nobody CMD...: runs CMD as the unprivileged user, or returns 125 if impossible.
drop=()
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	nogroup=$(id -gn nobody)
	if command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=nobody --regid="$nogroup" --clear-groups true 2>/dev/null; then
		drop=(setpriv --reuid=nobody --regid="$nogroup" --clear-groups)
	elif command -v runuser >/dev/null 2>&1 && runuser -u nobody -- true 2>/dev/null; then
		drop=(runuser -u nobody --)
	fi
fi

# run [-n] CMD...: runs CMD with a 20 s timeout; sets rc, out (stdout), err (stderr),
# first (first line) and status (first line before ' | '). -n runs it as nobody.
run() {
	local pre=()
	if [ "${1:-}" = -n ]; then
		shift
		pre=("${drop[@]}")
	fi
	${pre[@]+"${pre[@]}"} timeout -k 5 20 "$@" >"$work/.out" 2>"$work/.err" </dev/null
	rc=$?
	out=$(cat "$work/.out")
	err=$(cat "$work/.err")
	first=$(head -n 1 "$work/.out")
	status=${first%% | *}
}

# Per-test bookkeeping: problems are collected, then reported once by finish().
problems=()
begin() {
	tname=$1
	problems=()
}
problem() {
	problems+=("$*")
}
finish() {
	if [ "${#problems[@]}" -eq 0 ]; then
		echo "ok - $tname"
		passed=$((passed + 1))
	else
		echo "not ok - $tname"
		local p
		for p in "${problems[@]}"; do echo "#   $p"; done
		failed=$((failed + 1))
	fi
}
skip() {
	echo "ok - $tname # SKIP $*"
	skipped=$((skipped + 1))
}

# Checks of the last run. Each records a problem with expected and got.
expect_rc() {
	if [ "$rc" -gt 3 ]; then
		problem "crashed or killed: exit status $rc; stderr: $(head -c 400 <<<"$err")"
	elif [ "$rc" != "$1" ]; then
		problem "exit: expected $1, got $rc; first line: [$first]"
	fi
}
expect_no_stderr() {
	[ -z "$err" ] || problem "unexpected stderr: $(head -c 400 <<<"$err")"
}
expect_perf() {
	local item
	for item in "$@"; do
		grep -qE "(^| )$(sed 's/[][\.*^$%;|+?(){}]/\\&/g' <<<"$item")( |$)" <<<"${first#* | }" ||
			problem "perfdata: expected [$item] in [${first#* | }]"
	done
}
expect_contains() {
	grep -qF -- "$1" <<<"$out" || problem "stdout: expected to contain [$1], got [$(head -c 500 <<<"$out")]"
}
expect_not_contains() {
	if grep -qF -- "$1" <<<"$out"; then problem "stdout: must not contain [$1], got [$(head -c 500 <<<"$out")]"; fi
}
expect_prefix() {
	[[ $first == "$1"* ]] || problem "first line: expected to start with [$1], got [$first]"
}
expect_lines() {
	local n
	n=$(awk 'END { print NR }' "$work/.out")
	[ "$n" = "$1" ] || problem "lines: expected $1, got $n"
}

# A fresh private state directory.
newdir() {
	local d
	d=$(mktemp -d "$work/st.XXXXXX")
	chmod 700 "$d"
	printf '%s\n' "$d"
}

# The state of a run with --state-key KEY lives in two slots, KEY.state and
# KEY.state.1, written in turn (the store never renames over an old file): the name of
# the newest, by its gen line (slot 0, where a file is planted, when there is none yet).
sfile() {
	local s0=$1/check_cpu-$2.state s1=$1/check_cpu-$2.state.1 g0 g1
	g0=$(sed -n '2s/^gen \([0-9]*\)$/\1/p' "$s0" 2>/dev/null)
	g1=$(sed -n '2s/^gen \([0-9]*\)$/\1/p' "$s1" 2>/dev/null)
	if [ ! -L "$s1" ] && [ -n "$g1" ] && { [ -z "$g0" ] || [ "$g1" -gt "$g0" ]; }; then
		printf '%s\n' "$s1"
	else
		printf '%s\n' "$s0"
	fi
}

# Checks that a state file is one the plugin wrote: magic and gen lines, plugin, key, the
# end line with its checksum.
expect_valid_state() {
	local f=$1 key=$2
	if [ -L "$f" ] || [ ! -f "$f" ]; then
		problem "state file $f is not a regular file"
		return
	fi
	[ "$(head -n 1 "$f")" = "plumbline-state 3" ] || problem "state file: bad first line: [$(head -n 1 "$f")]"
	sed -n 2p "$f" | grep -qx "gen [0-9]*" || problem "state file: bad gen line: [$(sed -n 2p "$f")]"
	grep -qx "plugin check_cpu" "$f" || problem "state file: no 'plugin check_cpu' line"
	grep -qx "key $key" "$f" || problem "state file: no 'key $key' line"
	tail -n 1 "$f" | grep -qx "end [0-9a-f]\{16\}" ||
		problem "state file: last line is not 'end SUM': [$(tail -n 1 "$f")]"
	local mode
	mode=$(stat -c %a "$f")
	[ "$mode" = 600 ] || problem "state file mode is $mode, expected 600"
}

if [ ! -x "$CPU" ] || [ ! -x "$MEM" ]; then
	echo "not ok - plugins not found in $PLUGINS (set PLUGINS)"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---------------------------------------------------------------- the basics

begin "no state yet: the first run reports averages since boot and writes the state"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_no_stderr
expect_perf "$T0_BOOT_BUSY"
expect_contains "average since boot"
expect_valid_state "$(sfile "$d" k)" k
grep -qx "boot_id 7aeaabb5-bc9e-42fe-9a39-a4490ef671db" "$(sfile "$d" k)" ||
	problem "state file does not record the fixture's boot id"
grep -qx "c0 cpu all u 10 1498 0 1438 40709 346 0 25 15 0 0" "$(sfile "$d" k)" ||
	problem "state file does not hold the t0 'cpu' counters"
finish

begin "second run uses the state: figures over the 3.04 s between t0 and t1"
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_no_stderr
expect_perf "$PAIR_BUSY"
expect_contains "over the last 3.04s"
expect_valid_state "$(sfile "$d" k)" k
finish

begin "PLUMBLINE_STATE_DIR is used when --state-dir is not given"
d=$(newdir)
PLUMBLINE_STATE_DIR=$d run "$CPU" --root "$D12/t0" --interval 0 --state-key k
PLUMBLINE_STATE_DIR=$d run "$CPU" --root "$D12/t1" --interval 0 --state-key k
expect_rc 0
expect_perf "$PAIR_BUSY"
[ -f "$(sfile "$d" k)" ] || problem "no state file in \$PLUMBLINE_STATE_DIR"
finish

begin "--state-dir wins over a bad PLUMBLINE_STATE_DIR"
d=$(newdir)
bad=$(mktemp -d "$work/bad.XXXXXX")
chmod 777 "$bad"
PLUMBLINE_STATE_DIR=$bad run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
expect_rc 0
expect_no_stderr
finish

begin "a missing state directory is created, mode 700"
d=$work/created-here
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
expect_rc 0
if [ -d "$d" ]; then
	[ "$(stat -c %a "$d")" = 700 ] || problem "created with mode $(stat -c %a "$d"), expected 700"
else
	problem "state directory $d was not created"
fi
finish

begin "a state directory whose parent is missing: UNKNOWN saying so"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$work/no/such/parent"
expect_rc 3
expect_prefix "CPU UNKNOWN - cannot create state directory $work/no/such/parent"
expect_lines 1
finish

begin "thresholds are not part of the state key: a run with -w, then one without, share the state"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" -w 80 -c 95 --criticalx 'steal=~:30'
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d"
expect_rc 0
expect_perf "$PAIR_BUSY"
expect_contains "over the last 3.04s"
n=$(find "$d" -name 'check_cpu-*.state' | wc -l)
[ "$n" = 1 ] || problem "expected 1 state file, found $n"
finish

begin "what is measured is part of the state key: --include or --exclude keep their own state"
d=$(newdir)
DIO=$PLUGINS/check_disk_io
run "$DIO" --root "$FIXTURES/diskio/virtio/t0" --interval 0 --state-dir "$d"
run "$DIO" --root "$FIXTURES/diskio/virtio/t0" --interval 0 --state-dir "$d" --include vda
run "$DIO" --root "$FIXTURES/diskio/virtio/t0" --interval 0 --state-dir "$d" --exclude 'sd*'
run "$DIO" --root "$FIXTURES/diskio/virtio/t0" --interval 0 --state-dir "$d" --include vda -w 90
n=$(find "$d" -name 'check_disk_io-*.state' | wc -l)
[ "$n" = 3 ] || problem "expected 3 state files (none, --include vda, --exclude 'sd*'), found $n"
finish

begin "options that only change the display share the state (--output-format, -t, -v)"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key x
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --output-format json -t 5
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --max-lines 2
n=$(find "$d" -name 'check_cpu-*.state' ! -name '*-x.state' | wc -l)
[ "$n" = 1 ] || problem "expected 1 state file for the three display variants, found $n"
finish

# ---------------------------------------------------------------- reboot

begin "reboot: a state from another boot id is not used"
d=$(newdir)
run "$CPU" --root "$FIXTURES/cpu/reboot/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --root "$FIXTURES/cpu/reboot/t1" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_no_stderr
# reboot/t1 alone (averages since its boot), computed from the fixture.
expect_perf 'busy=7.49%;;;0;100' 'max_cpu_busy=10.18%;;;0;100'
expect_contains "average since boot"
expect_not_contains "=-"
grep -qx "boot_id 9f761057-b333-4632-83d3-bbac619120a5" "$(sfile "$d" k)" ||
	problem "state file was not rewritten with the new boot id"
finish

begin "reboot: the state written after the reboot is used by the next run"
# Same boot as reboot/t1, 3 s later: a copy of reboot/t1 with uptime + 3 and every cpu
# counter + 100 user ticks (so busy is 100% over that interval, per CPU and overall).
r2=$work/reboot-t2
mkdir -p "$r2"
cp -r "$FIXTURES/cpu/reboot/t1/proc" "$r2/"
awk '{ printf "%.2f %s\n", $1 + 3, $2 }' "$FIXTURES/cpu/reboot/t1/proc/uptime" >"$r2/proc/uptime"
awk '/^cpu/ { $2 += 100 } { print }' "$FIXTURES/cpu/reboot/t1/proc/stat" >"$r2/proc/stat"
run "$CPU" --root "$r2" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_perf 'busy=100%;;;0;100' 'user=100%;;;0;100' 'idle=0%;;;0;100'
expect_contains "over the last 3s"
finish

# ---------------------------------------------------------------- why a reading was not compared

begin "a later run whose counters did not move says so (not 'first run')"
d=$(newdir)
still=$work/debian12-t0-still
mkdir -p "$still"
cp -r "$D12/t0/proc" "$still/"
awk '{ printf "%.2f %s\n", $1 + 5, $2 }' "$D12/t0/proc/uptime" >"$still/proc/uptime"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --root "$still" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_contains "average since boot (no counter moved since the last reading; rates from the next run)"
expect_not_contains "first run"
finish

begin "a run right after the last one says the reading was too recent"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_contains "average since boot (the last reading is only 0s old, less than the 1s a rate needs; rates from the next run)"
finish

begin "with --interval and a clock that stands still (a fixture), the sample says so too"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --root "$still" --interval 0.1 --state-dir "$d" --state-key k
expect_rc 0
expect_contains "(no counter moved since the last reading, and the clock did not move over the 0.1s sample; rates from the next run)"
finish

begin "after a reboot the long output says the last reading is from before it"
d=$(newdir)
run "$CPU" --root "$FIXTURES/cpu/reboot/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --root "$FIXTURES/cpu/reboot/t1" --interval 0 --state-dir "$d" --state-key k
expect_contains "average since boot (the last reading is from before a reboot; rates from the next run)"
finish

# ---------------------------------------------------------------- format versions

begin "a state file of format version 1 is not used, -v says why, and the run writes version 3"
d=$(newdir)
f=$(sfile "$d" k)
cat >"$f" <<V1
plumbline-state 1
plugin check_cpu
key k
boot_id 7aeaabb5-bc9e-42fe-9a39-a4490ef671db
time 10
prev_time 0
v cpu 10 1498 0 1438 40709 346 0 25 15 0 0
end
V1
chmod 600 "$f"
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k -v
expect_rc 0
expect_perf "$T1_BOOT_BUSY"
expect_contains "average since boot (the state file is from an older version; rates from the next run)"
grep -q "state format version '1', expected 3 (written by an older Plumbline" <<<"$err" ||
	problem "-v does not say the file is of an older version: [$(head -c 300 <<<"$err")]"
expect_valid_state "$f" k
finish

begin "the state records the wall clock beside the time since boot"
d=$(newdir)
PLUMBLINE_NOW=2026-12-01T21:30:00Z run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
grep -qx "time 221.37 1796160600" "$(sfile "$d" k)" ||
	problem "time line: [$(grep '^time ' "$(sfile "$d" k)")], expected [time 221.37 1796160600]"
finish

# ---------------------------------------------------------------- corrupt state files

# debian12 t1 moved 3 s on, with 100 more user ticks on every CPU: from a state of t1,
# busy is 100% over that interval.
D12T2=$work/debian12-t2
mkdir -p "$D12T2"
cp -r "$D12/t1/proc" "$D12T2/"
awk '{ printf "%.2f %s\n", $1 + 3, $2 }' "$D12/t1/proc/uptime" >"$D12T2/proc/uptime"
awk '/^cpu/ { $2 += 100 } { print }' "$D12/t1/proc/stat" >"$D12T2/proc/stat"

# A valid state of debian12 t0 for key k, as the base of the corruptions below: were a
# corrupted copy used anyway, the t1 run would report the 3.04 s figures.
good=$work/good.state
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
cp "$(sfile "$d" k)" "$good"

# corrupt_case NAME CONTENT-COMMAND: writes the state file with the command's output, runs
# t1 (must not use it: averages since boot; must replace it), then t2 (must use the new
# state: 100% busy over 3 s).
corrupt_case() {
	local name=$1 writer=$2 d f
	begin "corrupt state ($name): not used, replaced, the plugin still answers"
	d=$(newdir)
	f=$(sfile "$d" k)
	eval "$writer" >"$f"
	chmod 600 "$f"
	run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
	expect_rc 0
	expect_no_stderr
	expect_perf "$T1_BOOT_BUSY"
	expect_contains "average since boot"
	expect_valid_state "$f" k
	run "$CPU" --root "$D12T2" --interval 0 --state-dir "$d" --state-key k
	expect_rc 0
	expect_perf 'busy=100%;;;0;100'
	expect_contains "over the last 3s"
	finish
}

begin "the uncorrupted base state is used (control for the cases below)"
d=$(newdir)
cp "$good" "$(sfile "$d" k)"
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_perf "$PAIR_BUSY"
finish

corrupt_case "binary garbage" "head -c 3000 /dev/urandom"
corrupt_case "text garbage" "printf 'hello\nworld\n'"
corrupt_case "empty file" "true"
corrupt_case "truncated: no end line" "head -n -1 '$good'"
corrupt_case "truncated mid-line" "head -c 150 '$good'"
corrupt_case "another plugin" "sed 's/^plugin check_cpu\$/plugin check_mem/' '$good'"
corrupt_case "another key" "sed 's/^key k\$/key other/' '$good'"
corrupt_case "future format version" "sed '1s/.*/plumbline-state 99/' '$good'"
corrupt_case "data after the end line" "cat '$good'; echo 'c0 cpu all u 10 1 1 1 1 1 1 1 1 0 0'"
corrupt_case "a NUL byte" "sed 's/^time /time \\x00/' '$good'"
corrupt_case "negative counter" "sed 's/^c0 cpu all u 10 1498/c0 cpu all u 10 -1498/' '$good'"
corrupt_case "counter out of range" "sed 's/^c0 cpu all u 10 1498/c0 cpu all u 10 99999999999999999999999/' '$good'"
corrupt_case "too few counters" "sed 's/^c0 cpu all u 10 1498 0 1438/c0 cpu all u 10 1498/' '$good'"
corrupt_case "very large file (5 MiB)" "cat '$good'; head -c 5242880 /dev/zero | tr '\\0' 'x'"
corrupt_case "a time later than now" "sed 's/^time .*/time 500/' '$good'"
corrupt_case "boot id of another boot" "sed 's/^boot_id .*/boot_id 00000000-0000-4000-8000-000000000000/' '$good'"

begin "a state file owned by another user is not read (and is replaced)"
d=$(newdir)
f=$(sfile "$d" k)
cp "$good" "$f"
chown nobody "$f" 2>/dev/null || true
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
if [ "$(id -u)" -ne 0 ]; then
	skip "needs root to give a file to another user"
else
	expect_rc 0
	expect_perf "$T1_BOOT_BUSY"
	expect_valid_state "$f" k
	[ "$(stat -c %U "$f")" = "$(id -un)" ] || problem "state file still owned by $(stat -c %U "$f")"
	finish
fi

begin "a directory in place of the state file: the plugin answers and says what is wrong"
d=$(newdir)
mkdir "$(sfile "$d" k)"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
# The figures are right, but the next run cannot compute rates: an UNKNOWN finding.
expect_rc 3
expect_no_stderr
expect_contains "$d/check_cpu-k.state is a directory, not a state file: remove it"
expect_not_contains "Is a directory in"
expect_perf "$T0_BOOT_BUSY"
finish

# Something in place of the lock: the runs are not kept apart, so the admin hears it
# (UNKNOWN with the fix), after the figures.
for kind in directory FIFO; do
	begin "a $kind in place of the state lock: UNKNOWN saying to remove it, the figures kept"
	d=$(newdir)
	if [ "$kind" = directory ]; then mkdir "$d/check_cpu-k.lock"; else mkfifo "$d/check_cpu-k.lock"; fi
	run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
	expect_rc 3
	expect_no_stderr
	expect_prefix "CPU UNKNOWN - in $d, the state lock check_cpu-k.lock is a $kind, not a lock file"
	expect_contains ": remove it (until then two runs of this check may take the same interval)"
	expect_perf "$T0_BOOT_BUSY"
	expect_valid_state "$(sfile "$d" k)" k
	finish
done

# ---------------------------------------------------------------- symlinks

begin "a symlink planted at the state file path: its target is never read nor written"
d=$(newdir)
f=$(sfile "$d" k)
target=$work/precious
# The target holds a state that WOULD be usable (debian12 t0): if the plugin followed
# the link, the t1 run would report figures over 3.04 s.
d0=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d0" --state-key k
cp "$(sfile "$d0" k)" "$target"
chmod 600 "$target"
sum_before=$(sha256sum <"$target")
ln -s "$target" "$f"
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_no_stderr
expect_perf "$T1_BOOT_BUSY"
expect_contains "average since boot"
[ "$(sha256sum <"$target")" = "$sum_before" ] || problem "the symlink target was written"
[ -L "$f" ] && problem "the symlink is still in place of the state file"
expect_valid_state "$f" k
finish

begin "a dangling symlink at the state file path: nothing is created at its target"
d=$(newdir)
f=$(sfile "$d" k)
ln -s "$work/should-not-exist" "$f"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
[ -e "$work/should-not-exist" ] && problem "the plugin created the symlink's target"
expect_valid_state "$f" k
finish

# A trailing "/", "/." or "//" makes open(2) follow the link even with O_NOFOLLOW: each
# spelling must be refused like the plain one, and nothing written into the target.
for tail in / /. // /./ /.//; do
	begin "a symlink as the state directory, spelled 'link$tail', is refused"
	t=$(newdir)
	rm -f "$work/trail-link"
	ln -s "$t" "$work/trail-link"
	run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$work/trail-link$tail" --state-key k
	expect_rc 3
	expect_prefix "CPU UNKNOWN - cannot open state directory $work/trail-link$tail"
	expect_contains "symlink"
	n=$(find "$t" -type f | wc -l)
	[ "$n" = 0 ] || problem "$n files were written through the link"
	finish
done

begin "a state directory below a directory others can write to is refused (they could swap it for a link)"
p=$(newdir)
chmod 777 "$p"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$p/state"
expect_rc 3
expect_prefix "CPU UNKNOWN - $p is writable by others"
[ -e "$p/state" ] && problem "the state directory was made below the unsafe one"
finish

begin "a symlinked parent made by its owner (an admin's /var/lib) keeps working"
p=$(newdir)
mkdir "$p/real"
ln -s real "$p/lib"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$p/lib/plumbline" --state-key k
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$p/lib/plumbline" --state-key k
expect_rc 0
expect_perf "$PAIR_BUSY"
[ -f "$p/real/plumbline/check_cpu-k.state" ] || problem "no state file in the link's target"
finish

begin "a relative --state-dir is refused, saying why"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir relative/dir
expect_rc 3
expect_prefix "CPU UNKNOWN - --state-dir: must be an absolute path"
[ -e relative ] && problem "a relative directory was made"
finish

begin "a relative PLUMBLINE_STATE_DIR is refused too"
PLUMBLINE_STATE_DIR=relative/dir run "$CPU" --root "$D12/t0" --interval 0
expect_rc 3
expect_contains "not an absolute path"
finish

begin "a symlink as the state directory is refused"
d=$(newdir)
ln -s "$d" "$work/linkdir"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$work/linkdir"
expect_rc 3
expect_prefix "CPU UNKNOWN - cannot open state directory $work/linkdir"
expect_contains "symlink"
finish

# ---------------------------------------------------------------- unsafe state directories

begin "a world-writable state directory: UNKNOWN telling how to fix it"
d=$(newdir)
chmod 777 "$d"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
expect_rc 3
expect_no_stderr
expect_prefix "CPU UNKNOWN - state directory $d must"
expect_contains "chmod"
expect_lines 1
n=$(find "$d" -type f | wc -l)
[ "$n" = 0 ] || problem "files were written into the unsafe directory"
finish

begin "a world-writable sticky directory (like /tmp) is refused too"
d=$(newdir)
chmod 1777 "$d"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
expect_rc 3
expect_prefix "CPU UNKNOWN - state directory $d must"
finish

begin "a group-writable state directory is refused"
d=$(newdir)
chmod 770 "$d"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
expect_rc 3
expect_prefix "CPU UNKNOWN - state directory $d must"
finish

begin "world-writable PLUMBLINE_STATE_DIR is refused the same way"
d=$(newdir)
chmod 777 "$d"
PLUMBLINE_STATE_DIR=$d run "$CPU" --root "$D12/t0" --interval 0
expect_rc 3
expect_prefix "CPU UNKNOWN - state directory $d must"
finish

begin "a state directory owned by another user: UNKNOWN telling how to fix it"
if [ "${#drop[@]}" -eq 0 ]; then
	skip "cannot run as nobody (needs root and setpriv or runuser)"
else
	d=$(newdir)
	chmod 755 "$d"         # root's, readable by nobody
	run -n "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
	expect_rc 3
	expect_prefix "CPU UNKNOWN - state directory $d must belong to uid $(id -u nobody)"
	expect_contains "chown"
	finish
fi

begin "a state directory that is not writable (chmod 500, unprivileged): UNKNOWN saying why"
if [ "${#drop[@]}" -eq 0 ]; then
	skip "cannot run as nobody (needs root and setpriv or runuser)"
else
	d=$(newdir)
	chown nobody "$d"
	chmod 500 "$d"
	run -n "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d"
	expect_rc 3
	expect_no_stderr
	expect_prefix "CPU UNKNOWN - cannot write state file"
	expect_contains "--state-dir"
	# Which directory: the default one is not obvious to an admin reading an alert.
	expect_contains "$d"
	# The figures are still given.
	expect_perf "$T0_BOOT_BUSY"
	finish
fi

begin "unprivileged run with its own state directory works"
if [ "${#drop[@]}" -eq 0 ]; then
	skip "cannot run as nobody (needs root and setpriv or runuser)"
else
	d=$(newdir)
	chown nobody "$d"
	run -n "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
	run -n "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
	expect_rc 0
	expect_no_stderr
	expect_perf "$PAIR_BUSY"
	finish
fi

# PLUMBLINE_STATE_DIR comes from whoever started a privileged run, not from who it runs
# as: with it a user made a root-run check write into a directory of their choice.
for var in SUDO_UID PKEXEC_UID; do
	begin "PLUMBLINE_STATE_DIR is ignored under ${var%_UID} ($var set, running as root)"
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root (the variable marks privilege only for root)"
		continue
	fi
	d=$(newdir)
	# --root is refused in privileged runs: this reads the live system.
	env "$var=1000" PLUMBLINE_STATE_DIR="$d" "$CPU" --interval 0 -v \
		>"$work/.out" 2>"$work/.err" </dev/null
	rc=$?
	[ "$rc" -le 3 ] || problem "exit status $rc"
	n=$(find "$d" -type f | wc -l)
	[ "$n" = 0 ] || problem "$n files written into PLUMBLINE_STATE_DIR"
	grep -q "PLUMBLINE_STATE_DIR ignored" "$work/.err" || problem "-v does not say it was ignored"
	finish
done

begin "--state-dir under pkexec is refused"
if [ "$(id -u)" -ne 0 ]; then
	skip "needs root"
else
	PKEXEC_UID=1000 run "$CPU" --interval 0 --state-dir "$(newdir)"
	expect_rc 3
	expect_prefix "CPU UNKNOWN - --state-dir: cannot be used with privileges"
	finish
fi

# A setuid-root copy and a copy with a file capability, run by nobody: the kernel marks
# both AT_SECURE, and PLUMBLINE_STATE_DIR (nobody's own directory) must not be taken.
priv_copy() { # kind: suid or fcap; prints the copy's path, or nothing when impossible
	local dst=$work/priv-$1
	mkdir -p "$dst" && chmod 755 "$dst" && cp "$CPU" "$dst/check_cpu" || return
	chmod 755 "$dst/check_cpu"
	if [ "$1" = suid ]; then
		chmod 4755 "$dst/check_cpu" || return
	else
		command -v setcap >/dev/null 2>&1 &&
			setcap cap_dac_read_search+ep "$dst/check_cpu" 2>/dev/null || return
	fi
	printf '%s\n' "$dst/check_cpu"
}
for kind in suid fcap; do
	begin "PLUMBLINE_STATE_DIR is ignored by a ${kind/fcap/file-capability} run"
	if [ "${#drop[@]}" -eq 0 ]; then
		skip "cannot run as nobody (needs root and setpriv or runuser)"
		continue
	fi
	prog=$(priv_copy "$kind")
	if [ -z "$prog" ]; then
		skip "cannot make a $kind copy here (setcap missing, or a nosuid file system)"
		continue
	fi
	# The directory belongs to the user the copy runs as (root for the setuid one, like
	# /etc; nobody for the capability one), so only ignoring the variable keeps it clean.
	d=$(newdir)
	[ "$kind" = fcap ] && chown nobody "$d"
	PLUMBLINE_STATE_DIR=$d "${drop[@]}" "$prog" --interval 0 >"$work/.out" 2>"$work/.err" </dev/null
	rc=$?
	if [ "$rc" -gt 3 ]; then
		skip "the $kind copy does not run here (exit $rc: $(head -c 200 "$work/.err"))"
		continue
	fi
	n=$(find "$d" -type f | wc -l)
	[ "$n" = 0 ] || problem "$n files written into PLUMBLINE_STATE_DIR: $(head -n 1 "$work/.out")"
	# --state-dir is refused outright.
	"${drop[@]}" "$prog" --interval 0 --state-dir "$d" >"$work/.out" 2>&1 </dev/null
	grep -q "cannot be used with privileges" "$work/.out" ||
		problem "--state-dir not refused: $(head -n 1 "$work/.out")"
	finish
done

begin "--root under sudo is refused (it would read files as root for the caller)"
other=$(( $(id -u) == 1000 ? 1001 : 1000 ))
SUDO_UID=$other run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)"
expect_rc 3
expect_prefix "CPU UNKNOWN - --root: cannot be used with privileges (setuid, capabilities, sudo)"
finish

# sudo -u nagios: a target other than root is a privilege too (the files of nagios, for
# whoever may run sudo): SUDO_UID, PKEXEC_UID or DOAS_USER naming another user counts,
# whatever the effective uid. Set to the real uid (sudo to oneself) it does not.
for var in SUDO_UID PKEXEC_UID DOAS_USER; do
	begin "$var of another user makes a non-root run privileged (--root, PLUMBLINE_STATE_DIR)"
	if [ "${#drop[@]}" -eq 0 ]; then
		skip "cannot run as nobody (needs root and setpriv or runuser)"
		continue
	fi
	if [ "$var" = DOAS_USER ]; then val=root; else val=0; fi
	d=$(newdir)
	chown nobody "$d"
	env "$var=$val" PLUMBLINE_STATE_DIR="$d" "${drop[@]}" "$CPU" --root "$D12/t0" -v \
		>"$work/.out" 2>"$work/.err" </dev/null
	rc=$?
	[ "$rc" = 3 ] || problem "exit status $rc, not 3"
	grep -q "^CPU UNKNOWN - --root: cannot be used with privileges" "$work/.out" ||
		problem "--root not refused: $(head -n 1 "$work/.out")"
	env "$var=$val" PLUMBLINE_STATE_DIR="$d" "${drop[@]}" "$CPU" --interval 0 -v \
		>"$work/.out" 2>"$work/.err" </dev/null
	rc=$?
	[ "$rc" -le 3 ] || problem "exit status $rc"
	n=$(find "$d" -type f | wc -l)
	[ "$n" = 0 ] || problem "$n files written into PLUMBLINE_STATE_DIR"
	grep -q "PLUMBLINE_STATE_DIR ignored" "$work/.err" || problem "-v does not say it was ignored"
	finish
done

begin "SUDO_UID of the real user (sudo to oneself) is no privilege"
SUDO_UID=$(id -u) run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)"
expect_rc 0
finish

# ---------------------------------------------------------------- concurrency

begin "20 concurrent runs on one state file: all answer from the state, the file stays valid"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
pids=()
for i in $(seq 1 20); do
	timeout -k 5 20 "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k \
		>"$work/conc.$i.out" 2>"$work/conc.$i.err" &
	pids+=($!)
done
i=0
for p in "${pids[@]}"; do
	i=$((i + 1))
	wait "$p"
	r=$?
	[ "$r" = 0 ] || problem "run $i: exit $r: $(head -n 1 "$work/conc.$i.out") $(head -c 300 "$work/conc.$i.err")"
	[ -s "$work/conc.$i.err" ] && problem "run $i: stderr: $(head -c 300 "$work/conc.$i.err")"
	grep -q " $PAIR_BUSY " "$work/conc.$i.out" ||
		problem "run $i: expected $PAIR_BUSY: $(head -n 1 "$work/conc.$i.out" | cut -c 1-200)"
done
expect_valid_state "$(sfile "$d" k)" k
left=$(find "$d" -name '*.tmp' | wc -l)
[ "$left" = 0 ] || problem "$left temporary files left behind"
# The file the race left must still be usable.
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
expect_rc 0
expect_perf "$PAIR_BUSY"
finish

begin "20 concurrent first runs (no state): all answer, one valid state (its two slots at most)"
d=$(newdir)
pids=()
for i in $(seq 1 20); do
	timeout -k 5 20 "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k \
		>"$work/conc.$i.out" 2>"$work/conc.$i.err" &
	pids+=($!)
done
i=0
for p in "${pids[@]}"; do
	i=$((i + 1))
	wait "$p"
	r=$?
	[ "$r" = 0 ] || problem "run $i: exit $r: $(head -n 1 "$work/conc.$i.out")"
	grep -q " $T0_BOOT_BUSY " "$work/conc.$i.out" || problem "run $i: expected $T0_BOOT_BUSY"
done
expect_valid_state "$(sfile "$d" k)" k
n=$(find "$d" -type f ! -name '*.lock' ! -name 'check_cpu-k.state' ! -name 'check_cpu-k.state.1' | wc -l)
[ "$n" = 0 ] || problem "expected only the two slots (besides the lock) in the state directory, found $n more"
finish

begin "the state lock: a run waits while another holds it, then answers from the state"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
flock "$d/check_cpu-k.lock" sleep 1 &
holder=$!
sleep 0.2
start=$(date +%s%N)
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k
ms=$((($(date +%s%N) - start) / 1000000))
wait "$holder"
expect_rc 0
expect_perf "$PAIR_BUSY"
[ "$ms" -ge 500 ] || problem "answered after ${ms} ms: it did not wait for the lock"
finish

begin "the state lock held all along: UNKNOWN within the deadline, naming the lock"
d=$(newdir)
flock "$d/check_cpu-k.lock" sleep 4 &
holder=$!
sleep 0.2
start=$(date +%s%N)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k -t 2
ms=$((($(date +%s%N) - start) / 1000000))
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect_rc 3
expect_prefix "CPU UNKNOWN - another run of this check held the state lock check_cpu-k.lock"
expect_lines 1
[ "$ms" -lt 2000 ] || problem "took ${ms} ms with -t 2"
finish

begin "the state lock held all along, with -t 2:critical: the timeout's state"
d=$(newdir)
flock "$d/check_cpu-k.lock" sleep 4 &
holder=$!
sleep 0.2
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k -t 2:critical
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect_rc 2
finish

# ---------------------------------------------------------------- timeouts

fifo_root=$work/fifo-root
mkdir -p "$fifo_root/proc/sys/kernel/random"
cp "$D12/t1/proc/uptime" "$D12/t1/proc/loadavg" "$fifo_root/proc/"
cp "$D12/t1/proc/sys/kernel/random/boot_id" "$fifo_root/proc/sys/kernel/random/"
mkfifo "$fifo_root/proc/stat"

begin "timeout: /proc/stat blocks (a FIFO): UNKNOWN within about 1 s, saying what it waited for"
start=$(date +%s%N)
run "$CPU" --root "$fifo_root" -t 1 --state-dir "$(newdir)"
ms=$((($(date +%s%N) - start) / 1000000))
expect_rc 3
expect_no_stderr
expect_prefix "CPU UNKNOWN - "
expect_contains "timed out after 1s while reading /proc/stat"
expect_lines 1
[ "$ms" -le 2500 ] || problem "took ${ms} ms, expected about 1000"
finish

begin "timeout: -t 1:critical exits 2"
start=$(date +%s%N)
run "$CPU" --root "$fifo_root" -t 1:critical --state-dir "$(newdir)"
ms=$((($(date +%s%N) - start) / 1000000))
expect_rc 2
expect_prefix "CPU CRITICAL - "
expect_contains "timed out after 1s while reading /proc/stat"
[ "$ms" -le 2500 ] || problem "took ${ms} ms, expected about 1000"
finish

begin "timeout: a later -t replaces an earlier one whole, its state too"
run "$CPU" --root "$fifo_root" -t 5:critical -t 1 --state-dir "$(newdir)"
expect_rc 3
expect_prefix "CPU UNKNOWN - "
expect_contains "timed out after 1s while reading /proc/stat"
finish

begin "timeout: the command line's -t replaces the option file's, its state too"
printf '[check_cpu]\ntimeout = 5:critical\n' >"$work/t.ini"
chmod 600 "$work/t.ini"
run "$CPU" --root "$fifo_root" --extra-opts="@$work/t.ini" -t 1000ms --state-dir "$(newdir)"
expect_rc 3
expect_contains "timed out after 1s while reading /proc/stat"
finish

# The command line is parsed under its own -t, and many thresholds cost linear time
# (one realloc per threshold was quadratic: 10,000 of them took 6.4 s under ASan, so
# 40,000 would take well over a minute). The bound is loose on purpose: a sanitizer
# build on a loaded 2-core machine takes about 2 s here, the quadratic code ~100 s.
begin "timeout: 40,000 --warningx answer well within the timeout"
many=()
for i in $(seq 40000); do many+=(--warningx "busy=$i"); done
t0=$(date +%s%N)
run "$CPU" --root "$D12/t0" --interval 0 -t 20 --state-dir "$(newdir)" "${many[@]}"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
unset many
expect_rc 0
expect_prefix "CPU OK - "
[ "$ms" -le 10000 ] || problem "took ${ms} ms"
finish

begin "timeout: -t 0.5:warning (fractions) exits 1"
run "$CPU" --root "$fifo_root" -t 0.5:warning --state-dir "$(newdir)"
expect_rc 1
expect_contains "timed out after 0.5s while reading /proc/stat"
finish

begin "timeout: -t 1:ok exits 0 and still says it timed out"
run "$CPU" --root "$fifo_root" -t 1:ok --state-dir "$(newdir)"
expect_rc 0
expect_contains "timed out after 1s"
finish

begin "the first run's sample is cut to half the time left: it never runs into --timeout"
run "$CPU" --root "$D12/t1" --interval 5 -t 1 --state-dir "$(newdir)"
expect_rc 0
expect_contains "the clock did not move over the 0."
finish

begin "timeout: check_mem with a blocking /proc/meminfo"
mem_root=$work/fifo-mem
mkdir -p "$mem_root/proc"
mkfifo "$mem_root/proc/meminfo"
run "$MEM" --root "$mem_root" -t 1
expect_rc 3
expect_prefix "MEM UNKNOWN - "
expect_contains "timed out after 1s while reading /proc/meminfo"
finish

begin "timeout: the state file left by a timed-out run is absent or valid"
d=$(newdir)
run "$CPU" --root "$fifo_root" -t 1 --state-dir "$d" --state-key k
if [ -e "$(sfile "$d" k)" ]; then expect_valid_state "$(sfile "$d" k)" k; fi
left=$(find "$d" -name '*.tmp' | wc -l)
[ "$left" = 0 ] || problem "$left temporary files left behind"
finish

# ---------------------------------------------------------------- the file a timeout waited on
# The library's readers name the file they block on (a FIFO, a hung file system), not
# the step the plugin last announced; small sysfs files with a NUL inside are malformed;
# check_hwmon does not follow a symlink in place of a chip's name or a sensor's label.

HWMON=$PLUGINS/check_hwmon
NET=$PLUGINS/check_net
# copy_root SRC DST: a writable copy of a fixture tree (symlinks kept).
copy_root() { rm -rf "$2" && mkdir -p "$(dirname "$2")" && cp -a "$1" "$2"; }

begin "timeout: a FIFO in place of /proc/uptime is named (not the /proc/stat read before it)"
r=$work/fifo-uptime
copy_root "$D12/t1" "$r"
rm "$r/proc/uptime"
mkfifo "$r/proc/uptime"
run "$CPU" --root "$r" -t 1 --interval 0 --state-dir "$(newdir)"
expect_rc 3
expect_prefix "CPU UNKNOWN - "
expect_contains "timed out after 1s while reading /proc/uptime"
expect_not_contains "reading /proc/stat"
finish

begin "timeout: a FIFO in place of the boot id is named"
r=$work/fifo-bootid
copy_root "$D12/t1" "$r"
rm "$r/proc/sys/kernel/random/boot_id"
mkfifo "$r/proc/sys/kernel/random/boot_id"
run "$CPU" --root "$r" -t 1 --interval 0 --state-dir "$(newdir)"
expect_rc 3
expect_contains "timed out after 1s while reading /proc/sys/kernel/random/boot_id"
finish

begin "timeout: check_hwmon names the sensor file it blocked on"
r=$work/fifo-hwmon
copy_root "$FIXTURES/hwmon/coretemp" "$r"
rm "$r/sys/class/hwmon/hwmon1/temp2_input"
mkfifo "$r/sys/class/hwmon/hwmon1/temp2_input"
run "$HWMON" --root "$r" -t 1
expect_rc 3
expect_prefix "HWMON UNKNOWN - "
expect_contains "timed out after 1s while reading /sys/class/hwmon/hwmon1/temp2_input"
finish

begin "timeout: check_net names the interface attribute it blocked on"
r=$work/fifo-net
copy_root "$FIXTURES/net/docker-host/t0" "$r"
rm "$r/sys/class/net/eth0/speed"
mkfifo "$r/sys/class/net/eth0/speed"
run "$NET" --root "$r" -t 1 --interval 0 --state-dir "$(newdir)"
expect_rc 3
expect_contains "timed out after 1s while reading /sys/class/net/eth0/speed"
finish

begin "a NUL inside a sysfs value is malformed, never the shorter number before it"
r=$work/nul-net
copy_root "$FIXTURES/net/docker-host/t0" "$r"
# "10\0" then "000": read as 10 (Mbit/s) before; the real file says 1000 or nothing.
printf '%s\0%s\n' 10 000 >"$r/sys/class/net/eth0/speed"
run "$NET" --root "$r" --interval 0 --state-dir "$(newdir)"
expect_not_contains "10Mbit/s"
expect_not_contains ";0;10000000 "
finish

begin "a NUL inside a sensor value: check_hwmon says so"
r=$work/nul-hwmon
copy_root "$FIXTURES/hwmon/coretemp" "$r"
printf '%s\0%s\n' 45 000 >"$r/sys/class/hwmon/hwmon1/temp2_input"
run "$HWMON" --root "$r" -v
expect_contains "temp2_input holds a NUL byte"
finish

begin "check_hwmon --root: a symlink in place of a chip's name or a sensor's label is not followed"
r=$work/link-hwmon
copy_root "$FIXTURES/hwmon/coretemp" "$r"
printf 'LEAKED-NAME\n' >"$work/leak-name"
printf 'LEAKED-LABEL\n' >"$work/leak-label"
ln -sf "$work/leak-name" "$r/sys/class/hwmon/hwmon1/name"
ln -sf "$work/leak-label" "$r/sys/class/hwmon/hwmon1/temp2_label"
run "$HWMON" --root "$r" -v --output-format json
expect_not_contains "LEAKED"
case "$err" in *LEAKED*) problem "stderr shows the linked file: [$err]" ;; esac
run "$HWMON" --root "$r" -v
expect_not_contains "LEAKED"
case "$err" in *LEAKED*) problem "stderr shows the linked file: [$err]" ;; esac
finish

# ---------------------------------------------------------------- output forms of the exit paths
# A timeout and the option file's errors in every --output-format (output.cases has the
# other exit paths). The timeout's text is prepared when the deadline is armed and again
# once the form is known; the handler only escapes what was being waited for.

# The last run's stdout against the result schema (contrib/schema), as run-cases.sh does.
expect_schema() {
	local why
	if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
		problem "/usr/bin/python3 with jsonschema is needed (apt-get install python3-jsonschema)"
		return
	fi
	why=$(/usr/bin/python3 "$here/validate-json.py" \
		"$top_srcdir/contrib/schema/plumbline-result.schema.json" "$work/.out" 2>&1) ||
		problem "does not match the result schema: $why"
}

begin "exit paths: a timeout in JSON is one valid document with the state and what it waited for"
run "$CPU" --root "$fifo_root" -t 0.5 --state-dir "$(newdir)" --output-format json
expect_rc 3
expect_schema
expect_no_stderr
expect_lines 1
jq -e . "$work/.out" >/dev/null 2>&1 || problem "not valid JSON: [$out]"
[ "$(jq -r '.state, .exit_code, .plugin, .service' "$work/.out" 2>/dev/null | tr '\n' ' ')" = \
	"UNKNOWN 3 check_cpu CPU " ] || problem "state, exit_code, plugin, service: [$out]"
[ "$(jq -r '.status' "$work/.out" 2>/dev/null)" = \
	"CPU UNKNOWN - timed out after 0.5s while reading /proc/stat" ] || problem "status: [$out]"
[ "$(jq -r '.findings[0].text' "$work/.out" 2>/dev/null)" = \
	"timed out after 0.5s while reading /proc/stat" ] || problem "finding: [$out]"
[ "$(jq -r '.metrics | length' "$work/.out" 2>/dev/null)" = 0 ] || problem "metrics: [$out]"
finish

begin "exit paths: a timeout in JSON with a chosen state: -t 0.5:critical, -t 0.5:ok"
run "$CPU" --root "$fifo_root" -t 0.5:critical --state-dir "$(newdir)" --output-format=json
expect_rc 2
expect_schema
[ "$(jq -r '.state' "$work/.out" 2>/dev/null)" = CRITICAL ] || problem "state: [$out]"
run "$CPU" --root "$fifo_root" -t 0.5:ok --state-dir "$(newdir)" --output-format=json
expect_rc 0
expect_schema
[ "$(jq -r '.state + " " + .status' "$work/.out" 2>/dev/null)" = \
	"OK CPU OK - timed out after 0.5s while reading /proc/stat" ] || problem "OK: [$out]"
finish

begin "exit paths: a timeout in the one-line form is one line"
run "$MEM" --root "$mem_root" -t 0.5 --output-format one-line
expect_rc 3
expect_lines 1
[ "$first" = "MEM UNKNOWN - timed out after 0.5s while reading /proc/meminfo" ] ||
	problem "got [$first]"
finish

begin "exit paths: a timeout while reading, JSON asked for in the option file"
fmt_ini=$work/format.ini
printf '[check_cpu]\noutput-format = json\n' >"$fmt_ini"
chmod 600 "$fmt_ini"
copy_root "$D12/t1" "$work/fifo-cpu"
rm -f "$work/fifo-cpu/proc/stat"
mkfifo "$work/fifo-cpu/proc/stat"
run "$CPU" --root "$work/fifo-cpu" --interval 5 -t 0.5 --state-dir "$(newdir)" \
	--extra-opts="@$fmt_ini"
expect_rc 3
expect_schema
[ "$(jq -r '.status' "$work/.out" 2>/dev/null)" = \
	"CPU UNKNOWN - timed out after 0.5s while reading /proc/stat" ] ||
	problem "got [$out]"
finish

begin "exit paths: a usage error in JSON when the option file asks for JSON"
run "$CPU" --root "$D12/t1" --interval 0 --bogus --extra-opts="@$fmt_ini"
expect_rc 3
expect_schema
[ "$(jq -r '.state + " " + .status' "$work/.out" 2>/dev/null)" = \
	"UNKNOWN CPU UNKNOWN - --bogus: unknown option" ] || problem "got [$out]"
jq -e '.usage | startswith("Usage: check_cpu ")' "$work/.out" >/dev/null 2>&1 ||
	problem "no usage hint: [$out]"
finish

begin "exit paths: the command line's --output-format wins over the option file's"
run "$CPU" --root "$D12/t1" --interval 0 --bogus --extra-opts="@$fmt_ini" --output-format one-line
expect_rc 3
expect_lines 1
expect_prefix "CPU UNKNOWN - --bogus: unknown option; Run 'check_cpu --help'"
finish

begin "exit paths: an error on any line of an option file that asks for JSON is in JSON"
printf '[check_cpu]\nwarning = 10:5\noutput-format = json\n' >"$work/fmt-late.ini"
printf '[check_cpu]\noutput-format = json\nbogus = 1\n' >"$work/fmt-early.ini"
chmod 600 "$work/fmt-late.ini" "$work/fmt-early.ini"
for f in fmt-late fmt-early; do
	run "$CPU" --root "$D12/t1" --interval 0 --extra-opts="@$work/$f.ini"
	expect_rc 3
	expect_schema
	jq -e '.state == "UNKNOWN" and (.status | contains("'"$f"'.ini line"))' \
		"$work/.out" >/dev/null 2>&1 || problem "$f: got [$out]"
done
run "$CPU" --root "$D12/t1" --interval 0 --extra-opts="@$work/fmt-late.ini" --output-format nagios
expect_rc 3
expect_prefix "CPU UNKNOWN - --warning ($work/fmt-late.ini line 2)"
expect_lines 3
finish

begin "exit paths: an option file's own error in JSON asked for on the command line"
printf '[check_cpu]\nwarning = 10:5\n' >"$work/fmt-bad.ini"
chmod 600 "$work/fmt-bad.ini"
run "$CPU" --root "$D12/t1" --interval 0 --output-format json --extra-opts="@$work/fmt-bad.ini"
expect_rc 3
expect_schema
jq -e '.state == "UNKNOWN" and (.status | startswith("CPU UNKNOWN - --warning ("))' \
	"$work/.out" >/dev/null 2>&1 || problem "got [$out]"
finish

# ---------------------------------------------------------------- --extra-opts

ini=$work/plumbline.ini
cat >"$ini" <<'EOF'
# options for the tests
[check_mem]
warning = 1

[check_cpu]
warning = 60
criticalx = max_cpu_busy=~:85
; a bare key
per-cpu

[quiet]
warning = 99
EOF
chmod 600 "$ini"

begin "--extra-opts=@FILE reads the plugin's own section"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k --extra-opts="@$ini"
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k --extra-opts="@$ini"
expect_rc 2
expect_no_stderr
expect_prefix "CPU CRITICAL - busiest cpu1 87.8% (critical over 85%) - 68.2% busy (warning over 60%) (user 56.1%, system 12%, iowait 0.2%)"
expect_perf 'busy=68.15%;60;;0;100' 'cpu0_busy=48.18%;;;0;100' 'max_cpu_busy=87.83%;;~:85;0;100'
finish

begin "--extra-opts=SECTION@FILE reads that section"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k --extra-opts="quiet@$ini"
expect_rc 0
expect_perf 'busy=68.15%;99;;0;100'
finish

begin "--extra-opts: options on the command line win"
d=$(newdir)
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$d" --state-key k
run "$CPU" --extra-opts="@$ini" --root "$D12/t1" --interval 0 --state-dir "$d" --state-key k -w 90 --criticalx max_cpu_busy=95
expect_rc 0
expect_perf 'busy=68.15%;90;;0;100' 'max_cpu_busy=87.83%;;95;0;100'
finish

begin "--extra-opts for check_mem reads [check_mem]"
run "$MEM" --root "$FIXTURES/mem/debian12" --extra-opts="@$ini"
expect_rc 1
expect_perf 'used_pct=1.28%;1;;0;100'
finish

begin "--extra-opts: a missing section is UNKNOWN naming it"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="nosuch@$ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: $ini has no section [nosuch]"
finish

begin "--extra-opts: a world-writable option file is refused"
bad_ini=$work/ww.ini
cp "$ini" "$bad_ini"
chmod 666 "$bad_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$bad_ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: $bad_ini is writable by group or others"
expect_contains "chmod go-w"
finish

begin "--extra-opts: a relative option file is refused, saying to give an absolute path"
cp "$ini" "$work/rel.ini"
chmod 600 "$work/rel.ini"
cd "$work" || exit 1
run "$CPU" --root "$D12/t1" --interval 0 --extra-opts=@rel.ini
cd - >/dev/null || exit 1
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: the option file must be an absolute path (starting with '/')"
finish

begin "--extra-opts: a missing file is UNKNOWN naming it"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$work/none.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: cannot read $work/none.ini"
finish

begin "--extra-opts: a bad value in the file is a usage error like on the command line"
bad_ini=$work/badval.ini
printf '[check_cpu]\nwarning = 10:5\n' >"$bad_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$bad_ini"
expect_rc 3
# The option, the file and the line; never the value.
expect_prefix "CPU UNKNOWN - --warning ($bad_ini line 2): the start of the range is greater than its end"
expect_not_contains "10:5"
finish

begin "--extra-opts: an unknown option in the file is a usage error"
bad_ini=$work/badopt.ini
printf '[check_cpu]\nbogus = 1\n' >"$bad_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$bad_ini"
expect_rc 3
# The option is named, never its value (it may be a secret from the file).
expect_prefix "CPU UNKNOWN - $bad_ini line 2 in section [check_cpu]: the name before '=' is not a known option"
expect_not_contains "bogus"
finish

begin "--extra-opts: a secret in a misspelt option never reaches the output"
bad_ini=$work/secret.ini
printf '[check_cpu]\npasword = s3cr3t-value\n' >"$bad_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$bad_ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - $bad_ini line 2 in section [check_cpu]: the name before '=' is not a known option"
expect_not_contains "pasword"
expect_not_contains "s3cr3t"
finish

begin "--extra-opts: an abbreviation (--extra-opt) is refused, not silently ignored"
good_ini=$work/abbrev.ini
printf '[check_cpu]\ncritical = 1\n' >"$good_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opt="@$good_ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opt: unknown option (write options in full); did you mean --extra-opts?"
finish

begin "--extra-opts: a FIFO in place of the option file is refused at once, never waited on"
fifo_ini=$work/fifo.ini
mkfifo "$fifo_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$fifo_ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: $fifo_ini is not a regular file"
finish

begin "--extra-opts=/path (no @): the message says to write --extra-opts=@/path"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="$ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: '$ini' is taken as a section name (a section has no '/'); did you mean --extra-opts=@$ini?"
finish

begin "--extra-opts: a symlink in place of the option file is refused, saying to name the file"
ln -s "$ini" "$work/link.ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$work/link.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: $work/link.ini is a symbolic link; name the file itself"
finish

begin "--extra-opts: a file over 1 MiB is refused, naming the cap"
big_ini=$work/big.ini
{ printf '[check_cpu]\n'; head -c 1100000 /dev/zero | tr '\0' '#'; printf '\n'; } >"$big_ini"
chmod 600 "$big_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$big_ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --extra-opts: $big_ini is larger than 1 MiB"
finish

begin "--extra-opts: a file of another user is refused"
other_ini=$work/other.ini
printf '[check_cpu]\ncritical = 1\n' >"$other_ini"
chown 65534 "$other_ini" 2>/dev/null
if [ "$(stat -c %u "$other_ini")" = 65534 ] && [ "$(id -u)" != 65534 ]; then
	run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$other_ini"
	expect_rc 3
	expect_contains "not to root or the user running the check"
	finish
else
	skip "cannot chown a file to another user here"
fi

begin "--extra-opts: extra-opts inside an option file is refused"
bad_ini=$work/nested.ini
printf '[check_cpu]\nextra-opts = @/etc/passwd\n' >"$bad_ini"
run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts="@$bad_ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - $bad_ini line 2: extra-opts cannot be used inside an option file"
finish

begin "--extra-opts: the default option file path is absolute (never relative to the cwd)"
cwd=$work/cwd
mkdir -p "$cwd"
# If the default path were relative (e.g. "NONE/etc/plumbline/plumbline.ini" when
# configure's prefix was not expanded), a file under the current directory would be read.
for rel in NONE/etc/plumbline etc/plumbline; do
	mkdir -p "$cwd/$rel"
	printf '[check_cpu]\nwarning = 1\n' >"$cwd/$rel/plumbline.ini"
	chmod 600 "$cwd/$rel/plumbline.ini"
done
(cd "$cwd" && run "$CPU" --root "$D12/t0" --interval 0 --state-dir "$(newdir)" --extra-opts &&
	printf '%s\n%s\n' "$rc" "$first" >"$work/cwd.result")
rc=$(sed -n 1p "$work/cwd.result")
first=$(sed -n 2p "$work/cwd.result")
if [ -e /etc/plumbline/plumbline.ini ]; then
	skip "/etc/plumbline/plumbline.ini exists on this machine"
else
	expect_rc 3
	expect_prefix "CPU UNKNOWN - --extra-opts: no option file found"
	"$CPU" --help | grep -A3 -e '--extra-opts' | grep -q 'NONE/' &&
		problem "--help names a default option file under 'NONE/' (unexpanded \${prefix})"
	finish
fi

# ---------------------------------------------------------------- option messages

begin "--extra-opts: a misspelt key names the file, line and section, and suggests the option"
printf '[check_cpu]\n\nwarnx = busy=S3CR3T\n' >"$work/typo.ini"
chmod 600 "$work/typo.ini"
run "$CPU" --root "$D12/t0" --interval 0 --extra-opts="@$work/typo.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - $work/typo.ini line 3 in section [check_cpu]: the name before '=' is not a known option; did you mean 'warningx'?"
expect_not_contains "warnx"
expect_not_contains "S3CR3T"
finish

begin "--extra-opts: a threshold judged later names the file and line, never its text"
printf '[check_cpu]\nwarning = 50\n\nwarningx = S3CR3T_x=5\n' >"$work/th.ini"
chmod 600 "$work/th.ini"
run "$CPU" --root "$D12/t0" --interval 0 --extra-opts="@$work/th.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --warningx ($work/th.ini line 4): no metric label matches its LABEL; labels: busy,"
expect_not_contains "S3CR3T"
printf '[check_cpu]\ncritical = 5ms\n' >"$work/th.ini"
run "$CPU" --root "$D12/t0" --interval 0 --extra-opts="@$work/th.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - --critical ($work/th.ini line 2): a range in seconds fits no primary metric"
expect_not_contains "5ms"
finish

begin "--extra-opts: a switch given a value, a value missing: file and line"
printf '[check_cpu]\nper-cpu = yes\n' >"$work/sw.ini"
printf '[check_cpu]\n# c\nwarning\n' >"$work/nov.ini"
chmod 600 "$work/sw.ini" "$work/nov.ini"
run "$CPU" --root "$D12/t0" --interval 0 --extra-opts="@$work/sw.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - $work/sw.ini line 2: --per-cpu takes no value (write the name alone)"
run "$CPU" --root "$D12/t0" --interval 0 --extra-opts="@$work/nov.ini"
expect_rc 3
expect_prefix "CPU UNKNOWN - $work/nov.ini line 3: --warning needs a value (write 'warning = RANGE')"
finish

# Every option of every plugin, fed a marker from an option file and from the command line:
# the marker never comes back, in any message (the values may be secrets). The options are
# read from each plugin's --help, so a new option is covered without a word here.
MARK=S3CR3T
echo_loop() { # plugin, root, extra args...
	local plugin=$1 root=$2 name val line bad=0 n=0
	shift 2
	while read -r name val; do
		local args=(--root "$root" "$@") ini=$work/mark.ini
		case $name in help | version | extra-opts) continue ;; esac
		n=$((n + 1))
		# The option itself is left off the command line (which would win over the file).
		if [ "$name" = root ]; then args=("$@"); fi
		if [ "$name" = interval ] || [ "$name" = state-dir ]; then
			args=(--root "$root")
		fi
		case $name in
		include | exclude) v="1$MARK*" ;;   # a glob: any glob is a valid one
		*) v="1$MARK(" ;;
		esac
		if [ "$val" = switch ]; then v=$MARK; fi
		printf '[%s]\n%s = %s\n' "$(basename "$plugin")" "$name" "$v" >"$ini"
		chmod 600 "$ini"
		for how in file argv; do
			if [ $how = file ]; then
				run "$plugin" "${args[@]}" --extra-opts="@$ini"
			else
				run "$plugin" "${args[@]}" "--$name=$v"
			fi
			if grep -qF "$MARK" "$work/.out" "$work/.err"; then
				problem "--$name ($how): the value came back: $(head -c 300 "$work/.out")"
				bad=1
			fi
			if [ "$rc" -gt 3 ]; then problem "--$name ($how): exit $rc"; fi
			if [ "$rc" != 3 ] && [ "$name" != exclude ]; then
				problem "--$name ($how): exit $rc, expected a usage error"
			fi
			if [ $how = file ] && [ "$rc" = 3 ] && [ "$name" != exclude ] &&
				[ "$name" != include ] &&
				! grep -qE "(--$name \($ini line 2\)|$ini line 2: --$name)" "$work/.out"; then
				problem "--$name (file): the message names neither the option nor the line: $first"
			fi
		done
	done < <("$plugin" --help | sed -nE 's/^ (-[a-zA-Z], )?--([a-z-]+)(=|\[=)?.*/\2 \3/p' |
		awk '{ print $1, ($2 == "" ? "switch" : "value") }')
	[ "$n" -ge 10 ] || problem "only $n options read from $(basename "$plugin") --help"
	optcount=$((optcount + n))
}
optcount=0
begin "no option value is ever echoed: every option of every plugin, from a file and argv"
echo_loop "$CPU" "$D12/t0" --interval 0 --state-dir "$(newdir)"
echo_loop "$MEM" "$FIXTURES/mem/debian12"
echo_loop "$PLUGINS/check_disk_io" "$FIXTURES/diskio/virtio/t1" --interval 0 --state-dir "$(newdir)"
echo_loop "$PLUGINS/check_net" "$FIXTURES/net/docker-host/t1" --interval 0 --state-dir "$(newdir)"
echo_loop "$PLUGINS/check_hwmon" "$FIXTURES/hwmon/coretemp"
echo_loop "$PLUGINS/check_mdraid" "$FIXTURES/mdraid/raid1-healthy"
[ "$optcount" -ge 90 ] || problem "only $optcount options in all"
finish

begin "first run: --interval longer than -t allows is cut to the time left, with a real figure"
d=$(newdir)
start=$(date +%s%N)
run "$CPU" --interval 5 -t 1 --state-dir "$d"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 0
expect_no_stderr
expect_prefix "CPU OK - "
expect_contains "sampled over 0."
expect_contains "the --interval cut to half the time left before --timeout"
expect_not_contains "timed out"
[ "$ms" -lt 1100 ] || problem "took ${ms} ms with -t 1 (the backstop fires at 1.1 s)"
finish

# ---------------------------------------------------------------- output caps
# A generated host with 1,500 interfaces eth1..eth1500 (each with 10 metrics, no
# /sys/class/net: an UNKNOWN finding each), one with a name of 31 '=', and a usage error
# with a long option value: every form keeps its cap, and JSON says what it left out.
many=$work/many-if
mkdir -p "$many/proc/net" "$many/proc/sys/kernel/random"
cp "$FIXTURES/net/docker-host/t0/proc/uptime" "$many/proc/"
cp "$FIXTURES/net/docker-host/t0/proc/sys/kernel/random/boot_id" "$many/proc/sys/kernel/random/"
{
	head -n 2 "$FIXTURES/net/docker-host/t0/proc/net/dev"
	for i in $(seq 1 1500); do
		printf 'eth%d: 2000000 1000 0 0 0 0 0 0 2000000 800 0 0 0 0 0 0\n' "$i"
	done
	# 31 '=' bytes: a label prefix of 124 bytes, cut.
	printf '===============================: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n'
} >"$many/proc/net/dev"
# json_counts FILE: "ITEMS METRICS LEFT_ITEMS LEFT_METRICS SIZE" of a check_net document.
json_counts() {
	/usr/bin/python3 -c '
import json, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw.decode("utf-8"))
print(len(d["items"]), sum(len(i["metrics"]) for i in d["items"]),
      d["left_out"]["items"], d["left_out"]["metrics"], len(raw))' "$1"
}

begin "caps: one-line output of 1,500 interfaces stays within 1,000 bytes on one line"
run "$PLUGINS/check_net" --root "$many" --interval 0 --include 'eth*' \
	--state-dir "$(newdir)" --output-format one-line --max-lines 100000
expect_rc 3
size=$(wc -c <"$work/.out")
[ "$size" -le 1001 ] || problem "one-line output of $size bytes (cap 1,000 + newline)"
[ "$size" -ge 800 ] || problem "one-line output of $size bytes: the cap is not used"
[ "$(wc -l <"$work/.out")" = 1 ] || problem "one-line output of $(wc -l <"$work/.out") lines"
expect_prefix "NET UNKNOWN - eth1: not in /sys/class/net"
expect_contains "more lines left out (output size limit)"
finish

begin "caps: JSON of 1,500 interfaces stays within 64,000 bytes, valid, with left_out counts"
run "$PLUGINS/check_net" --root "$many" --interval 0 --include 'eth*' \
	--state-dir "$(newdir)" --output-format json
expect_rc 3
expect_schema
read -r items metrics left_items left_metrics size < <(json_counts "$work/.out")
[ "${size:-99999}" -le 64000 ] || problem "JSON of ${size:-?} bytes (cap 64,000)"
[ "${size:-0}" -ge 60000 ] || problem "JSON of ${size:-?} bytes: the cap is not used"
[ $((${items:-0} + ${left_items:-0})) = 1500 ] ||
	problem "items: $items shown + $left_items left out, not 1500"
[ $((${metrics:-0} + ${left_metrics:-0})) = 15000 ] ||
	problem "metrics: $metrics shown + $left_metrics left out, not 15000"
[ "${left_items:-0}" -gt 0 ] || problem "no item left out"
finish

begin "caps: a label cut for length keeps its metric name, so a glob on the metric finds it"
run "$PLUGINS/check_net" --root "$many" --interval 0 --include '=*' --state-dir "$(newdir)" \
	--criticalx '*_rx_bits=1:'
expect_rc 2
# Named by the item and the metric (by the label rule), not by the cut label.
expect_prefix \
	"NET CRITICAL - =============================== rx_bits 0bit/s (critical under 1bit/s), "
expect_not_contains "no metric is labelled"
for m in rx_bits tx_bits rx_packets tx_drops; do
	grep -qE " _x3d(_x3d)+_h[0-9a-f]{8}_${m}=" "$work/.out" ||
		problem "no cut label ending in _$m: $first"
done
finish

begin "caps: the JSON of a usage error keeps the cap with its usage field"
long=$(head -c 120000 /dev/zero | tr '\0' 'x')
run "$PLUGINS/check_net" --root "$many" --interval 0 --state-dir "$(newdir)" \
	--output-format json --criticalx "$long"
expect_rc 3
expect_schema
size=$(wc -c <"$work/.out")
[ "$size" -le 64000 ] || problem "JSON of $size bytes (cap 64,000)"
expect_contains '"usage":"Usage: check_net'
finish

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
