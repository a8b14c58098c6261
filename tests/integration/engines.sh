#!/bin/bash
# The shipped engine configs and the built plugins in the real engines, all on loopback
# and in a scratch directory (see /work/shared/recipes/ for how each engine is run):
#
#  1. Icinga 2: a scratch config (no ITL) that includes contrib/icinga2/plumbline.conf and
#     contrib/icinga2/services.conf.example; "icinga2 daemon -C" must accept it; then the
#     daemon runs in the foreground and the check results are read back through the REST
#     API: state, first line, the argv Icinga built (arrays, set_if, --extra-opts), the
#     perfdata Icinga split, and whether Icinga's own perfdata parser accepts each item.
#     hwmon and mdraid read fixture trees: hwmon through an --extra-opts ini file, mdraid
#     through a CheckCommand that imports plumbline_mdraid and adds --root; the same
#     with --language zh_CN (the catalog of this build through the command's env) must
#     come back through the API as the exact UTF-8 text the plugin prints, uncut.
#  2. NRPE: the daemon on 127.0.0.1 with the command lines of contrib/nrpe/plumbline.cfg
#     (plugin path rewritten), called through check_nrpe; plugins run as user nagios with
#     NRPE's scrubbed environment, so the default state directory is exercised.
#  3. Nagios 4: "nagios4 -v" on a main config that loads contrib/nagios/commands.cfg must
#     pass with no warnings; then the daemon runs and status.dat is read back (one of the
#     services goes through plumbline_nrpe to the NRPE daemon when it listens on 5666).
#
# Exit 77 (skip) when not root or when an engine is missing. One line per check, then
# "N passed, M failed". Every daemon is stopped and the scratch directory removed on exit;
# the whole run is cut at ENGINES_LIMIT seconds (default 240; it takes 15 to 70).

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../env.sh"
. "$(dirname "$0")/lib-engines.sh"
CONTRIB=$top_srcdir/contrib
NAMES="cpu mem disk_io net hwmon mdraid process db_conns antivirus log_errors backup_age restore_drill url ids"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (the engines are started as root and drop to user nagios)"
	exit 77
fi
missing=""
for t in icinga2 nagios4 nrpe curl jq ss; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
[ -x "$CHECK_NRPE" ] || missing="$missing check_nrpe"
id nagios >/dev/null 2>&1 || missing="$missing user:nagios"
if [ -n "$missing" ]; then
	echo "SKIP: not installed:$missing (tests/run-all.sh installs them: icinga2 nagios4-core" \
		"nagios-nrpe-server nagios-nrpe-plugin curl jq)"
	exit 77
fi

# An UNKNOWN passes only as the answer to a threshold the host cannot judge: the shipped
# check_net thresholds are on utilisation, and a virtual NIC has no link speed.
judged() { [ "$1" != 3 ] || [[ "$2" == *"(not judged: "* ]]; }

for n in $NAMES; do
	if [ ! -x "$PLUGINS/check_$n" ]; then
		notok "no check_$n in $PLUGINS (set PLUGINS)"
	fi
done
[ "$failed" -eq 0 ] || finish

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-engines.XXXXXX") || exit 99
# The engines drop to user nagios: the plugins and the directories on the way to them
# must be readable by it, whatever the build directory's permissions are.
chmod 755 "$WORK"
NAGIOS_UID=$(id -u nagios)
NAGIOS_STATE=/var/tmp/plumbline-$NAGIOS_UID   # the default state dir of user nagios
[ -e "$NAGIOS_STATE" ] && made_nagios_state=no || made_nagios_state=yes

