#!/bin/bash
# plumbline-status on fixture status.dat files (tests/fixtures/status, synthetic in
# Nagios 4's format): t0, Website partly out (web2 CRITICAL), Email degraded (SMTP
# WARNING, acknowledged), Database under maintenance (CRITICAL in a downtime), Backups'
# CRITICAL only soft (not shown); t1, ten minutes later, Website and Database back,
# Email wholly out. The JSON is asserted by value and against the schema, the HTML for
# what it must hold and must never hold (host names, addresses, plugin output), the
# incidents across the two runs and a third; then a stale and an unreadable engine, a
# catalogue entry that matches nothing, the atomic write, and bad input (exit 3, one line).
set -u
. "$(dirname "$0")/../env.sh"
passed=0
failed=0
P=$PLUGINS/plumbline-status
F=$FIXTURES/status
SCHEMA=$top_srcdir/contrib/schema/plumbline-status.schema.json
T=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-status.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
export TZ=UTC PLUMBLINE_STATE_DIR=$T/state
unset PLUMBLINE_NOW
mkdir -m 700 "$T/state"
mkdir -m 755 "$T/www"
O=$T/www

# at TIME STATUSFILE [ARGS...]: a run at TIME on a copy of the fixture STATUSFILE (one
# path for every run: the page's history is per --status-file).
at() {
	local when=$1 src=$2
	shift 2
	[ -n "$src" ] && cp "$F/$src" "$T/status.dat"
	out=$(PLUMBLINE_NOW=$when "$P" --engine nagios --status-file "$T/status.dat" \
		--services "$F/services" --output-dir "$O" "$@" 2>&1)
	rc=$?
	status=$(printf '%s\n' "$out" | head -n 1)
}
# json NAME PYTHON-CONDITION: status.json is what the schema accepts, and the condition
# on it (d) holds.
json() {
	if /usr/bin/python3 - "$SCHEMA" "$O/status.json" "$2" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
d = json.load(open(sys.argv[2]))
jsonschema.validate(d, schema)
sys.exit(0 if eval(sys.argv[3]) else 1)
PY
	then ok "$1"; else notok "$1: $(head -c 600 "$O/status.json")"; fi
}
svc() { printf "[s['status'] for s in d['services'] if s['name'] == '%s'][0]" "$1"; }
# none NAME: neither page holds anything of the engine's own.
none() {
	if grep -q -E 'web[12]|mail1|db1|nas1|portal1|HTTPS|SMTP|pgsql|10\.0\.0\.|secret-db|refused|PING|BACKUP' \
		"$O/index.html" "$O/status.json"; then
		notok "$1: $(grep -o -E 'web[12]|mail1|db1|nas1|portal1|HTTPS|SMTP|pgsql|10\.0\.0\.|secret-db|refused|PING|BACKUP' \
			"$O/index.html" "$O/status.json" | head -n 3 | tr '\n' ' ')"
	else
		ok "$1"
	fi
}

# --- t0
at 2025-12-02T10:06:40Z t0.dat
expect "t0: the page written, the run OK" 0 \
	'^STATUS OK - page written to .*/www: 5 services, Partial outage \| services=5 operational=2 degraded=2 outage=0 maintenance=1 unknown=0 incidents=3$'
json "t0: each service's status" \
	"[(s['name'], s['status']) for s in d['services']] == [('Website', 'partial_outage'), ('Email', 'degraded'), ('Customer portal', 'operational'), ('Database', 'maintenance'), ('Backups', 'operational')] and d['overall'] == 'partial_outage' and d['available'] and d['data_time'] == '2025-12-02T10:06:10Z'"
json "t0: current incidents from the members' last state change, Email acknowledged" \
	"[(i['service'], i['start'], i['acknowledged']) for i in d['current']] == [('Database', '2025-12-02T09:58:20Z', False), ('Email', '2025-12-02T09:33:20Z', True), ('Website', '2025-12-02T09:50:00Z', False)] and d['past'] == []"
