#!/bin/bash
# check_antivirus against a real clamd started here in the foreground, on a signature
# database the test writes (an unsigned daily.cud that sigtool builds, with version
# 26000), with its own config and socket in a scratch directory: PING/VERSION, the
# facts, clamd.conf's TCPSocket/TCPAddr as the default without LocalSocket, then a newer
# daily.cvd header on disk that clamd has not loaded (the mismatch),
# signature age thresholds (PLUMBLINE_NOW), a malformed header, a scan log, a stopped
# clamd (CRITICAL), a socket that accepts and never answers (bounded by -t) and one that
# answers garbage (UNKNOWN); exact status lines in Simplified Chinese in each state.
# clamd is stopped at the end (trap). Prints one line per
# check and ends with "N passed, M failed".

set -u

. "$(dirname "$0")/../env.sh"
PLUGIN=$PLUGINS/check_antivirus
if [ ! -x "$PLUGIN" ]; then
	echo "not ok - no check_antivirus at $PLUGIN (set PLUGINS)"
	echo "0 passed, 1 failed"
	exit 1
fi
for t in clamd sigtool python3 jq; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: needs $t (clamav-daemon, clamav)"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-av.XXXXXX") || exit 99
CLAMD_PID=""
FAKE_PID=""
cleanup() {
	exec 2>/dev/null
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" && wait "$FAKE_PID"
	if [ -n "$CLAMD_PID" ]; then
		kill -TERM "$CLAMD_PID"
		for _ in $(seq 50); do kill -0 "$CLAMD_PID" || break; sleep 0.1; done
		kill -9 "$CLAMD_PID"
		wait "$CLAMD_PID"
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}
unset PLUMBLINE_NOW

run() { # args...: sets out, rc and line (the status line)
	out=$("$PLUGIN" "$@" 2>"$WORK/err")
	rc=$?
	line=${out%%$'\n'*}
	line=${line%% | *}
}

# zh NAME RC LINE: the exit code and the whole status line (up to the perfdata), exact:
# the Simplified Chinese cases (README.md "Language").
zh() {
	if [ "$rc" -eq "$2" ] && [ "$line" = "$3" ]; then
		ok "$1"
	else
		notok "$1: exit $rc, '$line', want exit $2, '$3'"
	fi
}

# The database: one MD5 and one body signature, packed into an unsigned daily.cud.
mkdir -p "$WORK/db" "$WORK/tmp" "$WORK/build"
printf 'harmless test file for the plugin suite\n' >"$WORK/sample.txt"
sigtool --md5 "$WORK/sample.txt" | awk -F: '{print $1":"$2":Test.Plugin.Sample-1"}' \
	>"$WORK/build/daily.hdb"
echo "Test.Plugin.Marker-1:0:*:$(printf 'MONPLUGIN-TEST-MARKER' | sigtool --hex-dump)" \
	>"$WORK/build/daily.ndb"
( cd "$WORK/build" && echo "test sigs" >COPYING &&
	TZ=UTC SIGNDUSER=testsuite sigtool --build=daily.cud --unsigned --cvd-version=26000 \
		--datadir="$WORK/build" </dev/null >"$WORK/sigtool.log" 2>&1 )
cp "$WORK/build/daily.cud" "$WORK/db/" || { echo "not ok - sigtool built no daily.cud"; exit 1; }

# A TCP port on loopback, free now (clamd listens on it too).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$WORK/clamd.conf" <<EOC
Foreground yes
DatabaseDirectory $WORK/db
LocalSocket $WORK/clamd.sock
PidFile $WORK/clamd.pid
LogFile $WORK/clamd.log
TemporaryDirectory $WORK/tmp
SelfCheck 0
TCPSocket $PORT
TCPAddr 127.0.0.1
EOC
TZ=UTC clamd --config-file="$WORK/clamd.conf" >"$WORK/clamd.out" 2>&1 &
CLAMD_PID=$!
for _ in $(seq 150); do [ -S "$WORK/clamd.sock" ] && break; sleep 0.1; done
if [ ! -S "$WORK/clamd.sock" ]; then
	echo "not ok - clamd did not start:"; sed 's/^/    /' "$WORK/clamd.out"
	echo "0 passed, 1 failed"; exit 1