cleanup() {
	[ -n "${WATCHDOG:-}" ] && kill -TERM "$WATCHDOG" 2>/dev/null
	stop_daemons
	[ -n "${WEB_PID:-}" ] && kill -TERM "$WEB_PID" 2>/dev/null && wait "$WEB_PID" 2>/dev/null
	rm -rf "$WORK"
	[ "$made_nagios_state" = yes ] && rm -rf "$NAGIOS_STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Whatever hangs, the whole test ends within LIMIT seconds (every wait below is bounded
# too; this is the backstop).
watchdog "${ENGINES_LIMIT:-240}"

T_ALL=$(now)

# The plugins in a directory the nagios user can reach, mode 0755. check_nrpe beside them,
# so that $USER1$/check_nrpe in commands.cfg resolves.
PL=$WORK/plugins
mkdir -m 755 "$PL"
for n in $NAMES; do
	install -m 755 "$PLUGINS/check_$n" "$PL/check_$n"
done
# check_firewall (built with json-c and libcrypto) through NRPE, without its sudo
if [ -x "$PLUGINS/check_firewall" ]; then
	install -m 755 "$PLUGINS/check_firewall" "$PL/check_firewall"
fi
ln -s "$CHECK_NRPE" "$PL/check_nrpe"

# The fixture trees, readable by nagios (the source tree may not be).
FIX=$WORK/fixtures
mkdir -p "$FIX/hwmon" "$FIX/mdraid" "$FIX/log" "$FIX/ids"
if ! cp -R "$FIXTURES/hwmon/coretemp" "$FIX/hwmon/" ||
	! cp -R "$FIXTURES/mdraid/raid1-degraded" "$FIX/mdraid/" ||
	! cp "$FIXTURES/log/syslog" "$FIX/log/syslog" ||
	! cp "$FIXTURES/ids/alert_fast" "$FIX/ids/alert_fast"; then
	notok "fixtures hwmon/coretemp and mdraid/raid1-degraded in $FIXTURES (set FIXTURES)"
	finish
fi
# The Snort alerts a minute old, in local time as Snort writes them: --hold counts from
# an alert's own time stamp, and the engines re-run the check after the first run read
# them (the fixture's 12/01 dates would be past any hold).
snort_now=$(date -d '-60 sec' +%m/%d-%H:%M:%S)
sed -i "s#^[0-9][0-9]/[0-9][0-9]-[0-9:]*#$snort_now#" "$FIX/ids/alert_fast"
# Backup files for check_backup_age --source files: a full one 2h old, an incremental
# 10 minutes old.
mkdir -p "$FIX/backup"
head -c 4096 /dev/urandom >"$FIX/backup/full-1.tar"
head -c 1024 /dev/urandom >"$FIX/backup/incr-1.tar"
touch -d "@$(($(date +%s) - 7200))" "$FIX/backup/full-1.tar"
touch -d "@$(($(date +%s) - 600))" "$FIX/backup/incr-1.tar"
# A drill journal for check_restore_drill: a good drill 2 days ago, then one 1 day ago.
for d in 2 1; do
	printf '{"time":"%s","result":"ok","files_restored":5,"bytes_restored":4096,"files_verified":5,"files_failed":0,"duration":%d.5,"who":"root@h1"}\n' \
		"$(date -u -d "@$(($(date +%s) - d * 86400))" +%Y-%m-%dT%H:%M:%SZ)" "$d"
done >"$FIX/backup/drill.journal"
chmod -R a+rX "$FIX"

HWMON_LINE='HWMON OK - 8 sensors, hottest coretemp Package id 0 48C (max 100C)'
MDRAID_LINE='MDRAID CRITICAL - md6: failed member sdb2, md6: raid1 degraded [2/1] [U_]'

# What this host really has, for the hwmon/mdraid calls without a fixture root.
if [ -n "$(ls -A /sys/class/hwmon 2>/dev/null)" ]; then host_hwmon=yes; else host_hwmon=no; fi
if [ -r /proc/mdstat ] && grep -q '^md' /proc/mdstat; then host_md=yes; else host_md=no; fi

########################################################################################
# 1. Icinga 2
########################################################################################
T0=$(now)
D=$WORK/i2
mkdir -p "$D"/{etc,lib/certs,log,cache,spool/tmp,run,state}
chmod 700 "$D/state"
I2D=(-DDataDir="$D/lib" -DLogDir="$D/log" -DCacheDir="$D/cache" -DSpoolDir="$D/spool"
	-DInitRunDir="$D/run" -DRunAsUser=root -DRunAsGroup=root)
I2PORT=$(free_port) || { notok "icinga2: no free port"; finish; }
I2PW=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
INI=$WORK/plumbline.ini
ZH_LOCALEDIR=${PLUMBLINE_LOCALEDIR:-$PLUGINS/../po/locale}
cat >"$INI" <<EOF
# read through --extra-opts: any long option works, here --root
[check_hwmon]
root = $FIX/hwmon/coretemp
EOF
chmod 644 "$INI"

# A web server for check_url in all three engines: python3's http.server on loopback.
WEB=$WORK/www
mkdir -p "$WEB" && echo "plumbline engines" >"$WEB/index.html" && chmod -R a+rX "$WEB"
WEBPORT=$(free_port) || { notok "no free port for the web server"; finish; }
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$WEB" "$WEBPORT" \
	>"$WORK/web.out" 2>&1 </dev/null &
WEB_PID=$!
for _ in $(seq 100); do ss -Hltn "sport = :$WEBPORT" | grep -q . && break; sleep 0.05; done

cat >"$D/etc/icinga2.conf" <<EOF
const PluginDir = "$PL"
const NodeName = "i2test"
const ZoneName = "i2test"
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object CheckerComponent "checker" { }
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = $I2PORT
	accept_config = false
	accept_commands = false
}
object ApiUser "test" { password = "$I2PW"; permissions = [ "*" ] }
object FileLogger "main-log" { severity = "information"; path = LogDir + "/icinga2.log" }

include "$CONTRIB/icinga2/plumbline.conf"
include "$CONTRIB/icinga2/services.conf.example"

object CheckCommand "pl-true" { command = [ "/bin/true" ] }
/* --root through an extra arguments entry */
object CheckCommand "plumbline_mdraid_fixture" {
	import "plumbline_mdraid"
	arguments += { "--root" = "\$plumbline_root\$" }
}
/* the same in Simplified Chinese; the catalog of this build, not an installed one */
object CheckCommand "plumbline_mdraid_fixture_zh" {
	import "plumbline_mdraid_fixture"
	vars.plumbline_language = "zh_CN"  /* the common argument */
	env = { "PLUMBLINE_LOCALEDIR" = "$ZH_LOCALEDIR" }
}

template Service "pl-fast" {
	check_interval = 1s
	retry_interval = 1s
	max_check_attempts = 1
}
object Host "h1" {
	check_command = "pl-true"
	check_interval = 5s
}
/* the example's apply rules: cpu, memory, disk-io, network; no sensors, no raid */
object Host "linux1" {
	check_command = "pl-true"
	vars.os = "Linux"
}
object Service "pl-cpu" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_cpu"
	vars.plumbline_cpu_per_cpu = true
	vars.plumbline_cpu_warningx = [ "iowait=~:50", "steal=~:40" ]
}
object Service "pl-mem" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_mem"
	vars.plumbline_mem_warning = "90"
	vars.plumbline_mem_critical = "98"
	vars.plumbline_mem_warningx = [ "available=256MB:", "swap_used_pct=50" ]
	vars.plumbline_mem_criticalx = [ "available=128MB:" ]
	vars.plumbline_timeout = "8:critical"
}
object Service "pl-disk-io" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_disk_io"
	vars.plumbline_disk_io_warningx = [ "*_await=~:5s" ]
}
object Service "pl-net" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_net"
}
object Service "pl-hwmon" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_hwmon"
	vars.plumbline_extra_opts = "@$INI"
}
/* the engine's own processes: counted, although the engine runs the check */
object Service "pl-process" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_process"
	vars.plumbline_process_name = [ "icinga2" ]
	vars.plumbline_process_warningx = [ "*_rss=~:4GB" ]
}
object Service "pl-mdraid" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_mdraid_fixture"
	vars.plumbline_root = "$FIX/mdraid/raid1-degraded"
}
object Service "pl-mdraid-zh" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_mdraid_fixture_zh"
	vars.plumbline_root = "$FIX/mdraid/raid1-degraded"
}
/* socket mode needs no credentials: the connections to Icinga's own API port */
object Service "pl-db-conns" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_db_conns"
	vars.plumbline_db_conns_type = "socket"
	vars.plumbline_db_conns_port = $I2PORT
	vars.plumbline_db_conns_limit = 1000
	vars.plumbline_db_conns_per_remote = true
}
/* the later runs read nothing new: the hold keeps the first run's CRITICAL */
object Service "pl-log-errors" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_log_errors"
	vars.plumbline_log_errors_file = [ "$FIX/log/syslog" ]
	vars.plumbline_log_errors_critical_regex = [ "EXT4-fs error|Out of memory" ]
	vars.plumbline_log_errors_warning_pattern = [ "segfault" ]
	vars.plumbline_log_errors_from_start = true
	vars.plumbline_log_errors_hold = "1h"
}

