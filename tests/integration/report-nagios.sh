#!/bin/bash
# plumbline-report on the log of a real Nagios 4, driven through a scripted fault by
# external commands (interval_length=1, so its intervals are seconds): web1/http passive,
# two attempts; a CRITICAL result (soft), a second (hard: notification of alice), a third
# 4 s later that Nagios re-notifies, through the escalation from the second notification,
# to bob alone; an acknowledgement by alice with a comment; a recovery (notified to bob);
# then a fixed downtime of web1/http with a WARNING inside it. The fault report and the review
# are asserted against the times Nagios wrote in its own log (read here with grep and
# date), exactly: first detection, hard state, the first notification and whom, the
# acknowledgement (who, comment), the escalation to bob, the recovery, time to
# acknowledge and to recover, the downtime left out of the availability.
#
# Exit 77 (skip) without root or nagios4. About 25 s.
set -u
. "$(dirname "$0")/../env.sh"
. "$(dirname "$0")/lib-engines.sh"
passed=0
failed=0
P=$PLUGINS/plumbline-report
if [ "$(id -u)" -ne 0 ] || ! command -v nagios4 >/dev/null 2>&1 || ! id nagios >/dev/null 2>&1; then
	echo "report-nagios: needs root, nagios4 and the nagios user; skipped"
	exit 77
fi
G=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-n4fault.XXXXXX") || exit 99
DAEMONS=""
trap 'stop_daemons; [ -n "${KEEP:-}" ] || rm -rf "$G"' EXIT
trap 'exit 130' INT TERM
chmod 755 "$G"
mkdir -p "$G"/{etc,var/rw,var/spool/checkresults,log}
{
	nagios_24x7
	cat <<EOF
define command {
	command_name	passive
	command_line	/bin/true
}
define command {
	command_name	notify-log
	command_line	/bin/sh -c 'printf "%s %s %s\\\\n" "\$CONTACTNAME\$" "\$NOTIFICATIONTYPE\$" "\$SERVICESTATE\$" >>$G/log/sent'
}
define contact {
	contact_name			alice
	host_notifications_enabled	0
	service_notifications_enabled	1
	host_notification_period	24x7
	service_notification_period	24x7
	host_notification_options	n
	service_notification_options	w,c,r
	host_notification_commands	notify-log
	service_notification_commands	notify-log
}
define contact {
	contact_name			bob
	host_notifications_enabled	0
	service_notifications_enabled	1
	host_notification_period	24x7
	service_notification_period	24x7
	host_notification_options	n
	service_notification_options	w,c,r
	host_notification_commands	notify-log
	service_notification_commands	notify-log
}
define host {
	host_name		web1
	address			127.0.0.1
	check_command		passive
	active_checks_enabled	0
	passive_checks_enabled	1
	max_check_attempts	1
	check_period		24x7
	notification_period	24x7
	notifications_enabled	0
	contacts		alice
}
define service {
	host_name		web1
	service_description	http
	check_command		passive
	active_checks_enabled	0
	passive_checks_enabled	1
	max_check_attempts	2
	check_interval		60
	retry_interval		60
	check_period		24x7
	notification_period	24x7
	notification_interval	3
	notification_options	w,c,r
	first_notification_delay 0
	notifications_enabled	1
	contacts		alice
}
define serviceescalation {
	host_name		web1
	service_description	http
	first_notification	2
	last_notification	0
	notification_interval	3
	contacts		bob
}
EOF
} >"$G/etc/objects.cfg"
cat >"$G/etc/nagios.cfg" <<EOF
log_file=$G/log/nagios.log
cfg_file=$G/etc/objects.cfg
$(nagios_cfg_common "$G")
status_update_interval=1
check_external_commands=1
interval_length=1
enable_notifications=1
enable_event_handlers=0
process_performance_data=0
log_notifications=1
log_service_retries=1
log_host_retries=1
log_passive_checks=1
log_external_commands=1
log_initial_states=0
passive_host_checks_are_soft=0
EOF
chown -R nagios:nagios "$G"
if ! nagios4 -v "$G/etc/nagios.cfg" >"$G/verify.out" 2>&1; then
	notok "nagios4 -v: the fault test's config"
	grep -iE 'error|warning' "$G/verify.out" | head -10 | sed 's/^/# /'
	finish
