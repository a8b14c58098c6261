#!/bin/bash
# The shipped engine configs as an admin installs them, in the real engines, on loopback
# and in a scratch directory (see /work/shared/recipes/ for how each engine is run):
#
#  1. "icinga2 daemon -C" over every shipped Icinga 2 file: the CheckCommands loaded by
#     "include <plugins-contrib>" beside Debian's ITL (through the file make install puts
#     in plugins-contrib.d), the policy bundle on a host that has everything, the services
#     example, and the distributed example (master with its zones.d and the global zone,
#     satellite, agent); the master again without PlumblineCommandsInGlobalZone must fail
#     with the commands defined twice (the guard is what keeps them apart).
#  2. Two real Icinga 2 nodes: a master and an agent on 127.0.0.1, certificates made here
#     with "icinga2 pki"; the CheckCommands, the policy bundle and the notification
#     commands reach the agent through the global zone. The policy runs on the master's
#     own host and on a host whose checks run on the agent (command_endpoint); every
#     result read from the master's REST API (state, output, perfdata) is compared with a
#     direct run of the command line Icinga ran, on the node that ran it.
#  3. The policy's escalation chain on the master: two services forced CRITICAL by passive
#     results; the monitoring group hears at once, technical support and customer service
#     after their (shortened) delays, management later; the service acknowledged before
#     the delay escalates to nobody; the recovery reaches everybody who had the problem.
#     Each through plumbline-notify's generic webhook to a receiver written here (when
#     plumbline-notify is not built yet, a stand-in command of the same name posts).
#  4. NRPE: the daemon with the shipped command lines (plugin path rewritten, sudo taken
#     out); each plugin's output and exit code through check_nrpe are byte for byte what
#     the plugin printed; with --output-format=one-line through NRPE v2 packets (-2) the
#     whole answer arrives, within 1,023 bytes.
#  5. Nagios 4: the shipped commands.cfg, notify.cfg, policy.cfg and contacts example pass
#     "nagios4 -v" with no warning; a host under the policy's templates is checked and the
#     results reach status.dat.
#
# Exit 77 (skip) when not root or when an engine is missing. One line per check, then
# "N passed, M failed". Every daemon is stopped and the scratch directory removed on exit;
# the whole run is cut at ENGINES_POLICY_LIMIT seconds (default 230).

set -u

. "$(dirname "$0")/../env.sh"
. "$(dirname "$0")/lib-engines.sh"
CONTRIB=$top_srcdir/contrib
# the plugins every run needs; any other built one (check_url, check_ids, ...) is installed
# beside them, so that the NRPE lines that name it can run
NAMES="cpu mem disk_io net hwmon mdraid process db_conns antivirus log_errors firewall backup_age"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (the engines are started as root)"
	exit 77
fi
missing=""
for t in icinga2 nagios4 nrpe curl jq ss /usr/bin/python3; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
[ -x "$CHECK_NRPE" ] || missing="$missing check_nrpe"
id nagios >/dev/null 2>&1 || missing="$missing user:nagios"
[ -d /usr/share/icinga2/include ] || missing="$missing icinga2-itl"
if [ -n "$missing" ]; then
	echo "SKIP: not installed:$missing (tests/run-all.sh installs them)"
	exit 77
fi

for n in $NAMES; do
	[ -x "$PLUGINS/check_$n" ] || notok "no check_$n in $PLUGINS (set PLUGINS)"
done
[ "$failed" -eq 0 ] || finish

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-policy.XXXXXX") || exit 99
chmod 755 "$WORK"
cleanup() {
	[ -n "${WATCHDOG:-}" ] && kill -TERM "$WATCHDOG" 2>/dev/null
	stop_daemons
	if [ -n "${KEEP_WORK:-}" ]; then echo "# kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
watchdog "${ENGINES_POLICY_LIMIT:-230}"

T_ALL=$(now)

# The plugins (and plumbline-notify when it is built) where user nagios can reach them.
PL=$WORK/plugins
mkdir -m 755 "$PL"
for p in "$PLUGINS"/check_*; do
	case $p in *.o | *.c | *.1) continue ;; esac
	[ -f "$p" ] && [ -x "$p" ] && install -m 755 "$p" "$PL/"
done
NOTIFY=stand-in
if [ -x "$PLUGINS/plumbline-notify" ] && [ -f "$CONTRIB/icinga2/plumbline-notify.conf" ]; then
	install -m 755 "$PLUGINS/plumbline-notify" "$PL/plumbline-notify"
	NOTIFY=real
fi
ln -s "$CHECK_NRPE" "$PL/check_nrpe"
ln -s /usr/lib/nagios/plugins/check_ping "$PL/check_ping"

FIX=$WORK/fixtures
mkdir -p "$FIX/hwmon" "$FIX/mdraid" "$FIX/log" "$FIX/backup"
if ! cp -R "$FIXTURES/hwmon/coretemp" "$FIX/hwmon/" ||
	! cp -R "$FIXTURES/mdraid/raid1-degraded" "$FIX/mdraid/" ||
	! cp "$FIXTURES/log/syslog" "$FIX/log/syslog"; then
	notok "fixtures hwmon/coretemp, mdraid/raid1-degraded, log/syslog in $FIXTURES"
	finish
fi
head -c 4096 /dev/urandom >"$FIX/backup/full-1.tar"
head -c 1024 /dev/urandom >"$FIX/backup/incr-1.tar"
touch -d "@$(($(date +%s) - 7200))" "$FIX/backup/full-1.tar"
touch -d "@$(($(date +%s) - 600))" "$FIX/backup/incr-1.tar"
INI=$FIX/plumbline.ini
printf '[check_hwmon]\nroot = %s\n' "$FIX/hwmon/coretemp" >"$INI"
chmod -R a+rX "$FIX"

