#!/bin/bash
# check_restore_drill against real restic and borg repositories and tar archives made
# here, in a scratch directory (recipe: /work/shared/recipes/restic-borg.md):
#   - drills: restic (given paths, N random files, restic check on a rotating subset
#     kept in the state store), borg, tar (against the live files below --live-root and
#     against a sha256sum manifest); each appends one journal line, and leaves nothing in
#     --work-dir;
#   - failing drills: a restic pack and a borg segment with a byte flipped (the drill
#     fails and says why), a live file changed since the backup, a manifest that
#     disagrees, a path the backup lacks, no room in --work-dir, no full backup;
#   - a restore that runs past the timeout (a stand-in restic whose restore hangs with a
#     child): killed with its process group, failure recorded, nothing left; a drill
#     killed with SIGKILL leaves its directory, which the next drill removes;
#   - setup failures, exit 3 and recorded: a wrong password, a missing binary, no HOME;
#     a journal that is a symlink is never written through;
#   - journal mode: fresh, old (WARNING, CRITICAL), failed last drill, no good drill,
#     empty, missing, symlinked and group-writable journals, malformed lines (UNKNOWN,
#     or counted with --skip-malformed), the trend in the long output.
# Each case asserts the exit code, the status line and perfdata. Skipped (77) without
# restic or borg. Everything lives in a mktemp -d directory, removed with every process
# the test started on exit. Takes about half a minute.
set -u

. "$(dirname "$0")/../env.sh"
plugin=$PLUGINS/check_restore_drill
RESTIC=/usr/bin/restic
BORG=/usr/bin/borg

