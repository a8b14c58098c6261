#!/bin/bash
# The Debian packages (debian/, README.md "Debian packages"), end to end on this machine:
# built twice from a clean copy of the tree (HEAD plus uncommitted changes of tracked
# files: git stash create), the second with a higher version; lintian without errors or
# warnings beyond the overrides; the first build installed, upgraded to the second,
# reinstalled; the layout checked (plugins, man pages, Icinga 2 include, examples,
# sudoers conffile, state directory nagios 0700, units not enabled); every installed
# plugin run as nagios through a real NRPE daemon (the installed example command lines,
# included as they are), and a zh_CN status line through it from the installed
# catalog; removed, purged, and nothing of it left. Restores the machine (purge) on any
# exit. Needs root; run once by tests/run-all.sh (not by make check).
set -u
. "$(dirname "$0")/../env.sh"

PKGS="plumbline-common plumbline-plugins-basic plumbline-plugins-standard
plumbline-plugins-systemd plumbline-plugins-pgsql plumbline-plugins-mysql plumbline-notify"
PLUGDIR=/usr/lib/nagios/plugins
EX=/usr/share/doc/plumbline-common/examples
CHECK_NRPE=$PLUGDIR/check_nrpe

[ "$(id -u)" -eq 0 ] || { echo "debian: needs root (installs packages); skipped"; exit 77; }
for t in dpkg-buildpackage lintian nrpe "$CHECK_NRPE" git visudo runuser ss; do
	command -v "$t" >/dev/null 2>&1 || { echo "debian: no $t; skipped"; exit 77; }
done
git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1 ||
	{ echo "debian: $top_srcdir is not a git clone; skipped"; exit 77; }
for p in $PKGS; do
	if dpkg -s "$p" >/dev/null 2>&1; then
		echo "debian: $p is installed on this machine; not touching it (skipped)"
		exit 77
	fi
done

