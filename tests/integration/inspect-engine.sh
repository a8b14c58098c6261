#!/bin/bash
# plumbline-inspect in engine mode, end to end.
# Nagios: status.dat fixtures with a host UP, DOWN (acknowledged), UNREACHABLE (soft) and
# pending, and services OK, WARNING (flapping), CRITICAL and UNKNOWN (in downtime): the
# report grouped per host, its exit status, JSON against the schema, --host globs, a
# broken file's malformed blocks counted, the changes over a second report (a file
# changed in between: new, recovered, still open, gone), --last and --sign in engine mode,
# errors (no file, nothing chosen, --checks with --engine).
# Icinga 2: a real Icinga 2 on loopback (recipe icinga2.md; started once, stopped on any
# exit) with passive results in each state on two hosts and a third left out by --host,
# read through its REST API with the CA checked, the password from a file of mode 600
# (on the command line: refused), a wrong password said in one line.
#
# Needs: the built plumbline-inspect (inspect_icinga2 for the Icinga 2 part),
# python3-jsonschema; icinga2, curl and root for the Icinga 2 part (else it skips).
# Prints "ok - ..." / "not ok - ..." and "N passed, M failed".
set -u
. "$(dirname "$0")/../env.sh"
. "$(dirname "$0")/lib-engines.sh"
P=$PLUGINS/plumbline-inspect
[ -x "$P" ] || { echo "not ok - no $P (build first)"; echo "0 passed, 1 failed"; exit 1; }
SCHEMA=$top_srcdir/contrib/schema/inspect.schema.json
FIX=$FIXTURES/engstate

