#!/bin/bash
# check_backup_age against real restic and borg repositories made here, in a scratch
# directory (recipe: /work/shared/recipes/restic-borg.md), and against tar files with
# chosen mtimes:
#   - restic: backups at chosen past times (--time) for two hosts, classes by tag; the
#     newest per class and host, the age limits and their defaults (OK, WARNING,
#     CRITICAL), a host without a backup, no size from restic 0.14 (left out of the
#     perfdata, never 'U'); an off-site copy made with restic copy that lags; a lock held
#     by a running backup (restic backup --stdin from a pipe that stays open), the same
#     lock made stale by killing its process, another host's lock (unshare -u) fresh and
#     stale; a failed last run in a status file; a wrong password, a missing binary, a
#     missing HOME, an empty repository, no repository;
#   - borg: archives with --timestamp, classes by name, a checkpoint archive that is
#     never the newest, a second host (unshare -u), a live and a stale lock, a wrong
#     passphrase, an off-site copy that misses the newest archive;
#   - files: tar archives with touch -d, a shrunken newest one, a size minimum, an
#     rsync-style directory with and without its marker, an off-site mount by name+size;
#   - in Chinese (--language zh_CN, the catalog of this build): restic's status line, a
#     running and a stale lock; borg's checkpoints, its running lock, another host's lock
#     and a reused pid's (the states of --source files in Chinese: blackbox/i18n.sh).
# Each case asserts the exit code, the status line and perfdata. Skipped (77) without
# restic or borg. Everything lives in a mktemp -d directory, removed with every process
# the test started on exit. Takes about a minute (restic derives its key on every run).
set -u

. "$(dirname "$0")/../env.sh"
plugin=$PLUGINS/check_backup_age
RESTIC=/usr/bin/restic
BORG=/usr/bin/borg