# Icinga's include directory as installed, with plumbline's file in plugins-contrib.d as
# make install writes it (its @pkgdatadir@ is the scratch share/ here).
SHARE=$WORK/share/plumbline
mkdir -p "$SHARE/icinga2/policy"
cp "$CONTRIB/icinga2/plumbline.conf" "$SHARE/icinga2/"
cp "$CONTRIB"/icinga2/policy/*.conf "$SHARE/icinga2/policy/"
INC=$WORK/include
mkdir -p "$INC/plugins-contrib.d"
for e in /usr/share/icinga2/include/*; do
	[ "$(basename "$e")" = plugins-contrib.d ] || ln -s "$e" "$INC/"
done
for e in /usr/share/icinga2/include/plugins-contrib.d/*; do
	ln -s "$e" "$INC/plugins-contrib.d/"
done
sed "s#@pkgdatadir@#$WORK/share/plumbline#g" "$CONTRIB/icinga2/plugins-contrib.conf" \
	>"$INC/plugins-contrib.d/plumbline.conf"

# plumbline-notify's NotificationCommands, or stand-ins of the same names that post what
# the real one would be told (its environment) to the webhook URL the user's var names.
if [ "$NOTIFY" = real ]; then
	cp "$CONTRIB/icinga2/plumbline-notify.conf" "$SHARE/icinga2/plumbline-notify.conf"
else
	cat >"$PL/stand-in-notify" <<'EOF'
#!/bin/sh
# stand-in for plumbline-notify: the notification as JSON to the URL in $URL_FILE
url=$(cat "$URL_FILE") || exit 3
exec /usr/bin/python3 -c '
import json, os, sys, urllib.request
e = lambda k: os.environ.get("PLUMBLINE_" + k, "")
n = {"type": e("NOTIFICATION_TYPE"), "host": e("HOST_NAME"), "service": e("SERVICE_NAME"),
     "state": e("STATE"), "output": e("OUTPUT"), "role": e("ROLE"), "user": e("USER")}
body = json.dumps({"version": 1, "notification": n}).encode()
urllib.request.urlopen(urllib.request.Request(sys.argv[1], body,
    {"Content-Type": "application/json"}), timeout=10).read()
' "$url"
EOF
	chmod 755 "$PL/stand-in-notify"
	{
		echo "/* stand-ins: plumbline-notify is not built in this tree */"
		for kind in host service; do
			for ch in dingtalk wecom feishu slack webhook mail; do
				cat <<EOF
object NotificationCommand "plumbline-notify-$kind-$ch" {
	command = [ PluginDir + "/stand-in-notify" ]
	env = {
		URL_FILE = "\$plumbline_notify_webhook_url_file\$"
		PLUMBLINE_NOTIFICATION_TYPE = "\$notification.type\$"
		PLUMBLINE_USER = "\$user.name\$"
		PLUMBLINE_HOST_NAME = "\$host.name\$"
		PLUMBLINE_SERVICE_NAME = "\$service.name\$"
		PLUMBLINE_STATE = "\$$kind.state\$"
		PLUMBLINE_OUTPUT = "\$$kind.output\$"
		PLUMBLINE_ROLE = "\$plumbline_notify_role\$"
	}
}
EOF
			done
		done
	} >"$SHARE/icinga2/plumbline-notify.conf"
fi
echo "# notifications through: $NOTIFY plumbline-notify"

i2check() { # name, config file, extra args... -> rc; output in $WORK/NAME.validate
	local name=$1 conf=$2 d=$WORK/validate-$1
	shift 2
	mkdir -p "$d"
	icinga2 daemon -C -c "$conf" -DDataDir="$d" -DLogDir="$d" -DCacheDir="$d" -DSpoolDir="$d" \
		-DInitRunDir="$d" -DRunAsUser=root -DRunAsGroup=root -DIncludeConfDir="$INC" "$@" \
		>"$WORK/$name.validate" 2>&1
}
counted() { # name, type -> the number "daemon -C" instantiated
	sed -n "s/.*Instantiated \([0-9]*\) $2s\?\.\$/\1/p" "$WORK/$1.validate" | head -1
}
show_errors() {
	grep -E 'critical/|warning/' "$WORK/$1.validate" | head -8 | cut -c 27- | sed 's/^/# /'
}

########################################################################################
# 1. daemon -C over every shipped Icinga 2 file
########################################################################################
T0=$(now)
ITL_HEAD='const PluginDir = "'$PL'"
const PluginContribDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const NodeName = "master1"
const ZoneName = "master"
include <itl>
include <plugins>
include <plugins-contrib>'
# one Linux host that has everything the bundle watches
ALL_VARS='vars.os = "Linux"
	vars.physical = true
	vars.md_raid = true
	vars.units = [ "nginx.service", "postgresql@15-main.service" ]
	vars.syslog_file = "/var/log/syslog"
	vars.clamav = true
	vars.ids = true
	vars.plumbline_databases["main"] = {
		plumbline_db_conns_type = "pgsql"
		plumbline_db_conns_socket = "/var/run/postgresql"
		plumbline_customer_facing = true
	}
	vars.plumbline_backups["restic"] = {
		plumbline_backup_source = "restic"
		plumbline_backup_repo = "/srv/restic"
		plumbline_backup_password_file = "/etc/plumbline/restic.pw"
	}
	vars.plumbline_restore_drills["restic"] = { }
	vars.plumbline_urls["shop"] = { plumbline_url_url = "https://shop.example.com/" }'
cat >"$WORK/policy.conf" <<EOF
$ITL_HEAD
include_recursive "$SHARE/icinga2/policy"
object Host "everything" {
	check_command = "hostalive"
	address = "127.0.0.1"
	$ALL_VARS
}
object User "m" { import "plumbline-monitoring-user" }
object User "s" { import "plumbline-support-user" }
object User "g" { import "plumbline-management-user" }
object User "c" { import "plumbline-customer-service-user" }
EOF
if i2check policy "$WORK/policy.conf"; then
	ns=$(counted policy Service)
	nn=$(counted policy Notification)
	ncc=$(grep -c '^object CheckCommand "plumbline_' "$CONTRIB/icinga2/plumbline.conf")
	ok "icinga2 -C: ITL + include <plugins-contrib> (plumbline's file in plugins-contrib.d) + the policy bundle"
	# cpu memory disk-io network sensors raid processes 2x process- db-main firewall
	# antivirus ids journal-errors syslog-errors backup-restic restore-drill-restic url-shop
	# daily-inspection
	check "icinga2 -C policy: 19 services on a host with everything (got $ns)" '[ "$ns" = 19 ]'
	# 3 per service, customer service for db-main, 3 for the host (not customer-facing)
	check "icinga2 -C policy: 62 notifications: 3 roles per service, customer service for the two customer-facing ones, 3 for the host (got $nn)" \
		'[ "$nn" = 62 ]'
	nomatch=$(grep -c 'does not match anywhere' "$WORK/policy.validate")
	check "icinga2 -C policy: every apply rule matches on that host but host customer service ($nomatch warnings)" \
		'[ "$nomatch" = 1 ] && grep "does not match anywhere" "$WORK/policy.validate" | grep -q "plumbline-customer-service"'
	check "icinga2 -C policy: the $ncc plumbline CheckCommands beside the ITL's" \
		'[ "$(counted policy CheckCommand)" -gt "$ncc" ]'
else
	notok "icinga2 -C: ITL + include <plugins-contrib> + the policy bundle"
	show_errors policy
fi

