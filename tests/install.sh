#!/bin/sh
# The install layout (README.md, "Install layout"): "make install DESTDIR=D" of this build
# tree puts exactly the plugins in the plugin directory, their man pages in the man
# directory, check_db_conns' backends in the package's libexec directory and the engine
# configs in their places (the Icinga 2 CheckCommands in plugins-contrib.d, the policy
# bundles in the package's data directory, the rest as examples under the doc directory),
# nothing else anywhere; the plugins look for the option file in the configuration
# directory and say so in --help and the man page; "make uninstall" takes it all away
# again. A build configured without directory options must have the layout of a
# distribution package: /usr/lib/nagios/plugins, /usr/share/man, /etc/plumbline.
# "make check" passes the configured directories (PL_PREFIX, PL_PLUGINDIR,
# PL_PKGLIBEXECDIR, PL_MANDIR, PL_SYSCONFDIR, PL_ICINGA2_CONTRIBDIR, PL_PKGDATADIR,
# PL_DOCDIR, PL_LOCALEDIR) and MAKE.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$(dirname "$0")/env.sh"
: "${top_builddir:?run through make check (needs top_builddir)}"
MAKE=${MAKE:-make}
for v in PL_PREFIX PL_PLUGINDIR PL_PKGLIBEXECDIR PL_MANDIR PL_SYSCONFDIR PL_ICINGA2_CONTRIBDIR \
	PL_PKGDATADIR PL_DOCDIR PL_LOCALEDIR; do
	eval "[ -n \"\${$v:-}\" ]" || { echo "install: $v not set; run through make check"; exit 77; }
done

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
notok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

D=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-install.XXXXXX") || exit 99
trap 'rm -rf "$D"' EXIT

# The configure arguments of this build: without any directory option the defaults apply.
args=$("$top_builddir/config.status" --config 2>/dev/null)
case "$args" in
*--prefix* | *--exec-prefix* | *--with-plugindir* | *--mandir* | *--datarootdir* | \
	*--sysconfdir*)
	echo "# directories given to configure ($args): the defaults are not checked"
	;;
*)
	check "default plugin directory is /usr/lib/nagios/plugins ($PL_PLUGINDIR)" \
		'[ "$PL_PLUGINDIR" = /usr/lib/nagios/plugins ]'
	check "default man directory is /usr/share/man ($PL_MANDIR)" \
		'[ "$PL_MANDIR" = /usr/share/man ]'
	check "default configuration directory is /etc ($PL_SYSCONFDIR)" \
		'[ "$PL_SYSCONFDIR" = /etc ]'
	check "default Icinga 2 CheckCommand directory is Debian's plugins-contrib.d ($PL_ICINGA2_CONTRIBDIR)" \
		'[ "$PL_ICINGA2_CONTRIBDIR" = /usr/share/icinga2/include/plugins-contrib.d ]'
	;;
esac

# The build's own make, without the jobserver of the make that runs the tests.
if ! MAKEFLAGS= MFLAGS= $MAKE -s -C "$top_builddir" install DESTDIR="$D" >"$D.log" 2>&1; then
	notok "make install DESTDIR=... failed: $(tail -n 5 "$D.log")"
	rm -f "$D.log"
	echo "$passed passed, $failed failed"
	exit 1
fi
rm -f "$D.log"

expected=""
names=""
for p in "$PLUGINS"/check_*; do
	[ -x "$p" ] && [ -f "$p" ] || continue
	case "$p" in *.o | *.1 | *.c) continue ;; esac
	n=$(basename "$p")
	names="$names $n"
	expected="$expected
$PL_PLUGINDIR/$n
$PL_MANDIR/man1/$n.1"
done
# plumbline-notify, the notification command, beside the plugins (where Icinga 2's
# PluginDir and Nagios' $USER1$ point), with its man page; it reads no option file.
if [ -x "$PLUGINS/plumbline-notify" ]; then
	expected="$expected