[ -x "$plugin" ] || { echo "SKIP: no $plugin (json-c missing at configure time?)"; exit 77; }
for t in "$RESTIC" "$BORG"; do
	[ -x "$t" ] || { echo "SKIP: no $t (tests/run-all.sh installs restic and borgbackup)"; exit 77; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/pl-backup.XXXXXX") || exit 99
pids=""
cleanup() {
	# Each background job leads a process group of its own (setsid): the group goes.
	for p in $pids; do
		kill -KILL -- "-$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# run ARGS...: the plugin in an environment like an engine's (HOME kept), into $out/$rc.
run() {
	last=("$@")
	out=$(env -i HOME="$W/home" PLUMBLINE_NOW="$NOW_TEXT" PLUMBLINE_STATE_DIR="$W/state" \
		${PLUMBLINE_LOCALEDIR:+"PLUMBLINE_LOCALEDIR=$PLUMBLINE_LOCALEDIR"} "$plugin" -t 30 "$@" 2>&1)
	rc=$?
}
# zh NAME RC PATTERN...: the last run again with --language zh_CN, as expect (the states
# only restic and borg make, in Chinese; the others: tests/blackbox/i18n.sh).
zh() {
	if [ ! -f "${PLUMBLINE_LOCALEDIR:-/nonexistent}/zh_CN/LC_MESSAGES/plumbline.mo" ]; then
		ok "$1 # SKIP no zh_CN catalog (PLUMBLINE_LOCALEDIR)"
		return
	fi
	run "${last[@]}" --language zh_CN
	expect "$@"
}
mkdir -p "$W/home" "$W/data/sub"
echo alpha >"$W/data/a"
head -c 20000 /dev/urandom >"$W/data/sub/b"
printf 'restic-pass\n' >"$W/pw"
printf 'wrong-pass\n' >"$W/badpw"
chmod 600 "$W/pw" "$W/badpw"
NOW=$(date -u +%s)
NOW_TEXT=$(date -u -d "@$NOW" +%Y-%m-%dT%H:%M:%SZ)
ago() { date -u -d "@$((NOW - $1))" '+%Y-%m-%d %H:%M:%S'; }
at() { date -u -d "@$((NOW + $1))" +%Y-%m-%dT%H:%M:%SZ; }

########## restic
R=$W/restic
export RESTIC_PASSWORD_FILE=$W/pw RESTIC_CACHE_DIR=$W/cache
r() { "$RESTIC" -r "$R" -q "$@"; }
r init >/dev/null
r backup --host web1 --tag full --time "$(ago 72000)" "$W/data" >/dev/null        # 20h
r backup --host web1 --tag incremental --time "$(ago 1800)" "$W/data" >/dev/null  # 30min
r backup --host db1 --tag full --time "$(ago 36000)" "$W/data" >/dev/null         # 10h
r backup --host db1 --tag incremental --time "$(ago 1200)" "$W/data" >/dev/null   # 20min
RA=(--source restic --repo "$R" --password-file "$W/pw" --cache-dir "$W/cache")

run "${RA[@]}"
expect "restic: all classes and hosts fresh" 0 '^BACKUP OK - 4 backups, newest 20m 0s ago, 2 classes, 2 hosts \|' \
	"full_web1_age=72000s;86400;129600 " "full_db1_age=36000s;86400;129600 " \
	"incremental_web1_age=1800s;3600;5400 " "incremental_db1_age=1200s;3600;5400($| )" \
	"full_web1_count=1;;;0 "
refute "restic 0.14: no size in perfdata, never U" "_size=|=U"
zh "restic: the status line in Chinese, the perfdata as in English" 0 \
	'^BACKUP OK - 4 个备份, 最新的在 20m 0s 前, 2 个类别, 2 台主机 \|' "full_web1_age=72000s;86400;129600 "

NOW_TEXT=$(at 18000) # 5h later: web1's full is 25h old
run "${RA[@]}" --class full=tag:full
expect "restic: a full backup past its max age is WARNING" 1 \
	'^BACKUP WARNING - full/web1 age 1d 1h \(warning over 1d 0h\)' "full_db1_age=54000s"
NOW_TEXT=$(at 61200) # 17h later: 37h
run "${RA[@]}" --class full=tag:full --host web1
expect "restic: past max age plus grace is CRITICAL, --host keeps one host" 2 \
	'^BACKUP CRITICAL - full/web1 age 1d 13h \(critical over 1d 12h\)'
refute "restic: --host web1 leaves db1 out" "db1"
run "${RA[@]}" --class full=tag:full --max-age full=2d --grace full=1d
expect "restic: --max-age and --grace per class" 0 "full_web1_age=133200s;172800;259200 "
NOW_TEXT=$(at 0)
run "${RA[@]}" --host web1 --host mail1
expect "restic: a host without a backup is CRITICAL" 2 '^BACKUP CRITICAL - full/mail1: no backup, incremental/mail1: no backup - ' \
	"incremental_mail1_count=0;;;0"
run "${RA[@]}" --class 'db=host:db*,path:*/data' --class 'everything=any'
expect "restic: classes by host and path, and 'any'" 0 "db_db1_count=2;;;0 " "everything_web1_count=2;;;0 "
refute "restic: a class whose rule names hosts is about those hosts only" "db_web1"
run "${RA[@]}" --class 'full=tag:full,host:zz*'
expect "a class whose rule names hosts none of which has a backup is CRITICAL" 2 \
	"full: no backup of any host matching zz\*"
run "${RA[@]}" --class 'full=tag:full,host:db*' --host web1
expect "the same among --host" 2 "full: no backup of any host matching db\* among --host"
run "${RA[@]}" --warningx 'incremental_*_age=~:600'
expect "restic: --warningx on a class's age" 1 'incremental/web1 age 30m 0s \(warning over 10m 0s\)'

# A failed last run, from the status file the job writes.
printf '%s exit=0 class=full\n%s exit=1 class=incremental Fatal: unable to save snapshot\n' \
	"$(at -7200)" "$(at -600)" >"$W/status"
run "${RA[@]}" --status-file "$W/status"
expect "restic: a failed last run is CRITICAL for its class" 2 \
	"incremental: last run failed at .* \(exit 1\): Fatal: unable to save snapshot"
printf 'not a status line\n' >"$W/status2"
run "${RA[@]}" --status-file "$W/status2"
expect "restic: a malformed status file is UNKNOWN with its line" 3 "status file .*status2: line 1 "

# Off-site: a second repository filled by restic copy, db1 only: web1 waits.
O=$W/offsite
"$RESTIC" -r "$O" -q init --from-repo "$R" --from-password-file "$W/pw" --copy-chunker-params >/dev/null
"$RESTIC" -r "$O" -q copy --from-repo "$R" --from-password-file "$W/pw" --host db1 >/dev/null 2>&1
run "${RA[@]}" --offsite-repo "$O"
expect "restic: off-site copy present for db1, web1 within the lag" 0 "full_db1_offsite_lag=0s;;86400 " \
	"full_web1_offsite_lag=72000s;;86400 " "newest backup not off-site yet; newest copied: none"
run "${RA[@]}" --offsite-repo "$O" --offsite-lag 12h
expect "restic: off-site lagging past --offsite-lag is CRITICAL" 2 \
	'full/web1 offsite_lag 20h 0m \(critical over 12h 0m\)'
run "${RA[@]}" --offsite-repo "$W/nowhere"
expect "restic: an unreadable off-site repository is UNKNOWN, the primary still judged" 3 \
	"off-site: no repository at .*nowhere" "full_web1_age=72000s"

# Locks: a backup running now (its stdin stays open), then the same lock gone stale.
setsid sh -c "sleep 60 | exec $RESTIC -r '$R' -q backup --stdin --host web1" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 300); do
	[ -n "$(ls "$R/locks" 2>/dev/null)" ] && break
	sleep 0.1
done
bpid=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$gpid" '$5 == g && $2 == "(restic)" { print $1 }' | head -n 1)
run "${RA[@]}"
expect "restic: a lock of a live process is a backup running now, not an alert" 0 \
	"a backup is running now \(restic pid $bpid on "
zh "restic: a backup running now, in Chinese" 0 \
	"^备份正在运行\(restic pid $bpid, 主机 [^,]+, 锁刷新于 [0-9T:-]+Z, [0-9].* 前\)$"
kill -KILL "$bpid" 2>/dev/null
sleep 0.2
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
run "${RA[@]}"
expect "restic: a lock whose process is gone is stale: WARNING with the fix" 1 \
	"stale lock: restic pid $bpid on .* is gone; remove it with 'restic unlock'"
zh "restic: the stale lock in Chinese" 1 \
	"^BACKUP WARNING - 陈旧的锁: restic pid $bpid \(主机 [^)]+\) 已不存在; 请用 'restic unlock' 删除它 - 4 个备份, "
# A restic that hangs reading the lock (a stalled backend): the locks get half the
# time, the listing already read is judged, and the hang is said (it took the whole
# check down as a timeout before).
mkdir -p "$W/bin"
printf '#!/bin/sh\n[ "$1 $2" = "cat lock" ] && exec sleep 30\nexec %s "$@"\n' "$RESTIC" >"$W/bin/restic-lockhang"
chmod 755 "$W/bin/restic-lockhang"
t0=$(date +%s)
run "${RA[@]}" --restic "$W/bin/restic-lockhang" -t 6
expect "restic: a lock read that hangs is WARNING, the backups still judged, within the timeout" 1 \
	"^BACKUP WARNING - locks not read: 'restic cat lock' did not answer within [0-9.]+s \(the backups are judged without them; --no-locks leaves them out\) - 4 backups, " \
	"full_web1_age=72000s"
check "restic: the hung lock read ended before the timeout, its restic killed" \
	'[ $(( $(date +%s) - t0 )) -le 6 ] && ! pgrep -f "sleep 30" >/dev/null'
# A lock read that fails, the lock still there (here a wrong password): said, never
# taken for a lock gone since the listing.
printf '#!/bin/sh\n[ "$1 $2" = "cat lock" ] && export RESTIC_PASSWORD_FILE=%s\nexec %s "$@"\n' "$W/badpw" "$RESTIC" >"$W/bin/restic-lockpw"
chmod 755 "$W/bin/restic-lockpw"
run "${RA[@]}" --restic "$W/bin/restic-lockpw"
expect "restic: a lock read that fails is said in the long output" 0 \
	"^locks not read: wrong password for .*: check --password-file"
# A lock removed between the listing and its read (the backup ended): restic 0.14
# retries loading it for some 40 s; that is no hang and no news.
printf '#!/bin/sh\n[ "$1 $2" = "cat lock" ] && rm -f "%s/locks/$3"\nexec %s "$@"\n' "$R" "$RESTIC" >"$W/bin/restic-lockgone"
chmod 755 "$W/bin/restic-lockgone"
run "${RA[@]}" --restic "$W/bin/restic-lockgone" -t 6
expect "restic: a lock gone between the listing and its read is no news, no WARNING" 0 \
	"^BACKUP OK - 4 backups, "
refute "restic: the gone lock is not called hung" "did not answer"
r unlock --remove-all >/dev/null 2>&1
# Nine backups at once: eight locks read (each a restic run), the ninth counted.
many=""
for _ in 1 2 3 4 5 6 7 8 9; do
	setsid sh -c "sleep 60 | exec $RESTIC -r '$R' -q backup --stdin --tag incremental" >/dev/null 2>&1 &
	many="$many $!"
done
pids="$pids $many"
for _ in $(seq 300); do
	[ "$(ls "$R/locks" 2>/dev/null | wc -l)" -ge 9 ] && break
	sleep 0.1
done
run "${RA[@]}"
expect "restic: more locks than are read: counted, not passed over" 0 \
	"^9 locks in the repository, the first 8 read \('restic list locks' shows them all\)" \
	"a backup is running now \(restic pid "
for p in $many; do
	{ kill -KILL -- "-$p"; wait "$p"; } 2>/dev/null
done
r unlock --remove-all >/dev/null 2>&1
if unshare -u true 2>/dev/null; then
	setsid unshare -u sh -c "hostname otherhost; sleep 60 | exec $RESTIC -r '$R' -q backup --stdin --host otherhost" >/dev/null 2>&1 &
	upid=$!
	pids="$pids $upid"
	for _ in $(seq 300); do
		[ -n "$(ls "$R/locks" 2>/dev/null)" ] && break
		sleep 0.1
	done
	run "${RA[@]}"
	expect "restic: another host's fresh lock: probably running" 0 \
		"a backup from otherhost is probably running now"
	NOW_TEXT=$(at 3600)
	run "${RA[@]}" --class full=tag:full --max-age 3d
	expect "restic: another host's lock not refreshed for 1h is stale" 1 \
		"stale lock: held by restic pid [0-9]+ on otherhost, not refreshed for "
	NOW_TEXT=$(at 0)
	{ kill -KILL -- "-$upid"; wait "$upid"; } 2>/dev/null
	r unlock --remove-all >/dev/null 2>&1
else
	echo "# another host's lock: unshare -u not permitted here; skipped"
fi

# The listing cache: a local repository's listings kept in the state store ($W/state)
# while the repository is unchanged. restic runs through a program that logs each
# command, so that a listing from the cache is seen not to have run restic.
mkdir -p "$W/bin"
printf '#!/bin/sh\necho "$1 $2" >>"%s"\nexec %s "$@"\n' "$W/calls" "$RESTIC" >"$W/bin/restic-log"
chmod 755 "$W/bin/restic-log"
CA=(--source restic --repo "$R" --password-file "$W/pw" --cache-dir "$W/cache" --restic "$W/bin/restic-log")
listings() { grep -c '^snapshots' "$W/calls" 2>/dev/null; }
count() { printf '%s\n' "$out" | head -n 1 | grep -oE '[0-9]+ backups' | grep -oE '[0-9]+'; }
# cached NAME WANT: the last run listed from the cache (WANT yes) or ran restic (no).
cached() {
	local now
	now=$(listings)
	if [ "$2" = yes ] && [ "$now" = "$calls" ] && printf '%s\n' "$out" | grep -q '^listing: kept from an earlier run'; then
		ok "$1"
	elif [ "$2" = no ] && [ "$now" = $((calls + 1)) ] && ! printf '%s\n' "$out" | grep -q '^listing: kept'; then
		ok "$1"
	else
		notok "$1: $((now - calls)) listings by restic ($2 from the cache): $(printf '%s' "$out" | head -n 2)"
	fi
	calls=$now
}
: >"$W/calls"
calls=0
run "${CA[@]}"
first=$(printf '%s\n' "$out" | head -n 1)
n0=$(count)
cached "listing cache: the first run lists with restic" no
run "${CA[@]}"
cached "listing cache: an unchanged repository is listed from the cache" yes
check "listing cache: the same status line from the cache" '[ "$(printf "%s\n" "$out" | head -n 1)" = "$first" ]'
r backup --host web1 --tag incremental --time "$(ago 600)" "$W/data" >/dev/null
run "${CA[@]}"
cached "listing cache: a new snapshot invalidates it" no
expect "listing cache: the new snapshot is judged" 0 "^BACKUP OK - $((n0 + 1)) backups, newest 10m 0s ago" \
	"incremental_web1_age=600s;"
run "${CA[@]}"
cached "listing cache: kept again after the new listing" yes
r forget --host web1 --tag incremental --keep-last 1 >/dev/null
run "${CA[@]}"
cached "listing cache: a forget invalidates it" no
expect "listing cache: the forgotten snapshot is gone" 0 "^BACKUP OK - $n0 backups, newest 10m 0s ago"
r prune >/dev/null 2>&1
run "${CA[@]}"
expect "listing cache: after a prune (snapshots unchanged) the same listing" 0 "^BACKUP OK - $n0 backups, "
calls=$(listings)
# Locks are read every run, listing cached or not.
setsid sh -c "sleep 60 | exec $RESTIC -r '$R' -q backup --stdin --host web1" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 300); do
	[ -n "$(ls "$R/locks" 2>/dev/null)" ] && break
	sleep 0.1