cat >"$WORK/example.conf" <<EOF
$ITL_HEAD
include "$CONTRIB/icinga2/services.conf.example"
object Host "everything" {
	check_command = "hostalive"
	address = "127.0.0.1"
	$ALL_VARS
	vars.postgres = true
	vars.systemd = true
	vars.backup_server = true
}
EOF
if i2check example "$WORK/example.conf"; then
	ok "icinga2 -C: ITL + plugins-contrib + services.conf.example ($(counted example Service) services)"
else
	notok "icinga2 -C: ITL + plugins-contrib + services.conf.example"
	show_errors example
fi

# The distributed example as shipped: the master's zones.conf and zones.d, the global
# zone filled as its comment says.
EX=$CONTRIB/icinga2/distributed
DM=$WORK/dist-master
mkdir -p "$DM/zones.d/global-templates"
cp -R "$EX/master/zones.d/." "$DM/zones.d/"
cp "$SHARE/icinga2/plumbline.conf" "$SHARE/icinga2/plumbline-notify.conf" \
	"$SHARE"/icinga2/policy/*.conf "$DM/zones.d/global-templates/"
cat >"$DM/icinga2.conf" <<EOF
const PluginDir = "$PL"
const PluginContribDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const NodeName = "master1.example.com"
const ZoneName = "master"
include "$EX/master/zones.conf"
include <itl>
include <plugins>
include <plugins-contrib>
EOF
if i2check dist-master "$DM/icinga2.conf" -DZonesDir="$DM/zones.d"; then
	nz=$(counted dist-master Zone)
	ns=$(counted dist-master Service)
	ok "icinga2 -C: distributed example, master with its zones.d and the global zone ($nz zones, $ns services)"
	check "icinga2 -C distributed: 5 zones (master, dc2, two agents, global-templates)" '[ "$nz" = 5 ]'
	icinga2 object list --type Service --name 'db1.example.com!cpu' -DCacheDir="$WORK/validate-dist-master" \
		-DRunAsUser=root -DRunAsGroup=root >"$WORK/dist-obj.txt" 2>&1
	check "icinga2 -C distributed: db1's cpu runs on its agent, in the satellite zone" \
		'grep -q "command_endpoint = \"db1.example.com\"" "$WORK/dist-obj.txt" &&
		 grep -q "zone = \"dc2\"" "$WORK/dist-obj.txt"'
else
	notok "icinga2 -C: distributed example, master"
	show_errors dist-master
fi
# the same without the constant: the package's copy and the global zone's collide
grep -v '^const PlumblineCommandsInGlobalZone' "$EX/master/zones.conf" >"$DM/zones-noconst.conf"
sed "s#$EX/master/zones.conf#$DM/zones-noconst.conf#" "$DM/icinga2.conf" >"$DM/icinga2-noconst.conf"
i2check dist-noconst "$DM/icinga2-noconst.conf" -DZonesDir="$DM/zones.d"
check "icinga2 -C distributed without PlumblineCommandsInGlobalZone fails: the commands are defined twice" \
	'grep -q "re-defined: in $DM/zones.d/global-templates/plumbline" "$WORK/dist-noconst.validate"'
for node in satellite:sat1.example.com:dc2 agent:web1.example.com:web1.example.com; do
	kind=${node%%:*}
	rest=${node#*:}
	cat >"$WORK/dist-$kind.conf" <<EOF
const PluginDir = "$PL"
const PluginContribDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const NodeName = "${rest%%:*}"
const ZoneName = "${rest#*:}"
include "$EX/$kind/zones.conf"
include <itl>
include <plugins>
include <plugins-contrib>
EOF
	mkdir -p "$WORK/dist-$kind-zones"
	if i2check "dist-$kind" "$WORK/dist-$kind.conf" -DZonesDir="$WORK/dist-$kind-zones"; then
		ok "icinga2 -C: distributed example, $kind zones.conf ($(counted "dist-$kind" Zone) zones)"
	else
		notok "icinga2 -C: distributed example, $kind zones.conf"
		show_errors "dist-$kind"
	fi
done
# every built plugin has its CheckCommand, Nagios command and NRPE line, and every
# argument of every CheckCommand says what it is (the ITL's style)
for p in "$PL"/check_*; do
	n=$(basename "$p")
	[ -L "$p" ] && continue
	check "$n: a CheckCommand, a Nagios command and an NRPE line" \
		'grep -q "PluginDir + \"/$n\"" "$CONTRIB/icinga2/plumbline.conf" &&
		 grep -q "^[[:space:]]*command_line[[:space:]].*/$n\( \|\$\)" "$CONTRIB/nagios/commands.cfg" &&
		 grep -q "^command\[[a-z_]*\]=.*/$n\( \|\$\)" "$CONTRIB/nrpe/plumbline.cfg"'
done
nodesc=$(/usr/bin/python3 - "$CONTRIB/icinga2/plumbline.conf" <<'EOF'
import re, sys
s = open(sys.argv[1]).read()
bad = []
for m in re.finditer(r'^\t\t"(-[^"]+)" = (.*)$', s, re.M):
    if not m.group(2).rstrip().endswith("{"):
        bad.append(m.group(1))
for m in re.finditer(r'^\t\t"(-[^"]+)" = \{\n(.*?)^\t\t\}', s, re.M | re.S):
    if "description" not in m.group(2):
        bad.append(m.group(1))
print(" ".join(bad))
EOF
)
check "icinga2: every argument of every CheckCommand has a description (${nodesc:-all})" '[ -z "$nodesc" ]'
echo "# icinga2 -C: $(since "$T0")s"

########################################################################################
# 2./3. master + agent, the policy on both, the escalation chain
########################################################################################
T0=$(now)
W=$WORK/i2c
P1=$(free_port) || { notok "no free port"; finish; }
P2=$(free_port) || { notok "no free port"; finish; }
[ "$P1" = "$P2" ] && P2=$(free_port)
RP=$(free_port) || { notok "no free port"; finish; }
for n in master agent; do
	mkdir -p "$W/$n"/{etc,lib/certs,log,cache,spool/tmp,run,state}
	chmod 700 "$W/$n/state"
done
mkdir -p "$W/master/zones.d/master" "$W/master/zones.d/global-templates" "$W/agent/zones.d"
# the agent's own copy of the plugins: its PluginDir differs from the master's, so the
# argv in a result says where it ran
APL=$W/agent/plugins
mkdir -m 755 "$APL"
for p in "$PL"/check_*; do install -m 755 "$p" "$APL/"; done
I2PW=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
IM=(-DDataDir="$W/master/lib" -DRunAsUser=root -DRunAsGroup=root)
(icinga2 pki new-ca "${IM[@]}" &&
	for n in master agent; do
		icinga2 pki new-cert "${IM[@]}" --cn "${n}1" --key "$W/$n/lib/certs/${n}1.key" \
			--csr "$W/$n/lib/certs/${n}1.csr" &&
			icinga2 pki sign-csr "${IM[@]}" --csr "$W/$n/lib/certs/${n}1.csr" \
				--cert "$W/$n/lib/certs/${n}1.crt" &&
			cp "$W/master/lib/ca/ca.crt" "$W/$n/lib/certs/ca.crt" || exit 1
	done) >"$W/pki.out" 2>&1 || { notok "icinga2 pki: CA and two certificates"; sed 's/^/# /' "$W/pki.out"; }