$PL_PLUGINDIR/plumbline-notify
$PL_MANDIR/man1/plumbline-notify.1"
fi
# plumbline-report, the fault reports and the review, a program for people: in the PATH
# ($PL_PREFIX/bin), with its man page.
expected="$expected
$PL_PREFIX/bin/plumbline-report
$PL_MANDIR/man1/plumbline-report.1"
# plumbline-status, the status page for customers, in the PATH too, with its man page,
# its systemd service and timer (not enabled) and the example catalogue.
expected="$expected
$PL_PREFIX/bin/plumbline-status
$PL_MANDIR/man1/plumbline-status.1
$PL_PREFIX/lib/systemd/system/plumbline-status.service
$PL_PREFIX/lib/systemd/system/plumbline-status.timer
$PL_DOCDIR/examples/status/status.services"
# plumbline-inspect, the daily inspection report, beside the plugins, with its man page;
# its systemd service and timer (not enabled), the cron file and the check list among the
# examples.
expected="$expected
$PL_PLUGINDIR/plumbline-inspect
$PL_MANDIR/man1/plumbline-inspect.1
$PL_PREFIX/lib/systemd/system/plumbline-inspect.service
$PL_PREFIX/lib/systemd/system/plumbline-inspect.timer
$PL_DOCDIR/examples/cron.d/plumbline-inspect
$PL_DOCDIR/examples/inspect/checks.list"
# check_db_conns' backends and plumbline-inspect's Icinga 2 part, beside no plugin: in
# the package's libexec directory
for p in "$PLUGINS"/db_conns_* "$PLUGINS"/inspect_* "$PLUGINS"/status_*; do
	[ -x "$p" ] && [ -f "$p" ] || continue
	case "$p" in *.o) continue ;; esac
	expected="$expected
$PL_PKGLIBEXECDIR/$(basename "$p")"
done
# The engine configs: Icinga 2's CheckCommands where "include <plugins-contrib>" finds
# them, the policy bundles in the package's data directory, the rest as examples.
for f in $PL_ICINGA2_CONTRIBDIR/plumbline.conf \
	$PL_PKGDATADIR/icinga2/plumbline.conf $PL_PKGDATADIR/icinga2/plumbline-notify.conf \
	$PL_PKGDATADIR/icinga2/policy/timeperiods.conf $PL_PKGDATADIR/icinga2/policy/users.conf \
	$PL_PKGDATADIR/icinga2/policy/templates.conf $PL_PKGDATADIR/icinga2/policy/services.conf \
	$PL_PKGDATADIR/icinga2/policy/notifications.conf \
	$PL_DOCDIR/examples/icinga2/services.conf.example \
	$PL_DOCDIR/examples/icinga2/distributed/master/zones.conf \
	$PL_DOCDIR/examples/icinga2/distributed/master/zones.d/master/hosts.conf \
	$PL_DOCDIR/examples/icinga2/distributed/master/zones.d/dc2/hosts.conf \
	$PL_DOCDIR/examples/icinga2/distributed/satellite/zones.conf \
	$PL_DOCDIR/examples/icinga2/distributed/agent/zones.conf \
	$PL_PKGDATADIR/nagios/commands.cfg $PL_PKGDATADIR/nagios/notify.cfg \
	$PL_PKGDATADIR/nagios/policy.cfg $PL_DOCDIR/examples/nagios/contacts.cfg.example \
	$PL_DOCDIR/examples/nrpe/plumbline.cfg \
	$PL_DOCDIR/examples/sudoers.d/plumbline; do
	expected="$expected
$f"
done
# The translated messages (README.md, "Language").
expected="$expected
$PL_LOCALEDIR/zh_CN/LC_MESSAGES/plumbline.mo"
# The restore drill's job, beside its plugin: the systemd units (not enabled) and the
# cron file and the drill.ini they read among the examples.
if [ -x "$PLUGINS/check_restore_drill" ]; then
	expected="$expected