none "t0: no host, service, address or plugin output on the page"
check "t0: the HTML's services, banner and words" \
	'grep -q "<p id=\"overall\" class=\"banner partial_outage\">Some services are disrupted</p>" "$O/index.html" &&
	 grep -q "<tr><td>Website</td><td class=\"st partial_outage\">Partial outage</td><td>2025-12-02 09:50 UTC</td></tr>" "$O/index.html" &&
	 grep -q "<tr><td>Backups</td><td class=\"st operational\">Operating normally</td><td></td></tr>" "$O/index.html" &&
	 grep -q "<strong>Email</strong>: <span class=\"st degraded\">Degraded performance</span> since 2025-12-02 09:33 UTC. Our team is working on it." "$O/index.html" &&
	 grep -q "No incidents recorded." "$O/index.html"'
check "t0: self-contained (no script, no outside resource), refreshes itself" \
	'! grep -q -i -E "<script|src=|href=|@import|url\(" "$O/index.html" &&
	 grep -q "<meta http-equiv=\"refresh\" content=\"60\">" "$O/index.html"'
check "t0: both files mode 644, no temporary file left" \
	'[ "$(stat -c %a "$O/index.html" "$O/status.json" | sort -u)" = 644 ] &&
	 [ "$(ls -A "$O" | sort | tr "\n" " ")" = "index.html status.json " ]'

# --- t1: Website and Database back, Email wholly out
at 2025-12-02T10:16:40Z t1.dat
expect "t1: the run OK, one incident open" 0 \
	'^STATUS OK - page written to .*: 5 services, Outage \| services=5 operational=4 degraded=0 outage=1 maintenance=0 unknown=0 incidents=1$'
json "t1: Email's incident worsened to an outage, kept its start, no longer acknowledged" \
	"[(i['service'], i['status'], i['start'], i['acknowledged']) for i in d['current']] == [('Email', 'outage', '2025-12-02T09:33:20Z', False)] and $(svc Email) == 'outage'"
json "t1: Website and Database ended when their members recovered (the engine's last change), newest end first" \
	"[(i['service'], i['status'], i['start'], i['end'], i['duration_s']) for i in d['past']] == [('Database', 'maintenance', '2025-12-02T09:58:20Z', '2025-12-02T10:15:00Z', 1000), ('Website', 'partial_outage', '2025-12-02T09:50:00Z', '2025-12-02T10:13:20Z', 1400)]"
check "t1: the past incidents' table" \
	'grep -q "<tr><td>Website</td><td class=\"st partial_outage\">Partial outage</td><td>2025-12-02 09:50 UTC</td><td>2025-12-02 10:13 UTC</td><td>23 min</td></tr>" "$O/index.html"'
none "t1: nothing internal"

# --- --keep 1: one past incident shown, the newest
at 2025-12-02T10:17:40Z t1.dat --keep 1
json "--keep 1: the newest ended incident only" "[i['service'] for i in d['past']] == ['Database']"

# --- a time zone: the page's times in it, the JSON's in UTC
TZ=Asia/Shanghai at 2025-12-02T10:18:40Z t1.dat
check "TZ=Asia/Shanghai: the page's times at +08:00" \
	'grep -q "Last updated: 2025-12-02 18:18 UTC+08:00" "$O/index.html"'
json "TZ=Asia/Shanghai: JSON times stay UTC" "d['generated'] == '2025-12-02T10:18:40Z'"

# --- stale: the engine's newest check older than --max-age (default 15m)
at 2025-12-02T11:16:40Z t1.dat
expect "stale data: UNKNOWN, the page says unavailable" 3 \
	"^STATUS UNKNOWN - the engine's newest check is older than --max-age: its data is stale \(is the engine running\?\) - page written to .*: 5 services, Status unknown"
json "stale data: every status unknown, not available, Email's incident still open" \
	"not d['available'] and {s['status'] for s in d['services']} == {'unknown'} and [i['service'] for i in d['current']] == ['Email'] and d['overall'] == 'unknown'"
