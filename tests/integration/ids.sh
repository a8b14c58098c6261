#!/bin/bash
# check_ids end to end: eve.json, Snort's alert_fast and Wazuh's alerts.json lines (in
# their documented formats; Suricata, Snort and Wazuh are not in Debian's archive here,
# see tests/fixtures/SOURCES.md) appended between runs of the real plugin, rotated by
# rename and by copytruncate, with malformed lines, the hold over time, Suricata's stats
# going stale and the kernel's drop share between two runs; a real fail2ban-server
# (recipe: fail2ban.md) in a scratch directory with its own socket and a no-op ban
# action, banning for failed logins the test writes to an auth log, read through its
# log and through fail2ban-client, also as a user without access to its socket; and
# sshd's failures in .journal files made by systemd-journal-remote. After each step the
# counts the plugin reported, added up over its runs, must equal what was written since
# its first run: never an alert twice, never one skipped.
#
# Needs: the built check_ids; fail2ban (else those steps skip); setpriv (util-linux);
# /lib/systemd/systemd-journal-remote and a build with libsystemd (else the journal steps
# skip). Runs in a mktemp -d directory, removed on exit, with the fail2ban server stopped.
# Prints "ok - ..." / "not ok - ..." and "N passed, M failed".
set -u
. "$(dirname "$0")/../env.sh"
P=$PLUGINS/check_ids
[ -x "$P" ] || { echo "not ok - no $P (build first)"; echo "0 passed, 1 failed"; exit 1; }

skipped=0
skip() { echo "ok - # SKIP $1"; skipped=$((skipped + 1)); }
check() { if eval "$2"; then ok "$1"; else notok "$1"; echo "#   last output: ${out:0:400}"; fi; }

D=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-ids.XXXXXX") || exit 99
F2B_PID=
WATCHDOG=
cleanup() {
	if [ -n "$F2B_PID" ]; then
		timeout 10 fail2ban-client -s "$D/f2b/fail2ban.sock" stop >/dev/null 2>&1
		kill "$F2B_PID" 2>/dev/null
		wait "$F2B_PID" 2>/dev/null
	fi
	[ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
watchdog 170
chmod 700 "$D"
mkdir -m 700 "$D/state" "$D/logs"
unset PLUMBLINE_STATE_DIR
EVE=$D/logs/eve.json

# The plugin; sets $out and $rc.
ids() {
	out=$(timeout 20 "$P" --state-dir "$D/state" "$@" 2>&1)
	rc=$?
}
perf() { printf '%s\n' "$out" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p" | head -1; }

# eve.json lines in Suricata's format: N events, every 4th an alert (severity cycling
# 1..3), the others flow and dns events; the alerts made are counted per severity.
made=0 made_high=0 made_med=0 made_low=0 n=0
eve_write() { # count
	local k sev
	for ((k = 0; k < $1; k++)); do
		n=$((n + 1))
		if ((n % 4 == 0)); then
			sev=$(( (n / 4) % 3 + 1 ))
			printf '{"timestamp":"2026-12-01T10:00:%02d.%06d+0000","flow_id":%d,"in_iface":"eth0","event_type":"alert","src_ip":"203.0.113.%d","src_port":%d,"dest_ip":"198.51.100.5","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":1,"signature":"TEST signature %d","category":"Attempted Information Leak","severity":%d}}\n' \
				$((n % 60)) "$n" "$n" $((n % 7)) $((40000 + n % 20000)) $((2000000 + n % 5)) $((n % 5)) "$sev"
			made=$((made + 1))
			case $sev in 1) made_high=$((made_high + 1)) ;; 2) made_med=$((made_med + 1)) ;;
			*) made_low=$((made_low + 1)) ;; esac
		elif ((n % 2 == 0)); then
			printf '{"timestamp":"2026-12-01T10:00:%02d.%06d+0000","flow_id":%d,"event_type":"dns","src_ip":"198.51.100.5","dest_ip":"192.0.2.53","proto":"UDP","dns":{"type":"query","rrname":"example.org"}}\n' $((n % 60)) "$n" "$n"
		else
			printf '{"timestamp":"2026-12-01T10:00:%02d.%06d+0000","flow_id":%d,"event_type":"flow","src_ip":"192.0.2.14","dest_ip":"198.51.100.5","proto":"TCP","flow":{"pkts_toserver":5,"alerted":false}}\n' $((n % 60)) "$n" "$n"
		fi
	done >>"$EVE"
}
stats_write() { # time packets drops
	printf '{"timestamp":"%s","event_type":"stats","stats":{"uptime":100,"capture":{"kernel_packets":%s,"kernel_drops":%s}}}\n' "$1" "$2" "$3" >>"$EVE"
}
seen=0 seen_high=0 seen_med=0 seen_low=0 seen_bad=0
eve() { # plugin arguments...
	ids --eve "$EVE" --stats-max-age 0 --criticalx 'eve_high=~:' --warningx 'eve_medium=~:' "$@"
	seen=$((seen + $(perf eve_alerts)))
	seen_high=$((seen_high + $(perf eve_high)))
	seen_med=$((seen_med + $(perf eve_medium)))
	seen_low=$((seen_low + $(perf eve_low)))
	seen_bad=$((seen_bad + $(perf eve_malformed)))
}
same() { [ "$seen" = "$made" ] && [ "$seen_high" = "$made_high" ] &&
	[ "$seen_med" = "$made_med" ] && [ "$seen_low" = "$made_low" ]; }