fi
ok "nagios4 -v: the fault test's config (a service escalation to bob)"
(cd "$G" && exec setsid nagios4 "$G/etc/nagios.cfg" >"$G/daemon.out" 2>&1 </dev/null) &
DAEMONS="$DAEMONS $!"
for _ in $(seq 100); do [ -p "$G/var/rw/nagios.cmd" ] && break; sleep 0.1; done
[ -p "$G/var/rw/nagios.cmd" ] || { notok "nagios4 made its command file"; finish; }
cmd() { printf '[%s] %s\n' "$(date +%s)" "$1" >"$G/var/rw/nagios.cmd"; }
# waitlog PATTERN: until the log has a line matching it (at most 15 s).
waitlog() {
	for _ in $(seq 150); do grep -q -E "$1" "$G/log/nagios.log" && return 0; sleep 0.1; done
	notok "nagios.log never had /$1/"
	return 1
}
# t PATTERN: the time (epoch) of the first log line matching it.
t() { grep -m 1 -E "$1" "$G/log/nagios.log" | sed 's/^\[\([0-9]*\)\].*/\1/'; }
LOG=$G/log/nagios.log
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;0;HTTP OK - 200"
waitlog 'PASSIVE SERVICE CHECK: web1;http;0' && sleep 1
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;2;connect to address 127.0.0.1 and port 80: Connection refused"
waitlog 'SERVICE ALERT: web1;http;CRITICAL;SOFT;1' && sleep 1
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;2;connect to address 127.0.0.1 and port 80: Connection refused"
waitlog 'SERVICE NOTIFICATION: alice;web1;http;CRITICAL'
# A passive service is re-notified on its next result once notification_interval (3 s)
# has passed: that second notification goes to bob too (the escalation from 2).
sleep 4
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;2;HTTP CRITICAL - Invalid HTTP response"
waitlog 'SERVICE NOTIFICATION: bob;web1;http;CRITICAL' && sleep 1
cmd "ACKNOWLEDGE_SVC_PROBLEM;web1;http;1;1;0;alice;nginx down after the upgrade, restarting it"
waitlog 'EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM' && sleep 2
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;0;HTTP OK: HTTP/1.1 200 OK"
waitlog 'SERVICE ALERT: web1;http;OK;HARD' && waitlog 'SERVICE NOTIFICATION: bob;web1;http;OK'
# A fixed downtime of 4 s from now, a WARNING inside it, back to OK after it ends.
now=$(date +%s)
cmd "SCHEDULE_SVC_DOWNTIME;web1;http;$now;$((now + 4));1;0;4;admin;maintenance"
waitlog 'SERVICE DOWNTIME ALERT: web1;http;STARTED'
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;1;HTTP WARNING - slow"
waitlog 'SERVICE ALERT: web1;http;WARNING;SOFT'
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;1;HTTP WARNING - slow"
waitlog 'SERVICE ALERT: web1;http;WARNING;HARD'
cmd "PROCESS_SERVICE_CHECK_RESULT;web1;http;0;HTTP OK"
waitlog 'SERVICE ALERT: web1;http;OK;HARD;[0-9]+;HTTP OK$'
waitlog 'SERVICE DOWNTIME ALERT: web1;http;STOPPED'
sleep 1
end=$(date +%s)

soft=$(t 'SERVICE ALERT: web1;http;CRITICAL;SOFT')
hard=$(t 'SERVICE ALERT: web1;http;CRITICAL;HARD')
n1=$(t 'SERVICE NOTIFICATION: alice;web1;http;CRITICAL')
esc=$(t 'SERVICE NOTIFICATION: bob;web1;http;CRITICAL')
ack=$(t 'EXTERNAL COMMAND: ACKNOWLEDGE_SVC_PROBLEM')
rec=$(t 'SERVICE ALERT: web1;http;OK;HARD')
dts=$(t 'SERVICE DOWNTIME ALERT: web1;http;STARTED')
dte=$(t 'SERVICE DOWNTIME ALERT: web1;http;STOPPED')
first=$(head -n 1 "$LOG" | sed 's/^\[\([0-9]*\)\].*/\1/')
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# Nagios 4 sends an escalated notification to the escalation's contacts only: bob alone
# from the second notification on (the acknowledgement's and the recovery's too).
check "nagios notified alice, then bob (the escalation), then bob of the ack and the recovery" \
	'[ "$(tr "\n" , <"$G/log/sent")" = "alice PROBLEM CRITICAL,bob PROBLEM CRITICAL,bob ACKNOWLEDGEMENT CRITICAL,bob RECOVERY OK," ]'
