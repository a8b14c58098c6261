#!/bin/bash
# plumbline-report on the fixture nagios.log of a scripted fault (tests/fixtures/nagioslog:
# two files, the current one and the one rotated on 2026-11-15, given newest first):
# web1/http soft CRITICAL 09:00, hard 09:02 with the notification of alice and carol,
# acknowledged by alice 09:07, escalated to bob 09:32, recovered 10:02 on 2026-11-03; a
# WARNING inside a downtime on 2026-11-10 22:00-23:00; db1 DOWN from 2026-11-20 14:00,
# still open; three malformed lines. The fault report and the review are asserted exactly
# (text against tests/fixtures/nagioslog/expected/, JSON against the schema and by value),
# the HTML for what it must hold and must not load; bad input exits 3 with one line.
set -u
. "$(dirname "$0")/../env.sh"
passed=0
failed=0
P=$PLUGINS/plumbline-report
F=$FIXTURES/nagioslog
SCHEMA=$top_srcdir/contrib/schema/plumbline-report.schema.json
export TZ=UTC PLUMBLINE_NOW=2026-12-02T00:00:00Z
LOGS=(--nagios-log "$F/nagios.log" --nagios-log "$F/archives-nagios-11-15-2026-00.log")
COMMON=("${LOGS[@]}" --roles "$F/roles.conf" --notes-dir "$F/faults")
T=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-report.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

run() { out=$("$P" "$@" 2>&1); rc=$?; }
# same NAME EXPECTED-FILE: $out equals the file, with the fixture directory as FIXTURE.
same() {
	if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | sed "s#$F#FIXTURE#g")" = "$(cat "$2")" ]; then
		ok "$1"
	else
		notok "$1: exit $rc; diff: $(printf '%s\n' "$out" | sed "s#$F#FIXTURE#g" |
			diff "$2" - | head -n 12)"
	fi
}
# json NAME PYTHON-CONDITION: $out is one document the schema accepts, and the condition
# on it (d) holds.
json() {
	printf '%s' "$out" >"$T/doc.json"
	if [ "$rc" = 0 ] && /usr/bin/python3 - "$SCHEMA" "$T/doc.json" "$2" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, schema)
if not eval("(" + sys.argv[3] + ")"):
    print("condition false:", sys.argv[3], file=sys.stderr)
    sys.exit(1)
PY
	then ok "$1"; else notok "$1: exit $rc: $(head -c 300 "$T/doc.json")"; fi
}

ID=20261103-090000-a0ecd4f4
# ------------------------------------------------------------------ the fault report
run fault --incident $ID "${COMMON[@]}"
same "fault report by ID, text, notes merged" "$F/expected/fault-$ID.txt"
run fault --host web1 --service http --at 2026-11-03T09:30:00Z "${COMMON[@]}"
same "fault report by host, service and time" "$F/expected/fault-$ID.txt"
run fault --host web1 --service http --at 2026-11-05 "${COMMON[@]}"
same "fault report by a later date: the last incident before it" "$F/expected/fault-$ID.txt"
run fault --incident $ID "${COMMON[@]}" --output-format json
json "fault report JSON: times, recipients, escalation, durations, notes" \
	"d['incident']['detected'] == '2026-11-03T09:00:00Z' and
	 d['incident']['hard'] == '2026-11-03T09:02:00Z' and
	 d['incident']['notified'] == '2026-11-03T09:02:00Z' and
	 d['incident']['notified_to'] == ['alice', 'carol'] and
	 d['incident']['acknowledged'] == '2026-11-03T09:07:00Z' and
	 d['incident']['ack_author'] == 'alice' and
	 d['incident']['ack_comment'] == 'nginx down after the upgrade; restarting it' and
	 d['incident']['escalated_to'] == ['bob'] and
	 d['incident']['recovered'] == '2026-11-03T10:02:00Z' and
	 d['incident']['time_to_acknowledge'] == 420 and d['incident']['time_to_recover'] == 3720 and
	 [s['step'] for s in d['incident']['steps']] == ['soft', 'hard', 'notified', 'notified',
	   'acknowledged', 'escalated', 'notified again', 'recovery notified', 'recovered'] and
	 d['incident']['steps'][5]['text'].startswith('HTTP CRITICAL - Invalid HTTP') and
	 d['notes']['present'] and d['notes']['cause'].startswith('nginx did not start') and
	 d['notes']['handling'] == 'removed the directive, restarted nginx;\nchecked the shop\'s checkout by hand' and
	 d['log'] == {'files': 2, 'lines': 35, 'events': 27, 'ignored': 5, 'malformed': 3,
	   'long_lines': 0, 'first': '2026-11-01T00:00:00Z', 'last': '2026-11-20T14:00:00Z'}"