counts() { echo "counted $seen/$made alerts ($seen_high/$made_high high, $seen_med/$made_med medium, $seen_low/$made_low low)"; }

# 1. The first run starts at the end.
eve_write 40
eve
check "eve, first run: nothing counted, says where it started (rc $rc)" \
	'[ "$seen" = 0 ] && [[ "$out" == *"first run: started at the end"* ]]'
made=0 made_high=0 made_med=0 made_low=0

# 2. Appended events, then a run without news.
eve_write 400
eve
check "eve, appended: $(counts)" 'same'
eve
check "eve, nothing new: nothing counted twice" 'same && [ "$(perf eve_alerts)" = 0 ]'

# 3. Malformed lines (cut, not JSON, an alert of the wrong shape) are counted, not fatal.
{
	echo '{"timestamp":"2026-12-01T10:01:00.000000+0000","event_type":"alert","src_ip":"203.0.113.1","alert":{"severity":1'
	echo 'garbage that is not JSON'
	echo '[1,2,3]'
} >>"$EVE"
eve_write 40
eve
check "eve, 3 malformed lines counted, the rest as written: $(counts)" \
	'same && [ "$(perf eve_malformed)" = 3 ] && [ "$rc" -lt 3 ] && [[ "$out" == *"3 malformed lines counted and skipped"* ]]'

huge() {
	printf '{"timestamp":"2026-12-01T10:01:01.000000+0000","event_type":"alert","src_ip":"203.0.113.1","payload_printable":"'
	head -c 100000 /dev/zero | tr '\0' x
	printf '","alert":{"signature":"HUGE","severity":1}}\n'
}
# 3b. A huge line (an alert with a 100 KB payload, past --max-line-length): not parsed,
#     counted as malformed and said; the lines after it are read as written.
huge >>"$EVE"
eve_write 20
eve
check "eve, a 100 KB line: 1 malformed, said; the rest as written: $(counts)" \
	'same && [ "$(perf eve_malformed)" = 1 ] && [[ "$out" == *"1 line longer than --max-line-length, not parsed (counted as malformed)"* ]]'
huge >>"$EVE"
made=$((made + 1)) made_high=$((made_high + 1))
eve_write 8
eve --max-line-length 256KB
check "eve, --max-line-length 256KB: the 100 KB alert counted, high: $(counts)" \
	'same && [ "$(perf eve_malformed)" = 0 ]'

# 4. Rotation by rename (Suricata's logrotate: create), with lines written to the old
#    file after the last run: finished first, then the new one from its start.
eve_write 30
mv "$EVE" "$EVE.1"
eve_write 30
eve
check "eve, rotated by rename: $(counts)" 'same && [[ "$out" == *"eve.json.1"* ]]'

# 5. copytruncate, with its copy beside the log.
eve_write 20
cp "$EVE" "$EVE.2"
: >"$EVE"
rm -f "$EVE.1"
eve_write 20
eve
check "eve, copytruncate: $(counts)" 'same && [[ "$out" == *"copied and truncated"* ]]'
rm -f "$EVE.2"