check "stale data: the page says so" \
	'grep -q "Current status unavailable" "$O/index.html" &&
	 grep -q "The monitoring data could not be read; the statuses below are not current." "$O/index.html"'
at 2025-12-02T11:16:40Z t1.dat --max-age 2h
expect "--max-age 2h: the same data current" 0 "^STATUS OK - page written"

# variant SRC DEST PYTHON: a copy of a fixture status.dat with its blocks changed by the
# Python statement, run on each block b (a dict of its lines' keys and values, "kind" its
# type; set b['drop'] to leave it out), then written back in the same form.
variant() {
	/usr/bin/python3 - "$F/$1" "$T/$2" "$3" <<'PY'
import sys
src, dst, code = sys.argv[1:4]
out, blk, kind = [], None, None
for line in open(src).read().split("\n"):
    if line.endswith("{") and blk is None:
        kind, blk, order = line[:-1].strip(), {}, []
        continue
    if blk is not None and line.strip() == "}":
        b = dict(blk, kind=kind)
        exec(code)
        if not b.get("drop"):
            out.append(kind + " {")
            for k in order:
                out.append("\t%s=%s" % (k, b[k]))
            for k in b:
                if k not in order and k not in ("kind", "drop"):
                    out.append("\t%s=%s" % (k, b[k]))
            out.append("\t}")
        blk = None
        continue
    if blk is not None:
        k, _, v = line.strip().partition("=")
        blk[k] = v
        order.append(k)
        continue
    out.append(line)
open(dst, "w").write("\n".join(out))
PY
}
# A fresh state for these cases, each its own --status-file and so its own history.
st_run() { # WHEN FILE [ARGS...]
	local when=$1 file=$2
	shift 2
	out=$(PLUMBLINE_NOW=$when "$P" --engine nagios --status-file "$T/$file" \
		--services "$F/services" --output-dir "$O" "$@" 2>&1)
	rc=$?
}
# --- a check result from the future elsewhere in status.dat (a host with a wrong clock)
# does not make an engine that stopped look current.
variant t1.dat future.dat "
if b['kind'] == 'servicestatus' and b.get('service_description') == 'IMAP':
    b['last_check'] = '4102444800'
"
st_run 2025-12-02T12:16:40Z future.dat
expect "a last_check in 2100: the data still stale, the page unavailable" 3 \
	"^STATUS UNKNOWN - the engine's newest check is older than --max-age"
json "a last_check in 2100: not shown as the data's time" "not d['available'] and d['data_time'] != '2100-01-01T00:00:00Z'"

# --- one service's checks stopped while the others' run: that one unknown, not green.
variant t1.dat onestale.dat "
if b.get('service_description') == 'HTTPS':
    b['last_check'] = str(1764670600 - 7200)
"
st_run 2025-12-02T10:16:40Z onestale.dat
expect "Website's checks stopped two hours ago: the run OK, Website unknown" 0 '^STATUS OK - page written'
json "Website's checks stopped: Website unknown, the rest judged" \
	"$(svc Website) == 'unknown' and $(svc Database) == 'operational' and d['available']"

# --- a maintenance that ends with the problem still there: the maintenance ends, an
# outage starts at that run (not at the maintenance's start).
variant t0.dat maint0.dat "pass"
variant t0.dat maint1.dat "
if b.get('service_description') == 'pgsql':
    b['scheduled_downtime_depth'] = '0'
"
st_run 2025-12-02T10:06:40Z maint0.dat
cp "$T/maint1.dat" "$T/maint0.dat"
st_run 2025-12-02T10:10:00Z maint0.dat
json "downtime over, pgsql still CRITICAL: the maintenance ended, an outage from now" \
	"[(i['status'], i['start'], i['end']) for i in d['past'] if i['service'] == 'Database'] == [('maintenance', '2025-12-02T09:58:20Z', '2025-12-02T10:10:00Z')] and [(i['status'], i['start']) for i in d['current'] if i['service'] == 'Database'] == [('outage', '2025-12-02T10:10:00Z')]"