/* check_url: Icinga's own API over TLS (its CA, --resolve for the node's name; 401
 * without credentials is mapped to OK), and the plain web server */
object Service "pl-url" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_url"
	vars.plumbline_url_url = "https://i2test:$I2PORT/v1"
	vars.plumbline_url_resolve = [ "i2test:$I2PORT:127.0.0.1" ]
	vars.plumbline_url_ca_file = "$D/lib/certs/ca.crt"
	vars.plumbline_url_status_map = "401=ok"
	vars.plumbline_url_warning = "2"
}
object Service "pl-url-web" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_url"
	vars.plumbline_url_url = "http://127.0.0.1:$WEBPORT/"
	vars.plumbline_url_body_contains = [ "plumbline engines" ]
	vars.plumbline_url_expect = "200"
}

/* Snort's alerts from the fixture: a high one, CRITICAL */
object Service "pl-ids" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_ids"
	vars.plumbline_ids_snort_fast = [ "$FIX/ids/alert_fast" ]
	vars.plumbline_ids_from_start = true
	vars.plumbline_ids_hold = "1h"
}

object Service "pl-backup" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_backup_age"
	vars.plumbline_backup_source = "files"
	vars.plumbline_backup_path = [ "$FIX/backup/full-*.tar", "$FIX/backup/incr-*.tar" ]
	vars.plumbline_backup_class = [ "full=name:full-*", "incremental=name:incr-*" ]
}

object Service "pl-drill" {
	import "pl-fast"
	host_name = "h1"
	check_command = "plumbline_restore_drill"
	vars.plumbline_restore_drill_journal = "$FIX/backup/drill.journal"
	vars.plumbline_restore_drill_warning_age = "8d"
	vars.plumbline_restore_drill_critical_age = "15d"
}
EOF

(cd "$D/lib" && icinga2 pki new-ca "${I2D[@]}" &&
	icinga2 pki new-cert "${I2D[@]}" --cn i2test --key certs/i2test.key --csr certs/i2test.csr &&
	icinga2 pki sign-csr "${I2D[@]}" --csr certs/i2test.csr --cert certs/i2test.crt &&
	cp ca/ca.crt certs/ca.crt) >"$D/pki.out" 2>&1 ||
	{ notok "icinga2: TLS material for the API"; sed 's/^/# /' "$D/pki.out"; }

if icinga2 daemon -C -c "$D/etc/icinga2.conf" "${I2D[@]}" >"$D/validate.out" 2>&1; then
	nsvc=$(grep -o 'Instantiated [0-9]* Services\?' "$D/validate.out" | head -1)
	ok "icinga2 daemon -C accepts plumbline.conf + services.conf.example ($nsvc)"
	i2_valid=yes
else
	notok "icinga2 daemon -C accepts plumbline.conf + services.conf.example"
	grep -E 'critical/|Error|^ *[0-9]+:|\^' "$D/validate.out" | head -20 | sed 's/^/# /'
	i2_valid=no
fi

api() { i2_api "$I2PORT" "$@"; } # path [curl args...]