# 6. The hold: the state of the last high alert stays though nothing is new.
echo '{"timestamp":"2026-12-01T10:02:00.000000+0000","event_type":"alert","src_ip":"203.0.113.1","alert":{"signature":"HOLD test","severity":1}}' >>"$EVE"
PLUMBLINE_NOW=2026-12-01T10:00:00Z ids --eve "$EVE" --stats-max-age 0 --hold 10min
check "eve, hold: CRITICAL on the high alert (rc $rc)" '[ "$rc" = 2 ]'
PLUMBLINE_NOW=2026-12-01T10:05:00Z ids --eve "$EVE" --stats-max-age 0 --hold 10min
check "eve, hold: CRITICAL until 10:10 though nothing is new (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"held CRITICAL until 2026-12-01T10:10:00Z"* ]]'
PLUMBLINE_NOW=2026-12-01T10:11:00Z ids --eve "$EVE" --stats-max-age 0 --hold 10min
check "eve, hold: over after it (rc $rc)" '[ "$rc" = 0 ]'

# 7. Stats: alive while the last stats event is young, CRITICAL when it is stale, and the
#    kernel's drop share between the last two runs' stats events.
stats_write 2026-12-01T10:20:00.000000+0000 1000000 1000
PLUMBLINE_NOW=2026-12-01T10:20:30Z ids --eve "$EVE" --stats-max-age 5min
check "stats: 30s old, cumulative drop share 0.1% (rc $rc)" \
	'[ "$rc" = 0 ] && [ "$(perf eve_stats_age)" = 30 ] && [ "$(perf eve_kernel_drop)" = 0.1 ]'
PLUMBLINE_NOW=2026-12-01T10:24:00Z ids --eve "$EVE" --stats-max-age 5min
check "stats: no new event, 240s old, still alive; no drop share this run (rc $rc)" \
	'[ "$rc" = 0 ] && [ "$(perf eve_stats_age)" = 240 ] && [[ "$out" != *eve_kernel_drop=* ]]'
PLUMBLINE_NOW=2026-12-01T10:26:00Z ids --eve "$EVE" --stats-max-age 5min
check "stats: 360s old is CRITICAL (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"stats_age 6m 0s (critical over 5m 0s)"* ]]'
# 100,000 more packets, 3,000 more drops: 3% since the last event, WARNING.
stats_write 2026-12-01T10:26:08.000000+0000 1100000 4000
PLUMBLINE_NOW=2026-12-01T10:26:10Z ids --eve "$EVE" --stats-max-age 5min
check "stats: fresh again; 3% dropped since the last event is a WARNING (rc $rc)" \
	'[ "$rc" = 1 ] && [ "$(perf eve_kernel_drop)" = 3 ] && [[ "$out" == *"kernel_drop 3% (warning over 1%)"* ]]'
# Suricata restarted: its counters start again; the share is its own since then.
stats_write 2026-12-01T10:27:00.000000+0000 50000 3000
PLUMBLINE_NOW=2026-12-01T10:27:05Z ids --eve "$EVE" --stats-max-age 5min
check "stats: counters reset by a restart: 6% of its own, CRITICAL (rc $rc)" \
	'[ "$rc" = 2 ] && [ "$(perf eve_kernel_drop)" = 6 ]'
# A log that never had a stats event: waiting, then CRITICAL once the limit passed.
: >"$D/logs/nostats.json"
PLUMBLINE_NOW=2026-12-01T11:00:00Z ids --eve "$D/logs/nostats.json" --stats-max-age 5min
check "stats: none yet, waiting (rc $rc)" '[ "$rc" = 0 ] && [[ "$out" == *"waiting for the first stats event"* ]]'
PLUMBLINE_NOW=2026-12-01T11:06:00Z ids --eve "$D/logs/nostats.json" --stats-max-age 5min
check "stats: none for 6 minutes of watching is CRITICAL (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"no stats event since the check started watching at 2026-12-01T11:00:00Z"* ]]'

