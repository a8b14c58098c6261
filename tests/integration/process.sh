#!/bin/bash
# check_process against real processes this test spawns: copies of sleep under names
# longer than the kernel's 15-byte command name, one run as nobody (setpriv), a zombie
# (a child that exited under a parent that never reaps it), a CPU burner, a pidfile, and
# a cgroup the test makes under /sys/fs/cgroup (v2, or a v1 controller's hierarchy) when
# it may. Asserts counts, per-process figures against /proc, CPU % from the state of
# the run before, and that the check run through 'sh -c', 'timeout' or 'exec' never
# counts itself or its wrapper. A process in state D cannot be made on purpose without
# a kernel module or a hung file system: that case is left to the fixture tree.
#
# The parts that need root (nobody, the cgroup) are skipped without it. Every process
# and cgroup made here is removed at the end (trap). Prints one line per check and ends
# with "N passed, M failed".

set -u

. "$(dirname "$0")/../env.sh"
PLUGIN=$PLUGINS/check_process
if [ ! -x "$PLUGIN" ]; then
	echo "not ok - no check_process at $PLUGIN (set PLUGINS)"
	echo "0 passed, 1 failed"
	exit 1
fi
command -v jq >/dev/null 2>&1 || { echo "SKIP: needs jq"; exit 77; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-proc.XXXXXX") || exit 99
chmod 755 "$WORK"
CG=""
PIDS=""
cleanup() {
	exec 2>/dev/null   # no "Killed" notices for the processes stopped here
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do
			echo "$p" >"$(dirname "$CG")/cgroup.procs" 2>/dev/null
		done
		rmdir "$CG" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skipped=0
skip() { echo "skip - $1"; skipped=$((skipped + 1)); }

export PLUMBLINE_STATE_DIR=$WORK/state
mkdir -m 700 "$PLUMBLINE_STATE_DIR"
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}

# Names unique to this run, so that other tests on the machine do not disturb counts.
TAG=$$
LONG=pltest-long-running-worker-$TAG
mkdir -m 755 "$WORK/bin"
cp /bin/sleep "$WORK/bin/$LONG"
cp /bin/sleep "$WORK/bin/pltest-zombie-parent-$TAG"
cp /bin/sleep "$WORK/bin/pltest-zombie-child-$TAG"
cp "$(command -v dash || command -v sh)" "$WORK/bin/pltest-cpu-burner-$TAG"
chmod 755 "$WORK/bin"/*

run() { # args...: sets out, rc and line (the status line)
	out=$("$PLUGIN" "$@" 2>"$WORK/err")
	rc=$?
	line=${out%%$'\n'*}
	line=${line%% | *}
}
json_metric() { # pid metric: the value in the last JSON output ($out)
	printf '%s' "$out" | jq -r --arg n "pid$1" --arg m "$2" \
		'.items[] | select(.name == $n) | .metrics[] | select(.name == $m) | .value'
}

# Three workers with a name of 29+ bytes (comm: the first 15).
for i in 1 2 3; do
	"$WORK/bin/$LONG" 600 "$i" &
	PIDS="$PIDS $!"
	eval "W$i=$!"
done
sleep 0.3
check "the kernel cut the workers' command name" \
	'[ "$(cat /proc/$W1/comm)" = "${LONG:0:15}" ]'

run --name "$LONG"
check "--name with the full long name: 3 processes (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == "PROCESS OK - $LONG: 3 processes,"* ]]'
run --name "${LONG:0:15}" -c 0:
check "the cut name alone counts the same 3 (rc $rc, $line)" \
	'[[ "$line" == *": 3 processes,"* ]]'
run --name "${LONG}x"
check "a longer name than the program's matches none: CRITICAL (rc $rc)" '[ $rc -eq 2 ]'
run --exe "$WORK/bin/$LONG" -c 3:3
check "--exe: exactly 3 (rc $rc, $line)" '[ $rc -eq 0 ]'
run --cmdline "^$WORK/bin/$LONG 600 2\$"
check "--cmdline over the whole command line: 1 (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *" 1 process,"* ]]'
run --cmdline "$LONG 600 2"
check "--cmdline without a special character (found as text): 1 (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *" 1 process,"* ]]'
run --cmdline "$LONG 600" -c 3:3
check "--cmdline text found anywhere in the command line: 3 (rc $rc, $line)" '[ $rc -eq 0 ]'
run --cmdline "$LONG 600 [23]" -c 2:2
check "--cmdline as an expression: 2 (rc $rc, $line)" '[ $rc -eq 0 ]'
run --name "$LONG" -w 2
check "-w 2 with 3 running: WARNING (rc $rc, $line)" '[ $rc -eq 1 ]'

# Per-process figures against the kernel's own.
page=$(getconf PAGESIZE)
run --name "$LONG" --criticalx '*_fds=1000' --output-format json
rss=$(awk '{ print $24 }' /proc/$W1/stat)
check "pid $W1 rss = stat's pages x $page ($(json_metric $W1 rss) B)" \
	'[ "$(json_metric $W1 rss)" = "$((rss * page))" ]'
check "pid $W1 threads = 1" '[ "$(json_metric $W1 threads)" = 1 ]'
fds=$(ls /proc/$W1/fd | wc -l)
check "pid $W1 fds = the entries of /proc/$W1/fd ($fds)" '[ "$(json_metric $W1 fds)" = "$fds" ]'
age=$(json_metric $W1 age)
etimes=$(ps -o etimes= -p $W1 | tr -d ' ')
check "pid $W1 age ${age}s is ps's ${etimes}s (within 2s)" \
	'awk -v a="$age" -v e="$etimes" "BEGIN { exit !(a - e < 2 && e - a < 2) }"'

# CPU %: a burner, two runs a second and more apart; the first has no rate. The figure
# must be the kernel's own over (about) the same window, whatever else loads this host.
hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
"$WORK/bin/pltest-cpu-burner-$TAG" -c 'while :; do :; done' &
BURN=$!
PIDS="$PIDS $BURN"
sleep 0.5
t_a=$(ticks $BURN)
u_a=$(cut -d' ' -f1 /proc/uptime)
run --name "pltest-cpu-burner-$TAG" --output-format json
check "first run: no CPU % yet, and it says the rates come next" \
	'[ "$(json_metric $BURN cpu)" = null ] && printf "%s" "$out" | grep -q "rates come with the next run"'
sleep 2
run --name "pltest-cpu-burner-$TAG" --output-format json
t_b=$(ticks $BURN)
u_b=$(cut -d' ' -f1 /proc/uptime)
cpu=$(json_metric $BURN cpu)
kernel=$(awk -v a=$t_a -v b=$t_b -v ua=$u_a -v ub=$u_b -v hz=$hz 'BEGIN { printf "%.1f", (b - a) / hz / (ub - ua) * 100 }')
check "second run: the burner's CPU % since the first run ($cpu%) is the kernel's ($kernel%, within 20 points)" \
	'awk -v c="$cpu" -v k="$kernel" "BEGIN { exit !(c > 0 && c - k < 20 && k - c < 20) }"'
run --name "pltest-cpu-burner-$TAG" --criticalx '*_cpu=0.5'
check "a per-process CPU threshold names the burner (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"pid$BURN cpu"*"(critical over 0.5%)"* ]]'
kill -9 $BURN 2>/dev/null
wait $BURN 2>/dev/null

skip "a process in state D: none can be made on purpose without a hung device (the fixture tree has one)"

# A zombie: the child exits, its parent (exec'd into a sleep) never reaps it.
( "$WORK/bin/pltest-zombie-child-$TAG" 0 & exec "$WORK/bin/pltest-zombie-parent-$TAG" 600 ) &
ZP=$!
PIDS="$PIDS $ZP"
sleep 0.5
run --ppid $ZP -c 0: --warningx zombies=0
check "the zombie under pid $ZP: WARNING, 1 zombie, 0 live (rc $rc, $line)" \
	'[ $rc -eq 1 ] && [[ "$line" == *"0 processes, 1 zombie (warning over 0)"* ]]'
run --ppid $ZP -c 0: --criticalx 'zombie_age=~:1h'
check "a zombie younger than an hour is no problem (rc $rc)" '[ $rc -eq 0 ]'

# Pidfiles: alive and the expected program; stale; another program.
echo $W1 >"$WORK/worker.pid"
run --pidfile "$WORK/worker.pid" --name "$LONG"
check "pidfile of a running worker: OK, 1 process (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *": 1 process,"* ]]'
"$WORK/bin/$LONG" 0 &
gone=$!
wait $gone
echo $gone >"$WORK/stale.pid"
run --pidfile "$WORK/stale.pid"
check "stale pidfile: CRITICAL (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"which is not running (a stale pidfile)"* ]]'
echo $ZP >"$WORK/other.pid"
run --pidfile "$WORK/other.pid" --name "$LONG"
check "pidfile naming another program: CRITICAL (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"which is not the expected program"* ]]'
mkfifo "$WORK/fifo.pid"
start=$SECONDS
run --pidfile "$WORK/fifo.pid" -t 10
check "a FIFO as pidfile: CRITICAL at once, not a regular file (rc $rc, $((SECONDS - start))s, $line)" \
	'[ $rc -eq 2 ] && [ $((SECONDS - start)) -lt 5 ] && [[ "$line" == *"is not a regular file"* ]]'
echo "$W1" >"$WORK/real.pid"
ln -s "$WORK/real.pid" "$WORK/link.pid"
run --pidfile "$WORK/link.pid"
check "a symlink as pidfile: CRITICAL, not followed (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"is a symbolic link"* ]]'

# Never itself, its shell or its wrapper: a marker in the command line of every one.
MARK=pltest-marker-$TAG
for how in "sh -c" "sh -c exec" "timeout"; do
	case $how in
	"sh -c") out=$(sh -c "$PLUGIN --cmdline $MARK -c 0:; true") ;;
	"sh -c exec") out=$(sh -c "exec $PLUGIN --cmdline $MARK -c 0:") ;;
	timeout) out=$(timeout 20 "$PLUGIN" --cmdline $MARK -c 0:) ;;
	esac
	line=${out%% | *}
	check "through $how: the check and its wrapper are not counted ($line)" \
		'[[ "$line" == "PROCESS OK - 0 processes" ]]'
done
# Installed under another name (a symlink, a copy): its wrapper is still not counted.
ln -s "$PLUGIN" "$WORK/bin/plmon-link"
cp "$PLUGIN" "$WORK/bin/plmon-copy"
for b in plmon-link plmon-copy; do
	out=$(timeout 20 "$WORK/bin/$b" --cmdline $MARK -c 0:)
	line=${out%% | *}
	check "as $b through timeout: the check and its wrapper are not counted ($line)" \
		'[[ "$line" == "PROCESS OK - 0 processes" ]]'
done
(exec -a "$MARK-worker" "$WORK/bin/$LONG" 600) &
M=$!
PIDS="$PIDS $M"
sleep 0.2
out=$(sh -c "$PLUGIN --cmdline $MARK; true")
line=${out%% | *}
check "through sh -c, a real process with the marker is counted once ($line)" \
	'[[ "$line" == "PROCESS OK - 1 process,"* ]]'
out=$(bash -c "$PLUGIN --name bash -c 0: --ppid $$; true")
check "its parent shell (bash) is not counted" '[[ "${out%% | *}" == "PROCESS OK - bash: 0 processes" ]]'

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	skip "another user and a cgroup need root and setpriv"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ $failed -eq 0 ]
	exit
fi

# Another user.
setpriv --reuid=nobody --regid=nogroup --clear-groups "$WORK/bin/$LONG" 600 4 &
NB=$!
PIDS="$PIDS $NB"
sleep 0.3
run --name "$LONG" --user nobody
check "--user nobody: the one worker run as nobody (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *": 1 process,"* ]] && [[ "$out" == *"pid$NB: S nobody,"* ]]'
# A process that changed its user without an exec (a daemon dropping root) is not
# dumpable: the kernel shows root as the owner of its files, but of the directory
# /proc/PID always its effective uid, which is what --user reads.
ND=pltest-nondumpable-$TAG
/usr/bin/python3 -c 'import os,time; os.setresgid(65534,65534,65534); os.setresuid(65534,65534,65534); time.sleep(600)' "$ND" &
NDP=$!
PIDS="$PIDS $NDP"
sleep 0.5
check "the process that dropped root is not dumpable (its stat file is root's)" \
	'[ "$(stat -c %u /proc/$NDP/stat)" = 0 ] && [ "$(stat -c %u /proc/$NDP)" = 65534 ]'
run --user nobody --cmdline "$ND"
check "--user nobody finds the process that dropped root to nobody (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *" 1 process,"* ]] && [[ "$out" == *"pid$NDP: S nobody,"* ]]'
run --user root --cmdline "$ND" -c 0:
check "--user root does not count it ($line)" '[[ "$line" == "PROCESS OK - 0 processes" ]]'
# Another user's stopped run of this program does not hide that user's processes: its
# parent (a python3 under a marker) is counted, only the run itself is left out.
EVIL=pltest-evil-$TAG
setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c 'import subprocess,sys,time,os,signal
p=subprocess.Popen([sys.argv[1],"-t","600","--pidfile","/proc/self/fd/0"],stdin=subprocess.PIPE); time.sleep(0.2); os.kill(p.pid,signal.SIGSTOP); print(p.pid, flush=True); time.sleep(600)' \
	"$PLUGIN" "$EVIL" >"$WORK/evil.pid" &
PIDS="$PIDS $!"
sleep 0.8
PIDS="$PIDS $(cat "$WORK/evil.pid")"
run --user nobody --cmdline "$EVIL" -v
check "a stopped run of the check as nobody: its parent is still counted (rc $rc, $line)" \
	'[[ "$line" == "PROCESS OK - 1 process,"* ]]'
run --name "$LONG" -c 5:5
check "--name without --user: all five workers (3, the marked one, nobody's) (rc $rc, $line)" '[ $rc -eq 0 ]'
# As nobody, root's processes' descriptors cannot be counted: said per process, UNKNOWN.
NST=$WORK/state-nobody
mkdir -m 700 "$NST"
chown nobody "$NST"
cp "$PLUGIN" "$WORK/bin/check_process"
out=$(PLUMBLINE_STATE_DIR=$NST setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$WORK/bin/check_process" --name "$LONG" --warningx '*_fds=1000' 2>&1)
rc=$?
check "run as nobody, root's workers' fds: UNKNOWN with the reason per process (rc $rc)" \
	'[ $rc -eq 3 ] && [[ "$out" == *"no permission to list /proc/$W1/fd"* ]] && [[ "$out" == *"fds: permission denied"* ]]'
out=$(PLUMBLINE_STATE_DIR=$NST setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$WORK/bin/check_process" --name "$LONG" -c 4:4 2>&1)
rc=$?
# Root's exe links are unreadable to nobody: the cut command name and the first
# argument's base name find the workers; the one started under another argv[0] (exec -a)
# only its exe link could tell.
check "run as nobody, four of the five workers are found by name (rc $rc, ${out%% | *})" \
	'[ $rc -eq 0 ]'

# A cgroup of our own.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	base=/sys/fs/cgroup
else
	base=""
	for d in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/cpu; do
		[ -f "$d/cgroup.procs" ] && { base=$d; break; }
	done
fi
if [ -n "$base" ] && mkdir "$base/pltest-$TAG" 2>/dev/null; then
	CG=$base/pltest-$TAG
	if echo $W2 >"$CG/cgroup.procs" 2>/dev/null; then
		run --cgroup "/pltest-$TAG"
		check "--cgroup /pltest-$TAG ($base): the one worker moved there (rc $rc, $line)" \
			'[ $rc -eq 0 ] && [[ "$line" == *" 1 process,"* ]] && [[ "$out" == *"pid$W2:"* ]]'
		if [ "$base" = /sys/fs/cgroup ]; then
			run --unit "pltest-$TAG"
			check "--unit names the cgroup's leaf (rc $rc, $line)" '[ $rc -eq 0 ]'
		fi
		run --name "$LONG" --cgroup "/pltest-$TAG-none" -c 0:
		check "a sibling cgroup with a longer name holds none ($line)" \
			'[[ "$line" == *": 0 processes" ]]'
	else
		skip "cannot move a process into $CG"
	fi
else
	skip "no writable cgroup hierarchy under /sys/fs/cgroup"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