run fault --host db1 "${COMMON[@]}" --output-format json
json "fault report of the open host problem: not acknowledged, no notes" \
	"d['incident']['open'] and d['incident']['service'] is None and
	 d['incident']['severity'] == 'DOWN' and d['incident']['acknowledged'] is None and
	 d['incident']['time_to_recover'] is None and d['incident']['notified_to'] == ['dave'] and
	 not d['notes']['present'] and d['notes']['cause'] is None"
run fault --incident $ID "${COMMON[@]}" --output-format html
printf '%s' "$out" >"$T/fault.html"
check "fault report HTML: one self-contained page with its tables" \
	'[ "$rc" = 0 ] && grep -q "^<!DOCTYPE html>" "$T/fault.html" &&
	 grep -q "<table class=\"steps\">" "$T/fault.html" &&
	 grep -q "Content-Security-Policy" "$T/fault.html" &&
	 grep -q "@media print" "$T/fault.html" &&
	 grep -q "nginx down after the upgrade; restarting it" "$T/fault.html" &&
	 ! grep -Eqi "(src|href)=|@import|url\(" "$T/fault.html"'

# ------------------------------------------------------------------ the review
run review --month 2026-11 "${COMMON[@]}"
same "review of November, text" "$F/expected/review-2026-11.txt"
run review --from 2026-11-01 --to 2026-12-01 "${COMMON[@]}"
same "review with --from/--to is the same as --month" "$F/expected/review-2026-11.txt"
run review "${COMMON[@]}"
same "review without a period: the month before now" "$F/expected/review-2026-11.txt"
run review --month 2026-11 "${COMMON[@]}" --output-format json
json "review JSON: availability, MTTA/MTTR, severities, roles, open, missing notes" \
	"[(a['host'], a['service'], a['percent'], a['period_s'], a['downtime_s'], a['outage_s'],
	   a['breach']) for a in d['availability']] == [
	   ('web1', None, 100, 2592000, 0, 0, False),
	   ('web1', 'http', 99.861, 2592000, 3600, 3600, True),
	   ('db1', None, 65.278, 2592000, 0, 900000, True),
	   ('db1', 'disk', 100, 2592000, 0, 0, False)] and
	 d['incidents'] == {'total': 3, 'warning': 1, 'critical': 2, 'unknown': 0,
	   'acknowledged': 1, 'recovered': 2, 'mtta_s': 420, 'mttr_s': 2760} and
	 [(r['role'], r['incidents'], r['escalated'], r['mtta_s'], r['mttr_s'])
	   for r in d['roles']] == [('monitoring group', 2, 0, 420, 3720),
	   ('technical support', 1, 1, 420, 3720), ('(not notified)', 1, 0, None, 1800)] and
	 [i['id'] for i in d['open']] == ['20261120-140000-1a4c34ff'] and
	 [m['id'] for m in d['missing_notes']] == ['20261110-221000-a0ecd4f4',
	   '20261120-140000-1a4c34ff'] and d['target'] == 99.9"
run review --month 2026-11 --business-hours mon-fri,08:00-18:00 "${COMMON[@]}" \
	--output-format json
json "review in business hours: 21 weekdays of 10 h, the downtime at night not counted" \
	"[(a['percent'], a['period_s'], a['downtime_s'], a['outage_s'])
	   for a in d['availability']] == [(100, 756000, 0, 0), (99.524, 756000, 0, 3600),
	   (69.524, 756000, 0, 230400), (100, 756000, 0, 0)] and
	 d['period']['business_hours'] == 'mon-fri,08:00-18:00'"
run review --month 2026-11 --breaches-only --target 99.9 "${COMMON[@]}"
expect "review --breaches-only: only the two below target" 0 \
	'^  web1 / http +99\.861 % +1h 00m 00s +1h 00m 00s +2  below target$' \
	'^  db1 +65\.278 % +10d 10h 00m +0s +1  below target$'