# 8. Snort's alert_fast appended and rotated; a line without its newline waits.
S=$D/logs/alert
fast() { printf '12/01-10:00:%02d.000000  [**] [1:%d:1] TEST snort %d [**] [Classification: Misc activity] [Priority: %d] {TCP} 203.0.113.%d:4444 -> 198.51.100.2:22\n' $(($1 % 60)) "$1" "$1" "$2" $(($1 % 9)); }
: >"$S"
ids --snort-fast "$S"
for i in 1 2 3; do fast "$i" 1; done >>"$S"
for i in 4 5; do fast "$i" 3; done >>"$S"
echo 'not an alert_fast line' >>"$S"
fast 6 2 | tr -d '\n' >>"$S"
ids --snort-fast "$S" --criticalx 'snort_high=~:'
check "snort: 5 alerts (3 high, 2 low), the unfinished line waits, 1 malformed" \
	'[ "$(perf snort_alerts)" = 5 ] && [ "$(perf snort_high)" = 3 ] && [ "$(perf snort_low)" = 2 ] && [ "$(perf snort_malformed)" = 1 ]'
echo >>"$S"
mv "$S" "$S.1"
fast 7 2 >>"$S"
ids --snort-fast "$S" --warningx 'snort_medium=~:'
check "snort: completed line and the rotated log's successor: 2 medium (rc $rc)" \
	'[ "$(perf snort_alerts)" = 2 ] && [ "$(perf snort_medium)" = 2 ] && [ "$rc" = 0 ]'

# 8b. A sensor whose stamps are not this host's time: Snort run with -U writes UTC, read
#     as local time on a host in UTC+8 the newest alert is 8 hours older than the file's
#     last write. Said, with the fix, and the hold counts from the last write (not: the
#     alert older than --hold, held never); with --snort-utc the stamps agree.
U=$D/logs/alert-utc
printf '12/01-10:02:00.000000  [**] [1:9:1] TEST utc [**] [Classification: Misc activity] [Priority: 1] {TCP} 203.0.113.9:4444 -> 198.51.100.2:22\n' >"$U"
touch -d 2026-12-01T10:02:05Z "$U"
TZ=Asia/Shanghai PLUMBLINE_NOW=2026-12-01T10:03:00Z ids --snort-fast "$U" --from-start --hold 10min --state-key skew
check "snort -U read as local time: the 8 hours said, with the fix; held from the last write (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"is 8h 0m behind the file'"'"'s last write (2026-12-01T10:02:05Z)"*"give --snort-utc"* ]] && [[ "$out" == *"CRITICAL held until 2026-12-01T10:12:05Z"* ]]'
TZ=Asia/Shanghai PLUMBLINE_NOW=2026-12-01T10:06:00Z ids --snort-fast "$U" --hold 10min --state-key skew
check "snort -U read as local time: still held after it (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"held CRITICAL until 2026-12-01T10:12:05Z"* ]]'
TZ=Asia/Shanghai PLUMBLINE_NOW=2026-12-01T10:03:00Z ids --snort-fast "$U" --from-start --hold 10min --snort-utc --state-key utc
check "snort --snort-utc: the stamps agree, held from the alert's own time (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" != *"behind"* ]] && [[ "$out" == *"CRITICAL held until 2026-12-01T10:12:00Z"* ]]'

# 8c. A rotation between the alert and the run: the successor, empty, was written at the
#     rotation (3 hours after the alert), not when the alert was: no skew is said, the
#     alert older than --hold is CRITICAL this run and held never (it was said 3 hours
#     behind and held 10 minutes from the rotation). By rename, then by copytruncate (the
#     copy's time is its copying's). A skewed sensor rotated so is still said, from the
#     rotated file's own last write.
R=$D/logs/alert-rot
rot_line() { printf '12/01-%s.000000  [**] [1:9:1] TEST rot [**] [Classification: Misc activity] [Priority: %d] {TCP} 203.0.113.9:4444 -> 198.51.100.2:22\n' "$1" "$2"; }
rot_start() { # state key
	rm -f "$R" "$R.1"
	rot_line 07:00:00 3 >"$R"
	touch -d 2026-12-01T07:00:00Z "$R"
	TZ=UTC PLUMBLINE_NOW=2026-12-01T07:59:00Z ids --snort-fast "$R" --hold 10min --state-key "$1"
	rot_line 08:00:00 1 >>"$R"
	touch -d 2026-12-01T08:00:00Z "$R"
}
rot_start rot
mv "$R" "$R.1"
: >"$R"
touch -d 2026-12-01T11:00:00Z "$R"
TZ=UTC PLUMBLINE_NOW=2026-12-01T11:01:00Z ids --snort-fast "$R" --hold 10min --state-key rot
check "snort rotated, empty successor: no skew said, not held (rc $rc)" \
	'[ "$rc" = 2 ] && [ "$(perf snort_high)" = 1 ] && [[ "$out" != *"behind"* ]] && [[ "$out" != *"held until"* ]]'