echo "# icinga2 pki: $(since "$T0")s"

# the global zone, as the distributed example says
cp "$SHARE/icinga2/plumbline.conf" "$SHARE/icinga2/plumbline-notify.conf" \
	"$SHARE"/icinga2/policy/*.conf "$W/master/zones.d/global-templates/"

cat >"$W/master/etc/icinga2.conf" <<EOF
const PluginDir = "$PL"
const NodeName = "master1"
const ZoneName = "master"
const PlumblineCommandsInGlobalZone = true
object Endpoint "master1" { }
object Endpoint "agent1" { host = "127.0.0.1"; port = $P2 }
object Zone "master" { endpoints = [ "master1" ] }
object Zone "agent1" { endpoints = [ "agent1" ]; parent = "master" }
object Zone "global-templates" { global = true }
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = $P1
	accept_config = false
	accept_commands = false
}
object ApiUser "test" { password = "$I2PW"; permissions = [ "*" ] }
object CheckerComponent "checker" { }
object NotificationComponent "notification" { }
object FileLogger "main-log" { severity = "information"; path = LogDir + "/icinga2.log" }
/* what make install puts in plugins-contrib.d: stands aside (the global zone has them) */
include "$INC/plugins-contrib.d/plumbline.conf"
EOF
cat >"$W/agent/etc/icinga2.conf" <<EOF
const PluginDir = "$APL"
const NodeName = "agent1"
const ZoneName = "agent1"
const PlumblineCommandsInGlobalZone = true
object Endpoint "master1" { host = "127.0.0.1"; port = $P1 }
object Endpoint "agent1" { }
object Zone "master" { endpoints = [ "master1" ] }
object Zone "agent1" { endpoints = [ "agent1" ]; parent = "master" }
object Zone "global-templates" { global = true }
object ApiListener "api" {
	bind_host = "127.0.0.1"
	bind_port = $P2
	accept_config = true
	accept_commands = true
}
object FileLogger "main-log" { severity = "information"; path = LogDir + "/icinga2.log" }
include "$INC/plugins-contrib.d/plumbline.conf"
EOF

mkdir -m 700 "$W/urls"
for u in mon1 sup1 mgmt1 cs1; do
	echo "http://127.0.0.1:$RP/$u" >"$W/urls/$u"
	chmod 600 "$W/urls/$u"
done
user_obj() { # name, template
	cat <<EOF
object User "$1" {
	import "$2"
	vars.plumbline_notify_webhook_url_file = "$W/urls/$1"
	vars.plumbline_notify_journal = "$W/notify-journal.jsonl"
	vars.plumbline_notify_timeout = 10
	vars.plumbline_notify_retries = 1
}
EOF
}
CHANNELS='vars.plumbline_monitoring_channel = "webhook"
	vars.plumbline_support_channel = "webhook"
	vars.plumbline_management_channel = "webhook"
	vars.plumbline_customer_service_channel = "webhook"'
{
	cat <<EOF
object CheckCommand "pl-true" { command = [ "/bin/true" ] }
/* the fixture plugins, and --root where the CheckCommand has no var for it */
object CheckCommand "pl-mdraid-fixture" {
	import "plumbline_mdraid"
	arguments += { "--root" = "$FIX/mdraid/raid1-degraded" }
}

/* The policy on the master's own host: its checks run here */
object Host "localhost" {
	check_command = "pl-true"
	vars.os = "Linux"
	vars.syslog_file = "$FIX/log/syslog"
	vars.ids = true
	vars.plumbline_ids = {
		plumbline_ids_eve = [ "$W/no-suricata/eve.json" ]
		plumbline_ids_auth_log = [ "$FIX/log/syslog" ]
		plumbline_ids_fail2ban_sudo = false
	}
	vars.plumbline_databases["api"] = {
		plumbline_db_conns_type = "socket"
		plumbline_db_conns_port = $P1
		plumbline_db_conns_limit = 1000
	}
	vars.plumbline_urls["receiver"] = {
		plumbline_url_url = "http://127.0.0.1:$RP/"
		plumbline_url_expect = "501"
	}
	vars.plumbline_restore_drills["journal"] = {
		plumbline_restore_drill_journal = "$W/no-drill.journal"
	}
	vars.plumbline_backups["files"] = {
		plumbline_backup_source = "files"
		plumbline_backup_path = [ "$FIX/backup/full-*.tar", "$FIX/backup/incr-*.tar" ]
		plumbline_backup_class = [ "full=name:full-*", "incremental=name:incr-*" ]
	}
	$CHANNELS
}
object Service "hwmon-fixture" {
	import "plumbline-hardware"
	host_name = "localhost"
	check_command = "plumbline_hwmon"
	vars.plumbline_extra_opts = "@$INI"
}
object Service "mdraid-fixture" {
	import "plumbline-hardware"
	host_name = "localhost"
	check_command = "pl-mdraid-fixture"
}
object Service "antivirus" {
	import "plumbline-security"
	host_name = "localhost"
	check_command = "plumbline_antivirus"
	vars.plumbline_antivirus_socket = "$W/no-clamd.sock"
	vars.plumbline_antivirus_database_dir = "$W/no-clamav-db"
}
object Service "log-fixture" {
	import "plumbline-logs"
	host_name = "localhost"
	check_command = "plumbline_log_errors"
	vars.plumbline_log_errors_file = [ "$FIX/log/syslog" ]
	vars.plumbline_log_errors_critical_regex = [ "EXT4-fs error|Out of memory" ]
	vars.plumbline_log_errors_from_start = true
	vars.plumbline_log_errors_hold = "1h"
}

/* The policy on a host with an agent: every check runs on agent1 */
object Host "agent1" {
	check_command = "pl-true"
	vars.os = "Linux"
	vars.agent_endpoint = "agent1"
	$CHANNELS
}
object Service "hwmon-fixture" {
	import "plumbline-hardware"
	host_name = "agent1"
	check_command = "plumbline_hwmon"
	command_endpoint = "agent1"
	vars.plumbline_extra_opts = "@$INI"
}

/* The escalation chain: passive services, short delays */
object Host "esc" {
	check_command = "pl-true"
	$CHANNELS
	vars.plumbline_monitoring_interval = 0
	vars.plumbline_support_after = 2s
	vars.plumbline_support_interval = 0
	vars.plumbline_management_after = 8s
	vars.plumbline_customer_service_after = 2s
}
object Service "esc-a" {
	import "plumbline-service"
	host_name = "esc"
	check_command = "pl-true"
	enable_active_checks = false
	max_check_attempts = 1
	vars.plumbline_customer_facing = true
}
object Service "esc-b" {
	import "plumbline-service"
	host_name = "esc"
	check_command = "pl-true"
	enable_active_checks = false
	max_check_attempts = 1
}
EOF
	user_obj mon1 plumbline-monitoring-user
	user_obj sup1 plumbline-support-user
	user_obj mgmt1 plumbline-management-user
	user_obj cs1 plumbline-customer-service-user
} >"$W/master/zones.d/master/objects.conf"