if [ "$i2_valid" = yes ]; then
	PLUMBLINE_STATE_DIR=$D/state setsid /usr/sbin/icinga2 daemon -c "$D/etc/icinga2.conf" \
		"${I2D[@]}" >"$D/daemon.out" 2>&1 </dev/null &
	I2PID=$!
	DAEMONS="$DAEMONS $I2PID"
	if wait_listen "$I2PORT" "$I2PID" 15; then
		echo "# icinga2: API up after $(since "$T0")s"
		:
	else
		notok "icinga2: the API listens on 127.0.0.1:$I2PORT"
		tail -20 "$D/daemon.out" | sed 's/^/# /'
	fi
	# Until every service has a result, and the rate plugins on h1 a second one (from the
	# state their first run left, so not "first run").
	deadline=$((SECONDS + 40))
	while :; do
		api 'objects/services?attrs=name&attrs=host_name&attrs=last_check_result' \
			>"$D/results.json" 2>/dev/null
		pending=$(jq -r '[.results[].attrs
			| select(.last_check_result == null
			  or (.host_name == "h1" and (.last_check_result.output | test("first run"))))
			| .host_name + "!" + .name] | join(" ")' "$D/results.json" 2>/dev/null) ||
			pending="(no answer)"
		[ -z "$pending" ] && break
		# the example services check every 5 minutes: run them now (again, until the
		# checker has taken them)
		case " $pending" in
		*" linux1!"*)
			api actions/reschedule-check -X POST -d '{"type": "Service", "force": true,
				"filter": "host.name == \"linux1\" && !service.last_check_result"}' \
				>/dev/null 2>&1 ;;
		esac
		if [ $SECONDS -ge $deadline ]; then
			notok "icinga2: results for every service within 40s (missing: $pending)"
			break
		fi
		sleep 0.5
	done
	echo "# icinga2: all results after $(since "$T0")s"
	# Icinga's own parser (the one its metric writers use) over every perfdata item.
	script='var r = {}
	for (s in get_objects(Service)) {
		var l = []
		if (s.last_check_result) {
			for (p in s.last_check_result.performance_data) {
				try {
					var v = parse_performance_data(p)
					l.add(v.label + "=" + v.value + "|" + v.unit)
				} except {
					l.add("INVALID " + p)
				}
			}
		}
		r[s.host_name + "!" + s.name] = l
	}
	r'
	api console/execute-script -X POST -H 'Content-Type: application/json' \
		-d "$(jq -n --arg c "$script" '{command: $c, sandboxed: false}')" \
		>"$D/parsed.json" 2>/dev/null

	res() { # host!service, jq filter on last_check_result
		jq -r --arg h "${1%%!*}" --arg s "${1#*!}" \
			".results[].attrs | select(.host_name == \$h and .name == \$s)
			| .last_check_result | $2" "$D/results.json" 2>/dev/null
	}
	perf_has() { # host!service, label regex (anchored at the start of the item)
		res "$1" '.performance_data[]' | grep -Eq "^'?($2)'?="
	}
	parsed() { # host!service -> one parsed item per line
		jq -r --arg k "$1" '.results[0].result[$k][]?' "$D/parsed.json" 2>/dev/null
	}
	icinga_service() { # host!service, first-line prefix, states allowed (regex), labels regex...
		local k=$1 word=$2 states=$3 line st ex nbad nu
		shift 3
		st=$(res "$k" '.state')
		ex=$(res "$k" '.exit_status')
		line=$(res "$k" '.output' | head -1)
		if [ -z "$st" ]; then
			notok "icinga2 $k: no check result"
			return
		fi
		check "icinga2 $k: exit $ex, state $st, \"${line:0:60}...\"" \
			'[[ "$ex" =~ ^($states)$ && "$st" = "$ex" && "$line" == "$word"* ]] &&
			 judged "$ex" "$line"'
		for l in "$@"; do
			check "icinga2 $k: perfdata has $l" 'perf_has "$k" "$l"'
		done
		nbad=$(parsed "$k" | grep '^INVALID' | grep -Evc "^INVALID '?[^=]*'?=U(;|\$)")
		nu=$(parsed "$k" | grep -Ec "^INVALID '?[^=]*'?=U(;|\$)")
		msg="Icinga parses all $(parsed "$k" | wc -l) perfdata items"
		[ "$nu" -gt 0 ] &&
			msg="$msg but $nu with value U (Icinga 2.13 cannot parse U, Icinga/icinga2#9282)"
		check "icinga2 $k: $msg" \
			'[ "$(parsed "$k" | wc -l)" -gt 0 ] && [ "$nbad" -eq 0 ]'
		if [ "$nbad" -ne 0 ]; then parsed "$k" | grep '^INVALID' | sed 's/^/# /'; fi
	}
	icinga_service 'h1!pl-cpu' 'CPU ' '0|1|2' busy iowait steal max_cpu_busy cpu0_busy
	icinga_service 'h1!pl-mem' 'MEM ' '0|1|2' used_pct available swap_used
	icinga_service 'h1!pl-disk-io' 'DISK_IO ' '0|1|2' '[^=]*_util' '[^=]*_read_await'
	icinga_service 'h1!pl-net' 'NET ' '0|1|2|3' '[^=]*_rx_bits' '[^=]*_tx_bits'
	icinga_service 'h1!pl-hwmon' 'HWMON OK' '0' temp_coretemp_package_id_0 temp_nvme_composite
	icinga_service 'h1!pl-mdraid' 'MDRAID CRITICAL' '2' md6_degraded md6_failed
	# zh_CN through the API: the exact UTF-8 first line, and the whole text (long output
	# included) byte for byte what the plugin prints, so nothing cut or re-encoded. Icinga
	# cuts the first line at the "|" and keeps the blank before it.
	if [ -f "$ZH_LOCALEDIR/zh_CN/LC_MESSAGES/plumbline.mo" ]; then
		k='h1!pl-mdraid-zh'
		zh_want='MDRAID CRITICAL - md6: 故障成员 sdb2, md6: raid1 降级 [2/1] [U_]'
		zh_line=$(res "$k" '.output' | head -1)
		check "icinga2 $k: exit 2, state 2, \"$zh_line\"" \
			'[ "$(res "$k" .exit_status)" = 2 ] && [ "$(res "$k" .state)" = 2 ] &&
			 [ "$zh_line" = "$zh_want " ]'
		env -i PLUMBLINE_LOCALEDIR="$ZH_LOCALEDIR" "$PLUGINS/check_mdraid" --language zh_CN \
			--root "$FIX/mdraid/raid1-degraded" >"$D/zh.direct"
		{ head -1 "$D/zh.direct" | sed 's/|.*//'; tail -n +2 "$D/zh.direct"; } >"$D/zh.want"
		res "$k" '.output' >"$D/zh.got"
		check "icinga2 $k: the output through the API is the plugin's, $(wc -c <"$D/zh.got") bytes of UTF-8 in $(wc -l <"$D/zh.got") lines, uncut" \
			'cmp -s "$D/zh.want" "$D/zh.got" && iconv -f UTF-8 -t UTF-8 "$D/zh.got" >/dev/null 2>&1 &&
			 grep -q "大小 186.3GiB" "$D/zh.got"'
		cmp -s "$D/zh.want" "$D/zh.got" ||
			diff "$D/zh.want" "$D/zh.got" | cat -A | sed 's/^/# /'
		check "icinga2 $k: perfdata labels as in English" \
			'perf_has "$k" md6_degraded && perf_has "$k" md6_failed'
	else
		ok "# SKIP icinga2 zh_CN: no catalog in $ZH_LOCALEDIR"
	fi
	icinga_service 'h1!pl-process' 'PROCESS OK - icinga2: ' '0' procs zombies zombie_age rss
	icinga_service 'linux1!zombies' 'PROCESS ' '0|1|2' procs zombies zombie_age
	icinga_service 'h1!pl-db-conns' 'DB_CONNS OK' '0' connections listeners used_pct slots_left
	icinga_service 'h1!pl-log-errors' 'LOG_ERRORS CRITICAL' '2' syslog_critical syslog_lines
	icinga_service 'h1!pl-backup' 'BACKUP OK' '0' full_age incremental_age full_size
	icinga_service 'h1!pl-drill' 'RESTORE DRILL OK - last good drill 1d 0h ago, 2 drills' '0' age duration throughput files_verified
	icinga_service 'h1!pl-url' 'URL OK' '0' dns connect tls ttfb total cert0_days
	icinga_service 'h1!pl-url-web' 'URL OK' '0' dns connect ttfb total size
	icinga_service 'h1!pl-ids' 'IDS CRITICAL' '2' snort_alerts snort_high snort_malformed
	icinga_service 'linux1!cpu' 'CPU ' '0|1|2' busy
	icinga_service 'linux1!memory' 'MEM ' '0|1|2' used_pct
	icinga_service 'linux1!disk-io' 'DISK_IO ' '0|1|2' '[^=]*_util'
	icinga_service 'linux1!network' 'NET ' '0|1|2|3' '[^=]*_rx_bits'

	# What Icinga built from the vars and the shipped arguments.
	cmd() { res "$1" '.command | map(tostring) | join(" ")'; }
	c=$(cmd 'h1!pl-cpu')
	check "icinga2 pl-cpu: arrays repeat --warningx, set_if gives --per-cpu, defaults -w 85 -c 95 ($c)" \
		'[[ "$c" == *"--warningx iowait=~:50 --warningx steal=~:40"* &&
		   "$c" == *" --per-cpu"* && "$c" == *"-c 95"* && "$c" == *"-w 85"* ]]'
	c=$(cmd 'h1!pl-mem')
	check "icinga2 pl-mem: -w/-c/-t from vars, both arrays ($c)" \
		'[[ "$c" == *"--criticalx available=128MB:"* &&
		   "$c" == *"--warningx available=256MB: --warningx swap_used_pct=50"* &&
		   "$c" == *"-c 98"* && "$c" == *"-t 8:critical"* && "$c" == *"-w 90"* ]]'
	check "icinga2 pl-mem: the ranges arrive in the perfdata (used_pct 90/98, available in bytes)" \
		'res "h1!pl-mem" ".performance_data[]" | grep -Eq "^used_pct=[0-9.]+%;90;98;0;100\$" &&
		res "h1!pl-mem" ".performance_data[]" | grep -Eq "^available=[0-9]+B;268435456:;134217728:;"'
	c=$(cmd 'h1!pl-hwmon')
	check "icinga2 pl-hwmon: --extra-opts=@FILE as one argument, first ($c)" \
		'[[ "$c" == "$PL/check_hwmon --extra-opts=@$INI"* ]]'
	# (Icinga keeps the blank before the plugin's " | " at the end of the first line)
	line=$(res 'h1!pl-hwmon' '.output' | head -1 | sed 's/ *$//')
	check "icinga2 pl-hwmon: the ini file's root was used: \"$line\"" '[ "$line" = "$HWMON_LINE" ]'
	c=$(cmd 'h1!pl-process')
	check "icinga2 pl-process: --name from an array, the per-process threshold unexpanded ($c)" \
		"[[ \"\$c\" == \"\$PL/check_process --name icinga2 --warningx *_rss=~:4GB\" ]]"
	c=$(cmd 'h1!pl-mdraid')
	check "icinga2 pl-mdraid: --root from an extra arguments entry ($c)" \
		'[ "$c" = "$PL/check_mdraid --root $FIX/mdraid/raid1-degraded" ]'
	line=$(res 'h1!pl-mdraid' '.output' | head -1 | sed 's/ *$//')
	check "icinga2 pl-mdraid: \"$line\"" '[ "$line" = "$MDRAID_LINE" ]'
	c=$(cmd 'h1!pl-db-conns')
	check "icinga2 pl-db-conns: --type, --port, --limit, set_if --per-remote ($c)" \
		'[[ "$c" == *"--type socket"* && "$c" == *"--port $I2PORT"* && "$c" == *"--limit 1000"* &&
		   "$c" == *" --per-remote"* && "$c" == *"-w 80"* ]]'
	c=$(cmd 'h1!pl-backup')
	check "icinga2 pl-backup: arrays repeat --path and --class, -t from the command's vars ($c)" \
		'[[ "$c" == *"--class full=name:full-* --class incremental=name:incr-*"* &&
		   "$c" == *"--path $FIX/backup/full-*.tar --path $FIX/backup/incr-*.tar"* &&
		   "$c" == *"--source files"* && "$c" == *"-t 50"* ]]'
	c=$(cmd 'h1!pl-net')
	check "icinga2: no argument for an unset variable (pl-net: $c)" \
		'[ "$c" = "$PL/check_net -c 95 -w 80" ]'
	c=$(cmd 'linux1!network')
	check "icinga2 example network: --expect-speed/--expect-duplex ($c)" \
		'[[ "$c" == *"--expect-duplex full --expect-speed 1Gbit/s"* ]]'
	c=$(cmd 'linux1!disk-io')
	check "icinga2 example disk-io: the await globs reach the plugin unexpanded ($c)" \
		"[[ \"\$c\" == *\"--warningx *_read_await=~:50ms --warningx *_write_await=~:50ms\"* ]]"
	napplied=$(jq '[.results[].attrs | select(.host_name == "linux1")] | length' \
		"$D/results.json" 2>/dev/null)
	check "icinga2 example: 5 services on a Linux host without physical/md_raid/units (got $napplied)" \
		'[ "$napplied" = 5 ]'
	check "icinga2: the state files are in PLUMBLINE_STATE_DIR, not /var/tmp" \
		'ls "$D/state" | grep -q "^check_cpu-"'
	crit=$(grep -c 'critical/\|warning/PluginCheckTask' "$D/log/icinga2.log" 2>/dev/null)
	check "icinga2: no critical or PluginCheckTask warning in the log ($crit)" '[ "$crit" = 0 ]'
	[ "$crit" = 0 ] ||
		grep 'critical/\|warning/PluginCheckTask' "$D/log/icinga2.log" | head -5 | sed 's/^/# /'
	T1=$(now)
	stop_daemons
	echo "# icinga2: stopped in $(since "$T1")s"