TZ=UTC PLUMBLINE_NOW=2026-12-01T11:02:00Z ids --snort-fast "$R" --hold 10min --state-key rot
check "snort rotated, empty successor: OK at the next run (rc $rc)" '[ "$rc" = 0 ]'
rot_start copy
cp "$R" "$R.1"
touch -d 2026-12-01T11:00:00Z "$R.1"
: >"$R"
touch -d 2026-12-01T11:00:00Z "$R"
TZ=UTC PLUMBLINE_NOW=2026-12-01T11:01:00Z ids --snort-fast "$R" --hold 10min --state-key copy
check "snort copytruncate, empty log: no skew said, not held (rc $rc)" \
	'[ "$rc" = 2 ] && [ "$(perf snort_high)" = 1 ] && [[ "$out" == *"copied and truncated"* ]] && [[ "$out" != *"behind"* ]] && [[ "$out" != *"held until"* ]]'
rm -f "$R" "$R.1"
: >"$R"
TZ=Asia/Shanghai PLUMBLINE_NOW=2026-12-01T10:00:00Z ids --snort-fast "$R" --hold 10min --state-key rotskew
rot_line 10:02:00 1 >>"$R"
touch -d 2026-12-01T10:02:05Z "$R"
mv "$R" "$R.1"
: >"$R"
touch -d 2026-12-01T10:02:30Z "$R"
TZ=Asia/Shanghai PLUMBLINE_NOW=2026-12-01T10:03:00Z ids --snort-fast "$R" --hold 10min --state-key rotskew
check "snort -U read as local time, rotated: the 8 hours said from the rotated file's write (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"is 8h 0m behind the file'"'"'s last write (2026-12-01T10:02:05Z)"* ]] && [[ "$out" == *"CRITICAL held until 2026-12-01T10:12:05Z"* ]]'
rm -f "$R" "$R.1"

# 9. Wazuh's alerts.json appended: levels to classes, the highest level.
W=$D/logs/alerts.json
wz() { printf '{"timestamp":"2026-12-01T10:00:01.000+0000","rule":{"level":%d,"description":"TEST rule %d","id":"%d","groups":["test"]},"agent":{"id":"001","name":"web1"},"data":{"srcip":"203.0.113.5"}}\n' "$1" "$1" "$1"; }
: >"$W"
ids --wazuh "$W"
for l in 3 5 7 10 12 15; do wz "$l"; done >>"$W"
ids --wazuh "$W" --criticalx 'wazuh_max_level=~:13'
check "wazuh: 6 alerts, 2 high, 2 medium, 2 low, max level 15 CRITICAL (rc $rc)" \
	'[ "$(perf wazuh_alerts)" = 6 ] && [ "$(perf wazuh_high)" = 2 ] && [ "$(perf wazuh_medium)" = 2 ] && [ "$(perf wazuh_low)" = 2 ] && [ "$(perf wazuh_max_level)" = 15 ] && [ "$rc" = 2 ] && [[ "$out" == *"max_level 15 (critical over 13)"* ]]'

# ---------------------------------------------------------------- a real fail2ban
A=$D/logs/auth.log
authline() { printf '%s web1 sshd[%d]: Failed password for invalid user bob from %s port %d ssh2\n' "$(date '+%b %e %H:%M:%S')" "$RANDOM" "$1" $((50000 + RANDOM % 10000)); }
: >"$A"
if ! command -v fail2ban-server >/dev/null 2>&1; then
	skip "fail2ban not installed"
else
	FD=$D/f2b
	mkdir -p "$FD/etc/action.d"
	cp -r /etc/fail2ban/filter.d "$FD/etc/"
	cp /etc/fail2ban/action.d/dummy.conf "$FD/etc/action.d/"
	cat >"$FD/etc/fail2ban.conf" <<EOF
[Definition]
loglevel = INFO
logtarget = $FD/fail2ban.log
syslogsocket = auto
socket = $FD/fail2ban.sock
pidfile = $FD/fail2ban.pid
dbfile = :memory:
allowipv6 = auto
EOF
	cat >"$FD/etc/jail.conf" <<EOF