W=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-deb.XXXXXX") || exit 99
chmod 755 "$W"
NRPE_PID=""
WATCHDOG=""
cleanup() {
	[ -n "$NRPE_PID" ] && kill "$NRPE_PID" 2>/dev/null
	[ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
	# shellcheck disable=SC2086
	dpkg --purge $PKGS >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# Two full package builds (configure and make each) dominate: ~3 min on 2 idle cores.
watchdog 900

# The directories the packages write to: what they hold now, to compare after the purge.
WATCH="/etc/sudoers.d /etc/plumbline /usr/lib/nagios/plugins /usr/libexec/plumbline
/usr/share/plumbline /usr/share/icinga2/include/plugins-contrib.d /usr/share/doc
/usr/share/man/man1 /usr/lib/tmpfiles.d /usr/lib/systemd/system /lib/systemd/system
/etc/systemd/system /var/lib/plumbline"
snapshot() {
	# shellcheck disable=SC2086
	find $WATCH -xdev 2>/dev/null | sort
}
snapshot >"$W/before.list"

# 1. Two builds from a clean copy: the "previous" one with version V~prev1, then V.
rev=$(git -C "$top_srcdir" stash create 2>/dev/null)
[ -n "$rev" ] || rev=HEAD
build() { # dir, version suffix
	mkdir -p "$W/$1"
	git -C "$top_srcdir" archive --prefix=plumbline/ "$rev" | tar -xf - -C "$W/$1" ||
		return 1
	if [ -n "$2" ]; then
		sed -i "1s/^plumbline (\([^)]*\))/plumbline (\1$2)/" "$W/$1/plumbline/debian/changelog"
	fi
	(cd "$W/$1/plumbline" &&
		DEB_BUILD_OPTIONS="noautodbgsym parallel=$(nproc)" \
			dpkg-buildpackage -us -uc -b >"$W/$1/build.log" 2>&1)
}
t0=$(date +%s)
if ! build prev "~prev1" || ! build cur ""; then
	notok "dpkg-buildpackage -us -uc -b failed: $(tail -n 15 "$W"/*/build.log)"
	finish
fi
ok "dpkg-buildpackage -us -uc -b, twice ($(($(date +%s) - t0))s)"
VER=$(dpkg-parsechangelog -l "$W/cur/plumbline/debian/changelog" -S Version)
debs() { # dir: the .deb files of a build
	for p in $PKGS; do
		ls "$W/$1/${p}_"*.deb
	done
}
check "every package built (${VER}): $(debs cur | wc -l) of 7" '[ "$(debs cur 2>/dev/null | wc -l)" -eq 7 ]'
check "the previous build has the lower version" \
	'dpkg --compare-versions "$(dpkg-deb -f "$(debs prev | head -n 1)" Version)" lt "$VER"'

# 2. lintian: no E: or W: tag (the overrides in debian/*.lintian-overrides say why).
TMPDIR=$W lintian --pedantic -I "$W/cur/plumbline_${VER}_"*.changes >"$W/lintian.out" 2>&1
tags=$(grep -E '^[EW]: ' "$W/lintian.out")
check "lintian: no error or warning${tags:+: $tags}" '[ -z "$tags" ]'
grep -E '^[IP]: ' "$W/lintian.out" | sed 's/^/# lintian: /'

# What the packages' dependencies name, split as links.sh says.
dep() { dpkg-deb -f "$W/cur/$1_${VER}_"*.deb Depends; }
check "plumbline-plugins-basic depends on libc alone ($(dep plumbline-plugins-basic))" \
	'! dep plumbline-plugins-basic | grep -E -q "libcurl|libssl|libjson|libpq|libmariadb|libsystemd"'
check "plumbline-plugins-pgsql pulls in libpq, not libmariadb" \
	'dep plumbline-plugins-pgsql | grep -q libpq5 && ! dep plumbline-plugins-pgsql | grep -q libmariadb'
check "plumbline-plugins-mysql pulls in libmariadb, not libpq" \
	'dep plumbline-plugins-mysql | grep -q libmariadb && ! dep plumbline-plugins-mysql | grep -q libpq'

# 3. Install the previous build, then upgrade, then reinstall.
inst() { # dir
	# shellcheck disable=SC2046
	dpkg -i $(debs "$1") >"$W/dpkg.out" 2>&1 || { tail -n 20 "$W/dpkg.out"; return 1; }
}
installed_ver() { dpkg-query -W -f='${Version}' plumbline-common 2>/dev/null; }
check "dpkg -i of the previous build" 'inst prev'
check "the state directory /var/lib/plumbline is nagios:nagios 0700" \
	'[ "$(stat -c "%U:%G %a" /var/lib/plumbline 2>/dev/null)" = "nagios:nagios 700" ]'
runuser -u nagios -- sh -c 'echo kept >/var/lib/plumbline/upgrade-marker'
check "upgrade to $VER (dpkg -i)" 'inst cur && [ "$(installed_ver)" = "$VER" ]'
check "the state directory keeps its files across the upgrade" \
	'[ "$(cat /var/lib/plumbline/upgrade-marker 2>/dev/null)" = kept ]'
rm -f /var/lib/plumbline/upgrade-marker
check "reinstall of $VER (dpkg -i again)" 'inst cur && [ "$(installed_ver)" = "$VER" ]'
check "dpkg --audit finds nothing half-installed" '[ -z "$(dpkg --audit 2>&1)" ]'

# 4. The layout.
ours=""
for p in $PKGS; do
	ours="$ours $(dpkg -L "$p" | grep "^$PLUGDIR/." | xargs -r -n 1 basename)"
done
n=0
nman=0
for b in $ours; do
	n=$((n + 1))
	[ -f "/usr/share/man/man1/$b.1.gz" ] && nman=$((nman + 1))
done
check "plugins installed in $PLUGDIR: $n (13 checks and plumbline-notify)" '[ "$n" -ge 14 ]'
check "a man page for each in /usr/share/man/man1 ($nman of $n)" '[ "$nman" -eq "$n" ]'
check "check_db_conns' backends in /usr/libexec/plumbline" \
	'[ -x /usr/libexec/plumbline/db_conns_pgsql ] && [ -x /usr/libexec/plumbline/db_conns_mysql ]'
check "Icinga 2's plugins-contrib.d/plumbline.conf" \
	'[ -f /usr/share/icinga2/include/plugins-contrib.d/plumbline.conf ]'
check "the NRPE and Nagios examples in $EX" \
	'[ -f "$EX/nrpe/plumbline.cfg" ] && [ -f "$EX/nagios/contacts.cfg.example" ]'
check "/etc/sudoers.d/plumbline: root 0440, a conffile, visudo -c accepts the whole config" \
	'[ "$(stat -c "%U %a" /etc/sudoers.d/plumbline)" = "root 440" ] &&
	 dpkg-query -W -f="\${Conffiles}" plumbline-common | grep -q /etc/sudoers.d/plumbline &&
	 visudo -c >/dev/null 2>&1'
check "nagios may run check_firewall through sudo -n" \
	'runuser -u nagios -- sudo -n -l $PLUGDIR/check_firewall >/dev/null 2>&1'
check "the restore drill's service and timer installed, not enabled" \
	'[ -f /usr/lib/systemd/system/plumbline-restore-drill.timer ] &&
	 [ ! -e /etc/systemd/system/timers.target.wants/plumbline-restore-drill.timer ]'
if command -v icinga2 >/dev/null 2>&1; then
	D=$W/i2
	mkdir -p "$D"/{lib,log,cache,spool,run}
	# The constants the stock /etc/icinga2/constants.conf defines: the ITL's
	# command-plugins-manubulon.conf and plugins-contrib.d/*.conf (included next to our
	# plumbline.conf by include <plugins-contrib>) refer to them.
	cat >"$D/icinga2.conf" <<'EOF'
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
const NodeName = "debian-test"
const ZoneName = "debian-test"
include <itl>
include <plugins>
include <plugins-contrib>
object Host "h1" { check_command = "dummy" }
object Service "cpu" { host_name = "h1"; check_command = "plumbline_cpu" }
object Service "url" { host_name = "h1"; check_command = "plumbline_url" }
EOF
	check "icinga2 daemon -C finds plumbline_cpu and plumbline_url through include <plugins-contrib>" \
		'icinga2 daemon -C -c "$D/icinga2.conf" -DDataDir="$D/lib" -DLogDir="$D/log" \
			-DCacheDir="$D/cache" -DSpoolDir="$D/spool" -DInitRunDir="$D/run" \
			-DRunAsUser=root -DRunAsGroup=root >"$D/out" 2>&1 || { tail -n 5 "$D/out"; false; }'
fi

# 5. Every installed program as nagios through a real NRPE daemon: the installed example
# command lines included as they are, plus lines for what they do not call.
N=$W/nrpe
mkdir -p "$N"
chown nagios "$N"
PORT=$(free_port) || { notok "no free port"; finish; }
cat >"$N/nrpe.cfg" <<EOF
log_file=$N/nrpe.log
disable_syslog=1
pid_file=$N/nrpe.pid
server_address=127.0.0.1
server_port=$PORT
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
command_timeout=20
include=$EX/nrpe/plumbline.cfg
command[t_db_pgsql]=$PLUGDIR/check_db_conns --type pgsql --host 127.0.0.1 --port $PORT -t 5
command[t_db_mysql]=$PLUGDIR/check_db_conns --type mysql --host 127.0.0.1 --port $PORT -t 5
command[t_notify]=$PLUGDIR/plumbline-notify --version
command[t_whoami]=/usr/bin/id -un
command[t_zh]=$PLUGDIR/check_mem --language zh_CN
command[t_inspect]=$PLUGDIR/plumbline-inspect --checks $N/checks.list -t 25
EOF
# The daily inspection over a list of two installed plugins.
printf 'command[cpu]=%s/check_cpu\ncommand[mem]=%s/check_mem\n' "$PLUGDIR" "$PLUGDIR" \
	>"$N/checks.list"
touch "$N/nrpe.log"
chown nagios "$N/nrpe.log"
setsid nrpe -c "$N/nrpe.cfg" -f >"$N/nrpe.out" 2>&1 </dev/null &
NRPE_PID=$!
for _ in $(seq 50); do
	ss -Hltn "sport = :$PORT" | grep -q . && break
	sleep 0.1
done
check "nrpe listens on 127.0.0.1:$PORT" '"$CHECK_NRPE" -H 127.0.0.1 -p "$PORT" | grep -q "^NRPE v"'
check "commands run as nagios" \
	'[ "$("$CHECK_NRPE" -H 127.0.0.1 -p "$PORT" -c t_whoami)" = nagios ]'
cmds=$(sed -n 's/^command\[\([^]]*\)\]=.*/\1/p' "$EX/nrpe/plumbline.cfg" "$N/nrpe.cfg" |
	grep -v -x t_whoami)
ran=""
for c in $cmds; do
	out=$("$CHECK_NRPE" -H 127.0.0.1 -p "$PORT" -t 30 -c "$c" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | head -n 1)
	prog=$(sed -n "s#^command\[$c\]=\(/usr/bin/sudo -n \)\{0,1\}$PLUGDIR/\([^ ]*\).*#\2#p" \
		"$EX/nrpe/plumbline.cfg" "$N/nrpe.cfg" | head -n 1)
	case "$c:$line" in
	t_notify:"plumbline-notify $VER" | t_notify:"plumbline-notify ${VER%%[~+]*}")
		good=yes ;;
	*:NRPE:* | *:CHECK_NRPE* | *:) good=no ;;
	*" OK - "* | *" WARNING - "* | *" CRITICAL - "* | *" UNKNOWN - "*)
		[ "$rc" -le 3 ] && good=yes || good=no ;;
	*) good=no ;;
	esac
	if [ "$good" = yes ]; then
		ok "nrpe $c ($prog): rc $rc, $(printf '%.100s' "$line")"
		ran="$ran $prog"
	else
		notok "nrpe $c ($prog): rc $rc, '$line'"
	fi