done
bpid=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$gpid" '$5 == g && $2 == "(restic)" { print $1 }' | head -n 1)
run "${CA[@]}"
cached "listing cache: used while a backup runs (nothing committed yet)" yes
expect "listing cache: the running backup's lock still read" 0 "a backup is running now \(restic pid $bpid on "
kill -KILL "$bpid" 2>/dev/null
sleep 0.2
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
run "${CA[@]}"
cached "listing cache: used with a stale lock" yes
expect "listing cache: a stale lock is WARNING from the cache too" 1 "stale lock: restic pid $bpid on .* is gone"
r unlock --remove-all >/dev/null 2>&1
# A corrupt cache is discarded: bytes flipped in the state slots, then garbage.
for f in "$W/state"/check_backup_age-*.state*; do
	printf 'X' | dd of="$f" bs=1 seek=300 conv=notrunc 2>/dev/null
done
run "${CA[@]}"
cached "listing cache: a corrupt cache file is discarded, restic lists" no
expect "listing cache: judged right after a corrupt cache" 0 "^BACKUP OK - $n0 backups, "
for f in "$W/state"/check_backup_age-*.state*; do
	echo garbage >"$f"
done
run "${CA[@]}"
cached "listing cache: a cache file of garbage is discarded" no
run "${CA[@]}" --no-listing-cache
cached "listing cache: --no-listing-cache lists with restic" no
run "${CA[@]}" --no-listing-cache
cached "listing cache: --no-listing-cache lists with restic every run" no
run --source restic --repo "$R" --password-file "$W/badpw" --cache-dir "$W/cache" --restic "$W/bin/restic-log"
expect "listing cache: another password runs restic (wrong password said)" 3 "^BACKUP UNKNOWN - wrong password"
calls=$(listings)
run --source restic --repo "$R" --password-file "$W/pw" --cache-dir "$W/cache" --restic "$W/bin/restic-log" --host web1
cached "listing cache: shared by checks of the same repository with other options" yes