refute "review --breaches-only: no host or service at target" '100\.000 %'
run review --month 2026-11 --target 50 "${COMMON[@]}"
refute "review --target 50: no breach" 'below target'
run review --month 2026-10 "${COMMON[@]}"
expect "review of a month before the log: nothing counted, no incident" 0 \
	'^  web1 +- +0s +0s +0$' '^Incidents: 0 \(critical 0, warning 0, unknown 0\)' \
	'^Mean time to acknowledge -, to recover -'
run review --month 2026-11 "${COMMON[@]}" --output-format html
printf '%s' "$out" >"$T/review.html"
check "review HTML: one self-contained page with its tables" \
	'[ "$rc" = 0 ] && grep -q "^<!DOCTYPE html>" "$T/review.html" &&
	 grep -q "<table class=\"availability\">" "$T/review.html" &&
	 grep -q "<tr class=\"bad\"><td>db1</td><td class=\"num\">65.278 %</td>" "$T/review.html" &&
	 grep -q "technical support" "$T/review.html" &&
	 ! grep -Eqi "(src|href)=|@import|url\(" "$T/review.html"'

# ------------------------------------------------------------------ bad input: exit 3
bad() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" = 3 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		printf '%s\n' "$out" | grep -Fq -- "$want"; then
		ok "$name"
	else
		notok "$name: exit $rc: $out"
	fi
}
bad "no command" "REPORT UNKNOWN - no command: fault or review"
bad "unknown command" "the command is fault or review" summary "${LOGS[@]}"
bad "unknown option" "--bogus" review --bogus "${LOGS[@]}"
bad "abbreviated option" "--month" review --mon 2026-11 "${LOGS[@]}"
bad "bad month" "--month is YYYY-MM with a month from 01 to 12" review --month 2026-13 "${LOGS[@]}"
bad "bad --from" "--from is not a time" review --from yesterday "${LOGS[@]}"
bad "--to before --from" "--to must be later than --from" review --from 2026-11-02 --to 2026-11-01 "${LOGS[@]}"
bad "bad business hours" "--business-hours is DAYS,HH:MM-HH:MM" review --business-hours 9-5 "${LOGS[@]}"
bad "bad target" "--target" review --target 101 "${LOGS[@]}"
bad "fault without a selection" "fault: give --incident ID" fault "${LOGS[@]}"
bad "fault with a review option" "are for 'review'" fault --incident $ID --month 2026-11 "${LOGS[@]}"
bad "review with a fault option" "are for 'fault'" review --host web1 "${LOGS[@]}"
bad "unknown incident" "no incident 20261103-090000-00000000 in the log" fault --incident 20261103-090000-00000000 "${LOGS[@]}"
bad "no incident of a host" "no incident of web1 / ssh" fault --host web1 --service ssh "${LOGS[@]}"
bad "missing log" "cannot open $T/none.log: No such file or directory" review --nagios-log "$T/none.log"
bad "glob matching nothing" "matches no file" review --nagios-log "$T/*.log"
printf 'alice\n' >"$T/roles"
bad "bad roles file" "line 1 is not CONTACT = ROLE" review --roles "$T/roles" "${LOGS[@]}"
mkdir "$T/notes.txt"
ln -s /etc/passwd "$T/$ID.txt"
bad "notes file a symlink: refused" "symbolic link" fault --incident $ID --notes-dir "$T" "${LOGS[@]}"
run --help
expect "--help: exit 3, usage and options" 3 '^Usage: plumbline-report fault ' '--business-hours'
run --man
expect "--man: a man page" 3 '^\.TH PLUMBLINE-REPORT 1' '^\.SH OPTIONS'
run --version
expect "--version" 3 '^plumbline-report [0-9]'

# The real log of nagios4 4.4.6: its service and host incidents are read.
run review --from 1796223000 --to 1796223300 --nagios-log "$F/real-4.4.6.log" --notes-dir "$T"
expect "the real Nagios 4.4.6 log: two incidents, acknowledged" 0 \
	'^Incidents: 2 \(critical 2, warning 0, unknown 0\); acknowledged 2, recovered 2$'
finish