# --- a failure after the page was prepared writes it as unavailable: never the last
# good page left up as current. A status.dat that blocks (a hung NFS; here a FIFO with a
# writer that never writes) until the timeout, and a state directory refused.
cp "$F/t1.dat" "$T/good.dat"
st_run 2025-12-02T10:16:40Z good.dat
json "before the failures: a good page" "d['available']"
mkfifo "$T/hung.dat"
sleep 30 >"$T/hung.dat" &
holder=$!
st_run 2025-12-02T10:17:40Z hung.dat -t 2
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect "a status.dat that blocks: UNKNOWN after -t 2, naming it" 3 "^STATUS UNKNOWN - timed out after 2s.*hung\.dat"
json "a status.dat that blocks: the page says unavailable" \
	"not d['available'] and {s['status'] for s in d['services']} == {'unknown'} and d['generated'] == '2025-12-02T10:17:40Z'"
check "a status.dat that blocks: no temporary file left" '[ "$(ls -A "$O" | sort | tr "\n" " ")" = "index.html status.json " ]'
st_run 2025-12-02T10:16:40Z good.dat
mkdir -m 777 "$T/open-state"
out=$(PLUMBLINE_STATE_DIR=$T/open-state PLUMBLINE_NOW=2025-12-02T10:18:40Z "$P" --engine nagios \
	--status-file "$T/good.dat" --services "$F/services" --output-dir "$O" 2>&1)
rc=$?
expect "a state directory every user may write: UNKNOWN" 3 "^STATUS UNKNOWN - .*open-state"
json "a state directory refused: the page says unavailable" "not d['available'] and d['generated'] == '2025-12-02T10:18:40Z'"

# --- the engine unreadable: the page still written, saying so
at 2025-12-02T10:20:00Z "" --status-file "$T/nosuch.dat"
expect "no status.dat: UNKNOWN naming it" 3 "^STATUS UNKNOWN - .*nosuch\.dat.*page written"
json "no status.dat: every status unknown" "not d['available'] and {s['status'] for s in d['services']} == {'unknown'}"
printf 'garbage\n' >"$T/status.dat"
at 2025-12-02T10:20:00Z ""
expect "a status.dat with no host or service: UNKNOWN" 3 "^STATUS UNKNOWN - .*holds no host or service"

# --- a catalogue entry that matches nothing: WARNING, named
out=$(PLUMBLINE_NOW=2025-12-02T10:16:40Z "$P" --engine nagios --status-file "$F/t1.dat" \
	--services "$F/services-unmatched" --output-dir "$O" 2>&1)
rc=$?
expect "an entry matching nothing: WARNING naming it" 1 \
	'^STATUS WARNING - Chat: nothing in the engine matches chat\*!XMPP - page written'
json "an entry matching nothing: its status unknown" "$(svc Chat) == 'unknown' and $(svc Website) == 'operational'"

# --- in Chinese: the status line and the page; status.json's keys and status words stay
at 2025-12-02T10:20:40Z t1.dat --language zh_CN
expect "--language zh_CN: the status line" 0 \
	'^STATUS OK - 页面已写入 .*: 5 个服务, 中断 \| services=5 operational=4 degraded=0 outage=1 maintenance=0 unknown=0 incidents=1$'
check "--language zh_CN: the page in Chinese, lang zh-CN" \
	'grep -q "<html lang=\"zh-CN\">" "$O/index.html" &&
	 grep -q "<h1>服务状态</h1>" "$O/index.html" &&
	 grep -q "<p id=\"overall\" class=\"banner outage\">部分服务中断</p>" "$O/index.html" &&
	 grep -q "<h2>历史事件</h2>" "$O/index.html"'
json "--language zh_CN: JSON keys and status words unchanged, texts translated" \
	"$(svc Email) == 'outage' and [s['text'] for s in d['services'] if s['name'] == 'Website'][0] == '运行正常'"