[DEFAULT]
backend = polling
usedns = no
ignoreself = false
[test-sshd]
enabled  = true
filter   = sshd
logpath  = $A
maxretry = 3
findtime = 10m
bantime  = 600
action   = dummy[target="$FD/dummy.target"]
[quiet]
enabled  = true
filter   = sshd
logpath  = $D/logs/quiet.log
maxretry = 3
bantime  = 600
action   = dummy[target="$FD/dummy2.target"]
EOF
	: >"$D/logs/quiet.log"
	: >"$FD/fail2ban.log"
	fail2ban-server -f -x -c "$FD/etc" -s "$FD/fail2ban.sock" -p "$FD/fail2ban.pid" \
		>"$FD/server.out" 2>&1 &
	F2B_PID=$!
	C="fail2ban-client -s $FD/fail2ban.sock"
	for i in $(seq 100); do $C ping >/dev/null 2>&1 && break; sleep 0.1; done
	ids --fail2ban-log "$FD/fail2ban.log" --auth-log "$A"
	# Three failures from one address: a real ban; two from another: none.
	for i in 1 2 3; do authline 192.0.2.10; done >>"$A"
	for i in 1 2; do authline 198.51.100.7; done >>"$A"
	for i in $(seq 50); do $C status test-sshd 2>/dev/null | grep -q 192.0.2.10 && break; sleep 0.2; done
	ids --fail2ban-log "$FD/fail2ban.log" --auth-log "$A" --warningx 'auth_top_source=~:2'
	check "auth.log: 5 failed logins from 2 addresses, busiest 3 is a WARNING (rc $rc)" \
		'[ "$(perf auth_failed)" = 5 ] && [ "$(perf auth_sources)" = 2 ] && [ "$(perf auth_top_source)" = 3 ] && [ "$rc" = 1 ]'
	check "fail2ban's log: the real ban of 192.0.2.10 in test-sshd" \
		'[ "$(perf fail2ban_log_bans)" = 1 ] && [[ "$out" == *"top jail: test-sshd (1)"* ]] && [[ "$out" == *"top banned address: 192.0.2.10 (1)"* ]]'
	ids --fail2ban-socket "$FD/fail2ban.sock" --fail2ban-client /usr/bin/fail2ban-client
	check "fail2ban server: 1 banned in 2 jails, test-sshd first with its address (rc $rc)" \
		'[ "$(perf fail2ban_banned)" = 1 ] && [ "$(perf fail2ban_jails)" = 2 ] && [ "$(perf fail2ban_test-sshd_banned)" = 1 ] && [ "$(perf fail2ban_quiet_banned)" = 0 ] && [[ "$out" == *"fail2ban/test-sshd: banned now: 192.0.2.10"* ]]'
	# The JSON form of the jail tree matches the result schema.
	if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
		out=$(timeout 20 "$P" --state-dir "$D/state" --output-format json \
			--fail2ban-socket "$FD/fail2ban.sock" 2>&1)
		printf '%s\n' "$out" >"$D/f2b.json"
		check "fail2ban server, JSON: the jails as items, valid by the schema" \
			'/usr/bin/python3 "$top_srcdir/tests/blackbox/validate-json.py" "$top_srcdir/contrib/schema/plumbline-result.schema.json" "$D/f2b.json" >/dev/null && [[ "$out" == *'"'"'"kind":"jail"'"'"'* ]]'
	else
		skip "fail2ban server, JSON: python3-jsonschema not installed"
	fi
	ids --fail2ban-socket "$FD/fail2ban.sock" --warningx 'fail2ban_banned=~:0'
	check "fail2ban server: a range on the banned count (rc $rc)" '[ "$rc" = 1 ]'
	# A manual ban in the other jail, an unban in the first.
	$C set quiet banip 198.51.100.99 >/dev/null
	$C set test-sshd unbanip 192.0.2.10 >/dev/null
	sleep 0.3
	ids --fail2ban-log "$FD/fail2ban.log" --auth-log "$A"
	check "fail2ban's log: the manual ban and the unban" \
		'[ "$(perf fail2ban_log_bans)" = 1 ] && [ "$(perf fail2ban_log_unbans)" = 1 ]'
	ids --fail2ban-socket "$FD/fail2ban.sock"
	check "fail2ban server: now quiet has the ban" \
		'[ "$(perf fail2ban_quiet_banned)" = 1 ] && [ "$(perf fail2ban_test-sshd_banned)" = 0 ]'
	# As a user without access to the socket (root's, mode 0700): the exact fix.
	if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		chmod 755 "$D" "$FD"
		mkdir -m 700 "$D/nobody"
		chown nobody "$D/nobody"
		out=$(timeout 20 setpriv --reuid=nobody --regid=nogroup --clear-groups \
			"$P" --state-dir "$D/nobody" --fail2ban-socket "$FD/fail2ban.sock" 2>&1)
		rc=$?
		check "fail2ban server as nobody: UNKNOWN with the sudoers line (rc $rc)" \
			'[ "$rc" = 3 ] && [[ "$out" == *"Add to sudoers (contrib/sudoers.d/plumbline): '"'"'nagios ALL=(root) NOPASSWD: /usr/bin/fail2ban-client -s $FD/fail2ban.sock banned'"'"' and give --fail2ban-sudo"* ]]'
		chmod 700 "$D" "$FD"
	else
		skip "fail2ban as nobody: needs root and setpriv"
	fi
	# Through sudo (as root it needs no sudoers line; the shipped one is checked by
	# visudo in firewall.sh).
	if [ -x /usr/bin/sudo ] && [ "$(id -u)" = 0 ]; then
		ids --fail2ban-socket "$FD/fail2ban.sock" --fail2ban-sudo
		check "fail2ban server through sudo -n (rc $rc)" '[ "$(perf fail2ban_quiet_banned)" = 1 ]'
	else
		skip "fail2ban through sudo: needs root and sudo"
	fi
	$C stop >/dev/null 2>&1
	wait "$F2B_PID" 2>/dev/null
	F2B_PID=
	ids --fail2ban-socket "$FD/fail2ban.sock"
	check "fail2ban server stopped: UNKNOWN, says so (rc $rc)" \
		'[ "$rc" = 3 ] && [[ "$out" == *"fail2ban"* ]]'