# Failures: each an UNKNOWN with the tool's own words.
run --source restic --repo "$R" --password-file "$W/badpw" --cache-dir "$W/cache"
expect "restic: wrong password" 3 "^BACKUP UNKNOWN - wrong password for .*restic \(Fatal: wrong password or no key found\)"
run "${RA[@]}" --restic /nonexistent/restic
expect "restic: missing binary" 3 "^BACKUP UNKNOWN - cannot run /nonexistent/restic: No such file or directory"
out=$(env -i PLUMBLINE_NOW="$NOW_TEXT" "$plugin" --source restic --repo "$R" --password-file "$W/pw" 2>&1)
rc=$?
expect "restic: no HOME and no --cache-dir: said, with the fix" 0 \
	"restic ran without a cache .*: set --cache-dir DIR or HOME, or pass --no-cache"
run "${RA[@]}" --no-cache
expect "restic: --no-cache" 0 "^BACKUP OK"
mkdir -p "$W/notrepo"
run --source restic --repo "$W/notrepo" --password-file "$W/pw" --cache-dir "$W/cache"
expect "restic: no repository there" 3 "^BACKUP UNKNOWN - no repository at .*notrepo \(Fatal: unable to open config file"
"$RESTIC" -r "$W/empty" -q init >/dev/null
run --source restic --repo "$W/empty" --password-file "$W/pw" --cache-dir "$W/cache"
expect "restic: an empty repository: no backup at all" 2 "^BACKUP CRITICAL - full: no backup, incremental: no backup - no backup at all in .*empty \\| full_count=0;;;0 incremental_count=0;;;0$"
printf '%s\n' "$R" >"$W/repo.secret"
printf '%s\n' "$W/secret-nowhere" >"$W/repo.bad"
chmod 600 "$W/repo.secret" "$W/repo.bad"
run --source restic --repository-file "$W/repo.secret" --password-file "$W/pw" --cache-dir "$W/cache"
expect "restic: the repository from a secret file" 0 "^BACKUP OK - 4 backups" "full_web1_age=72000s"
run --source restic --repository-file "$W/repo.bad" --password-file "$W/pw" --cache-dir "$W/cache"
expect "restic: a secret repository is never shown, even in restic's error" 3 \
	"^BACKUP UNKNOWN - no repository at the repository \\(--repository-file\\)"
refute "restic: the secret location is not in the output" "secret-nowhere"
run --source restic --repo "$R" --cache-dir "$W/cache"
expect "restic: no password given" 3 "needs its password: give --password-file FILE"
run "${RA[@]}" --class 'full'
expect "usage: a class without a rule" 3 "--class: give NAME=RULE"
run "${RA[@]}" --max-age weekly=7d
expect "usage: --max-age of an unknown class" 3 "--max-age: no such class"

# Programs standing in for restic, for what Debian's restic 0.14 cannot show: the sizes
# of restic 0.17 (its snapshot summary, from the fixture), a listing that hangs, one that
# is not JSON.
mkdir -p "$W/bin"
printf '#!/bin/sh\n[ "$1" = snapshots ] && exec cat "%s"\nexit 0\n' \
	"$FIXTURES/backup/restic/snapshots-0.17.json" >"$W/bin/restic-0.17"
printf '#!/bin/sh\nexec sleep 30\n' >"$W/bin/restic-hangs"
printf '#!/bin/sh\necho "[{oops"\n' >"$W/bin/restic-garbage"
chmod 755 "$W/bin/"*
FA=(--source restic --repo sftp:backup@nas:/srv/restic --password-file "$W/pw" --cache-dir "$W/cache")
NOW_TEXT=2026-12-01T04:00:00Z
run "${FA[@]}" --restic "$W/bin/restic-0.17" --class full=tag:full
expect "restic 0.17 sizes: a newest backup 90% smaller than the one before is WARNING" 1 \
	"full/web1: newest backup is 90% smaller than the one before \\(100MiB, was 1GiB\\)" \
	"full_web1_size=104857600B;;;0" "full_web1_age=3600s;86400;129600"