fi
echo "# icinga2: $(since "$T0")s"

########################################################################################
# 2. NRPE (its daemon stays up for the Nagios part, which calls it through check_nrpe)
########################################################################################
T0=$(now)
N=$WORK/nrpe
mkdir -p "$N"
NRPE_PORT=$(free_port 5666) || { notok "nrpe: no free port"; finish; }
{
	nrpe_cfg_head "$N" "$NRPE_PORT"
	# the shipped command lines, with the plugin directory of this build; without the
	# "sudo -n" of check_firewall (this host's sudoers are not the test's to change), so
	# that it runs as nagios and must answer with the sudoers line that fixes it
	grep '^command\[' "$CONTRIB/nrpe/plumbline.cfg" |
		sed -e "s#/usr/lib/nagios/plugins/#$PL/#" -e "s#/usr/bin/sudo -n ##"
} >"$N/nrpe.cfg"
chown -R nagios:nagios "$N"
setsid nrpe -c "$N/nrpe.cfg" -f >"$N/nrpe.out" 2>&1 </dev/null &
NRPE_PID=$!
DAEMONS="$DAEMONS $NRPE_PID"
if wait_listen "$NRPE_PORT" "$NRPE_PID" 10; then
	out=$("$CHECK_NRPE" -H 127.0.0.1 -p "$NRPE_PORT" -t 15 2>&1)
	check "nrpe on 127.0.0.1:$NRPE_PORT answers: $out" '[[ "$out" == NRPE\ v* ]]'
	ncmds=$(grep -c '^command\[plumbline_' "$N/nrpe.cfg")
	check "nrpe: contrib/nrpe/plumbline.cfg defines the 16 commands (got $ncmds)" '[ "$ncmds" = 16 ]'
	if [ -x "$PL/check_firewall" ]; then
		out=$("$CHECK_NRPE" -H 127.0.0.1 -p "$NRPE_PORT" -t 15 -c plumbline_firewall 2>&1)
		rc=$?
		check "nrpe plumbline_firewall as nagios, no sudo: UNKNOWN with the sudoers line (rc $rc, \"${out:0:60}...\")" \
			'[[ "$rc" = 3 && "$out" == "FIREWALL UNKNOWN - "*"'"'"'nagios ALL=(root) NOPASSWD: "*"/check_firewall'"'"'"* ]]'
	fi
	nrpe_call() { # command -> $out, $rc
		out=$("$CHECK_NRPE" -H 127.0.0.1 -p "$NRPE_PORT" -t 15 -c "$1" 2>&1)
		rc=$?
	}
	# the shipped thresholds show in the perfdata (a utilisation only where the kernel
	# knows the link speed: a metric without a value is left out)
	for n in "cpu iowait=[0-9.]+%;20;" "mem used_pct=[0-9.]+%;85;95;" \
		"disk_io [^= ]*_read_await=[0-9.]+s;~:0.05(;|$)" \
		"net [^= ]*_rx_(util=[0-9.]+%;80;95;|bits=)" "process zombies=[0-9]+;5;"; do
		item=${n#* }
		n=${n%% *}
		word=$(echo "$n" | tr a-z A-Z)
		nrpe_call "plumbline_$n"
		line=${out%%$'\n'*}
		check "nrpe plumbline_$n: rc $rc, \"${line:0:60}...\"" \
			'[[ "$rc" =~ ^[0123]$ && "$line" == "$word "* ]] && judged "$rc" "$line"'
		check "nrpe plumbline_$n: perfdata has $item" \
			'printf "%s\n" "$out" | sed -n "s/^[^|]*|//p" | tr " " "\n" | grep -Eq "^$item"'
	done
	# port 5432 as shipped: OK with a PostgreSQL there, CRITICAL (nothing listens) without
	nrpe_call plumbline_db_conns
	line=${out%%$'\n'*}
	check "nrpe plumbline_db_conns (socket mode): rc $rc, \"${line:0:60}...\"" \
		'[[ "$rc" =~ ^[012]$ && "$line" == "DB_CONNS "* && "$out" == *"connections="* ]]'
	# no clamd runs here: CRITICAL with the reason (unreachable, or no database)
	nrpe_call plumbline_antivirus
	line=${out%%$'\n'*}
	check "nrpe plumbline_antivirus: rc $rc, \"${line:0:60}...\"" \
		'[[ "$rc" =~ ^[0123]$ && "$line" == "ANTIVIRUS "* && "$line" != *"Usage"* ]]'
	nrpe_call plumbline_cpu
	check "nrpe plumbline_cpu again: answered from the state of the first run (rc $rc)" \
		'[[ "$rc" =~ ^[012]$ && "$out" != *"first run"* ]]'
	check "nrpe: the default state dir $NAGIOS_STATE belongs to nagios, mode 700" \
		'[ "$(stat -c %U:%a "$NAGIOS_STATE" 2>/dev/null)" = nagios:700 ]'
	for n in hwmon mdraid; do
		word=$(echo "$n" | tr a-z A-Z)
		nrpe_call "plumbline_$n"
		line=${out%%$'\n'*}
		rest=${out#"$line"}
		has=$([ "$n" = hwmon ] && echo "$host_hwmon" || echo "$host_md")
		if [ "$has" = yes ]; then
			check "nrpe plumbline_$n (this host has some): rc $rc, \"${line:0:60}...\"" \
				'[[ "$rc" =~ ^[0-3]$ && "$line" == "$word "* ]]'
		else
			# nothing to read here: one UNKNOWN status line; the long output, if any,
			# only repeats it as "[UNKNOWN] ..."
			check "nrpe plumbline_$n (no hardware here): rc $rc, \"$line\"" \
				'[[ "$rc" = 3 && "$line" == "$word UNKNOWN - "* && ${#line} -le 200 &&
				   "$line" != *"|"* ]] &&
				 ! printf "%s\n" "$rest" | grep -v "^\[UNKNOWN\] \|^$" | grep -q .'
		fi
	done
	# The shipped log commands read /var/log/syslog and the system journal as nagios:
	# an answer, or UNKNOWN saying what is missing (no syslog file here, or the group
	# that gives read access), never a silent OK on what cannot be read.
	for n in log_errors journal_errors; do
		nrpe_call "plumbline_$n"
		line=${out%%$'\n'*}
		check "nrpe plumbline_$n: rc $rc, \"${line:0:70}...\"" \
			'[[ "$rc" =~ ^[012]$ && "$line" == "LOG_ERRORS "* ]] ||
			 [[ "$rc" = 3 && ( "$out" == *"group"* || "$out" == *"No such file"* ) ]]'
	done
	# the shipped line asks app.example.com on this host's port 443, which nothing here
	# serves: CRITICAL with the reason, or an answer where something listens there
	nrpe_call plumbline_url
	line=${out%%$'\n'*}
	check "nrpe plumbline_url (nothing on 443 here): rc $rc, \"${line:0:70}...\"" \
		'[[ "$rc" =~ ^[012]$ && "$line" == "URL "* && "$out" == *"total="* ]]'
	# the shipped check_ids line reads Suricata's eve.json (not here) and asks fail2ban
	# through sudo (no sudoers line here): UNKNOWN saying which, never a silent OK
	nrpe_call plumbline_ids
	line=${out%%$'\n'*}
	check "nrpe plumbline_ids: rc $rc, \"${line:0:70}...\"" \
		'[[ "$line" == "IDS "* ]] && { [[ "$rc" =~ ^[012]$ ]] ||
		 [[ "$rc" = 3 && ( "$out" == *"No such file"* || "$out" == *"sudoers"* ||
		    "$out" == *"fail2ban"* ) ]]; }'
	# the shipped line reads /etc/plumbline/backup.ini, which this host lacks: one
	# UNKNOWN line that names the file
	nrpe_call plumbline_backup_age
	line=${out%%$'\n'*}
	check "nrpe plumbline_backup_age (no ini file here): rc $rc, \"${line:0:70}...\"" \
		'[[ ( "$rc" = 3 && "$line" == "BACKUP UNKNOWN - "*backup.ini* ) || "$rc" =~ ^[012]$ ]]'
	# the shipped line reads /var/lib/plumbline/drill.journal: no drill job here, so one
	# UNKNOWN line that names the journal (or, where one runs, its answer)
	nrpe_call plumbline_restore_drill
	line=${out%%$'\n'*}
	check "nrpe plumbline_restore_drill (no journal here): rc $rc, \"${line:0:70}...\"" \
		'[[ ( "$rc" = 3 && "$line" == "RESTORE DRILL UNKNOWN - "*drill.journal* ) || "$rc" =~ ^[012]$ ]]'