# the webhook receiver: one JSON line per request (arrival time, path, body)
cat >"$W/receiver.py" <<'EOF'
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log = open(sys.argv[2], "a", buffering=1)
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        log.write(json.dumps({"t": time.time(), "path": self.path, "body": body}) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok":true}')
    def log_message(self, *a):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
RECV=$W/received.jsonl
: >"$RECV"
setsid /usr/bin/python3 "$W/receiver.py" "$RP" "$RECV" >"$W/receiver.out" 2>&1 </dev/null &
DAEMONS="$DAEMONS $!"

for n in master agent; do
	cat >"$W/$n/run.sh" <<EOF
#!/bin/sh
PLUMBLINE_STATE_DIR=$W/$n/state exec /usr/sbin/icinga2 daemon -c $W/$n/etc/icinga2.conf \\
	-DDataDir=$W/$n/lib -DLogDir=$W/$n/log -DCacheDir=$W/$n/cache -DSpoolDir=$W/$n/spool \\
	-DInitRunDir=$W/$n/run -DZonesDir=$W/$n/zones.d -DRunAsUser=root -DRunAsGroup=root "\$@"
EOF
	chmod 755 "$W/$n/run.sh"
done
api() { i2_api "$P1" "$@"; } # path [curl args...]
post() { api "actions/$1" -X POST -d "$2"; }

m_valid=no
if "$W/master/run.sh" -C >"$W/master.validate" 2>&1; then
	ok "icinga2 master -C: the global zone (commands, policy, notification commands) + the master zone, plugins-contrib.d's copy standing aside"
	m_valid=yes
else
	notok "icinga2 master -C"
	grep -E 'critical/' "$W/master.validate" | head -8 | cut -c 27- | sed 's/^/# /'
fi
if [ "$m_valid" = yes ]; then
	T1=$(now)
	T_START=$(date +%s)
	setsid "$W/agent/run.sh" >"$W/agent/daemon.out" 2>&1 </dev/null &
	AGENT_PID=$!
	DAEMONS="$DAEMONS $AGENT_PID"
	setsid "$W/master/run.sh" >"$W/master/daemon.out" 2>&1 </dev/null &
	MASTER_PID=$!
	DAEMONS="$DAEMONS $MASTER_PID"
	wait_listen "$P1" "$MASTER_PID" 15 || notok "icinga2 master: the API listens on 127.0.0.1:$P1"
	echo "# icinga2: master API up after $(since "$T1")s"

	# 3. the escalation chain first (its delays run while the checks below are made)
	F='"type": "Service", "filter": "host.name == \"esc\" && service.name == \"esc-a\""'
	G='"type": "Service", "filter": "host.name == \"esc\" && service.name == \"esc-b\""'
	T_CRIT=$(now)
	post process-check-result "{$F, \"exit_status\": 2, \"plugin_output\": \"esc-a down for the test\"}" >/dev/null
	post process-check-result "{$G, \"exit_status\": 2, \"plugin_output\": \"esc-b down for the test\"}" >/dev/null
	sleep 0.5
	post acknowledge-problem "{$G, \"author\": \"tester\", \"comment\": \"on it\", \"notify\": true}" \
		>"$W/ack.json"
	check "icinga2: esc-b acknowledged through the API" 'grep -q "\"code\":200" "$W/ack.json"'

	# 2. every service of the policy now, on both hosts (again until each has a result
	# from this run: the agent's first ones fail while it takes the global zone)
	deadline=$((SECONDS + 60))
	while :; do
		api 'objects/services?attrs=name&attrs=host_name&attrs=last_check_result' \
			>"$W/results.json" 2>/dev/null
		pending=$(jq -r --argjson t "$T_START" '[.results[].attrs
			| select(.host_name == "localhost" or .host_name == "agent1")
			| select(.last_check_result == null or .last_check_result.execution_end < $t
			  or (.last_check_result.output | test("does not exist|not connected")))
			| .host_name + "!" + .name] | join(" ")' "$W/results.json" 2>/dev/null) ||
			pending="(no answer)"
		[ -z "$pending" ] && break
		if [ $SECONDS -ge $deadline ]; then
			notok "icinga2: a result for every policy service within 60s (missing: $pending)"
			break
		fi
		post reschedule-check '{"type": "Service", "force": true,
			"filter": "host.name == \"localhost\" || host.name == \"agent1\""}' >/dev/null 2>&1
		sleep 1
	done
	echo "# icinga2: every policy result after $(since "$T1")s"

	# Each result against a direct run of the argv Icinga ran (on this machine: the
	# agent is local), parsed the way Icinga parses plugin output.
	cat >"$W/compare.py" <<'EOF'
import json, os, re, shlex, subprocess, sys
res = json.load(open(sys.argv[1]))
exact = set(sys.argv[2].split())
live = set(sys.argv[4].split())
def split_perf(s):
    try:
        return shlex.split(s)
    except ValueError:
        return s.split()
def icinga_parse(text):
    # first line: output|perf; then long output up to a line with '|', perf after it
    lines = text.rstrip("\n").split("\n")
    first, _, perf = lines[0].partition("|")
    out, long_perf, in_perf = [first.rstrip()], [], False
    for l in lines[1:]:
        if in_perf:
            long_perf.append(l)
        elif "|" in l:
            a, _, b = l.partition("|")
            out.append(a)
            long_perf.append(b)
            in_perf = True
        else:
            out.append(l)
    p = split_perf(perf) + [x for l in long_perf for x in split_perf(l)]
    return "\n".join(out).rstrip(), p
def tidy(s):
    # Icinga keeps the blank before the plugin's " | " on the first line
    return "\n".join(l.rstrip() for l in s.split("\n")).rstrip()