run "${FA[@]}" --restic "$W/bin/restic-0.17" --class full=tag:full --max-shrink 95 --min-size 200MB
expect "restic 0.17 sizes: below --min-size is CRITICAL" 2 "full/web1: newest backup is 100MiB, below the minimum of 200MiB"
run "${FA[@]}" --restic "$W/bin/restic-hangs" -t 2
expect "a listing that hangs times out, saying what it waited for" 3 \
	"^BACKUP UNKNOWN - timed out after 2s waiting for $W/bin/restic-hangs snapshots"
run "${FA[@]}" --restic "$W/bin/restic-hangs" -t 2:critical
expect "the timeout's state is the one chosen" 2 "timed out after 2s"
run "${FA[@]}" --restic "$W/bin/restic-garbage"
expect "a listing that is not JSON is UNKNOWN, saying where" 3 \
	"^BACKUP UNKNOWN - cannot read the listing of sftp:backup@nas:/srv/restic \\($W/bin/restic-garbage\\): not JSON: line 1"
NOW_TEXT=$(at 0)

########## borg
B=$W/borg
export BORG_PASSPHRASE=borg-pass BORG_BASE_DIR=$W/borg-home TZ=UTC
printf 'borg-pass\n' >"$W/bpw"
chmod 600 "$W/bpw"
b() { (cd "$W" && "$BORG" "$@"); }
bt() { date -u -d "@$((NOW - $1))" +%Y-%m-%dT%H:%M:%S; }
b init -e repokey-blake2 "$B" >/dev/null 2>&1
b create --timestamp "$(bt 100000)" "$B::web1-full-1" data
b create --timestamp "$(bt 50000)" "$B::web1-full-2" data
b create --timestamp "$(bt 2000)" "$B::web1-incr-1" data
b create --timestamp "$(bt 600)" "$B::web1-full-3.checkpoint" data
# The check has a borg base directory of its own: with the backup job's, borg list would
# wait for the cache lock a running backup holds.
BA=(--source borg --repo "$B" --password-file "$W/bpw" --cache-dir "$W/check-borg")
run "${BA[@]}"
host=$(hostname)
expect "borg: classes by name, the checkpoint never the newest" 0 \
	"full_${host}_age=50000s;86400;129600 " "full_${host}_count=2;;;0 " "incremental_${host}_age=2000s;3600;5400( |$)"
if unshare -u true 2>/dev/null; then
	unshare -u sh -c "hostname db2; cd '$W' && BORG_PASSPHRASE=borg-pass BORG_BASE_DIR='$W/borg-home' $BORG create --timestamp $(bt 3000) '$B::db2-full-1' data"
	run "${BA[@]}" --class 'full=name:*-full-*'
	expect "borg: the archive's hostname makes a host of its own" 0 "full_db2_age=3000s;" "full_${host}_age=50000s;"
	run "${BA[@]}" --class 'full=regex:^db2-' --host db2
	expect "borg: a class by regex" 0 "full_db2_count=1;;;0"
fi
# Only checkpoints (every run interrupted): not "no backup at all", said as such.
b init -e repokey-blake2 "$W/borg-ck" >/dev/null 2>&1
b create --timestamp "$(bt 7200)" "$W/borg-ck::web1-full-1.checkpoint" data
b create --timestamp "$(bt 3600)" "$W/borg-ck::web1-full-1.checkpoint.1" data
run --source borg --repo "$W/borg-ck" --password-file "$W/bpw" --cache-dir "$W/check-borg"
expect "borg: only checkpoint archives: no complete backup, said apart from an empty one" 2 \
	"no complete backup in $W/borg-ck, only 2 checkpoints of interrupted runs \(newest web1-full-1.checkpoint.1, 1h 0m ago\)"
zh "borg: only checkpoints, in Chinese" 2 \
	"$W/borg-ck 中没有完整的备份, 只有 2 个被中断运行的检查点\(最新的 web1-full-1.checkpoint.1, 1h 0m 前\)"
# Off-site: a mirror that has only the first archive.
b init -e repokey-blake2 "$W/borg-off" >/dev/null 2>&1
b create --timestamp "$(bt 100000)" "$W/borg-off::web1-full-1" data
run "${BA[@]}" --offsite-repo "$W/borg-off" --offsite-lag 10h --class 'full=name:web1-full-*'
expect "borg: the newest full not off-site after 10h is CRITICAL" 2 \
	"full/${host} offsite_lag 13h 53m \(critical over 10h 0m\)" "newest copied: "
# Sizes, from borg info (borg list gives none): a newest full archive much smaller than
# the one before, and below a minimum.
b init -e repokey-blake2 "$W/borg-size" >/dev/null 2>&1
b create --timestamp "$(bt 90000)" "$W/borg-size::web1-full-1" data
b create --timestamp "$(bt 3000)" "$W/borg-size::web1-full-2" data/a
run --source borg --repo "$W/borg-size" --password-file "$W/bpw" --cache-dir "$W/check-borg" --class 'full=name:*-full-*'
expect "borg: sizes from borg info, a much smaller newest archive is WARNING" 1 \
	"full/${host}: newest backup is 100% smaller than the one before \(6B, was [0-9.]+KiB\)" \
	"full_${host}_size=6B;;;0( |$)"