else
	notok "nrpe listens on 127.0.0.1:$NRPE_PORT"
	sed 's/^/# /' "$N/nrpe.out" | tail -5
fi
echo "# nrpe: $(since "$T0")s"

########################################################################################
# 3. Nagios 4
########################################################################################
T0=$(now)
G=$WORK/n4
mkdir -p "$G"/{etc,var/rw,var/spool/checkresults,var/state,log}
chmod 700 "$G/var/state"
chown -R nagios:nagios "$G/var" "$G/log"
echo "\$USER1\$=$PL" >"$G/etc/resource.cfg"
# nagios4 reads the object files after dropping to user nagios, who may not be able to
# read the source tree (a checkout under /root): a copy of the shipped file
cp "$CONTRIB/nagios/commands.cfg" "$G/etc/commands.cfg"
cat >"$G/etc/nagios.cfg" <<EOF
log_file=$G/log/nagios.log
resource_file=$G/etc/resource.cfg
cfg_file=$G/etc/commands.cfg
cfg_file=$G/etc/objects.cfg
$(nagios_cfg_common "$G")
status_update_interval=1
check_external_commands=0
log_initial_states=1
interval_length=1
service_check_timeout=15
enable_notifications=0
enable_event_handlers=0
process_performance_data=0
EOF
svc() { # description, check_command
	cat <<EOF
define service {
	host_name		h1
	service_description	$1
	check_command		$2
	max_check_attempts	1
	check_interval		2
	retry_interval		2
	check_period		24x7
	contacts		nobody
	notification_period	24x7
}
EOF
}
{
	cat <<EOF
$(nagios_24x7)
define command {
	command_name	pl-true
	command_line	/bin/true
}
define contact {
	contact_name			nobody
	host_notifications_enabled	0
	service_notifications_enabled	0
	host_notification_period	24x7
	service_notification_period	24x7
	host_notification_options	n
	service_notification_options	n
	host_notification_commands	pl-true
	service_notification_commands	pl-true
}
define host {
	host_name		h1
	address			127.0.0.1
	check_command		pl-true
	max_check_attempts	1
	check_interval		5
	retry_interval		5
	check_period		24x7
	contacts		nobody
	notification_period	24x7
}
EOF
	svc cpu 'plumbline_cpu!85!95!--warningx iowait=20 --per-cpu'
	svc mem 'plumbline_mem!90!98!--warningx swap_used_pct=50 --criticalx available=128MB:'
	svc disk_io "plumbline_disk_io!80!95!--warningx '*_await=~:50ms'"
	svc net 'plumbline_net!80!95'
	svc hwmon "plumbline_hwmon!--root $FIX/hwmon/coretemp"
	svc mdraid "plumbline_mdraid!--root $FIX/mdraid/raid1-degraded"
	svc process 'plumbline_process!~:1000!1:!--name nagios4'
	svc db_conns "plumbline_db_conns!--type socket --port $NRPE_PORT --limit 100!80!90"
	svc log_errors "plumbline_log_errors!--file $FIX/log/syslog --critical-pattern EXT4-fs --from-start --hold 1h"

	svc ids "plumbline_ids!--snort-fast $FIX/ids/alert_fast --from-start --hold 1h"
	svc backup_age "plumbline_backup_age!--source files --path '$FIX/backup/*.tar' --class 'full=name:full-*' --class 'incremental=name:incr-*'"
	svc restore_drill "plumbline_restore_drill!$FIX/backup/drill.journal!--warning-age 8d --critical-age 15d"
	svc url "plumbline_url!http://127.0.0.1:$WEBPORT/!1!3!--body-contains 'plumbline engines'"
	[ "$NRPE_PORT" = 5666 ] && svc nrpe_mem 'plumbline_nrpe!plumbline_mem'
} >"$G/etc/objects.cfg"
chmod -R a+rX "$G/etc"