fi

# 1. clamd answers; the socket and the database directory come from its config.
run --clamd-conf "$WORK/clamd.conf"
check "clamd up, daily 26000 loaded and on disk: OK (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == "ANTIVIRUS OK - clamd "*" daily 26000, signatures "*" old" ]]'
check "perfdata has signature_age in seconds ($out)" \
	'[[ "$out" == *"| signature_age="*"s;172800;604800"* ]]'
run --clamd-conf "$WORK/clamd.conf" --output-format json
eng=$(clamd --version | sed 's|^ClamAV \([^/]*\).*|\1|')
check "facts: engine $eng, daily 26000, signature date" \
	'[ "$(printf "%s" "$out" | jq -r ".facts.engine")" = "$eng" ] &&
	 [ "$(printf "%s" "$out" | jq -r ".facts.daily")" = 26000 ] &&
	 [ "$(printf "%s" "$out" | jq -r ".facts.signature_date")" != null ]'
run --socket "$WORK/clamd.sock" --database-dir "$WORK/db"
check "--socket and --database-dir given: OK (rc $rc)" '[ $rc -eq 0 ]'
run -H 127.0.0.1 -p "$PORT" --database-dir "$WORK/db"
check "over TCP, -H 127.0.0.1 -p $PORT: OK (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *" daily 26000, "* ]]'

# 1b. A clamd.conf without LocalSocket: its TCPSocket on its TCPAddr (the loopback when
#     there is none, or when it is 0.0.0.0), as clamd listens; -H alone takes its port.
tcpconf() { # TCPSocket [TCPAddr]
	{
		echo "DatabaseDirectory $WORK/db"
		echo "TCPSocket $1"
		[ -n "${2:-}" ] && echo "TCPAddr $2"
	} >"$WORK/tcp.conf"
}
tcpconf "$PORT" 127.0.0.1
run --clamd-conf "$WORK/tcp.conf"
check "clamd.conf with TCPSocket/TCPAddr, no LocalSocket: OK over TCP (rc $rc, $line)" \
	'[ $rc -eq 0 ] && [[ "$line" == *" daily 26000, "* ]]'
tcpconf "$PORT"
run --clamd-conf "$WORK/tcp.conf"
check "TCPSocket without TCPAddr: the loopback (rc $rc, $line)" '[ $rc -eq 0 ]'
tcpconf "$PORT" 0.0.0.0
run --clamd-conf "$WORK/tcp.conf"
check "TCPAddr 0.0.0.0: the loopback (rc $rc, $line)" '[ $rc -eq 0 ]'
run --clamd-conf "$WORK/tcp.conf" -H 127.0.0.1
check "-H without -p: clamd.conf's TCPSocket (rc $rc, $line)" '[ $rc -eq 0 ]'
FREE=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tcpconf "$FREE" 127.0.0.1
run --clamd-conf "$WORK/tcp.conf"
check "clamd.conf's TCPSocket where nothing listens: CRITICAL naming it (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"clamd at 127.0.0.1 port $FREE unreachable"* ]]'
run --clamd-conf "$WORK/tcp.conf" --socket "$WORK/clamd.sock"
check "--socket still wins over clamd.conf's TCPSocket (rc $rc, $line)" '[ $rc -eq 0 ]'
tcpconf "33o0" 127.0.0.1
run --clamd-conf "$WORK/tcp.conf"
check "a TCPSocket that is no port: UNKNOWN naming the file (rc $rc, $line)" \
	'[ $rc -eq 3 ] && [[ "$line" == *"tcp.conf: TCPSocket '"'"'33o0'"'"' is not a port"* ]]'

# 2. A newer daily.cvd on disk that clamd has not loaded.
printf '%-512s' "ClamAV-VDB:01 Dec 2026 09-30 +0000:26001:2:90:X:X:testsuite:1796117400" \
	>"$WORK/db/daily.cvd"
export PLUMBLINE_NOW=2026-12-01T10:30:00Z
run --clamd-conf "$WORK/clamd.conf"
check "disk has 26001, clamd runs 26000: WARNING with what to do (rc $rc, $line)" \
	'[ $rc -eq 1 ] && [[ "$line" == *"clamd runs daily 26000 but disk has 26001: run clamdscan --reload or restart clamd"* ]]'