run --source borg --repo "$W/borg-size" --password-file "$W/bpw" --cache-dir "$W/check-borg" --class 'full=name:*-full-*' --max-shrink 0 --min-size 1KB
expect "borg: --min-size on borg's sizes" 2 "full/${host}: newest backup is 6B, below the minimum of 1KiB"
run --source borg --repo "$W/borg-size" --password-file "$W/bpw" --cache-dir "$W/check-borg" --class 'full=name:*-full-*' --max-shrink 0
refute "borg: no size asked without --max-shrink and --min-size" "_size="
# The listing cache for borg: the newest transaction (index.N/hints.N) is the key; the
# sizes (borg info) are kept with the listing.
printf '#!/bin/sh\necho "$1" >>"%s"\nexec %s "$@"\n' "$W/bcalls" "$BORG" >"$W/bin/borg-log"
chmod 755 "$W/bin/borg-log"
CB=(--source borg --repo "$B" --password-file "$W/bpw" --cache-dir "$W/check-borg" --borg "$W/bin/borg-log" --host "$host")
bcalls() { wc -l <"$W/bcalls"; }
: >"$W/bcalls"
run "${CB[@]}"
nb=$(count)
check "borg listing cache: the first run lists (list and info)" '[ "$(bcalls)" -ge 2 ]'
before=$(bcalls)
run "${CB[@]}"
check "borg listing cache: an unchanged repository runs no borg" '[ "$(bcalls)" = "$before" ]'
expect "borg listing cache: said, and the same figures" 0 "^listing: kept from an earlier run" "^BACKUP OK - $nb backups"
b create --timestamp "$(bt 300)" "$B::web1-incr-2" data
run "${CB[@]}"
check "borg listing cache: a new archive (a commit) invalidates it" '[ "$(grep -c "^list" "$W/bcalls")" = 2 ]'
expect "borg listing cache: the new archive is judged" 0 "^BACKUP OK - $((nb + 1)) backups" "incremental_${host}_age=300s;"
b delete "$B::web1-incr-2" >/dev/null 2>&1
b compact "$B" >/dev/null 2>&1
run "${CB[@]}"
check "borg listing cache: a delete and compact invalidate it" '[ "$(grep -c "^list" "$W/bcalls")" = 3 ]'
expect "borg listing cache: the deleted archive is gone" 0 "^BACKUP OK - $nb backups" "incremental_${host}_age=2000s;"
setsid sh -c "cd '$W' && sleep 60 | exec $BORG create '$B::stdin-c' -" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 300); do
	[ -d "$B/lock.exclusive" ] && [ -s "$B/lock.roster" ] && break
	sleep 0.1
done
lpid=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$gpid" '$5 == g && $2 == "(borg)" { print $1 }' | head -n 1)
before=$(bcalls)
run "${CB[@]}"
expect "borg listing cache: the running backup's lock still read" 0 "a backup is running now \(borg pid $lpid on " \
	"^listing: kept from an earlier run"
kill -KILL "$lpid" 2>/dev/null
sleep 0.2
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
run "${CB[@]}"
expect "borg listing cache: a stale lock is WARNING from the cache too" 1 "stale lock: borg pid $lpid on .* is gone"
check "borg listing cache: no borg run while the lock was judged" '[ "$(bcalls)" = "$before" ]'
b break-lock "$B" >/dev/null 2>&1
# Locks: borg create reading a pipe that stays open holds the repository's lock.
setsid sh -c "cd '$W' && sleep 60 | exec $BORG create '$B::stdin-1' -" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 300); do
	[ -d "$B/lock.exclusive" ] && [ -s "$B/lock.roster" ] && break
	sleep 0.1
done
lpid=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$gpid" '$5 == g && $2 == "(borg)" { print $1 }' | head -n 1)
run "${BA[@]}" --host "$host"
expect "borg: listing while a backup runs (--bypass-lock), said as running" 0 \
	"a backup is running now \(borg pid $lpid on "