done
# The installed catalog (/usr/share/locale), chosen by the option as NRPE clears LANG.
zh=$("$CHECK_NRPE" -H 127.0.0.1 -p "$PORT" -c t_zh 2>&1 | head -n 1)
check "a zh_CN status line arrives intact through NRPE: $(printf '%.60s' "${zh%% | *}")" \
	'printf "%s\n" "$zh" | grep -Eq "^MEM (OK|WARNING|CRITICAL) - 已用 [0-9.]+% " &&
	 printf "%s" "$zh" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1'
missing=""
for b in $ours; do
	case " $ran " in *" $b "*) ;; *) missing="$missing $b" ;; esac
done
check "every installed program ran through NRPE${missing:+ (not:$missing)}" '[ -z "$missing" ]'
nuid=$(id -u nagios)
check "the checks keep their state in /var/lib/plumbline/plumbline-$nuid" \
	'[ -d "/var/lib/plumbline/plumbline-$nuid" ] &&
	 [ "$(stat -c %U "/var/lib/plumbline/plumbline-$nuid")" = nagios ]'
kill "$NRPE_PID" 2>/dev/null
wait "$NRPE_PID" 2>/dev/null
NRPE_PID=""

# 6. Remove keeps the conffile and the state; purge takes everything.
# shellcheck disable=SC2086
check "dpkg --remove of all" 'dpkg --remove $PKGS >"$W/dpkg.out" 2>&1 || { cat "$W/dpkg.out"; false; }'
check "after remove: the sudoers conffile and the state directory stay" \
	'[ -f /etc/sudoers.d/plumbline ] && [ -d /var/lib/plumbline ]'
check "after remove: no plugin of ours in $PLUGDIR" \
	'for b in $ours; do [ ! -e "$PLUGDIR/$b" ] || exit 1; done'
# shellcheck disable=SC2086
check "dpkg --purge of all" 'dpkg --purge $PKGS >"$W/dpkg.out" 2>&1 || { cat "$W/dpkg.out"; false; }'
left=""
for p in $PKGS; do
	if dpkg -s "$p" >/dev/null 2>&1 || dpkg -L "$p" >/dev/null 2>&1; then
		left="$left $p"
	fi
done
check "after purge: dpkg knows none of the packages${left:+ (still:$left)}" '[ -z "$left" ]'
check "after purge: /var/lib/plumbline is gone" '[ ! -e /var/lib/plumbline ]'
snapshot >"$W/after.list"
diffs=$(diff "$W/before.list" "$W/after.list" | grep '^[<>]' | head -n 10)
check "after purge: the watched directories hold what they held before${diffs:+: $diffs}" \
	'[ -z "$diffs" ]'
check "user nagios stays" 'getent passwd nagios >/dev/null'
finish