run --clamd-conf "$WORK/clamd.conf" --loaded-old=critical
check "--loaded-old=critical (rc $rc)" '[ $rc -eq 2 ]'
check "signature age from the newest header: 1 h (${out#*| })" \
	'[[ "$out" == *"signature_age=3600s;"* ]]'
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok
check "--loaded-old=ok: OK, age 1 h under the default 2d (rc $rc)" '[ $rc -eq 0 ]'
PLUMBLINE_NOW=2026-12-04T09:30:00Z run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok
check "3 days old: WARNING by the default 2d (rc $rc, $line)" \
	'[ $rc -eq 1 ] && [[ "$line" == *"signatures 3d 0h old (warning over 2d 0h)"* ]]'
PLUMBLINE_NOW=2026-12-09T09:30:00Z run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok
check "8 days old: CRITICAL by the default 7d (rc $rc)" '[ $rc -eq 2 ]'
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --language zh_CN
zh "zh_CN: OK" 0 "ANTIVIRUS OK - clamd $eng daily 26000, 特征码已有 1h 0m"
run --clamd-conf "$WORK/clamd.conf" --language zh_CN
zh "zh_CN: WARNING (clamd runs an older daily)" 1 \
	"ANTIVIRUS WARNING - clamd 运行的是 daily 26000, 但磁盘上是 26001: 请运行 clamdscan --reload 或重启 clamd - clamd $eng daily 26000, 特征码已有 1h 0m"
PLUMBLINE_NOW=2026-12-09T09:30:00Z run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --language zh_CN
zh "zh_CN: CRITICAL (8 days old)" 2 "ANTIVIRUS CRITICAL - clamd $eng daily 26000, 特征码已有 8d 0h (严重: 超过 7d 0h)"
PLUMBLINE_NOW=2026-12-04T09:30:00Z run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok -w 4d -c 5d
check "-w 4d -c 5d: 3 days is OK (rc $rc, $line)" '[ $rc -eq 0 ]'

# 3. A malformed header.
printf 'ClamAV-VDB:garbage\n' >"$WORK/db/daily.cld"
run --clamd-conf "$WORK/clamd.conf"
check "a cut daily.cld: UNKNOWN naming the file (rc $rc, $line)" \
	'[ $rc -eq 3 ] && [[ "$line" == *"daily.cld: database header cut short"* ]]'
printf '%-512s' "ClamAV-VDB:31 Foo 2026 09-30 +0000:26002:2:90:X:X:x:1" >"$WORK/db/daily.cld"
run --clamd-conf "$WORK/clamd.conf"
check "a bad build time: UNKNOWN (rc $rc, $line)" \
	'[ $rc -eq 3 ] && [[ "$line" == *"malformed build time"* ]]'
rm -f "$WORK/db/daily.cld"

# 4. A scan log in clamscan's format.
cat >"$WORK/scan.log" <<'EOL'
/srv/a: OK
/srv/b: Test.Plugin.Sample-1.UNOFFICIAL FOUND

----------- SCAN SUMMARY -----------
Known viruses: 2
Engine version: 1.4.6
Scanned directories: 1
Scanned files: 2
Infected files: 1
Data scanned: 0.00 MB
EOL
touch -d 2026-12-01T10:00:00Z "$WORK/scan.log"
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --scan-log "$WORK/scan.log"
check "scan log with 1 infected: CRITICAL (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"last scan: 1 infected"* ]] &&
	 [[ "$out" == *"infected=1;;0;0"* ]] && [[ "$out" == *"scan_log_age=1800s;172800;604800"* ]]'
sed -i 's/^Infected files: 1/Infected files: 0/' "$WORK/scan.log"
touch -d 2026-11-28T10:00:00Z "$WORK/scan.log"
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --scan-log "$WORK/scan.log"
check "scan log 3 days old, 0 infected: WARNING on its age (rc $rc, $line)" \
	'[ $rc -eq 1 ] && [[ "$out" == *"infected=0;;0;0"* ]]'
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --scan-log "$WORK/nolog"
check "a missing scan log: UNKNOWN (rc $rc, $line)" '[ $rc -eq 3 ]'
unset PLUMBLINE_NOW