fi

# ---------------------------------------------------------------- the journal
JR=/lib/systemd/systemd-journal-remote
if "$P" --journal-file /nonexistent.journal 2>&1 | grep -q 'not built in'; then
	skip "journal: this build has no journal support"
elif [ ! -x "$JR" ]; then
	skip "journal: $JR not installed (systemd-journal-remote)"
else
	J=$D/j/test.journal
	mkdir -m 700 "$D/j"
	now=$(date +%s)
	entry() { # realtime-offset identifier message
		printf '__REALTIME_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n' \
			$(((now + $1) * 1000000))
		printf 'PRIORITY=6\nSYSLOG_IDENTIFIER=%s\nMESSAGE=%s\n\n' "$2" "$3"
	}
	append() { "$JR" --output="$J" --split-mode=none "$1" >/dev/null 2>"$D/jr.err"; }
	{
		entry -600 sshd "Failed password for root from 203.0.113.5 port 40022 ssh2"
		entry -590 sshd "Invalid user admin from 203.0.113.6 port 40023"
		entry -589 sshd "Failed password for invalid user admin from 203.0.113.6 port 40023 ssh2"
		entry -580 cron "Failed password for root from 192.0.2.1 port 1 ssh2"
		entry -570 sshd-session "Failed publickey for git from 203.0.113.5 port 40024 ssh2"
	} >"$D/e1"
	append "$D/e1"
	ids --journal-file "$J" --from-start
	check "journal: 3 failed logins from 2 addresses, 1 invalid user; cron's not sshd's (rc $rc)" \
		'[ "$(perf journal_failed)" = 3 ] && [ "$(perf journal_sources)" = 2 ] && [ "$(perf journal_invalid_user)" = 1 ] && [ "$(perf journal_top_source)" = 2 ]'
	ids --journal-file "$J" --from-start
	check "journal: again, nothing counted twice" '[ "$(perf journal_failed)" = 0 ]'
	entry -10 sshd "Failed password for root from 198.51.100.1 port 5 ssh2" >"$D/e2"
	append "$D/e2"
	ids --journal-file "$J" --from-start
	check "journal: the next run reads the new entry only" \
		'[ "$(perf journal_failed)" = 1 ] && [[ "$out" == *"top source: 198.51.100.1 (1)"* ]]'
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