if nagios4 -v "$G/etc/nagios.cfg" >"$G/verify.out" 2>&1; then
	w=$(sed -n 's/^Total Warnings: *//p' "$G/verify.out")
	check "nagios4 -v accepts contrib/nagios/commands.cfg ($w warnings)" '[ "$w" = 0 ]'
	[ "$w" = 0 ] || grep -i '^warning' "$G/verify.out" | head -5 | sed 's/^/# /'
	n4_valid=yes
else
	notok "nagios4 -v accepts contrib/nagios/commands.cfg"
	grep -iE 'error|warning' "$G/verify.out" | head -10 | sed 's/^/# /'
	n4_valid=no
fi

if [ "$n4_valid" = yes ]; then
	(cd "$G" && PLUMBLINE_STATE_DIR=$G/var/state exec setsid nagios4 "$G/etc/nagios.cfg" \
		>"$G/daemon.out" 2>&1 </dev/null) &
	DAEMONS="$DAEMONS $!"
	NSVC=$(grep -c 'service_description' "$G/etc/objects.cfg")
	# status.dat -> "desc<TAB>checked<TAB>state<TAB>output<TAB>perfdata" per service
	statusdat() {
		awk -F= '/^servicestatus \{/ { s = 1; d = c = st = o = p = ""; next }
			s && /^\t}/ { print d "\t" c "\t" st "\t" o "\t" p; s = 0; next }
			s { k = $1; sub(/^\t/, "", k); v = substr($0, index($0, "=") + 1)
				if (k == "service_description") d = v
				else if (k == "has_been_checked") c = v
				else if (k == "current_state") st = v
				else if (k == "plugin_output") o = v
				else if (k == "performance_data") p = v }' "$G/var/status.dat" 2>/dev/null
	}
	deadline=$((SECONDS + 30))
	while :; do
		statusdat >"$G/status.tsv"
		# every service checked, and cpu a second time (its first run samples)
		if [ "$(awk -F'\t' '$2 == 1' "$G/status.tsv" | wc -l)" -eq "$NSVC" ] &&
			! awk -F'\t' '$1 == "cpu"' "$G/status.tsv" | grep -q 'first run'; then
			break
		fi
		if [ $SECONDS -ge $deadline ]; then
			n=$(awk -F'\t' '$2 == 1' "$G/status.tsv" | wc -l)
			notok "nagios4: all $NSVC services checked within 30s ($n were)"
			tail -5 "$G/daemon.out" | sed 's/^/# /'
			break
		fi
		sleep 0.5
	done
	# perfdata (space-separated; our labels have no blanks) has an item LABEL=..., or
	# starting with the regex when it contains "="
	has_item() {
		case $2 in
		*=*) tr ' ' '\n' <<<"$1" | grep -Eq "^($2)" ;;
		*) tr ' ' '\n' <<<"$1" | grep -Eq "^'?($2)'?=" ;;
		esac
	}
	# Nagios keeps only the first line in plugin_output (long output apart).
	nagios_service() { # description, first-line prefix, states regex, perf label regexes...
		# shellcheck disable=SC2034
		local d=$1 word=$2 states=$3 row st o p
		shift 3
		row=$(awk -F'\t' -v d="$d" '$1 == d' "$G/status.tsv")
		st=$(printf '%s' "$row" | cut -f3)
		o=$(printf '%s' "$row" | cut -f4)
		p=$(printf '%s' "$row" | cut -f5)
		check "nagios4 $d: state $st, \"${o:0:60}...\"" \
			'[[ "$st" =~ ^($states)$ && "$o" == "$word"* ]] && judged "$st" "$o"'
		for l in "$@"; do
			check "nagios4 $d: perfdata has $l" 'has_item "$p" "$l"'
		done
	}
	nagios_service cpu 'CPU ' '0|1|2' busy 'iowait=[0-9.]+%;20;' cpu1_busy
	nagios_service mem 'MEM ' '0|1|2' 'used_pct=[0-9.]+%;90;98;' 'available=[0-9]+B;;134217728:;'
	nagios_service disk_io 'DISK_IO ' '0|1|2' '[^= ]*_util' '[^= ]*_read_await=[0-9.]+s;~:0.05'
	nagios_service net 'NET ' '0|1|2|3' '[^= ]*_rx_bits'
	nagios_service hwmon "$HWMON_LINE" 0 temp_coretemp_package_id_0
	nagios_service mdraid "$MDRAID_LINE" 2 md6_degraded
	nagios_service process 'PROCESS OK - nagios4: ' 0 'procs=[0-9]+;~:1000;1:;0'
	nagios_service db_conns 'DB_CONNS OK - ' 0 connections 'used_pct=[0-9.]+%;80;90;' 'listeners=1'
	nagios_service log_errors 'LOG_ERRORS CRITICAL' 2 'syslog_critical=1;'

	nagios_service ids 'IDS CRITICAL' 2 'snort_high=1;;0;0' snort_alerts
	nagios_service backup_age 'BACKUP OK - 2 backups' 0 'full_age=[0-9]+s;86400;129600' incremental_age
	nagios_service restore_drill 'RESTORE DRILL OK - last good drill 1d 0h ago' 0 'age=86[0-9]{3}s;691200;1296000;0' 'duration=1.5s'
	nagios_service url "URL OK - http://127.0.0.1:$WEBPORT/ 200 OK in " 0 'total=[0-9.]+s;1;3;' size
	if [ "$NRPE_PORT" = 5666 ]; then
		nagios_service nrpe_mem 'MEM ' '0|1|2' used_pct
	else
		echo "# nagios4 plumbline_nrpe not run: NRPE had to use port $NRPE_PORT (5666 is busy)"
	fi
	check "nagios4: the plugins ran as nagios with PLUMBLINE_STATE_DIR from the environment" \
		'[ "$(stat -c %U "$G/var/state/"check_cpu-* 2>/dev/null | sort -u)" = nagios ]'
fi
stop_daemons
echo "# nagios4: $(since "$T0")s"
echo "# total: $(since "$T_ALL")s"
finish