# A log larger than the part read: the last summary still counts.
{ for _ in $(seq 20000); do echo "/srv/file-with-a-long-name-for-padding: OK"; done
  printf -- '----------- SCAN SUMMARY -----------\nInfected files: 4\n'; } >"$WORK/big.log"
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --scan-log "$WORK/big.log"
check "a log of $(($(stat -c %s "$WORK/big.log") / 1024)) KiB: its last summary (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$out" == *"infected=4;"* ]]'
run --clamd-conf "$WORK/clamd.conf" --loaded-old=ok --scan-log "$WORK"
check "a directory as --scan-log: UNKNOWN (rc $rc, $line)" \
	'[ $rc -eq 3 ] && [[ "$line" == *"not a regular file"* ]]'

# 5. clamd stopped.
kill -TERM "$CLAMD_PID"
for _ in $(seq 50); do kill -0 "$CLAMD_PID" 2>/dev/null || break; sleep 0.1; done
wait "$CLAMD_PID" 2>/dev/null
CLAMD_PID=""
run --socket "$WORK/clamd.sock" --database-dir "$WORK/db" --loaded-old=ok
check "clamd stopped: CRITICAL, unreachable (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == *"clamd at $WORK/clamd.sock unreachable: connect: "* ]]'
run --socket "$WORK/clamd.sock" --database-dir "$WORK/db" --loaded-old=ok --language zh_CN
check "zh_CN: CRITICAL (clamd stopped), the why in Chinese (rc $rc, $line)" \
	'[ $rc -eq 2 ] && [[ "$line" == "ANTIVIRUS CRITICAL - $WORK/clamd.sock 上的 clamd 无法访问: 连接: "*" - clamd 不应答, 特征码已有 "* ]]'

# 6. A socket that accepts and never answers, and one that answers garbage.
cat >"$WORK/fake.py" <<'EOP'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(16)
held = []
while True:
    c, _ = s.accept()
    if sys.argv[2] == "silent":
        held.append(c)
    else:
        c.recv(64); c.sendall(b"HELLO\x01\x00"); c.close()
EOP
python3 "$WORK/fake.py" "$WORK/silent.sock" silent &
FAKE_PID=$!
for _ in $(seq 50); do [ -S "$WORK/silent.sock" ] && break; sleep 0.1; done
t0=$(date +%s%N)
run --socket "$WORK/silent.sock" --database-dir "$WORK/db" -t 2
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a silent socket: bounded by -t 2 (${ms} ms), timeout state UNKNOWN (rc $rc, $line)" \
	'[ $ms -lt 3500 ] && [ $rc -eq 3 ] && [[ "$line" == *"does not answer: no answer to PING before the deadline"* ]]'
run --socket "$WORK/silent.sock" --database-dir "$WORK/db" -t 1:critical
check "-t 1:critical: CRITICAL (rc $rc)" '[ $rc -eq 2 ]'
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null
python3 "$WORK/fake.py" "$WORK/garbage.sock" garbage &
FAKE_PID=$!
for _ in $(seq 50); do [ -S "$WORK/garbage.sock" ] && break; sleep 0.1; done
run --socket "$WORK/garbage.sock" --database-dir "$WORK/db"
check "a garbled reply: UNKNOWN with it escaped (rc $rc, $line)" \
	"[ \$rc -eq 3 ] && [[ \"\$line\" == *\"answered PING with 'HELLO\\\\x01\\\\x00' (expected PONG)\"* ]]"
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null
FAKE_PID=""

# 7. Bad options.
run --port 3310
check "--port without --host: UNKNOWN (rc $rc)" '[ $rc -eq 3 ] && [[ "$line" == *"--port needs --host"* ]]'
run --port 3310 --language zh_CN
zh "zh_CN: a usage error" 3 "ANTIVIRUS UNKNOWN - --port 需要配合 --host(clamd 的 TCP 地址)"
run --clamd-conf "$WORK/none.conf"
check "an unreadable --clamd-conf: UNKNOWN (rc $rc)" '[ $rc -eq 3 ]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