def norm(s):
    # numbers with their units: 0B/s and 21.6KiB/s, 1ms and 143us are alike
    return re.sub(r"[0-9]+(\.[0-9]+)?[A-Za-z%/]*", "#", s)
def labels(p):
    return sorted(x.split("=", 1)[0].strip("'") for x in p)
for r in res["results"]:
    a = r["attrs"]
    h = a["host_name"]
    if h not in ("localhost", "agent1"):
        continue
    cr = a["last_check_result"]
    key = h + "!" + a["name"]
    if not cr or not isinstance(cr.get("command"), list):
        print("SKIP\t%s\tno command (%s)" % (key, cr and cr.get("output", "")[:60]))
        continue
    argv = [str(x) for x in cr["command"]]
    node = "agent" if h == "agent1" else "master"
    env = dict(os.environ, PLUMBLINE_STATE_DIR=sys.argv[3] + "/" + node + "/state", LC_NUMERIC="C")
    why = ""
    for attempt in range(3):
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        st = p.returncode if 0 <= p.returncode <= 3 else 3
        out, perf = icinga_parse(p.stdout.decode("utf-8", "replace"))
        out = tidy(out)
        iout = tidy(cr["output"])
        iperf = cr["performance_data"] or []
        if a["name"] in exact:
            same = st == cr["state"] and out == iout and perf == iperf
            why = "exact"
        elif a["name"] in live:
            # what changes from one moment to the next (process and connection counts,
            # the engine's own children as zombies for a moment, the CPU rates of the
            # first run): the plugin's name in the status, a judged state, the labels
            word = lambda o: o.split(" ")[0]
            drop = {"cpu"}
            same = (st <= 2 and cr["state"] <= 2 and word(out) == word(iout)
                    and set(labels(perf)) - drop == set(labels(iperf)) - drop)
            why = "status word, a judged state, perfdata labels"
        else:
            same = (st == cr["state"] and norm(out.split("\n")[0]) == norm(iout.split("\n")[0])
                    and labels(perf) == labels(iperf))
            why = "state, first line but numbers, perfdata labels"
        if same:
            break
    print("%s\t%s\t%s\t%s\t%s\t%s\t%s" % ("SAME" if same else "DIFF", key, cr.get("check_source"),
          next((x for x in argv if "/check_" in x), argv[0]), cr["state"], why, iout.split("\n")[0][:70]))
    if not same:
        print("#   icinga: state %s %r perf %r" % (cr["state"], iout[:300], iperf[:8]))
        print("#   direct: state %s %r perf %r" % (st, out[:300], perf[:8]))
EOF
	/usr/bin/python3 "$W/compare.py" "$W/results.json" "hwmon-fixture mdraid-fixture antivirus" "$W" \
		"cpu disk-io network processes db-api" \
		>"$W/compare.out" 2>&1
	grep '^#' "$W/compare.out"
	while IFS=$'\t' read -r verdict key src argv0 st why line; do
		case $verdict in
		SAME | DIFF) ;;
		SKIP) echo "# $key: $src"; continue ;;
		*) continue ;;
		esac
		check "icinga2 $key (state $st, on $src): the API's result matches a direct run ($why): \"$line\"" \
			'[ "$verdict" = SAME ]'
		if [ "${key%%!*}" = agent1 ]; then
			check "icinga2 $key ran on the agent (check_source $src, $argv0)" \
				'[ "$src" = agent1 ] && [[ "$argv0" == "$APL/"* ]]'
		fi
	done <"$W/compare.out"
	nl=$(grep -c $'^\(SAME\|DIFF\)\tlocalhost!' "$W/compare.out")
	na=$(grep -c $'^\(SAME\|DIFF\)\tagent1!' "$W/compare.out")
	# cpu memory disk-io network processes firewall journal-errors syslog-errors db-api
	# backup-files restore-drill-journal url-receiver ids + 4 fixture services; on agent1
	# the first 7 + hwmon-fixture
	check "icinga2: 17 plugin results on the master's host, 8 from the agent (got $nl, $na)" \
		'[ "$nl" = 17 ] && [ "$na" = 8 ]'
	fx=$(jq -r '.results[].attrs | select(.host_name == "agent1" and .name == "hwmon-fixture")
		| .last_check_result.output' "$W/results.json" | head -1 | sed 's/ *$//')
	check "icinga2 agent1!hwmon-fixture: the agent read the ini file's fixture: \"$fx\"" \
		'[ "$fx" = "HWMON OK - 8 sensors, hottest coretemp Package id 0 48C (max 100C)" ]'
	check "icinga2 agent: received the global zone (the CheckCommands in lib/api/zones)" \
		'grep -q "object CheckCommand \"plumbline_cpu\"" "$W/agent/lib/api/zones/global-templates/_etc/plumbline.conf"'

	# 3. (continued) wait for management's escalation of esc-a, then the recovery
	got() { # user, service, type regex -> arrival times after the CRITICAL, one per line
		/usr/bin/python3 - "$RECV" "$1" "$2" "$3" "$T_CRIT" <<'EOF'
import json, re, sys
recv, user, svc, typ, t0 = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
# plumbline-notify's generic webhook payload: {"version": 1, "notification": {"type",
# "host", "service", "state", "output", "role", ...}, "title", "text"}
for l in open(recv):
    r = json.loads(l)
    if r["path"] != "/" + user:
        continue
    try:
        n = json.loads(r["body"])["notification"]
    except (ValueError, KeyError, TypeError):
        print("# not a webhook payload: %r" % r["body"][:200], file=sys.stderr)
        continue
    if n.get("service") != svc or not re.fullmatch(typ, n.get("type", ""), re.I):
        continue
    print("%.2f" % (r["t"] - t0))
EOF
	}
	deadline=$((SECONDS + 25))
	until [ -n "$(got mgmt1 esc-a problem)" ] || [ $SECONDS -ge $deadline ]; do sleep 0.5; done
	sleep 1
	t=$(got mon1 esc-a problem | head -1)
	check "escalation: the monitoring group at once (mon1, esc-a PROBLEM after ${t:-never}s)" \
		'[ -n "$t" ] && awk -v t="$t" "BEGIN { exit !(t < 2) }"'
	t=$(got mon1 esc-b problem | head -1)
	check "escalation: the monitoring group at once for the other one too (esc-b after ${t:-never}s)" \
		'[ -n "$t" ] && awk -v t="$t" "BEGIN { exit !(t < 2) }"'
	t=$(got mon1 esc-b acknowledgement | head -1)
	check "escalation: the monitoring group hears of the acknowledgement (esc-b after ${t:-never}s)" \
		'[ -n "$t" ]'
	t=$(got sup1 esc-a problem | head -1)
	check "escalation: technical support after the 2 s delay, not acknowledged (esc-a after ${t:-never}s)" \
		'[ -n "$t" ] && awk -v t="$t" "BEGIN { exit !(t >= 2 && t < 12) }"'
	t=$(got cs1 esc-a problem | head -1)
	check "escalation: customer service for the customer-facing service after 2 s (esc-a after ${t:-never}s)" \
		'[ -n "$t" ] && awk -v t="$t" "BEGIN { exit !(t >= 2 && t < 12) }"'
	t=$(got mgmt1 esc-a problem | head -1)
	check "escalation: management when it lasts longer, after 8 s (esc-a after ${t:-never}s)" \
		'[ -n "$t" ] && awk -v t="$t" "BEGIN { exit !(t >= 8 && t < 20) }"'
	n=$( (got sup1 esc-b ".*"; got mgmt1 esc-b ".*"; got cs1 esc-b ".*") | wc -l)
	check "escalation: nothing to support, management or customer service for the service acknowledged in time ($n)" \
		'[ "$n" = 0 ]'
	n=$(got mon1 esc-a problem | wc -l)
	check "escalation: no reminder with plumbline_monitoring_interval = 0 ($n PROBLEM to mon1)" '[ "$n" = 1 ]'
	post process-check-result "{$F, \"exit_status\": 0, \"plugin_output\": \"esc-a back\"}" >/dev/null
	deadline=$((SECONDS + 10))
	until [ "$( (got mon1 esc-a recovery; got sup1 esc-a recovery; got mgmt1 esc-a recovery
		got cs1 esc-a recovery) | wc -l)" -ge 4 ] || [ $SECONDS -ge $deadline ]; do sleep 0.3; done
	for u in mon1 sup1 mgmt1 cs1; do
		t=$(got "$u" esc-a recovery | head -1)
		check "escalation: $u, who had the problem, gets the recovery (${t:-never}s)" '[ -n "$t" ]'
	done
	if [ "$NOTIFY" = real ]; then
		check "plumbline-notify journal: every notification sent is recorded" \
			'[ "$(grep -c . "$W/notify-journal.jsonl" 2>/dev/null)" -ge "$(grep -c . "$RECV")" ]'
	fi
	crit=$(grep -c 'critical/' "$W/master/log/icinga2.log" 2>/dev/null)
	# the agent connects after the master tried it: one "Cannot connect" is normal
	crit=$(grep 'critical/' "$W/master/log/icinga2.log" | grep -vc 'Cannot connect to host\|ApiListener')
	check "icinga2 master: no critical in the log but the first connection attempt ($crit)" '[ "$crit" = 0 ]'
	[ "$crit" = 0 ] || grep 'critical/' "$W/master/log/icinga2.log" | grep -v 'Cannot connect' |
		head -5 | cut -c 27- | sed 's/^/# /'
	T2=$(now)
	stop_daemons
	echo "# icinga2: stopped in $(since "$T2")s"
	# the receiver was stopped with the daemons