check "the escalation came more than 2 s after the first notification (not its batch)" \
	'[ $((esc - n1)) -gt 2 ]'

export TZ=UTC
SCHEMA=$top_srcdir/contrib/schema/plumbline-report.schema.json
# report KIND ARGS...: the JSON into $G/KIND.json, valid against the schema; rc.
report() {
	local kind=$1
	shift
	"$P" "$kind" --nagios-log "$LOG" --output-format json "$@" >"$G/$kind.json" 2>"$G/$kind.err"
	rc=$?
}
# holds NAME FILE PYTHON-CONDITION: on the document d (and the incident i, the first of
# the fault report or of the review's in_period).
holds() {
	if /usr/bin/python3 - "$SCHEMA" "$2" "$3" <<'PY'
import json, sys
import jsonschema
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, json.load(open(sys.argv[1])))
i = d["in_period"][0] if "in_period" in d else d.get("incident", d)
ok = eval(sys.argv[3])
if not ok:
    print(json.dumps(d)[:1500])
sys.exit(0 if ok else 1)
PY
	then ok "$1"; else notok "$1"; fi
}
report fault --host web1 --service http --at "$(iso "$hard")"
check "fault report from the real Nagios log: exit 0" '[ "$rc" = 0 ]'
holds "fault: detection, hard state, first notification (alice only) at the log's times" "$G/fault.json" \
	"(i['host'], i['service'], i['severity'], i['open']) == ('web1', 'http', 'CRITICAL', False) and i['detected'] == '$(iso "$soft")' and i['hard'] == '$(iso "$hard")' and i['notified'] == '$(iso "$n1")' and i['notified_to'] == ['alice']"
holds "fault: the escalation to bob, the acknowledgement by alice with its comment" "$G/fault.json" \
	"i['escalated_to'] == ['bob'] and i['acknowledged'] == '$(iso "$ack")' and i['ack_author'] == 'alice' and i['ack_comment'] == 'nginx down after the upgrade, restarting it' and [s['time'] for s in i['steps'] if s['step'] == 'escalated'] == ['$(iso "$esc")']"
holds "fault: recovered; time to acknowledge and to recover from the detection" "$G/fault.json" \
	"i['recovered'] == '$(iso "$rec")' and i['time_to_acknowledge'] == $((ack - soft)) and i['time_to_recover'] == $((rec - soft))"
report review --from "$(iso "$first")" --to "$(iso $((end + 1)))"
# The period of web1/http: from its first event in the log (the soft CRITICAL: the OK
# before it was no state change, and log_initial_states is off) to --to.
span=$((end + 1 - soft))
echo "# period $span s, downtime $((dte - dts)) s, outage $((rec - hard)) s"
check "review from the real Nagios log: exit 0" '[ "$rc" = 0 ]'
# Availability: the period from the log's first line, the downtime (STARTED to STOPPED)
# left out, the outage from the hard state to the recovery; the WARNING inside the
# downtime is an incident but no outage time.
holds "review: availability with the downtime left out" "$G/review.json" \
	"[(a['host'], a['service'], a['period_s'], a['downtime_s'], a['outage_s'], a['incidents']) for a in d['availability']] == [('web1', 'http', $span, $((dte - dts)), $((rec - hard)), 2)] and abs([a['percent'] for a in d['availability']][0] - 100.0 * ($((span - (dte - dts))) - $((rec - hard))) / $((span - (dte - dts)))) < 0.0015"
holds "review: the incidents and the roles (alice notified, bob escalated to)" "$G/review.json" \
	"(d['incidents']['total'], d['incidents']['critical'], d['incidents']['warning'], d['incidents']['acknowledged'], d['incidents']['recovered']) == (2, 1, 1, 1, 2) and [(r['role'], r['incidents'], r['escalated']) for r in d['roles'] if r['role'] in ('alice', 'bob')] == [('alice', 1, 0), ('bob', 1, 1)]"
finish