# --- bad input: exit 3 with one line
bad() { # NAME PATTERN ARGS...
	local name=$1 pat=$2
	shift 2
	out=$(PLUMBLINE_NOW=2025-12-02T10:16:40Z "$P" "$@" 2>&1)
	rc=$?
	expect "$name" 3 "$pat"
	[ "$(printf "%s\n" "$out" | wc -l)" -le 3 ] || notok "$name: more than the line and the usage: $out"
}
bad "no --engine" '^STATUS UNKNOWN - give --engine nagios or --engine icinga2' \
	--services "$F/services" --output-dir "$O"
bad "no --services" '^STATUS UNKNOWN - give --services FILE' --engine nagios --output-dir "$O"
bad "no --output-dir" '^STATUS UNKNOWN - give --output-dir DIR' --engine nagios --services "$F/services"
bad "a relative --output-dir" '^STATUS UNKNOWN - --output-dir www: give an absolute path' \
	--engine nagios --services "$F/services" --output-dir www --status-file "$F/t1.dat"
mkdir -m 777 "$T/www-open"
bad "an output directory every user may write: refused" '^STATUS UNKNOWN - --output-dir .*www-open is writable by every user' \
	--engine nagios --services "$F/services" --output-dir "$T/www-open" --status-file "$F/t1.dat"
ln -s "$O" "$T/link"
bad "a symlink with a trailing slash as --output-dir: refused" '^STATUS UNKNOWN - --output-dir .*/link/: .*not a symlink' \
	--engine nagios --services "$F/services" --output-dir "$T/link/" --status-file "$F/t1.dat"
rm -f "$T/link"
ln -s "$O" "$T/link"
bad "a symlink as --output-dir: refused" '^STATUS UNKNOWN - --output-dir .*/link: .*not a symlink' \
	--engine nagios --services "$F/services" --output-dir "$T/link" --status-file "$F/t1.dat"
bad "a missing catalogue" '^STATUS UNKNOWN - .*nosuch.*give the public catalogue with --services FILE' \
	--engine nagios --services "$T/nosuch" --output-dir "$O" --status-file "$F/t1.dat"
printf 'Website web1!HTTPS\n' >"$T/bad1"
bad "a line without '='" "^STATUS UNKNOWN - $T/bad1, line 1: not a 'PUBLIC NAME = HOST!SERVICE, ...' line" \
	--engine nagios --services "$T/bad1" --output-dir "$O" --status-file "$F/t1.dat"
printf 'Website = web1!HTTPS\nWebsite = web2!HTTPS\n' >"$T/bad2"
bad "a name twice" "^STATUS UNKNOWN - $T/bad2, line 2: this public name is given twice" \
	--engine nagios --services "$T/bad2" --output-dir "$O" --status-file "$F/t1.dat"
printf 'Website = web1!, web2\n' >"$T/bad3"
bad "an empty service part" "^STATUS UNKNOWN - $T/bad3, line 1: a member is HOST or HOST!SERVICE" \
	--engine nagios --services "$T/bad3" --output-dir "$O" --status-file "$F/t1.dat"
printf '# nothing\n' >"$T/bad4"
bad "a catalogue without a service" "^STATUS UNKNOWN - $T/bad4 names no service" \
	--engine nagios --services "$T/bad4" --output-dir "$O" --status-file "$F/t1.dat"
bad "--status-file with --engine icinga2" '^STATUS UNKNOWN - --status-file is for --engine nagios' \
	--engine icinga2 --services "$F/services" --output-dir "$O" --status-file "$F/t1.dat"
bad "--api-password on the command line: refused" '^STATUS UNKNOWN - .*api-password' \
	--engine icinga2 --services "$F/services" --output-dir "$O" --api-password s3cr3t
case "$out" in *s3cr3t*) notok "the refused password was echoed: $out" ;; *) ok "the refused password not echoed" ;; esac
chmod 555 "$O"
if [ "$(id -u)" -ne 0 ]; then
	bad "an output directory not writable" '^STATUS UNKNOWN - cannot write' \
		--engine nagios --services "$F/services" --output-dir "$O" --status-file "$F/t1.dat"
fi
chmod 755 "$O"
finish