fi
echo "# icinga2 cluster + escalation: $(since "$T0")s"

########################################################################################
# 4. NRPE with the shipped command lines
########################################################################################
T0=$(now)
N=$WORK/nrpe
mkdir -p "$N/out"
# a random free port (5666 may be another test's NRPE in a parallel make check)
# what the plugin itself printed and returned, beside what NRPE carried
cat >"$PL/tee-plugin" <<'EOF'
#!/bin/sh
# tee-plugin NAME PLUGIN ARGS...: run the plugin, keep its stdout and exit code
d=$(dirname "$0")/../nrpe/out
name=$1
shift
"$@" >"$d/$name.out"
rc=$?
echo "$rc" >"$d/$name.rc"
cat "$d/$name.out"
exit "$rc"
EOF
chmod 755 "$PL/tee-plugin"
{
	nrpe_cfg_head "$N" 0
	# the shipped lines, run through tee-plugin; and each again in the compact form
	grep '^command\[' "$CONTRIB/nrpe/plumbline.cfg" |
		sed -e "s#/usr/bin/sudo -n ##" -e "s#/usr/lib/nagios/plugins/#$PL/#" |
		while IFS= read -r line; do
			name=${line#command[}
			name=${name%%]*}
			rest=${line#*]=}
			echo "command[$name]=$PL/tee-plugin $name $rest"
			echo "command[${name}_compact]=$PL/tee-plugin ${name}_compact $rest --output-format=one-line"
		done
} >"$N/nrpe.cfg"
NCMD=$(grep -c '^command\[plumbline_' "$CONTRIB/nrpe/plumbline.cfg")
chown -R nagios:nagios "$N"
# the port is free when chosen, but may be taken before nrpe binds it: a second try
for try in 1 2; do
	NRPE_PORT=$(free_port) || { notok "nrpe: no free port"; finish; }
	sed -i "s/^server_port=.*/server_port=$NRPE_PORT/" "$N/nrpe.cfg"
	setsid nrpe -c "$N/nrpe.cfg" -f >"$N/nrpe.out" 2>&1 </dev/null &
	NRPE_PID=$!
	DAEMONS="$DAEMONS $NRPE_PID"
	wait_listen "$NRPE_PORT" "$NRPE_PID" 10 && break
done
if ss -Hltnp "sport = :$NRPE_PORT" | grep -q "pid=$NRPE_PID,"; then
	for cmd in $(grep -o '^command\[plumbline_[a-z_]*\]' "$CONTRIB/nrpe/plumbline.cfg" |
		sed 's/^command\[//; s/\]$//'); do
		"$CHECK_NRPE" -H 127.0.0.1 -p "$NRPE_PORT" -t 15 -c "$cmd" >"$N/$cmd.nrpe" 2>&1
		rc=$?
		prc=$(cat "$N/out/$cmd.rc" 2>/dev/null)
		# check_nrpe prints what it received and a newline
		check "nrpe $cmd: output and exit code ($rc) arrive as the plugin gave them ($(wc -c <"$N/out/$cmd.out" 2>/dev/null) bytes): \"$(head -c 50 "$N/$cmd.nrpe" | head -1)...\"" \
			'[ "$rc" = "$prc" ] && cmp -s "$N/$cmd.nrpe" <(cat "$N/out/$cmd.out"; [ -n "$(tail -c 1 "$N/out/$cmd.out")" ] && echo)'
		"$CHECK_NRPE" -2 -H 127.0.0.1 -p "$NRPE_PORT" -t 15 -c "${cmd}_compact" >"$N/$cmd.v2" 2>&1
		rc=$?
		prc=$(cat "$N/out/${cmd}_compact.rc" 2>/dev/null)
		len=$(wc -c <"$N/out/${cmd}_compact.out" 2>/dev/null)
		lines=$(grep -c . "$N/out/${cmd}_compact.out" 2>/dev/null)
		check "nrpe v2 ${cmd} --output-format=one-line: $len bytes in $lines line, whole within 1023, rc $rc: \"$(head -c 50 "$N/$cmd.v2")...\"" \
			'[ "$rc" = "$prc" ] && [ "$len" -le 1023 ] && [ "$lines" -le 1 ] &&
			 cmp -s "$N/$cmd.v2" <(cat "$N/out/${cmd}_compact.out"; [ -n "$(tail -c 1 "$N/out/${cmd}_compact.out")" ] && echo)'
	done
	ncalled=$(find "$N/out" -name '*_compact.rc' | wc -l)
	check "nrpe: every shipped command called twice ($NCMD commands, $ncalled compact)" '[ "$ncalled" = "$NCMD" ]'
else
	notok "nrpe listens on 127.0.0.1:$NRPE_PORT"
	tail -5 "$N/nrpe.out" | sed 's/^/# /'
fi
echo "# nrpe: $(since "$T0")s"

########################################################################################
# 5. Nagios 4 with the shipped definitions and the policy
########################################################################################
T0=$(now)
G=$WORK/n4
mkdir -p "$G"/{etc,var/rw,var/spool/checkresults,var/state,log}
chmod 700 "$G/var/state"
echo "\$USER1\$=$PL" >"$G/etc/resource.cfg"
for f in commands.cfg notify.cfg policy.cfg contacts.cfg.example; do
	if [ -f "$CONTRIB/nagios/$f" ]; then
		cp "$CONTRIB/nagios/$f" "$G/etc/$f"
	else
		notok "nagios: contrib/nagios/$f is shipped"
	fi
done
cat >"$G/etc/local.cfg" <<EOF
define host {
	use		plumbline-linux-host
	host_name	localhost
	address		127.0.0.1
}
define service {
	use			plumbline-hardware
	host_name		localhost
	service_description	mem-direct
	check_command		plumbline_mem!85!95
	check_interval		1
}
define service {
	use			plumbline-hardware
	host_name		localhost
	service_description	hwmon-fixture
	check_command		plumbline_hwmon!--root $FIX/hwmon/coretemp
}
EOF
{
	cat <<EOF
log_file=$G/log/nagios.log
resource_file=$G/etc/resource.cfg
EOF
	for f in commands.cfg notify.cfg policy.cfg contacts.cfg.example local.cfg; do
		echo "cfg_file=$G/etc/$f"
	done
	cat <<EOF
$(nagios_cfg_common "$G")
status_update_interval=1
check_external_commands=1
service_check_timeout=15
enable_notifications=0
enable_environment_macros=1
EOF
} >"$G/etc/nagios.cfg"
chown -R nagios:nagios "$G"
chmod -R a+rX "$G/etc"
if nagios4 -v "$G/etc/nagios.cfg" >"$G/verify.out" 2>&1; then
	w=$(sed -n 's/^Total Warnings: *//p' "$G/verify.out")
	nesc=$(sed -n 's/^[[:space:]]*Checked \([0-9]*\) service escalations.*/\1/p' "$G/verify.out")
	check "nagios4 -v: commands.cfg, notify.cfg, policy.cfg, contacts example ($w warnings, $nesc service escalations)" \
		'[ "$w" = 0 ] && [ "$nesc" -gt 0 ]'
	[ "$w" = 0 ] || grep -i '^warning' "$G/verify.out" | head -5 | sed 's/^/# /'
	n4_valid=yes
else
	notok "nagios4 -v: commands.cfg, notify.cfg, policy.cfg, contacts example"
	grep -iE 'error|warning' "$G/verify.out" | head -10 | sed 's/^/# /'
	n4_valid=no
fi
if [ "$n4_valid" = yes ]; then
	(cd "$G" && PLUMBLINE_STATE_DIR=$G/var/state exec setsid nagios4 "$G/etc/nagios.cfg" \
		>"$G/daemon.out" 2>&1 </dev/null) &
	DAEMONS="$DAEMONS $!"
	# interval_length is 60 here (the shipped one): force the two direct checks now
	sleep 1
	for s in mem-direct hwmon-fixture; do
		printf '[%s] SCHEDULE_FORCED_SVC_CHECK;localhost;%s;%s\n' "$(date +%s)" "$s" "$(date +%s)" \
			>"$G/var/rw/nagios.cmd"
	done
	statusdat() { # description -> "checked<TAB>state<TAB>output<TAB>perfdata"
		awk -F= -v want="$1" '/^servicestatus \{/ { s = 1; d = c = st = o = p = ""; next }
			s && /^\t}/ { if (d == want) print c "\t" st "\t" o "\t" p; s = 0; next }
			s { k = $1; sub(/^\t/, "", k); v = substr($0, index($0, "=") + 1)
				if (k == "service_description") d = v
				else if (k == "has_been_checked") c = v
				else if (k == "current_state") st = v
				else if (k == "plugin_output") o = v
				else if (k == "performance_data") p = v }' "$G/var/status.dat" 2>/dev/null
	}
	deadline=$((SECONDS + 20))
	until [ "$(statusdat hwmon-fixture | cut -f1)" = 1 ] && [ "$(statusdat mem-direct | cut -f1)" = 1 ] ||
		[ $SECONDS -ge $deadline ]; do
		sleep 0.5
	done
	row=$(statusdat hwmon-fixture)
	check "nagios4 hwmon-fixture (policy template) round-trips to status.dat: \"$(cut -f3 <<<"$row")\"" \
		'[ "$(cut -f2 <<<"$row")" = 0 ] && [ "$(cut -f3 <<<"$row" | sed "s/ *$//")" = "HWMON OK - 8 sensors, hottest coretemp Package id 0 48C (max 100C)" ] &&
		 [[ "$(cut -f4 <<<"$row")" == *temp_coretemp_package_id_0=48\;* ]]'
	row=$(statusdat mem-direct)
	check "nagios4 mem-direct: state $(cut -f2 <<<"$row"), \"$(cut -f3 <<<"$row" | head -c 60)...\"" \
		'[[ "$(cut -f2 <<<"$row")" =~ ^[012]$ && "$(cut -f3 <<<"$row")" == "MEM "* &&
		   "$(cut -f4 <<<"$row")" == *"used_pct="*";85;95;"* ]]'
	nsvc=$(grep -c '^servicestatus {' "$G/var/status.dat" 2>/dev/null)
	check "nagios4: the policy's NRPE services exist on the host of plumbline-linux ($nsvc services in status.dat)" \
		'[ "$nsvc" -ge 9 ]'
fi
stop_daemons
echo "# nagios4: $(since "$T0")s"
echo "# total: $(since "$T_ALL")s"
finish