$PL_PREFIX/lib/systemd/system/plumbline-restore-drill.service
$PL_PREFIX/lib/systemd/system/plumbline-restore-drill.timer
$PL_DOCDIR/examples/cron.d/plumbline-restore-drill
$PL_DOCDIR/examples/plumbline/drill.ini"
fi
exp_list=$(printf '%s\n' "$expected" | sed '/^$/d' | sort)
got_list=$(cd "$D" && find . ! -type d | sed 's#^\.##' | sort)
check "make install puts the plugins in $PL_PLUGINDIR, their man pages in $PL_MANDIR/man1, the engine configs in $PL_ICINGA2_CONTRIBDIR, $PL_PKGDATADIR and $PL_DOCDIR/examples, nothing else" \
	'[ "$got_list" = "$exp_list" ]'
[ "$got_list" = "$exp_list" ] || {
	printf '# expected:\n%s\n# installed:\n%s\n' "$exp_list" "$got_list" | sed 's/^/#   /'
}

ini=$PL_SYSCONFDIR/plumbline/plumbline.ini
for n in $names; do
	f=$D$PL_PLUGINDIR/$n
	m=$D$PL_MANDIR/man1/$n.1
	[ -f "$f" ] || continue
	mode=$(stat -c %a "$f")
	check "$n installed executable by all, writable by its owner only (mode $mode)" \
		'[ "$mode" = 755 ]'
	help=$("$f" --help 2>&1)
	check "installed $n --help names the option file $ini" \
		'printf "%s" "$help" | tr -s " \n" "  " | grep -qF "$ini"'
	[ -f "$m" ] || continue
	check "$n.1 is a man page naming $n and the option file" \
		'head -n 5 "$m" | grep -q "^\.TH" && grep -q "$n" "$m" && tr -d "\\\\" <"$m" | grep -qF "$ini"'
done

# The file in plugins-contrib.d loads the package's commands by their installed path
# (unless a global zone carries them); the installed configs name the plugin directory.
w=$D$PL_ICINGA2_CONTRIBDIR/plumbline.conf
check "plugins-contrib.d/plumbline.conf includes $PL_PKGDATADIR/icinga2/plumbline.conf and plumbline-notify.conf" \
	'grep -qF "include \"$PL_PKGDATADIR/icinga2/plumbline.conf\"" "$w" &&
	 grep -qF "include \"$PL_PKGDATADIR/icinga2/plumbline-notify.conf\"" "$w" &&
	 grep -q "PlumblineCommandsInGlobalZone" "$w"'
c=$D$PL_PKGDATADIR/icinga2/plumbline.conf
if [ "$PL_PLUGINDIR" = /usr/lib/nagios/plugins ]; then
	check "installed plumbline.conf looks plugins up in PluginDir" \
		'grep -q "PluginDir + \"/check_cpu\"" "$c"'
else
	check "installed plumbline.conf and plumbline-notify.conf name the plugin directory $PL_PLUGINDIR" \
		'grep -qF "\"$PL_PLUGINDIR/check_cpu\"" "$c" && ! grep -q "PluginDir + \"/" "$c" &&
		 ! grep -q "PluginDir + \"/" "$D$PL_PKGDATADIR/icinga2/plumbline-notify.conf"'
fi
check "installed NRPE example runs the plugins from $PL_PLUGINDIR" \
	'grep -q "^command\[plumbline_cpu\]=$PL_PLUGINDIR/check_cpu " "$D$PL_DOCDIR/examples/nrpe/plumbline.cfg"'
check "installed sudoers example names $PL_PLUGINDIR/check_firewall" \
	'grep -q "NOPASSWD: $PL_PLUGINDIR/check_firewall\$" "$D$PL_DOCDIR/examples/sudoers.d/plumbline"'

if MAKEFLAGS= MFLAGS= $MAKE -s -C "$top_builddir" uninstall DESTDIR="$D" >/dev/null 2>&1; then
	left=$(cd "$D" && find . ! -type d)
	check "make uninstall DESTDIR=... leaves no file behind" '[ -z "$left" ]'
else
	notok "make uninstall DESTDIR=... failed"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