D=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-inspect-engine.XXXXXX") || exit 99
WATCHDOG=
cleanup() {
	stop_daemons
	[ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
	[ -n "${KEEP_TEST_DIR:-}" ] || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
watchdog 150
mkdir -m 700 "$D/state"
run() { out=$("$P" --state-dir "$D/state" "$@" 2>&1); rc=$?; }
valid() { # JSON file: against the schema
	/usr/bin/python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$1" "$SCHEMA"
}
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# ---------------------------------------------------------------- Nagios' status.dat
cp "$FIX/status.dat" "$D/status.dat"
run --engine nagios --status-file "$D/status.dat"
expect "nagios: the worst state is the exit status, the counts on the first line" 3 \
	'^INSPECTION UNKNOWN - 8 checks: 3 ok, 1 warning, 2 critical, 2 unknown$' \
	'^Source: nagios .*status.dat: 4 hosts, 4 services; 0 malformed records skipped'
expect "nagios: grouped per host, a host's own state as (host)" 3 \
	'^== db1 ==$' '^== web1 ==$' '^\[CRITICAL\] \(host\) \(new\): CRITICAL - Host Unreachable'
expect "nagios: DOWN acknowledged, UNREACHABLE soft, pending said on the status line" 3 \
	'\(host\) \(new\): CRITICAL - Host Unreachable \(10\.0\.0\.9\) \[acknowledged\]$' \
	'^\[UNKNOWN \] \(host\) \(new\): UNREACHABLE: parent down \[soft state\]$' \
	'^\[OK      \] \(host\): PENDING - not checked yet$'
expect "nagios: services in each state, downtime and the engine's flapping" 3 \
	'^\[OK      \] disk: DISK OK' '^\[WARNING \] load \(flapping\): LOAD WARNING' \
	'^\[CRITICAL\] pgsql \(new\): CRITICAL - connection refused \[acknowledged\]$' \
	'^\[UNKNOWN \] backup \(new\): UNKNOWN - restic not found \[in downtime\]$' \
	'perfdata: rta=0.05ms, pl=0%'
run --engine nagios --status-file "$D/status.dat" --format json --output "$D/n1.json"
check "nagios: JSON validates against the schema (rc $rc)" '[ "$rc" = 3 ] && valid "$D/n1.json"'
check "nagios: JSON mode engine, 8 items, web1's load flapping" \
	'[ "$(jq_ "$D/n1.json" "d[\"mode\"], len(d[\"items\"]), [i[\"change\"] for i in d[\"items\"] if i[\"host\"]==\"web1\" and i[\"name\"]==\"load\"][0]")" = "engine 8 flapping" ]'
run --engine nagios --status-file "$D/status.dat" --host 'web*' --host new1
expect "nagios: --host globs choose the hosts (their own history)" 1 \
	'^INSPECTION WARNING - 4 checks: 3 ok, 1 warning, 0 critical, 0 unknown$' '1 hosts|2 hosts'
refute "nagios: --host left db1 out" 'db1'
run --engine nagios --status-file "$FIX/status-broken.dat" --state-key broken
expect "nagios: a broken status.dat's malformed blocks are counted, the rest read" "$rc" \
	'Source: nagios .*status-broken.dat: [0-9]+ hosts, [0-9]+ services; [1-9][0-9]* malformed records skipped'

# Second report: db1 recovers, web1's disk fails, edge2 is gone.
python3 - "$D/status.dat" <<'PY'
import re, sys
p = sys.argv[1]
blocks = re.split(r'(?<=\n\t\}\n)', open(p).read())
out = []
for b in blocks:
    if 'host_name=edge2' in b:
        continue
    if b.startswith('\nhoststatus') or 'hoststatus {' in b:
        if 'host_name=db1' in b:
            b = b.replace('current_state=1', 'current_state=0').replace(
                'plugin_output=CRITICAL - Host Unreachable (10.0.0.9)', 'plugin_output=PING OK')
    if 'servicestatus {' in b and 'service_description=disk' in b:
        b = b.replace('current_state=0', 'current_state=2').replace(
            'plugin_output=DISK OK', 'plugin_output=DISK CRITICAL')
    out.append(b)
open(p, 'w').write(''.join(out))
PY
run --engine nagios --status-file "$D/status.dat" --format json --output "$D/n2.json"
check "nagios, second report: validates" 'valid "$D/n2.json"'
check "nagios, second report: db1 recovered, web1/disk new, db1/pgsql still open, edge2 gone" \
	'[ "$(jq_ "$D/n2.json" "sorted(i[\"host\"] + \"/\" + i[\"name\"] + \":\" + i[\"change\"] for i in d[\"items\"] if i[\"change\"] != \"ok\"), d[\"gone\"]")" = "['"'"'db1/(host):recovered'"'"', '"'"'db1/backup:open'"'"', '"'"'db1/pgsql:open'"'"', '"'"'web1/disk:new'"'"', '"'"'web1/load:flapping'"'"'] 1" ]'
run --engine nagios --status-file "$D/status.dat" --sign --name 'Ann Inspector' --remarks 'fleet seen'
check "nagios: --sign signs the engine report (rc $rc)" '[ "$rc" = 0 ] && grep -qF "signed off by Ann Inspector" <<<"$out"'
run --engine nagios --status-file "$D/status.dat" --last --format html --output "$D/n.html"
check "nagios: --last renders the stored fleet report, signed, a table per host" \
	'grep -qF "<h2>db1</h2>" "$D/n.html" && grep -qF "Ann Inspector" "$D/n.html" && grep -qF "DISK CRITICAL" "$D/n.html"'
run --engine nagios --status-file "$D/no-such.dat"
expect "nagios: a missing status.dat is UNKNOWN, saying which and what to give" 3 \
	'no-such.dat' 'give Nagios. status_file of nagios.cfg with --status-file'
run --engine nagios --status-file "$D/status.dat" --host 'nomatch*'
expect "nagios: no host chosen is UNKNOWN" 3 'holds no host or service of the --host ones'
run --engine nagios --checks /dev/null
expect "--checks with --engine is a usage error" 3 'give one of them'
run --host web1 --checks /dev/null
expect "--host without --engine is a usage error" 3 'give --engine too'

# ---------------------------------------------------------------- a real Icinga 2
if ! command -v icinga2 >/dev/null 2>&1 || [ "$(id -u)" != 0 ] || ! command -v curl >/dev/null 2>&1; then
	ok "# SKIP Icinga 2: needs icinga2, curl and root"
	finish
fi
if [ ! -x "$PLUGINS/inspect_icinga2" ]; then
	notok "Icinga 2: no $PLUGINS/inspect_icinga2 (built with yajl and libcurl)"
	finish
fi
I=$D/i2
mkdir -p "$I"/{etc,lib/certs,log,cache,spool/tmp,run}
I2D=(-DDataDir="$I/lib" -DLogDir="$I/log" -DCacheDir="$I/cache" -DSpoolDir="$I/spool"
	-DInitRunDir="$I/run" -DRunAsUser=root -DRunAsGroup=root)
PORT=$(free_port)
I2PW=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
(icinga2 pki new-ca "${I2D[@]}" &&
	icinga2 pki new-cert "${I2D[@]}" --cn localhost --key "$I/lib/certs/localhost.key" \
		--csr "$I/lib/certs/localhost.csr" &&
	icinga2 pki sign-csr "${I2D[@]}" --csr "$I/lib/certs/localhost.csr" \
		--cert "$I/lib/certs/localhost.crt" &&
	cp "$I/lib/ca/ca.crt" "$I/lib/certs/ca.crt") >"$I/pki.out" 2>&1 ||
	{ notok "icinga2 pki"; sed 's/^/# /' "$I/pki.out"; finish; }
svc() { # host name
	printf 'object Service "%s" { host_name = "%s"; check_command = "passive"; enable_active_checks = false; max_check_attempts = 1 }\n' "$2" "$1"
}
{
	cat <<EOF
const NodeName = "localhost"
const ZoneName = "localhost"
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object CheckerComponent "checker" { }
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = $PORT
	accept_config = false
	accept_commands = false
}
object ApiUser "test" { password = "$I2PW"; permissions = [ "*" ] }
object FileLogger "main-log" { severity = "information"; path = LogDir + "/icinga2.log" }
object CheckCommand "passive" { command = [ "/bin/true" ] }
template Host "passive-host" { check_command = "passive"; enable_active_checks = false; max_check_attempts = 1 }
object Host "h1" { import "passive-host" }
object Host "h2" { import "passive-host" }
object Host "other1" { import "passive-host" }
EOF
	for s in ok warn crit unk pending; do svc h1 "$s"; done
	svc h2 disk
	svc other1 load
} >"$I/etc/icinga2.conf"
if ! icinga2 daemon -C -c "$I/etc/icinga2.conf" "${I2D[@]}" >"$I/validate.out" 2>&1; then
	notok "icinga 2: the test's config validates"
	grep -iE 'critical|error' "$I/validate.out" | head -n 10 | sed 's/^/#   /'
	finish
fi
setsid icinga2 daemon -c "$I/etc/icinga2.conf" "${I2D[@]}" >"$I/daemon.out" 2>&1 </dev/null &
DAEMONS="$DAEMONS $!"
if ! wait_listen "$PORT" "$!" 30; then
	notok "icinga 2: the API listens on 127.0.0.1:$PORT"
	tail -n 20 "$I/daemon.out" | sed 's/^/#   /'
	finish
fi
for _ in $(seq 100); do   # the API answers once the objects are loaded
	i2_api "$PORT" objects/hosts/h1 2>/dev/null | grep -q '"name":"h1"' && break
	sleep 0.1
done
result() { # type filter exit output [perfdata...]
	local type=$1 filter=$2 ex=$3 text=$4 perf
	shift 4
	perf=$(printf '"%s",' "$@")
	i2_api "$PORT" actions/process-check-result -X POST -d "{\"type\": \"$type\", \"filter\": \"$filter\", \"exit_status\": $ex, \"plugin_output\": \"$text\", \"performance_data\": [${perf%,}]}" >>"$I/posts.out"
}
result Host 'host.name==\"h1\"' 0 'PING OK - h1 up' 'rta=0.1ms'
result Host 'host.name==\"h2\"' 1 'PING CRITICAL - h2 down'
result Host 'host.name==\"other1\"' 0 'PING OK'
result Service 'host.name==\"h1\" && service.name==\"ok\"' 0 'DISK OK - 40% used' 'used=40%;80;90'
result Service 'host.name==\"h1\" && service.name==\"warn\"' 1 'LOAD WARNING - 5.2' 'load1=5.2;5;10'
result Service 'host.name==\"h1\" && service.name==\"crit\"' 2 'PROC CRITICAL - nginx not running\nsecond line'
result Service 'host.name==\"h1\" && service.name==\"unk\"' 3 'UNKNOWN - no such device'
result Service 'host.name==\"h2\" && service.name==\"disk\"' 2 'DISK CRITICAL - 99% used' 'used=99%;80;90'
result Service 'host.name==\"other1\" && service.name==\"load\"' 0 'LOAD OK'
i2_api "$PORT" actions/acknowledge-problem -X POST -d '{"type": "Service", "filter": "host.name==\"h1\" && service.name==\"crit\"", "author": "ann", "comment": "on it"}' >>"$I/posts.out"
for _ in $(seq 50); do   # results are processed asynchronously
	[ "$(i2_api "$PORT" objects/services -X POST -H 'X-HTTP-Method-Override: GET' \
		-d '{"attrs": ["last_check"], "filter": "service.last_check > 0"}' | grep -o '"last_check"' | wc -l)" = 6 ] && break
	sleep 0.1
done
echo "$I2PW" >"$D/pw"
chmod 600 "$D/pw"
I2=(--engine icinga2 --api-url "https://localhost:$PORT" --api-user test --api-password-file "$D/pw"
	--ca-file "$I/lib/certs/ca.crt")
run "${I2[@]}" --host 'h*'
expect "icinga 2: the report of the chosen hosts, exit the worst state" 3 \
	'^INSPECTION UNKNOWN - 8 checks: 2 ok, 1 warning, 3 critical, 2 unknown$' \
	'^Source: icinga2 https://localhost:[0-9]+: 2 hosts, 6 services; 0 malformed'
expect "icinga 2: each state with its output and perfdata, grouped per host" 3 \
	'^== h1 ==$' '^== h2 ==$' '^\[OK      \] \(host\) \(new\)|^\[OK      \] \(host\): PING OK - h1 up' \
	'^\[CRITICAL\] \(host\) \(new\): PING CRITICAL - h2 down' \
	'^\[OK      \] ok: DISK OK - 40% used$' 'perfdata: used=40%' \
	'^\[WARNING \] warn \(new\): LOAD WARNING - 5.2$' \
	'^\[CRITICAL\] crit \(new\): PROC CRITICAL - nginx not running \[acknowledged\]$' \
	'^\[UNKNOWN \] unk \(new\): UNKNOWN - no such device$' \
	'^\[CRITICAL\] disk \(new\): DISK CRITICAL - 99% used$'
expect "icinga 2: a service never checked is pending" 3 '^\[[A-Z ]+\] pending( \(new\))?: PENDING - not checked yet$'
refute "icinga 2: --host left other1 out" 'other1'
refute "icinga 2: the password appears nowhere" "$I2PW"
run "${I2[@]}" --host 'h*' --format json --output "$D/i1.json"
check "icinga 2: JSON validates; the long output kept" \
	'valid "$D/i1.json" && [ "$(jq_ "$D/i1.json" "[i[\"long_output\"] for i in d[\"items\"] if i[\"name\"]==\"crit\"][0]")" = "second line" ]'
result Service 'host.name==\"h1\" && service.name==\"warn\"' 0 'LOAD OK - 0.5'
for _ in $(seq 50); do
	i2_api "$PORT" 'objects/services/h1!warn?attrs=state' | grep -q '"state":0' && break
	sleep 0.1
done
run "${I2[@]}" --host 'h*' --format json --output "$D/i2.json"
check "icinga 2, second report: warn recovered, crit still open" \
	'[ "$(jq_ "$D/i2.json" "sorted(i[\"name\"] + \":\" + i[\"change\"] for i in d[\"items\"] if i[\"name\"] in (\"warn\", \"crit\"))")" = "['"'"'crit:open'"'"', '"'"'warn:recovered'"'"']" ]'
printf 'wrong\n' >"$D/badpw"
chmod 600 "$D/badpw"
run --engine icinga2 --api-url "https://localhost:$PORT" --api-user test --api-password-file "$D/badpw" \
	--ca-file "$I/lib/certs/ca.crt"
expect "icinga 2: a wrong password is UNKNOWN in one line naming the fix" 3 '401'
run --engine icinga2 --api-url "https://localhost:$PORT" --api-user test --api-password "$I2PW"
expect "icinga 2: --api-password on the command line is refused" 3 'api-password-file'
refute "icinga 2: ... without repeating it" "$I2PW"
# --- plumbline-status on the same Icinga 2 (it runs status_icinga2 in its place): h1's
# crit is acknowledged, h2 is DOWN with its disk CRITICAL, other1's load OK.
ST=$PLUGINS/plumbline-status
printf 'Web = h1!ok, h1!crit\nDisk = h2!disk\nLoad = other1!load\nHosts = h*\n' >"$D/status.services"
mkdir -m 755 "$D/www"
out=$("$ST" --state-dir "$D/state" "${I2[@]}" --services "$D/status.services" \
	--output-dir "$D/www" 2>&1)
rc=$?
expect "plumbline-status from icinga 2: the page written" 0 \
	'^STATUS OK - page written to .*/www: 4 services, Outage \| services=4 operational=1 degraded=2 outage=1'
check "plumbline-status from icinga 2: each service's status, Web's incident acknowledged" \
	'[ "$(jq_ "$D/www/status.json" "[(s[\"name\"], s[\"status\"]) for s in d[\"services\"]] + [(i[\"service\"], i[\"acknowledged\"]) for i in d[\"current\"]]")" = "[('"'"'Web'"'"', '"'"'partial_outage'"'"'), ('"'"'Disk'"'"', '"'"'outage'"'"'), ('"'"'Load'"'"', '"'"'operational'"'"'), ('"'"'Hosts'"'"', '"'"'partial_outage'"'"'), ('"'"'Disk'"'"', False), ('"'"'Hosts'"'"', False), ('"'"'Web'"'"', True)]" ]'
check "plumbline-status from icinga 2: nothing of the engine's on the page" \
	'! grep -q -E "other1|PROC|DISK|nginx|PING|$I2PW" "$D/www/index.html" "$D/www/status.json" &&
	 ! grep -q -E "\"h[12]|h[12][!\"]" "$D/www/status.json" && ! grep -q -E ">h[12]<|h1!" "$D/www/index.html"'
stop_daemons
finish