[ -x "$plugin" ] || { echo "SKIP: no $plugin (json-c or libcrypto missing at configure time?)"; exit 77; }
for t in "$RESTIC" "$BORG"; do
	[ -x "$t" ] || { echo "SKIP: no $t (tests/run-all.sh installs restic and borgbackup)"; exit 77; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/pl-drill.XXXXXX") || exit 99
pids=""
cleanup() {
	for p in $pids; do
		kill -KILL -- "-$p" 2>/dev/null
	done
	wait 2>/dev/null
	chmod -R u+rwx "$W" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

J=$W/journal
WD=$W/work
# run ARGS...: the plugin as an engine or cron would (HOME kept, nothing else), into
# $out/$rc.
run() {
	out=$(env -i HOME="$W/home" PLUMBLINE_NOW="$NOW_TEXT" PLUMBLINE_STATE_DIR="$W/state" \
		"$plugin" -t 30 "$@" 2>&1)
	rc=$?
}
# check NAME COMMAND...: a condition, as a case.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}
# The work directory holds the lock and nothing else after a drill.
clean_work() { [ -z "$(ls -A "$WD" 2>/dev/null | grep -vx drill.lock)" ]; }
# The last journal line.
last_line() { tail -n 1 "$J"; }

mkdir -p "$W/home" "$W/data/sub" "$W/state"
echo alpha >"$W/data/a"
head -c 300000 /dev/urandom >"$W/data/sub/b"
for i in 1 2 3 4 5 6; do echo "file $i" >"$W/data/sub/f$i"; done
printf 'drill-pass\n' >"$W/pw"
printf 'wrong-pass\n' >"$W/badpw"
chmod 600 "$W/pw" "$W/badpw"
NOW=$(date -u +%s)
NOW_TEXT=$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)
ago() { date -u -d "@$((NOW - $1))" +%Y-%m-%dT%H:%M:%SZ; }

########## restic
R=$W/restic
export RESTIC_PASSWORD_FILE=$W/pw RESTIC_CACHE_DIR=$W/cache
"$RESTIC" -r "$R" -q init >/dev/null
"$RESTIC" -r "$R" -q backup --host web1 --tag full "$W/data" >/dev/null
"$RESTIC" -r "$R" -q backup --host web1 --tag incremental "$W/data/a" >/dev/null
RA=(--mode drill --journal "$J" --work-dir "$WD" --source restic --repo "$R" --password-file "$W/pw" --cache-dir "$W/cache")

run "${RA[@]}" --sample-path "$W/data/a" --sample-path "$W/data/sub/b"
expect "restic: a drill of two given files" 0 '^RESTORE DRILL OK - last good drill 0s ago, 1 drill recorded \|' \
	"age=0s;2592000;3888000;0 " "bytes=300006B;;;0 " "files_verified=2;;;0 files_failed=0;;;0" \
	"throughput=[0-9]+;;;0 " "duration=[0-9.]+s;;;0 " "drill of [0-9a-f]{8}: 2 files restored and verified"
check "restic: the journal has one line, ok, with the figures" \
	grep -Eq '^\{"time":"[^"]+","result":"ok","source":"restic","backup":"[0-9a-f]{8}","files_restored":2,"bytes_restored":300006,"files_verified":2,"files_failed":0,"duration":[0-9.]+,"who":"[^"]+"\}$' "$J"
check "restic: nothing left in the work directory" clean_work
# restic --include takes patterns: a name with glob characters is escaped, so it is
# restored (and nothing else that the pattern would match).
mkdir -p "$W/meta"
echo star >"$W/meta/f 1[*]"
echo other >"$W/meta/f 1x"
"$RESTIC" -r "$W/restic-meta" -q init >/dev/null
"$RESTIC" -r "$W/restic-meta" -q backup --tag full "$W/meta" >/dev/null
run --mode drill --journal "$W/jmeta" --work-dir "$WD" --source restic --repo "$W/restic-meta" \
	--password-file "$W/pw" --cache-dir "$W/cache" --sample-path "$W/meta/f 1[*]"
expect "restic: a file named 'f 1[*]' is restored and verified" 0 "files_verified=1;;;0" \
	"1 file restored and verified"
run --mode drill --journal "$W/jmeta" --work-dir "$WD" --source restic --repo "$W/restic-meta" \
	--password-file "$W/pw" --cache-dir "$W/cache" --sample 2
expect "restic: both glob-named files at random" 0 "files_verified=2;;;0"
check "restic: nothing left (meta)" clean_work
check "restic: the work directory is private (0700)" [ "$(stat -c %a "$WD")" = 700 ]
run "${RA[@]}" --sample 5 --check-subsets 3
expect "restic: 5 random files and restic check on subset 1/3" 0 'files_verified=5;;;0' \
	"restic check read-data-subset=1/3: no errors" "2 drills recorded"
run "${RA[@]}" --sample 3 --check-subsets 3
expect "restic: the next drill checks the next subset (state store)" 0 "read-data-subset=2/3: no errors"
# restic check takes no lock (--no-lock): a backup running meanwhile (its lock held) is
# neither stopped nor a reason for the check to fail.
setsid sh -c "sleep 60 | exec $RESTIC -r '$R' -q backup --stdin --host lockhost" >/dev/null 2>&1 &
lpid=$!
pids="$pids $lpid"
for _ in $(seq 300); do
	[ -n "$(ls "$R/locks" 2>/dev/null)" ] && break
	sleep 0.1
done
run "${RA[@]}" --sample 1 --check-subsets 3
expect "restic: restic check runs beside a backup's lock (--no-lock)" 0 "read-data-subset=3/3: no errors"
{ kill -KILL -- "-$lpid"; wait "$lpid"; } 2>/dev/null
RESTIC_PASSWORD_FILE=$W/pw "$RESTIC" -r "$R" unlock --remove-all >/dev/null 2>&1
# The shipped cron line runs as root: its output never goes into a file by path (a
# symlink in a directory the nagios user owns would redirect root's write), and run the
# way cron runs it (/bin/sh), a failed drill prints its line, a good one nothing.
cronline=$(grep -E '^[0-9]' "$top_srcdir/contrib/cron.d/plumbline-restore-drill" | cut -d' ' -f7-)
no_redirect() { ! printf '%s' "$cronline" | grep -qE '[0-9]?>[^&]'; }
check "contrib cron line: no redirect into a file" no_redirect
printf '[check_restore_drill]\nmode = drill\njournal = %s\nsource = restic\nrepo = /nonexistent\nwork-dir = %s\n' \
	"$W/jcron" "$WD" >"$W/cron.ini"
cronrun=$(printf '%s' "$cronline" | sed -e "s|/usr/lib/nagios/plugins/check_restore_drill|$plugin|" \
	-e "s|/etc/plumbline/drill.ini|$W/cron.ini|" -e 's|\\%|%|g')
out=$(cd "$W" && env -i PATH=/usr/bin:/bin HOME="$W/home" PLUMBLINE_STATE_DIR="$W/state" /bin/sh -c "$cronrun")
said() { printf '%s' "$out" | grep -q '^RESTORE DRILL UNKNOWN'; }
check "contrib cron line: a failed drill prints its line (for cron's mail)" said
# The shipped setup as shipped: contrib/plumbline/drill.ini (the one README shows) with
# the systemd unit's ExecStart and the cron line, in a root $FS laid out as the package
# and the unit make it: /var/lib/plumbline the nagios user's 0700 (debian tmpfiles),
# the unit's StateDirectory= and CacheDirectory= root's with their modes, every path
# of the ini below $FS; then journal mode as nagios reads what the drill wrote.
ini_src=$top_srcdir/contrib/plumbline/drill.ini
unit=$top_srcdir/contrib/systemd/plumbline-restore-drill.service
# The README's ini block of the drill, from its [check_restore_drill] line.
readme_ini() {
	awk '/^```ini$/ { f = 1; next } /^```$/ { if (got) exit; f = 0; next }
	     f && $0 == "[check_restore_drill]" { got = 1 } got { print }' "$top_srcdir/README.md"
}
same_ini() { [ "$(grep -v '^#' "$ini_src")" = "$(readme_ini)" ]; }
check "contrib drill.ini: the one README shows" same_ini
if [ "$(id -u)" = 0 ] && id nagios >/dev/null 2>&1; then
	FS=$W/fs
	mkdir -m 0755 "$FS"
	chmod 0755 "$W"
	# tmpfiles: "d PATH MODE USER GROUP -"
	while read -r t path mode user group _; do
		[ "$t" = d ] || continue
		mkdir -p "$FS$path" && chown "$user:$group" "$FS$path" && chmod "$mode" "$FS$path"
	done <"$top_srcdir/debian/plumbline-common.tmpfiles"
	# unit_key KEY: the value of KEY= in the unit's [Service] section.
	unit_key() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
	for kind in State Cache; do
		name=$(unit_key "${kind}Directory")
		[ -n "$name" ] || continue
		base=/var/lib
		[ "$kind" = Cache ] && base=/var/cache
		mode=$(unit_key "${kind}DirectoryMode")
		mkdir -p "$FS$base/$name"
		chmod "${mode:-0755}" "$FS$base/$name"
		chown "$(unit_key User | grep . || echo root)" "$FS$base/$name"
	done
	sed -e "s|= /var/|= $FS/var/|" -e "s|^repo = .*|repo = $R|" -e "s|^password = .*|password = drill-pass|" \
		"$ini_src" >"$W/shipped.ini"
	chmod 600 "$W/shipped.ini"
	sjournal=$FS/var/lib/plumbline/drill.journal
	execstart=$(unit_key ExecStart)
	cmd=$(printf '%s' "$execstart" | sed -e "s|/usr/lib/nagios/plugins/check_restore_drill|$plugin|" \
		-e "s|/etc/plumbline/drill.ini|$W/shipped.ini|")
	# As systemd runs it: PATH its default, no HOME, nothing else; the command line split
	# on blanks (no quoting in it).
	out=$(cd / && env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin $cmd 2>&1)
	rc=$?
	expect "contrib systemd unit: ExecStart with the shipped drill.ini drills" 0 \
		"^RESTORE DRILL OK - last good drill [0-9]+s ago, 1 drill recorded" "restic check read-data-subset=1/30: no errors"
	root700() { [ "$(stat -c '%U %a' "$FS/var/lib/plumbline-drill")" = 'root 700' ]; }
	check "contrib systemd unit: the drill's directory stays root's 0700" root700
	out=$(setpriv --reuid=nagios --regid=nagios --clear-groups env -i HOME=/ "$plugin" --journal "$sjournal" 2>&1)
	rc=$?
	expect "contrib: the journal the drill wrote, read as nagios (journal mode)" 0 \
		"^RESTORE DRILL OK - last good drill [0-9]+s ago, 1 drill recorded"
	# cron: no systemd to make the directories; the first run makes its own.
	rm -rf "$FS/var/lib/plumbline-drill" "$FS/var/cache/plumbline-drill"
	cronrun=$(printf '%s' "$cronline" | sed -e "s|/usr/lib/nagios/plugins/check_restore_drill|$plugin|" \
		-e "s|/etc/plumbline/drill.ini|$W/shipped.ini|" -e 's|\\%|%|g')
	out=$(cd / && env -i SHELL=/bin/sh PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LOGNAME=root /bin/sh -c "$cronrun")
	rc=$?
	quiet_ok() { [ "$rc" = 0 ] && [ -z "$out" ]; }
	check "contrib cron line with the shipped drill.ini: a good drill, nothing printed" quiet_ok
	two_ok() { [ "$(grep -c '"result":"ok"' "$sjournal")" = 2 ]; }
	check "contrib cron line: the second drill recorded, ok" two_ok
	check "contrib cron line: the drill made its directory root's 0700" root700
	chmod 0700 "$W"
else
	echo "# the shipped drill setup: needs root and a nagios user; skipped"
fi
# A backup job that does "cd DIR && restic backup NAME": restic keeps NAME from the
# root (/data/a), its snapshot's paths say $W/data; the live files are found there.
"$RESTIC" -r "$W/restic-rel" -q init >/dev/null
(cd "$W" && "$RESTIC" -r "$W/restic-rel" -q backup --tag full data >/dev/null)
run --mode drill --journal "$W/jrel" --work-dir "$WD" --source restic --repo "$W/restic-rel" \
	--password-file "$W/pw" --cache-dir "$W/cache" --sample 3
expect "restic: a backup of a relative path: its live files found where it was made" 0 \
	"files_verified=3;;;0" "restic keeps $W/data as /data \\(given as a relative path at backup\\): its live files are compared below $W"
# Setup, not data: a --live-root that is not there, a relative --repo.
run "${RA[@]}" --sample 2 --live-root "$W/nolive"
expect "restic: a missing --live-root is the setup (UNKNOWN, recorded), not every file bad" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: --live-root $W/nolive: No such file or directory \\(recorded in "
run --mode drill --journal "$J" --work-dir "$WD" --source restic --repo restic --password-file "$W/pw"
expect "restic: a relative --repo is refused" 3 "^RESTORE DRILL UNKNOWN - --repo restic is a relative path: give it from /"
run "${RA[@]}" --sample-path "$W/data/sub"
expect "restic: a directory of the backup: every file below it" 0 "files_verified=7;;;0"
run "${RA[@]}" --sample-path "$W/nothere"
expect "restic: a path the backup lacks fails the drill" 2 \
	"^RESTORE DRILL CRITICAL - drill failed: .*nothere is not in the backup"
check "restic: a failed drill is recorded as failed" sh -c "tail -n 1 '$J' | grep -q '\"result\":\"failed\"'"
run "${RA[@]}" --full tag:monthly
expect "restic: no full backup of the rule" 2 "drill failed: no full backup \(tag:monthly\)"
run "${RA[@]}" --sample 2 --min-free 1000TB
expect "restic: no room in the work directory: nothing restored" 2 "drill failed: not enough room in .*work: .* free"
check "restic: nothing left after the refusal" clean_work

# A live file changed since the backup.
cp -p "$W/data/a" "$W/a.orig"
echo changed >"$W/data/a"
run "${RA[@]}" --sample-path "$W/data/a"
expect "restic: a restored file that differs from the live one fails the drill" 2 \
	"drill failed: 1 of 1 file not verified: .*data/a differs from the live file \(SHA-256 " \
	"files_failed=1;;;0"
cp -p "$W/a.orig" "$W/data/a"

# Setup failures: UNKNOWN, and recorded.
run --mode drill --journal "$J" --work-dir "$WD" --source restic --repo "$R" --password-file "$W/badpw" --cache-dir "$W/cache"
expect "restic: wrong password" 3 "^RESTORE DRILL UNKNOWN - drill failed: wrong password for .*restic \(Fatal: wrong password or no key found\): check --password-file \(recorded in "
check "restic: the wrong password is recorded as a failed drill" sh -c "tail -n 1 '$J' | grep -q 'wrong password'"
# A password file the drill cannot use (its mode opened since the job was set up, or
# gone): a drill that could not run, recorded as such, not only a usage error.
cp "$W/pw" "$W/pw-open"
chmod 644 "$W/pw-open"
n0=$(wc -l <"$J")
run "${RA[@]}" --password-file "$W/pw-open"
expect "restic: a password file open to others: the drill could not run" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: the password could not be read: --password-file: $W/pw-open is open to group or others, .*\(chmod 600 $W/pw-open\) \(recorded in "
check "restic: the unusable password file is recorded as a failed drill" \
	sh -c "[ \$(wc -l <'$J') = $((n0 + 1)) ] && tail -n 1 '$J' | grep -q '\"result\":\"failed\".*the password could not be read'"
run "${RA[@]}" --password-file "$W/no-such-pw"
expect "restic: a missing password file: recorded too" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: the password could not be read: --password-file: cannot read $W/no-such-pw: No such file or directory \\(recorded in "
run --journal "$J" --password-file "$W/no-such-pw"
expect "journal mode: a missing password file stays a usage error" 3 \
	"^RESTORE DRILL UNKNOWN - --password-file: cannot read $W/no-such-pw: No such file or directory"
check "journal mode: nothing recorded for it" sh -c "[ \$(wc -l <'$J') = $((n0 + 2)) ]"
rm -f "$W/pw-open"
# In Chinese too: the drill tells setup from data by the kind of failure, not by the
# English sentence (matching the translated 'wrong password' would make it CRITICAL).
if [ -f "${PLUMBLINE_LOCALEDIR:-}/zh_CN/LC_MESSAGES/plumbline.mo" ]; then
	out=$(env -i HOME="$W/home" PLUMBLINE_NOW="$NOW_TEXT" PLUMBLINE_STATE_DIR="$W/state" \
		PLUMBLINE_LOCALEDIR="$PLUMBLINE_LOCALEDIR" "$plugin" -t 30 --language zh_CN --mode drill \
		--journal "$J" --work-dir "$WD" --source restic --repo "$R" --password-file "$W/badpw" \
		--cache-dir "$W/cache" 2>&1)
	rc=$?
	expect "restic: wrong password, zh_CN: still UNKNOWN" 3 \
		"^RESTORE DRILL UNKNOWN - .*restic 的密码错误\\(Fatal: wrong password or no key found\\): 请检查 --password-file"
fi
run "${RA[@]}" --restic /nonexistent/restic
expect "restic: missing binary" 3 "^RESTORE DRILL UNKNOWN - drill failed: cannot run /nonexistent/restic: No such file or directory"
out=$(env -i PLUMBLINE_NOW="$NOW_TEXT" "$plugin" --mode drill --journal "$J" --work-dir "$WD" --source restic --repo "$R" --password-file "$W/pw" 2>&1)
rc=$?
expect "restic: no HOME and no --cache-dir" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: no HOME in the environment and no --cache-dir: restic keeps its cache below HOME; set HOME or give --cache-dir DIR \(or pass --no-cache\)"
refute "the password is never in the output" "drill-pass"
check "the password is never in the journal" sh -c "! grep -q drill-pass '$J'"

# A restore that hangs past the deadline: a stand-in restic that runs the real one
# except for restore, which starts a child and waits. The group is killed, the failure
# recorded, the directory removed.
cat >"$W/slow-restic" <<EOF
#!/bin/sh
if [ "\$1" = restore ]; then
	sleep 97.25 &
	sleep 97.25
	exit 0
fi
exec $RESTIC "\$@"
EOF
chmod 755 "$W/slow-restic"
t0=$(date +%s)
run "${RA[@]}" --restic "$W/slow-restic" -t 4
t1=$(date +%s)
expect "restic: a restore past the deadline is killed and the failure recorded" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: timed out after [0-9.]+s waiting for $W/slow-restic restore .*; killed, nothing kept \(recorded in "
check "restic: the timed-out drill answered within its timeout" [ $((t1 - t0)) -le 5 ]
check "restic: the timed-out restore's children are gone" sh -c "! pgrep -f 'sleep 97[.]25' >/dev/null"
check "restic: nothing left after the timeout" clean_work
check "restic: the timeout is in the journal" sh -c "tail -n 1 '$J' | grep -q '\"result\":\"failed\".*timed out'"

# A drill killed outright (SIGKILL) leaves its directory; the next one removes it.
setsid env -i HOME="$W/home" PLUMBLINE_NOW="$NOW_TEXT" "$plugin" -t 60 "${RA[@]}" --restic "$W/slow-restic" >/dev/null 2>&1 &
kpid=$!
pids="$pids $kpid"
for _ in $(seq 100); do
	ls "$WD" 2>/dev/null | grep -q '^restore-' && pgrep -f 'sleep 97[.]25' >/dev/null && break
	sleep 0.1
done
check "a drill in progress has its own directory" sh -c "ls '$WD' | grep -q '^restore-'"
{ kill -KILL "$kpid"; wait "$kpid"; } 2>/dev/null
for p in $(pgrep -f 'sleep 97[.]25'); do kill -KILL "$p" 2>/dev/null; done
for p in $(pgrep -f "$W/slow-restic"); do kill -KILL "$p" 2>/dev/null; done
run "${RA[@]}" --sample 1
expect "the next drill removes what the killed one left" 0 \
	"removed 1 directory an earlier, interrupted drill left in .*work"
check "nothing left after the next drill" clean_work

# A corrupt pack: a byte flipped in the largest pack (the data of sub/b).
cp -a "$R" "$W/restic-bad"
pack=$(find "$W/restic-bad/data" -type f -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)
size=$(stat -c %s "$pack")
chmod u+w "$pack"
printf '\x5a' | dd of="$pack" bs=1 seek=$((size / 2)) conv=notrunc status=none
run --mode drill --journal "$J" --work-dir "$WD" --source restic --repo "$W/restic-bad" --password-file "$W/pw" --cache-dir "$W/cache-bad" --sample-path "$W/data/sub/b"
expect "restic: a corrupt pack fails the drill and says why" 2 "^RESTORE DRILL CRITICAL - drill failed: " \
	"restore exited with status|not verified|ciphertext|verification"
check "restic: nothing left after the corrupt restore" clean_work
# A prune while the drill runs (the drill takes no lock, so nothing keeps it out): a
# restore that then fails says nothing of the data. restic through a program that
# forgets the drilled snapshot with --prune just before restoring it: UNKNOWN, saying
# so, and recorded; the repository unchanged, a failure stays CRITICAL (above).
cp -a "$R" "$W/restic-prune"
printf '#!/bin/sh\nif [ "$1" = restore ]; then RESTIC_PASSWORD_FILE=%s %s -r %s -q forget --prune "$2" >/dev/null 2>&1; fi\nexec %s "$@"\n' \
	"$W/pw" "$RESTIC" "$W/restic-prune" "$RESTIC" >"$W/restic-pruning"
chmod 755 "$W/restic-pruning"
run --mode drill --journal "$J" --work-dir "$WD" --source restic --repo "$W/restic-prune" --password-file "$W/pw" \
	--cache-dir "$W/cache-prune" --restic "$W/restic-pruning" --sample-path "$W/data/sub/b"
expect "restic: a prune during the drill: UNKNOWN, not a CRITICAL about the data" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: the repository was pruned or a snapshot forgotten while the drill ran, so this failure may come from that, not from the data \(run drills when no prune runs\): .*restic-pruning restore "
check "restic: the pruned drill is recorded as failed" sh -c "tail -n 1 '$J' | grep -q '\"result\":\"failed\".*pruned or a snapshot forgotten'"
check "restic: nothing left after the pruned drill" clean_work
# restic check over two drills reads every pack once: one of the two subsets holds it.
both=""
for k in 1 2; do
	run --mode drill --journal "$J" --work-dir "$WD" --source restic --repo "$W/restic-bad" --password-file "$W/pw" --cache-dir "$W/cache-bad" --sample-path "$W/data/a" --check-subsets 2
	both="$both$rc $(printf '%s' "$out" | head -n 1)
"
done
out=$both
rc=$(printf '%s' "$both" | grep -c '^2 ')
expect "restic: restic check of the rotating subsets finds the corrupt pack in one drill" 1 \
	"^2 RESTORE DRILL CRITICAL - drill failed: /usr/bin/restic check --read-data-subset=[12]/2 --no-lock exited with status 1: Pack ID does not match" \
	"^0 RESTORE DRILL OK"

# The journal is never written through a symlink.
ln -s "$W/elsewhere" "$W/journal-link"
run "${RA[@]}" --journal "$W/journal-link" --sample 1
expect "a symlinked journal is not written" 3 "^RESTORE DRILL UNKNOWN - drill succeeded, but not recorded: .*symbolic link"
check "nothing written where the link points" [ ! -e "$W/elsewhere" ]

########## borg
B=$W/borg
export BORG_PASSPHRASE=drill-pass BORG_BASE_DIR=$W/borg-home
"$BORG" init -e repokey "$B" >/dev/null 2>&1
(cd / && "$BORG" create "$B::web1-full-1" "$W/data" && "$BORG" create "$B::web1-incr-1" "$W/data/a") >/dev/null 2>&1
unset BORG_PASSPHRASE
BA=(--mode drill --journal "$J" --work-dir "$WD" --source borg --repo "$B" --password-file "$W/pw" --cache-dir "$W/borg-home")
run "${BA[@]}" --sample 4
expect "borg: a drill of 4 random files of the newest full archive" 0 "files_verified=4;;;0" \
	"drill of web1-full-1: 4 files restored"
check "borg: nothing left" clean_work
# A delete (or prune, compact) committed while the drill runs: borg extract
# --bypass-lock takes no lock either. The archive deleted just before its extract:
# UNKNOWN, saying so; the repository's transaction moved on.
BORG_PASSPHRASE=drill-pass "$BORG" init -e repokey "$W/borg-prune" >/dev/null 2>&1
(cd / && BORG_PASSPHRASE=drill-pass "$BORG" create "$W/borg-prune::web1-full-1" "$W/data") >/dev/null 2>&1
printf '#!/bin/sh\nif [ "$1" = extract ]; then %s delete "$3" >/dev/null 2>&1; fi\nexec %s "$@"\n' \
	"$BORG" "$BORG" >"$W/borg-pruning"
chmod 755 "$W/borg-pruning"
run "${BA[@]}" --repo "$W/borg-prune" --borg "$W/borg-pruning" --sample 1
expect "borg: an archive deleted during the drill: UNKNOWN, not a CRITICAL about the data" 3 \
	"^RESTORE DRILL UNKNOWN - drill failed: the repository changed while the drill ran \(a prune, delete, compact or backup committed\), so this failure may come from that"
check "borg: nothing left after the changed repository" clean_work
# borg extract takes each PATH as a pattern (re:, sh: select a style; a leading - is an
# option): names that look like either are extracted as themselves, and only them.
mkdir -p "$W/odd"
for f in -x 're:a+b' 'sh:[c]' '[c]' 'a*b' ab c; do echo "odd $f" >"$W/odd/$f"; done
BORG_PASSPHRASE=drill-pass "$BORG" init -e repokey "$W/borg-odd" >/dev/null 2>&1
(cd "$W/odd" && BORG_PASSPHRASE=drill-pass "$BORG" create "$W/borg-odd::full-odd" .) >/dev/null 2>&1
run "${BA[@]}" --repo "$W/borg-odd" --live-root "$W/odd" --sample-path -x --sample-path 're:a+b' \
	--sample-path 'sh:[c]' --sample-path '[c]' --sample-path 'a*b'
expect "borg: names like -x, re:a+b, sh:[c], [c], a*b are restored as themselves" 0 \
	"files_verified=5;;;0" "5 files restored and verified"
run "${BA[@]}" --repo "$W/borg-odd" --live-root "$W/odd" --sample 7
expect "borg: all 7 odd names at random" 0 "files_verified=7;;;0"
check "borg: nothing left (odd names)" clean_work
# Only checkpoints of the full class (its runs interrupted): the default rule named
# whole, and the checkpoints said.
BORG_PASSPHRASE=drill-pass "$BORG" init -e repokey "$W/borg-ck" >/dev/null 2>&1
(cd / && BORG_PASSPHRASE=drill-pass "$BORG" create "$W/borg-ck::web1-full-1.checkpoint" "$W/data/a") >/dev/null 2>&1
run "${BA[@]}" --repo "$W/borg-ck" --journal "$W/jck"
expect "borg: only a checkpoint of a full backup: no full backup, the rule and the checkpoint said" 2 \
	"drill failed: no full backup \(name:\*full\*\) in $W/borg-ck, only 1 checkpoint of interrupted runs"
run "${BA[@]}" --password-file "$W/badpw"
expect "borg: wrong passphrase" 3 "^RESTORE DRILL UNKNOWN - drill failed: wrong password for .*borg \(passphrase supplied in BORG_PASSPHRASE"
run "${BA[@]}" --borg /nonexistent/borg
expect "borg: missing binary" 3 "^RESTORE DRILL UNKNOWN - drill failed: cannot run /nonexistent/borg"
out=$(env -i PLUMBLINE_NOW="$NOW_TEXT" "$plugin" --mode drill --journal "$J" --work-dir "$WD" --source borg --repo "$B" --password-file "$W/pw" 2>&1)
rc=$?
expect "borg: no HOME and no --cache-dir" 3 "drill failed: no HOME in the environment and no --cache-dir: borg keeps its cache, keys and security data below HOME"
cp -a "$B" "$W/borg-bad"
seg=$(find "$W/borg-bad/data" -type f -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)
size=$(stat -c %s "$seg")
printf '\x5a' | dd of="$seg" bs=1 seek=$((size / 2)) conv=notrunc status=none
run "${BA[@]}" --repo "$W/borg-bad" --sample-path "$W/data/sub/b" --cache-dir "$W/borg-home-bad"
expect "borg: a corrupt segment fails the drill and says why" 2 "^RESTORE DRILL CRITICAL - drill failed: " \
	"borg (list|extract) exited with status|integrity|checksum|not verified"
check "borg: nothing left after the corrupt restore" clean_work

########## in Simplified Chinese
# The drills' status lines in zh_CN, exact (tests/blackbox/i18n.sh has journal mode and
# tar drills): each on a journal of its own.
if [ -f "${PLUMBLINE_LOCALEDIR:-}/zh_CN/LC_MESSAGES/plumbline.mo" ]; then
	# zrun ARGS...: run in Chinese, the status line up to its perfdata into $first.
	zrun() {
		out=$(env -i HOME="$W/home" PLUMBLINE_NOW="$NOW_TEXT" PLUMBLINE_STATE_DIR="$W/state" \
			PLUMBLINE_LOCALEDIR="$PLUMBLINE_LOCALEDIR" "$plugin" -t 30 --language zh_CN "$@" 2>&1)
		rc=$?
		first=$(printf '%s\n' "$out" | head -n 1)
		first=${first%% | *}
	}
	# zline NAME RC TEXT: the exit code and the exact status line.
	zline() {
		if [ "$rc" = "$2" ] && [ "$first" = "$3" ]; then ok "$1"; else
			notok "$1: exit $rc, '$first', want exit $2, '$3'"; fi
	}
	ZR=(--mode drill --work-dir "$WD" --source restic --repo "$R" --password-file "$W/pw" --cache-dir "$W/cache")
	zrun "${ZR[@]}" --journal "$W/jzh" --sample-path "$W/data/a" --sample-path "$W/data/sub/b" --check-subsets 2
	zline "zh_CN: a restic drill" 0 "RESTORE DRILL OK - 上次成功演练在 0s 前, 共记录 1 次演练"
	expect "zh_CN: the restic drill's long output" 0 \
		"^演练 [0-9a-f]{8}: 2 个文件已恢复并通过校验, 用时 [0-9.]+s$" \
		"^正在把 [0-9a-f]{8} 的 2 个文件\\(300006 字节\\)恢复到 $WD/restore-" \
		"^restic check read-data-subset=1/2: 没有错误$"
	zrun "${ZR[@]}" --journal "$W/jzh" --full tag:monthly
	zline "zh_CN: restic, no full backup of the rule" 2 \
		"RESTORE DRILL CRITICAL - 演练失败: $R 中没有全量备份(tag:monthly) - 上次成功演练在 0s 前, 共记录 2 次演练"
	zrun "${ZR[@]}" --journal "$W/jzh" --host nohost
	zline "zh_CN: restic, no full backup of the host" 2 \
		"RESTORE DRILL CRITICAL - 演练失败: $R 中没有主机 nohost 的全量备份(tag:full) - 上次成功演练在 0s 前, 共记录 3 次演练"
	zrun "${ZR[@]}" --journal "$W/jzh" --sample-path "$W/nothere"
	zline "zh_CN: restic, a path the backup lacks" 2 \
		"RESTORE DRILL CRITICAL - 演练失败: $W/nothere 不在备份 $(sed -n '1s/.*"backup":"\([^"]*\)".*/\1/p' "$W/jzh") 中(那里没有文件) - 上次成功演练在 0s 前, 共记录 4 次演练"
	out=$(env -i PLUMBLINE_NOW="$NOW_TEXT" PLUMBLINE_LOCALEDIR="$PLUMBLINE_LOCALEDIR" "$plugin" \
		--language zh_CN --mode drill --journal "$W/jzh" --work-dir "$WD" --source restic --repo "$R" \
		--password-file "$W/pw" 2>&1)
	rc=$?
	first=$(printf '%s\n' "$out" | head -n 1)
	zline "zh_CN: restic, no HOME" 3 \
		"RESTORE DRILL UNKNOWN - 演练失败: 环境中没有 HOME, 也没有 --cache-dir: restic 把缓存保存在 HOME 下; 请设置 HOME 或给出 --cache-dir DIR(或使用 --no-cache)(已记录在 $W/jzh 中)"
	check "zh_CN: the journal's fields a parser reads unchanged" \
		grep -Eq '^\{"time":"[^"]+","result":"ok","source":"restic","backup":"[0-9a-f]{8}","files_restored":2,"bytes_restored":300006,"files_verified":2,"files_failed":0,"duration":[0-9.]+,"who":"[^"]+"\}$' "$W/jzh"
	zrun "${BA[@]}" --journal "$W/jzhb" --sample 4
	zline "zh_CN: a borg drill" 0 "RESTORE DRILL OK - 上次成功演练在 0s 前, 共记录 1 次演练"
	expect "zh_CN: the borg drill's long output" 0 "^演练 [^ ]+: 4 个文件已恢复并通过校验, 用时 [0-9.]+s$"
	zrun "${BA[@]}" --repo "$W/borg-ck" --journal "$W/jzhck"
	zline "zh_CN: borg, only a checkpoint of a full backup" 2 \
		"RESTORE DRILL CRITICAL - 演练失败: $W/borg-ck 中没有全量备份(name:*full*), 只有 1 个中断的运行留下的检查点, $W/jzhck 中没有成功演练的记录(共 1 次演练, 1 次失败) - 共记录 1 次演练, 没有一次成功"
	check "zh_CN: nothing left in the work directory" clean_work
fi

########## tar
T=$W/tar
mkdir -p "$T"
(cd "$W" && tar -cf "$T/full-1.tar" data && tar -czf "$T/full-2.tar.gz" data)
touch -d "@$((NOW - 86400))" "$T/full-1.tar"
(cd "$W" && sha256sum data/a data/sub/b data/sub/f1) >"$W/manifest"
TA=(--mode drill --journal "$J" --work-dir "$WD" --source tar --archive "$T/full-*")
run "${TA[@]}" --live-root "$W" --sample 3
expect "tar: the newest archive (gzip), against the live files" 0 "files_verified=3;;;0" \
	"drill of $T/full-2.tar.gz"
run "${TA[@]}" --sample-path data/a --sample-path data/sub/b --manifest "$W/manifest"
expect "tar: given paths against a manifest" 0 "files_verified=2;;;0"
sed -i 's/^./0/' "$W/manifest"
run "${TA[@]}" --sample-path data/a --manifest "$W/manifest"
expect "tar: a manifest that disagrees fails the drill" 2 "data/a differs from the manifest"
run "${TA[@]}" --sample-path data/sub/f2 --manifest "$W/manifest"
expect "tar: a file the manifest lacks is not verified" 2 "data/sub/f2 is not in the manifest"
run "${TA[@]}" --archive "$T/none-*"
expect "tar: no archive" 2 "drill failed: no tar archive matches --archive"
check "tar: nothing left" clean_work
# Only a drill's own directories (with its marker) are removed: a restore-procedures/
# of live data in --work-dir survives and is not counted; a symlink named restore-* is
# never followed; --work-dir that is --live-root is refused.
mkdir -p "$WD/restore-procedures" "$W/elsewhere"
echo precious >"$WD/restore-procedures/runbook.md"
echo keep >"$W/elsewhere/keep"
ln -s "$W/elsewhere" "$WD/restore-link"
run --mode drill --journal "$W/jlive" --work-dir "$WD" --source tar --archive "$T/full-*" \
	--live-root "$W" --sample 1
expect "tar: one file restored, singular" 0 "drill of .*: 1 file restored and verified"
refute "tar: a restore-* directory without the marker is not counted" "removed .* earlier"
check "tar: live restore-procedures/runbook.md survives" \
	grep -qx precious "$WD/restore-procedures/runbook.md"
check "tar: a symlinked restore-* and its target survive" \
	sh -c "[ -L '$WD/restore-link' ] && [ -f '$W/elsewhere/keep' ]"
rm -rf "$WD/restore-procedures" "$WD/restore-link"
mkdir -p "$W/live/data" "$W/live/restore-procedures"
echo a >"$W/live/data/a"
echo precious >"$W/live/restore-procedures/runbook.md"
(cd "$W/live" && tar -cf "$T/live-1.tar" data)
run --mode drill --journal "$W/jlive" --source tar --archive "$T/live-*.tar" --live-root "$W/live" \
	--work-dir "$W/live" --sample 1
expect "tar: --work-dir that is --live-root is refused" 3 \
	"--work-dir .*live is --live-root .*live: "
check "tar: and the live restore-procedures/ survives" \
	grep -qx precious "$W/live/restore-procedures/runbook.md"
mkdir -p "$W/open" && chmod 777 "$W/open"
run --mode drill --journal "$W/jlive" --source tar --archive "$T/live-*.tar" --work-dir "$W/open/wd"
expect "tar: an unsafe --work-dir names --work-dir, not --state-dir" 3 \
	"open is writable by others: .*work directory .*another --work-dir\)"
refute "tar: no --state-dir in the message" "state"
mkdir -p "$W/esc/data"
echo a >"$W/esc/data/a"
echo b >"$W/esc/data/back\\slash"
(cd "$W/esc" && tar -cf "$T/esc-1.tar" data)
run --mode drill --journal "$W/jesc" --work-dir "$WD" --source tar --archive "$T/esc-*.tar" \
	--live-root "$W/esc" --sample 5
expect "tar: a member tar prints escaped is left out, and the long output says so" 0 \
	"files_verified=1;;;0" "1 entry of the file list of .*esc-1.tar left out of the sample"
check "tar: nothing left (2)" clean_work

########## journal mode
JM=$W/jm
printf '{"time":"%s","result":"ok","files_restored":20,"bytes_restored":10485760,"files_verified":20,"files_failed":0,"duration":10.0,"who":"root@web1"}\n' "$(ago 2592000)" >"$JM"
printf '{"time":"%s","result":"ok","files_restored":20,"bytes_restored":10485760,"files_verified":20,"files_failed":0,"duration":11.0,"who":"root@web1"}\n' "$(ago 1296000)" >>"$JM"
printf '{"time":"%s","result":"ok","files_restored":20,"bytes_restored":20971520,"files_verified":20,"files_failed":0,"duration":20.0,"who":"root@web1"}\n' "$(ago 86400)" >>"$JM"
run --journal "$JM"
expect "journal: a fresh good drill" 0 '^RESTORE DRILL OK - last good drill 1d 0h ago, 3 drills recorded \| age=86400s;2592000;3888000;0 duration=20s;;;0 bytes=20971520B;;;0 throughput=1048576;;;0 files_verified=20;;;0 files_failed=0;;;0$' \
	"recent drills, oldest first:" "the newest restore took 20.0s, 1.90 times the median of the 2 successful drills before \(10.5s\)"
run --journal "$JM" --recent 2
expect "journal: --recent keeps the trend short" 0 "recent drills"
refute "journal: --recent 2 shows two" "$(ago 2592000)"
NOW_TEXT=$(date -u -d "@$((NOW + 35 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
run --journal "$JM"
expect "journal: the last good drill 36 days old is WARNING" 1 '^RESTORE DRILL WARNING - age 36d 0h \(warning over 30d 0h\)'
NOW_TEXT=$(date -u -d "@$((NOW + 50 * 86400))" +%Y-%m-%dT%H:%M:%SZ)
run --journal "$JM"
expect "journal: 51 days old is CRITICAL" 2 '^RESTORE DRILL CRITICAL - age 51d 0h \(critical over 45d 0h\)'
run --journal "$JM" --warning-age 60d --critical-age 90d
expect "journal: --warning-age and --critical-age" 0 "age=4406400s;5184000;7776000;0"
NOW_TEXT=$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)
printf '{"time":"%s","result":"failed","duration":3.5,"who":"cron","message":"restic restore exited with status 1"}\n' "$(ago 600)" >>"$JM"
run --journal "$JM"
expect "journal: a failed last drill is CRITICAL with its reason" 2 \
	"^RESTORE DRILL CRITICAL - last drill failed at $(ago 600): restic restore exited with status 1" "age=86400s"
printf '{"time":"%s","result":"failed"}\n' "$(ago 600)" >"$W/jfail"
run --journal "$W/jfail"
expect "journal: no successful drill at all is CRITICAL" 2 "no successful drill recorded in .*jfail \(1 drill, 1 failed\)"
refute "journal: no age perfdata without a good drill, never U" "age=|=U"
: >"$W/jempty"
run --journal "$W/jempty"
expect "journal: an empty journal" 2 "no successful drill recorded .*\(0 drills, 0 failed\)"
run --journal "$W/jnone"
expect "journal: a missing journal is UNKNOWN" 3 "^RESTORE DRILL UNKNOWN - cannot read .*jnone: No such file or directory \(--journal\): no drill recorded there yet, or a wrong path"
ln -s "$JM" "$W/jlink"
run --journal "$W/jlink"
expect "journal: a symlinked journal is UNKNOWN" 3 "^RESTORE DRILL UNKNOWN - .*jlink is a symbolic link; name the file itself"
cp "$JM" "$W/jopen"
chmod 666 "$W/jopen"
run --journal "$W/jopen"
expect "journal: a journal others may write is UNKNOWN" 3 "^RESTORE DRILL UNKNOWN - .*jopen is writable by group or others"
run --journal "$W"
expect "journal: a directory is UNKNOWN" 3 "^RESTORE DRILL UNKNOWN - "
head -n 3 "$JM" >"$W/jbad"
echo 'not json' >>"$W/jbad"
printf '{"time":"%s","result":"maybe"}\n' "$(ago 60)" >>"$W/jbad"
run --journal "$W/jbad"
expect "journal: malformed lines are UNKNOWN, naming the first" 3 \
	"^RESTORE DRILL UNKNOWN - journal .*jbad line 4: not JSON: .* \(2 malformed lines; repair or remove them, or pass --skip-malformed\)" \
	"age=86400s"
echo GARBAGE >"$W/jgarbage"
run --journal "$W/jgarbage"
expect "journal: only a malformed line is UNKNOWN (not 'no successful drill')" 3 \
	"^RESTORE DRILL UNKNOWN - journal .*jgarbage line 1: not JSON: "
refute "journal: only a malformed line: no CRITICAL" "CRITICAL"
printf 'x\0\001\377\376\n\377\n' >"$W/jbinary"
run --journal "$W/jbinary"
expect "journal: binary content is UNKNOWN, naming the line" 3 \
	"^RESTORE DRILL UNKNOWN - journal .*jbinary line 1: "
printf '{"time":"2099-01-01T00:00:00Z","result":"ok"}\n' >"$W/jfuture"
run --journal "$W/jfuture"
expect "journal: a drill dated in the future is UNKNOWN, not a good drill" 3 \
	"^RESTORE DRILL UNKNOWN - journal .*jfuture line 1: drill time 2099-01-01T00:00:00Z is in the future .*clock is wrong or the journal was edited"
refute "journal: the future drill is not counted as good" "last good drill"
head -n 3 "$JM" >"$W/jfuture2"
printf '{"time":"%s","result":"ok"}\n' "$(date -u -d "@$((NOW + 3600))" +%Y-%m-%dT%H:%M:%SZ)" \
	>>"$W/jfuture2"
run --journal "$W/jfuture2"
expect "journal: an hour ahead, after good drills: UNKNOWN, age from the real one" 3 \
	"line 4: drill time .* is in the future" "age=86400s"
printf '{"time":"%s","result":"ok"}\n' "$(date -u -d "@$((NOW + 120))" +%Y-%m-%dT%H:%M:%SZ)" \
	>"$W/jskew"
run --journal "$W/jskew"
expect "journal: two minutes ahead is within the skew" 0 "^RESTORE DRILL OK - last good drill 0s ago"
# A long-lived journal over 8 MiB (12 MB here): only the newest 8 MiB are read (the cut
# first line dropped), a garbage line at its start beyond them is not seen.
{
	echo GARBAGE
	awk -v t="$(ago 86400)" 'BEGIN { for (i = 0; i < 160000; i++)
		printf "{\"time\":\"%s\",\"result\":\"ok\",\"backup\":\"b%06d\",\"duration\":10.0}\n", t, i }'
	printf '{"time":"%s","result":"ok","backup":"newest","duration":12.0}\n' "$(ago 3600)"
} >"$W/jbig"
check "journal: the big journal is over 8 MiB" [ "$(stat -c %s "$W/jbig")" -gt 12000000 ]
run --journal "$W/jbig"
expect "journal: a 12 MB journal is read from its newest 8 MiB" 0 \
	"^RESTORE DRILL OK - last good drill 1h 0m ago" "age=3600s" "from newest"
run --journal "$W/jbad" --skip-malformed
expect "journal: --skip-malformed counts them" 0 "^RESTORE DRILL OK" "2 malformed journal lines left out \(the first, line 4: "
run --journal "$J"
expect "journal: the drills of this test, judged" 2 "drills recorded" "recent drills, oldest first:"
run --journal "$JM" --source restic
expect "journal: --source without --mode drill is a usage error" 3 "^RESTORE DRILL UNKNOWN - --source is for --mode drill"
run --mode drill --journal "$J" --source restic --repo "$R"
expect "drill: restic without a password is a usage error" 3 "needs its password"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