kill -KILL "$lpid" 2>/dev/null
sleep 0.2
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
run "${BA[@]}" --host "$host"
expect "borg: a lock whose process is gone is stale" 1 "stale lock: borg pid $lpid on .* is gone; remove it with 'borg break-lock REPO'"
b break-lock "$B" >/dev/null 2>&1
# borg 1.1 and later name the holder FQDN@NODE (its canonical name, a MAC address), not
# the short hostname: on a host whose FQDN differs, a running backup is still this
# host's, judged by its pid however old its lock (borg never refreshes it). The host is
# a UTS and mount namespace: hostname web1, /etc/hosts naming it web1.example.org; the
# check runs in one made alike (the same name, the same interfaces and pids).
borg_wait_lock() {
	for _ in $(seq 100); do
		[ -n "$(ls "$B/lock.exclusive" 2>/dev/null)" ] && [ -s "$B/lock.roster" ] && break
		sleep 0.1
	done
	lpid=$(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$1" '$5 == g && $2 == "(borg)" { print $1 }' | head -n 1)
}
printf '127.0.0.1 localhost\n127.0.1.1 web1.example.org web1\n' >"$W/hosts-web1"
printf '127.0.0.1 localhost\n127.0.1.1 web2.example.org web2\n' >"$W/hosts-web2"
# in_host NAME CMD...: CMD on host NAME (hostname NAME, FQDN NAME.example.org).
in_host() {
	local h=$1
	shift
	unshare -u -m sh -c 'hostname "$1" && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"' \
		sh "$h" "$W/hosts-$h" "$@"
}
# run_on NAME ARGS...: the plugin, as run does, on host NAME.
run_on() {
	local h=$1
	shift
	out=$(in_host "$h" env -i HOME="$W/home" PLUMBLINE_NOW="$NOW_TEXT" PLUMBLINE_STATE_DIR="$W/state" \
		"$plugin" -t 30 "$@" 2>&1)
	rc=$?
}
if in_host web1 sh -c '[ "$(hostname)" = web1 ] && [ "$(hostname -f)" = web1.example.org ]' 2>/dev/null; then
	setsid unshare -u -m sh -c "hostname web1 && mount --bind '$W/hosts-web1' /etc/hosts && cd '$W' && sleep 60 | exec $BORG create '$B::stdin-fqdn' -" >/dev/null 2>&1 &
	gpid=$!
	pids="$pids $gpid"
	borg_wait_lock "$gpid"
	check "borg writes FQDN@NODE into its lock" "grep -q '\"web1.example.org@[0-9]*\", $lpid, 0' '$B/lock.roster'"
	run_on web1 "${BA[@]}" --host "$host"
	expect "borg: a running backup on a host whose FQDN is not its hostname is running now" 0 \
		"a backup is running now \(borg pid $lpid on web1.example.org, lock taken "
	# Two hours into the run: the lock dates its start, the pid is alive.
	touch -d "@$((NOW - 7200))" "$B/lock.exclusive"/* "$B/lock.roster"
	run_on web1 "${BA[@]}" --host "$host"
	expect "borg: a 2-hour-old lock of a live backup is running, not stale" 0 \
		"a backup is running now \(borg pid $lpid on web1.example.org, lock taken .*, 2h 0m ago\)"
	# Seen from another host: neither running nor stale, said with its time.
	run_on web2 "${BA[@]}" --host "$host"
	expect "borg: another host's 2-hour-old lock is held, not stale" 0 \
		"borg lock held by host web1.example.org since [0-9T:-]+Z, 2h 0m ago \(exclusive, pid $lpid there, host id web1.example.org@[0-9]+\): another host's, neither running nor stale here"
	run "${BA[@]}" --host "$host"
	expect "borg: ... and from this test's host too" 0 "borg lock held by host web1.example.org since "
	kill -KILL "$lpid" 2>/dev/null
	sleep 0.2
	{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
	run_on web1 "${BA[@]}" --host "$host"
	expect "borg: the FQDN host's lock whose process is gone is stale" 1 \
		"stale lock: borg pid $lpid on web1.example.org is gone; remove it with 'borg break-lock REPO'"
	run_on web2 "${BA[@]}" --host "$host"
	expect "borg: another host's dead lock is not judged from here" 0 "borg lock held by host web1.example.org since "
	b break-lock "$B" >/dev/null 2>&1
else
	echo "# borg's FQDN@NODE lock: unshare -u -m or mount --bind not permitted here; skipped"
fi
# A reader's shared lock (borg extract into a pipe that is not read; borg mount holds
# one for days) is no backup running, and never a hung one.
b init -e repokey-blake2 "$W/borg-rd" >/dev/null 2>&1
head -c 2000000 /dev/urandom >"$W/big"
b create "$W/borg-rd::web1-full-1" big
setsid sh -c "cd '$W' && $BORG extract --stdout '$W/borg-rd::web1-full-1' | sleep 60" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 100); do
	grep -q '"shared"' "$W/borg-rd/lock.roster" 2>/dev/null && break
	sleep 0.1
done
run --source borg --repo "$W/borg-rd" --password-file "$W/bpw" --cache-dir "$W/check-borg" --class full=any --max-running 1s
expect "borg: a reader's shared lock is said as a read, not a backup, not hung" 0 \
	"the repository is being read \\(borg pid [0-9]+ on $host holds a shared lock: borg mount, list or extract; not a backup\\)"
check "borg: ... and no 'running' fact" '! printf "%s" "$out" | grep -q "^running:"'
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
b break-lock "$W/borg-rd" >/dev/null 2>&1
# borg with-lock (a copy of the repository made under its lock): running, no backup.
setsid sh -c "cd '$W' && exec $BORG with-lock '$W/borg-rd' sleep 60" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 100); do
	[ -n "$(ls "$W/borg-rd/lock.exclusive" 2>/dev/null)" ] && break
	sleep 0.1
done
run --source borg --repo "$W/borg-rd" --password-file "$W/bpw" --cache-dir "$W/check-borg" --class full=any
expect "borg: with-lock holding the lock is said as such, not as a backup" 0 \
	"borg with-lock is running now, not a backup \\(borg pid $gpid on $host, lock taken "
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
b break-lock "$W/borg-rd" >/dev/null 2>&1
# BORG_HOST_ID set by the job: a lock naming it is this host's when the check is told.
setsid sh -c "cd '$W' && sleep 60 | BORG_HOST_ID=backup-job-7 exec $BORG create '$B::stdin-id' -" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
borg_wait_lock "$gpid"
run "${BA[@]}" --host "$host" --borg-host-id backup-job-7
expect "borg: BORG_HOST_ID given: the lock is this host's, running" 0 \
	"a backup is running now \(borg pid $lpid on backup-job-7, lock taken "
zh "borg: a backup running now, in Chinese" 0 \
	"^备份正在运行\(borg pid $lpid, 主机 backup-job-7, 锁取得于 [0-9T:-]+Z, [0-9].* 前\)$"
run "${BA[@]}" --host "$host"
expect "borg: BORG_HOST_ID not given: another host's" 0 "borg lock held by host backup-job-7 since "
zh "borg: another host's lock, in Chinese" 0 \
	"^主机 backup-job-7 持有 borg 锁, 取得于 [0-9T:-]+Z, [0-9].* 前\(独占, 该主机上的 pid $lpid, 主机 id backup-job-7\): 属于另一台主机, 在此既不算正在运行也不算陈旧$"
# The pid reused by another program since the lock was left: stale, not running.
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
sleep 30 &
spid=$!
pids="$pids $spid"
id=$(sed -n 's/.*"exclusive": \[\["\([^"]*\)".*/\1/p' "$B/lock.roster")
printf '{"exclusive": [["%s", %s, 0]]}' "$id" "$spid" >"$B/lock.roster"
rm -f "$B/lock.exclusive"/*
: >"$B/lock.exclusive/$id.$spid-0"
run "${BA[@]}" --host "$host" --borg-host-id "$id"
expect "borg: a lock whose pid now runs another program is stale" 1 \
	"stale lock: borg pid $spid on backup-job-7 is gone \(another program has its pid now\)"
zh "borg: the reused pid's stale lock, in Chinese" 1 \
	"陈旧的锁: borg pid $spid \(主机 backup-job-7\) 已不存在\(其 pid 现在属于另一个程序\); 请用 'borg break-lock REPO' 删除它"
kill "$spid" 2>/dev/null
b break-lock "$B" >/dev/null 2>&1
setsid sh -c "cd '$W' && sleep 60 | exec $BORG create '$B::stdin-2' -" >/dev/null 2>&1 &
gpid=$!
pids="$pids $gpid"
for _ in $(seq 300); do
	[ -d "$B/lock.exclusive" ] && [ -s "$B/lock.roster" ] && break
	sleep 0.1
done
run --source borg --repo "$B" --password-file "$W/bpw" --cache-dir "$W/borg-home"
expect "borg: sharing the running job's cache: said, with the fix" 3 \
	"^BACKUP UNKNOWN - borg's cache is locked, by a backup running now\\? .*give the check a --cache-dir of its own"
{ kill -KILL -- "-$gpid"; wait "$gpid"; } 2>/dev/null
b break-lock "$B" >/dev/null 2>&1
run --source borg --repo "$B" --password-file "$W/badpw" --cache-dir "$W/borg-home"
expect "borg: wrong passphrase" 3 "^BACKUP UNKNOWN - wrong password for .*borg \(passphrase supplied in BORG_PASSPHRASE"
run "${BA[@]}" --borg /nonexistent/borg
expect "borg: missing binary" 3 "^BACKUP UNKNOWN - cannot run /nonexistent/borg"

########## files
F=$W/files
mkdir -p "$F" "$W/mirror" "$F/rsync-1" "$F/rsync-2"
head -c 100000 /dev/urandom >"$F/full-1.tar"
head -c 30000 /dev/urandom >"$F/full-2.tar"
head -c 5000 /dev/urandom >"$F/incr-1.tar"
touch -d "@$((NOW - 90000))" "$F/full-1.tar"
touch -d "@$((NOW - 3600 * 3))" "$F/full-2.tar"
touch -d "@$((NOW - 900))" "$F/incr-1.tar"
cp -p "$F/full-1.tar" "$F/full-2.tar" "$W/mirror/"
run --source files --path "$F/*.tar"
expect "files: the newest by mtime, and a much smaller newest backup" 1 \
	"full: newest backup is 70% smaller than the one before" "full_age=10800s;86400;129600 " \
	"full_size=30000B;;;0 " "incremental_age=900s;3600;5400 "
run --source files --path "$F/*.tar" --max-shrink 0 --min-size 50KB
expect "files: --min-size" 2 "full: newest backup is 29.3KiB, below the minimum of 50KiB|full: newest backup is 29.3KB, below the minimum of 50KB|below the minimum"
run --source files --path "$F/*.tar" --max-shrink 80 --offsite-path "$W/mirror/*.tar" --offsite-lag 10min
expect "files: off-site by name and size, the incremental waits" 2 "full_offsite_lag=0s;;600 " \
	"incremental offsite_lag 15m 0s \(critical over 10m 0s\)"
touch "$F/rsync-1/DONE"
touch -d "@$((NOW - 7200))" "$F/rsync-1/DONE"
run --source files --path "$F/rsync-*" --marker DONE --class full=any
expect "files: an rsync directory with its marker, one without left out" 0 "full_age=7200s;" "full_count=1;" \
	"1 directory without the marker DONE left out"
run --source files --path "$W/none/*.tar"
expect "files: nothing there is no backup at all, the missing directory said" 2 "no backup at all in the files" \
	"--path $W/none/\\*.tar: $W/none does not exist \\(not mounted\\?\\)"
mkdir -p "$W/nomatch"
run --source files --path "$W/nomatch/*.tar"
expect "files: a directory without a match: no backup, nothing said missing" 2 "no backup at all in the files"
check "files: ... and no 'does not exist'" '! printf "%s" "$out" | grep -q "does not exist"'
# A directory the check's user cannot read is not "no backup".
if [ "$(id -u)" = 0 ] && id nagios >/dev/null 2>&1; then
	chmod 0755 "$W"
	chmod 0700 "$F"
	out=$(setpriv --reuid=nagios --regid=nagios --clear-groups env -i PLUMBLINE_NOW="$NOW_TEXT" \
		PLUMBLINE_STATE_DIR="$W/nagios-state" "$plugin" --source files --path "$F/*.tar" 2>&1)
	rc=$?
	expect "files: a directory the check cannot read is UNKNOWN, saying so" 3 \
		"^BACKUP UNKNOWN - --path $F/\\*.tar: cannot read $F: Permission denied"
	chmod 0755 "$F"
	chmod 0700 "$W"
fi
# A relative repository path depends on the engine's working directory, and its locks
# would go unread.
run --source restic --repo srv/restic --password-file "$W/pw"
expect "a relative --repo is refused" 3 "^BACKUP UNKNOWN - --repo srv/restic is a relative path: give it from /"
# A backup dated in the future (a wrong clock, a --time typo) is never the newest: the
# class is judged by the newest one not ahead of now, and the item says so.
mkdir -p "$W/future"
head -c 1000 /dev/urandom >"$W/future/full-1.tar"
cp "$W/future/full-1.tar" "$W/future/full-2.tar"
touch -d "@$((NOW - 200000))" "$W/future/full-1.tar"
touch -d "@$((NOW + 30 * 86400))" "$W/future/full-2.tar"
run --source files --path "$W/future/*.tar" --class full=any
expect "a backup dated 30 days ahead does not hide a stale class" 2 \
	"full age 2d [78]h" "full: 1 backup dated in the future, not counted \(the latest: .* full-2.tar\)" \
	"full_age=200000s;" "- 1 backup, newest 2d [78]h ago"
touch -d "@$((NOW + 120))" "$W/future/full-2.tar"
run --source files --path "$W/future/*.tar" --class full=any
expect "a backup 2 minutes ahead (clock skew) counts, 0s old" 0 "full_age=0s;"

# This host's clock a week behind: every backup is ahead of it, which the summary says.
NOW_TEXT=$(at -604800)
run "${RA[@]}"
expect "every backup in the future: this host's clock, said" 2 \
	"every backup in $R is dated in the future \\([0-9]+\\): is this host's clock behind\\?"
NOW_TEXT=$(at 0)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
