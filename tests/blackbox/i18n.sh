#!/bin/sh
# Simplified Chinese status lines (README.md, "Language"), exact, for check_mem,
# check_cpu, check_disk_io, check_mdraid, check_hwmon, check_net, check_process,
# check_db_conns, check_url (usage errors; its states: integration/http.sh),
# check_log_errors, check_ids, check_firewall and check_antivirus (usage errors; their
# states: integration/firewall.sh and antivirus.sh), check_backup_age (on files and
# tar archives; restic's and borg's states: integration/backup.sh), check_restore_drill
# (its journal and tar drills; restic and borg: integration/drill.sh),
# plumbline-inspect, plumbline-report (also their HTML reports) and
# plumbline-notify in
# each state, chosen each way: LANG=zh_CN.UTF-8 (a locale this host need not have
# generated), --language zh_CN, "language = zh_CN" in the --extra-opts file, always in an
# empty environment (env -i, as NRPE runs plugins). Then what must not change: the service
# name, the state word, the perfdata and the JSON keys are those of the English run;
# LC_ALL=C and --language C give English; LANGUAGE alone under the C locale does not
# switch (gettext's rule); a malformed --language is a usage error; the --help text is
# Chinese, wrapped within 79 columns, and --man stays English. The catalog comes from this
# build tree (PLUMBLINE_LOCALEDIR, set by make check).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$(dirname "$0")/../env.sh"
: "${PLUMBLINE_LOCALEDIR:=$PLUGINS/../po/locale}"
[ -f "$PLUMBLINE_LOCALEDIR/zh_CN/LC_MESSAGES/plumbline.mo" ] ||
	{ echo "i18n: no zh_CN catalog in $PLUMBLINE_LOCALEDIR; skipped"; exit 77; }
F=$FIXTURES
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-i18n.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
mkdir -m 700 "$tmp/state"

# run VAR=VALUE... PLUGIN ARGS...: in an empty environment; out, first, rc.
run() {
	out=$(env -i PLUMBLINE_LOCALEDIR="$PLUMBLINE_LOCALEDIR" PLUMBLINE_STATE_DIR="$tmp/state" \
		"$@" 2>&1)
	rc=$?
	first=$(printf '%s\n' "$out" | head -n 1)
}
# line NAME RC TEXT: the exit code and the status line up to its perfdata.
line() {
	got=${first%% | *}
	if [ "$rc" = "$2" ] && [ "$got" = "$3" ]; then
		ok "$1"
	else
		notok "$1: exit $rc, '$got', want exit $2, '$3'"
	fi
}
P=$PLUGINS
printf '[check_mem]\nlanguage = zh_CN\n' >"$tmp/zh.ini"

# check_mem
run LANG=zh_CN.UTF-8 "$P/check_mem" --root "$F/mem/debian12"
line "check_mem OK, LANG=zh_CN.UTF-8" 0 'MEM OK - 已用 1.3% (307.6MiB, 共 23.5GiB), 无交换空间'
run "$P/check_mem" --root "$F/mem/swap-in-use" -w 10 -c 50 --language zh_CN
line "check_mem WARNING, --language zh_CN" 1 \
	'MEM WARNING - 已用 13% (警告: 超过 10%) (1.64GiB, 共 12.6GiB), 交换空间已用 4.2%'
run "$P/check_mem" --extra-opts="@$tmp/zh.ini" --root "$F/mem/swap-in-use" -w 5 -c 10
line "check_mem CRITICAL, language = zh_CN in the option file" 2 \
	'MEM CRITICAL - 已用 13% (严重: 超过 10%) (1.64GiB, 共 12.6GiB), 交换空间已用 4.2%'
check "check_mem CRITICAL: the long output in Chinese" \
	'printf "%s\n" "$out" | grep -qx "交换空间: 已用 41MiB, 共 976MiB"'
run LANG=zh_CN.UTF-8 "$P/check_mem" --root "$F/mem/broken-empty"
line "check_mem UNKNOWN (an empty meminfo), LANG" 3 \
	'MEM UNKNOWN - /proc/meminfo: 没有 MemTotal 行(文件为空?)'
run "$P/check_mem" --root "$F/mem/debian12" --bogus --language zh_CN
line "check_mem usage error, --language after it" 3 'MEM UNKNOWN - --bogus: 未知选项'
check "the usage lines in Chinese" \
	'printf "%s\n" "$out" | grep -q "^用法: check_mem " &&
	 printf "%s\n" "$out" | grep -qx "运行 '\''check_mem --help'\'' 查看选项。"'

# check_cpu (since boot: --interval 0)
run LANG=zh_CN.UTF-8 "$P/check_cpu" --root "$F/cpu/debian12-2cpu/t0" --interval 0
line "check_cpu OK, LANG" 0 'CPU OK - 繁忙 6.8% (用户 3.4%, 系统 3.3%, iowait 0.8%), 最忙 cpu1 9.2%'
run "$P/check_cpu" --root "$F/cpu/debian12-2cpu/t0" --interval 0 --language zh_CN -w 5 -c 50
line "check_cpu WARNING, --language" 1 \
	'CPU WARNING - 繁忙 6.8% (警告: 超过 5%) (用户 3.4%, 系统 3.3%, iowait 0.8%), 最忙 cpu1 9.2%'
run LANG=zh_CN.UTF-8 "$P/check_cpu" --root "$F/cpu/debian12-2cpu/t0" --interval 0 -w 2 -c 5
line "check_cpu CRITICAL, LANG" 2 \
	'CPU CRITICAL - 繁忙 6.8% (严重: 超过 5%) (用户 3.4%, 系统 3.3%, iowait 0.8%), 最忙 cpu1 9.2%'
run "$P/check_cpu" --root "$F/cpu/broken-empty" --interval 0 --language zh_CN
line "check_cpu UNKNOWN (an empty /proc/stat), --language" 3 \
	"CPU UNKNOWN - /proc/stat: 没有汇总 'cpu' 行(文件为空或被截断?)"

# check_disk_io (rates between two snapshots, one state key each)
dio() { # key, args...: t0 then t1 with the arguments
	k=$1
	shift
	run "$P/check_disk_io" --root "$F/diskio/virtio/t0" --interval 0 --state-key "$k"
	run "$P/check_disk_io" --root "$F/diskio/virtio/t1" --interval 0 --state-key "$k" "$@"
}
dio ok --language zh_CN
line "check_disk_io OK, --language" 0 'DISK_IO OK - vda 利用率 0.9% (读 1.51MiB/s, 写 109.2KiB/s, 等待 702us)'
dio warn --language zh_CN -w 0.5 -c 5
line "check_disk_io WARNING, --language" 1 \
	'DISK_IO WARNING - vda 利用率 0.9% (警告: 超过 0.5%) (读 1.51MiB/s, 写 109.2KiB/s, 等待 702us)'
dio crit --language zh_CN -w 0.1 -c 0.5
line "check_disk_io CRITICAL, --language" 2 \
	'DISK_IO CRITICAL - vda 利用率 0.9% (严重: 超过 0.5%) (读 1.51MiB/s, 写 109.2KiB/s, 等待 702us)'
run LANG=zh_CN.UTF-8 "$P/check_disk_io" --root "$F/diskio/broken-garbage" --interval 0
line "check_disk_io UNKNOWN (a garbled diskstats), LANG" 3 \
	'DISK_IO UNKNOWN - /proc/diskstats: 第 9 行(vda): 第 3 个字段不是数字'
run "$P/check_disk_io" --root "$F/diskio/virtio/t1" --interval 0 --language zh_CN --include sdz
line "check_disk_io WARNING (a named device missing)" 1 'DISK_IO WARNING - sdz: 缺失 - 没有可报告的设备'

# check_mdraid
md() { run LANG=zh_CN.UTF-8 "$P/check_mdraid" --root "$F/mdraid/$1"; }
md raid1-healthy
line "check_mdraid OK, LANG" 0 'MDRAID OK - 2 个阵列: md127 raid1 [UU], md0 raid1 [UU]'
md raid5-recovering
line "check_mdraid WARNING (recovery), LANG" 1 \
	'MDRAID WARNING - md0: raid5 [UUU_] recovery 37.9%, 预计剩余 8h26m, 速度 156MiB/s'
md raid1-degraded
line "check_mdraid CRITICAL (a failed member), LANG" 2 \
	'MDRAID CRITICAL - md6: 故障成员 sdb2, md6: raid1 降级 [2/1] [U_]'
md broken-truncated
line "check_mdraid UNKNOWN (a cut mdstat), LANG" 3 \
	'MDRAID UNKNOWN - /proc/mdstat: 在第 4 行被截断(文件末尾没有换行): 阵列 md0: recovery 百分比错误'
md malformed-one
line "check_mdraid: one malformed array, its prefix taken off in Chinese too" 2 \
	'MDRAID CRITICAL - md6: 故障成员 sdb2, md6: raid1 降级 [2/1] [U_], md7: 在 /proc/mdstat 中格式错误, 第 7 行: recovery 百分比错误 - 2 个阵列'

# check_hwmon
hw() { run "$P/check_hwmon" --root "$F/hwmon/$1" --language zh_CN; }
hw coretemp
line "check_hwmon OK" 0 'HWMON OK - 8 个传感器, 最热 coretemp Package id 0 48C (max: 100C)'
hw fan-stopped
line "check_hwmon WARNING (a stopped fan)" 1 \
	'HWMON WARNING - fan_nct6775_fan2 0rpm (警告: 低于 300rpm) - 12 个传感器, 最热 nct6775 PECI Agent 0 47C'
hw crit-alarm
line "check_hwmon CRITICAL (cores over crit)" 2 \
	'HWMON CRITICAL - temp_coretemp_core_0 104C (严重: 超过 100C), temp_coretemp_core_1 105C (严重: 超过 100C), temp_coretemp_core_2 103C (严重: 超过 100C) (另有 1 项) - 5 个传感器, 最热 coretemp Package id 0 105C (严重: 超过 100C)'
hw broken-empty-value
line "check_hwmon UNKNOWN (nothing readable)" 3 \
	'HWMON UNKNOWN - 没有传感器可以读取(找到 1 个; acpitz temp1: temp1_input 为空)'

# check_net (rates between two snapshots, one state key each)
nt() { # dir, key, args...: t0 then t1 of the fixture with the arguments
	d=$1 k=$2
	shift 2
	run "$P/check_net" --root "$F/net/$d/t0" --interval 0 --state-key "$k" "$@"
	run "$P/check_net" --root "$F/net/$d/t1" --interval 0 --state-key "$k" "$@"
}
nt docker-host np --language zh_CN
line "check_net OK, --language" 0 \
	'NET OK - eth0 已连接 1Gbit/s: 接收 15.8Mbit/s (1.6%), 发送 1.76Mbit/s (0.2%)'
check "check_net OK: the long output in Chinese" \
	'printf "%s\n" "$out" | grep -qx "最近 10.02s 内, 检查了 1 个接口" &&
	 printf "%s\n" "$out" | grep -qx "作为虚拟接口未检查: vethf345468, lo, docker0(用 --include 指定它们)"'
nt laptop-wifi nw --language zh_CN
line "check_net WARNING (an unplugged NIC), --language" 1 \
	'NET WARNING - eth0: 断开(无载波) - wlan0 已连接: 接收 3.86Mbit/s, 发送 321.1kbit/s; 共 2 个接口'
nt hotplug nh --language zh_CN --expect-speed 1Gbit/s --expect-duplex full
line "check_net WARNING (half duplex, slow link), --language" 1 \
	'NET WARNING - eth1: 链路为 100Mbit/s 半双工, 期望至少 1Gbit/s 全双工 - eth0 已连接 1Gbit/s: 接收 10Mbit/s (1%), 发送 2Mbit/s (0.2%); 共 3 个接口'
run LANG=zh_CN.UTF-8 "$P/check_net" --root "$F/net/laptop-wifi/t1" --interval 0 --include eth0
line "check_net CRITICAL (a named NIC without carrier), LANG" 2 \
	'NET CRITICAL - eth0: 断开(无载波) - eth0 断开: 接收 744.2kbit/s, 发送 101.6kbit/s'
run "$P/check_net" --root "$F/net/docker-host/t1" --interval 0 --include eth7 --language zh_CN
line "check_net CRITICAL (a named NIC missing)" 2 'NET CRITICAL - eth7: 未找到'
run "$P/check_net" --root "$F/net/docker-host/t1" --interval 0 --speed =1Gbit/s --language zh_CN
line "check_net usage error" 3 "NET UNKNOWN - --speed: '=' 前的接口名为空"

# check_process (the fixture tree of tests/blackbox/process.cases). Its proc/self and
# exe links are symlinks, which "make dist" (tar -h) turns into copies or drops: there
# (make distcheck) these cases are skipped, as process.cases skips its own.
pr() { run "$P/check_process" --root "$F/process/host" "$@"; }
if [ -L "$F/process/host/proc/self" ] && [ -L "$F/process/host/proc/16038/exe" ]; then
	pr --language zh_CN
	line "check_process OK, --language" 0 \
		'PROCESS OK - 7 个进程, 1 个僵尸进程, 1 个处于不可中断睡眠(D), rss 34.4MiB'
	check "check_process OK: the long output in Chinese" \
		'printf "%s\n" "$out" | grep -qx "本次运行没有 CPU %(首次运行): 下次运行起给出速率" &&
		 printf "%s\n" "$out" | grep -qx "未计入: 16045 (运行本检查的 shell), 16050 (本检查), 16060 (本检查的另一次运行)"'
	run LANG=zh_CN.UTF-8 "$P/check_process" --root "$F/process/host" --name long-running-worker-daemon -w 2
	line "check_process WARNING, LANG" 1 \
		'PROCESS WARNING - long-running-worker-daemon: 3 个进程 (警告: 超过 2), 1 个处于不可中断睡眠(D), rss 4.66MiB'
	pr --language zh_CN --pidfile /run/wrong.pid --name long-running-worker-daemon
	line "check_process CRITICAL (a reused pid)" 2 \
		'PROCESS CRITICAL - pid 文件 /run/wrong.pid 指向进程 16042 (sleep), 它不是预期的程序 - long-running-worker-daemon: 0 个进程 (严重: 低于 1)'
	pr --language zh_CN --user nosuchuser-plumbline
	line "check_process usage error" 3 'PROCESS UNKNOWN - --user: 本机没有此用户(请给出用户名或 uid)'
else
	echo "ok - check_process in Chinese # SKIP the fixture's proc/self is not a symlink here"
fi

# check_backup_age (--source files: tar files and an rsync directory dated here against a
# fixed now; restic's and borg's states: tests/integration/backup.sh)
mkdir -p "$tmp/backup/rsync-1" "$tmp/backup/rsync-2"
head -c 100000 /dev/zero >"$tmp/backup/full-1.tar"
head -c 30000 /dev/zero >"$tmp/backup/full-2.tar"
head -c 5000 /dev/zero >"$tmp/backup/incr-1.tar"
touch -d 2026-11-30T08:00:00Z "$tmp/backup/full-1.tar"
touch -d 2026-12-01T07:00:00Z "$tmp/backup/full-2.tar"
touch -d 2026-12-01T09:45:00Z "$tmp/backup/incr-1.tar"
touch -d 2026-12-01T08:00:00Z "$tmp/backup/rsync-1/DONE"
printf '[check_backup_age]\nlanguage = zh_CN\n' >"$tmp/bk.ini"
bk() { run PLUMBLINE_NOW=2026-12-01T10:00:00Z "$P/check_backup_age" --source files "$@"; }
bk --path "$tmp/backup/*.tar" --max-shrink 0 --language zh_CN
line "check_backup_age OK, --language" 0 'BACKUP OK - 3 个备份, 最新的在 15m 0s 前, 2 个类别'
zh=$out
bk --path "$tmp/backup/*.tar" --max-shrink 0 --language C
line "check_backup_age OK, --language C: English as before" 0 'BACKUP OK - 3 backups, newest 15m 0s ago, 2 classes'
check "check_backup_age: the perfdata and the facts' keys are the English run's" \
	'[ "${zh#* | }" != "$zh" ] && [ "${zh#* | }" = "${out#* | }" ]'
run PLUMBLINE_NOW=2026-12-01T10:00:00Z LANG=zh_CN.UTF-8 "$P/check_backup_age" --source files \
	--path "$tmp/backup/*.tar"
line "check_backup_age WARNING (a shrunken newest backup), LANG" 1 \
	'BACKUP WARNING - full: 最新备份比前一个小 70% (29.3KiB, 之前为 97.7KiB) - 3 个备份, 最新的在 15m 0s 前, 2 个类别'
bk --path "$tmp/backup/full-1.tar" --class full=any --language zh_CN
line "check_backup_age WARNING (an age), one backup, one class" 1 \
	'BACKUP WARNING - full age 1d 2h (警告: 超过 1d 0h) - 1 个备份, 最新的在 1d 2h 前, 1 个类别'
bk --path "$tmp/backup/full-1.tar" --class full=any --language C
line "check_backup_age WARNING in English: the singulars as before" 1 \
	'BACKUP WARNING - full age 1d 2h (warning over 1d 0h) - 1 backup, newest 1d 2h ago, 1 class'
bk --extra-opts="check_backup_age@$tmp/bk.ini" --path "$tmp/backup/*.tar" --max-shrink 0 \
	--status-file "$F/backup/status/failed.status"
line "check_backup_age CRITICAL (a failed last run), the option file" 2 \
	'BACKUP CRITICAL - incremental: 上次运行于 2026-12-01T02:00:00Z 失败(退出码 1): Fatal: unable to save snapshot - 3 个备份, 最新的在 15m 0s 前, 2 个类别'
bk --path "$tmp/backup/*.tar" --max-shrink 0 --min-size 50KB --status-file "$F/backup/status/ok.status" \
	--language zh_CN
line "check_backup_age CRITICAL (under --min-size)" 2 \
	'BACKUP CRITICAL - full: 最新备份为 29.3KiB, 低于最小值 50KiB, incremental: 最新备份为 4.88KiB, 低于最小值 50KiB - 3 个备份, 最新的在 15m 0s 前, 2 个类别'
check "check_backup_age: the last run's fact in Chinese, its key as it is" \
	'printf "%s\n" "$out" | grep -qxF "last run: 2026-12-01T02:00:00Z 成功"'
bk --path "$tmp/backup/rsync-*" --marker DONE --class full=any --language zh_CN
line "check_backup_age OK (an rsync directory with its marker)" 0 \
	'BACKUP OK - 1 个备份, 最新的在 2h 0m 前, 1 个类别'
check "check_backup_age: the directory without its marker said in Chinese" \
	'printf "%s\n" "$out" | grep -qxF "1 个没有标记文件 DONE 的目录被略去(运行未完成?)"'
run LANG=zh_CN.UTF-8 "$P/check_backup_age" --source restic --repo srv/restic
line "check_backup_age usage error (a relative --repo), LANG" 3 \
	'BACKUP UNKNOWN - --repo srv/restic 是相对路径: 请从 / 开始给出(引擎在它自己的目录中运行本检查, 而且只有绝对路径才会读取锁和列表缓存)'
run "$P/check_backup_age" --language zh_CN
line "check_backup_age usage error (no --source)" 3 'BACKUP UNKNOWN - 请给出 --source restic、borg 或 files'
run LANG=zh_CN.UTF-8 "$P/check_backup_age" --help
wide=$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
for l in sys.stdin.read().split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 79 and " " in l.strip() and not l.startswith(("  check_", "用法: ", "  -w 和 -c ")):
        print(w, l)' | head -n 2)
check "check_backup_age --help in Chinese, wrapped within 79 columns${wide:+: $wide}" \
	'[ "$rc" = 3 ] && printf "%s\n" "$out" | grep -q "^用法: check_backup_age " && [ -z "$wide" ]'

# check_firewall: its usage errors here (the states need a ruleset in a network
# namespace: tests/integration/firewall.sh asserts those lines in Chinese)
run "$P/check_firewall" --closed 70000 --language zh_CN
line "check_firewall usage error (a port out of range)" 3 \
	'FIREWALL UNKNOWN - --closed: 端口是 1 到 65535 之间的数字, 或范围 LOW-HIGH'
run LANG=zh_CN.UTF-8 "$P/check_firewall" --closed 23/sctp
line "check_firewall usage error (a protocol), LANG" 3 \
	'FIREWALL UNKNOWN - --closed: 端口的协议为 tcp 或 udp(PORT/tcp, PORT/udp)'

# check_antivirus: a usage error (its states need clamd: tests/integration/antivirus.sh)
run "$P/check_antivirus" --socket /run/clamav/clamd.ctl -H 127.0.0.1 --language zh_CN
line "check_antivirus usage error" 3 \
	'ANTIVIRUS UNKNOWN - --socket 和 --host 是访问 clamd 的两种方式: 只能给出其中之一'

# check_db_conns (socket mode on the fixture /proc/net/tcp; the servers: integration/db.sh)
run "$P/check_db_conns" --type socket --port 54330 --root "$F/tcp/loopback" --language zh_CN
line "check_db_conns OK, --language" 0 'DB_CONNS OK - 到端口 54330 的 3 个连接'
run LANG=zh_CN.UTF-8 "$P/check_db_conns" --type socket --port 54331 --root "$F/tcp/loopback" \
	--per-remote --limit 4 -w 50 -c 90
line "check_db_conns WARNING (a share of --limit), LANG" 1 \
	'DB_CONNS WARNING - 到端口 54331 的 3 个连接, 来自 2 个地址, --limit 4 已用 75% (警告: 超过 50%), 剩余 1 个槽位'
run "$P/check_db_conns" --type socket --port 54331 --root "$F/tcp/loopback" --limit 3 --language zh_CN
line "check_db_conns CRITICAL (no slot left)" 2 \
	'DB_CONNS CRITICAL - --limit 下已没有剩余连接槽位: 下一个客户端会被拒绝 - 到端口 54331 的 3 个连接, --limit 3 已用 100%, 剩余 0 个槽位'
run "$P/check_db_conns" --type socket --port 54330 --root "$F/tcp/broken" --language zh_CN
check "check_db_conns: a bad /proc/net/tcp line said in Chinese" \
	'printf "%s\n" "$out" | grep -qx "/proc/net/tcp 和 tcp6 中有 2 行未计入: /proc/net/tcp 第 5 行没有本地地址"'
run "$P/check_db_conns" --type socket --language zh_CN
line "check_db_conns usage error" 3 'DB_CONNS UNKNOWN - --type socket 需要服务器的 --port'
# check_log_errors (the fixture logs of tests/blackbox/log_errors.cases; a state key each)
le() { k=$1; shift; run "$P/check_log_errors" --state-key "$k" --from-start "$@"; }
le ok --file "$F/log/auth.log" --warning-pattern nosuchthing --language zh_CN
line "check_log_errors OK, --language" 0 'LOG_ERRORS OK - 没有新错误, 共 12 条新行'
le crit --file "$F/log/auth.log" --warning-regex 'Failed password for .* from' \
	--critical-pattern 'authentication failure' --exception-pattern 'invalid user' --language zh_CN
line "check_log_errors CRITICAL, --language" 2 \
	'LOG_ERRORS CRITICAL - auth.log: 1 条严重 (严重: 超过 0), 1 条警告 (警告: 超过 0), 共 12 条新行'
check "check_log_errors: the shown lines tagged in Chinese, the line itself as it is" \
	'printf "%s\n" "$out" | grep -qxF "auth.log: 警告: Dec  1 09:59:20 web1 sshd[2305]: Failed password for root from 198.51.100.23 port 40022 ssh2"'
run LANG=zh_CN.UTF-8 "$P/check_log_errors" --state-key warn --from-start --file "$F/log/syslog" \
	--file auth="$F/log/auth.log" --critical-regex 'EXT4-fs error|Out of memory' --warning-pattern error \
	--exception-regex '\(ignore\)$' --criticalx 'syslog_critical=5'
line "check_log_errors WARNING (two sources), LANG" 1 \
	'LOG_ERRORS WARNING - syslog: 2 条严重, 3 条警告 (警告: 超过 0), auth: 2 条警告 (警告: 超过 0), 共 22 条新行, 来自 2 个来源'
le missing --file "$F/log/nosuch.log" --warning-pattern x --language zh_CN
line "check_log_errors UNKNOWN (a missing log), the error in UTF-8, not escaped" 3 \
	"LOG_ERRORS UNKNOWN - nosuch.log: 无法打开 $F/log/nosuch.log: 没有那个文件或目录"
le usage --file "$F/log/auth.log" --language zh_CN
line "check_log_errors usage error" 3 \
	'LOG_ERRORS UNKNOWN - --file 需要模式: 请给出 --critical-pattern、--critical-regex、--warning-pattern 或 --warning-regex'

# check_url: usage errors (its states need a server: tests/integration/http.sh)
run "$P/check_url" --url ftp://127.0.0.1/ --language zh_CN
line "check_url usage error (another scheme)" 3 'URL UNKNOWN - --url: 不是 http:// 或 https:// URL'
run LANG=zh_CN.UTF-8 "$P/check_url" --url http://127.0.0.1/ --status-map 404=fine
line "check_url usage error (--status-map), LANG" 3 \
	"URL UNKNOWN - --status-map: '=' 后不是状态(请给出 ok、warning、critical 或 unknown)"
run "$P/check_url" --url http://127.0.0.1:1/ --language zh_CN
check "check_url CRITICAL (nothing listens) in Chinese: $first" \
	'[ "$rc" = 2 ] && case "$first" in "URL CRITICAL - http://127.0.0.1:1/ 无法连接: "*) true ;; *) false ;; esac'

# check_ids (the fixture logs of tests/blackbox/ids.cases; a state key each)
ids() { k=$1; shift; run PLUMBLINE_NOW=2026-12-01T10:01:00Z "$P/check_ids" --state-key "$k" --from-start "$@"; }
ids ok --auth-log "$F/ids/auth.log" --language zh_CN
line "check_ids OK, --language" 0 'IDS OK - auth: 7 次登录失败, 来自 3 个地址, 共 9 条新行'
check "check_ids OK: the top list in Chinese, the address as it is" \
	'printf "%s\n" "$out" | grep -qxF "auth: 最常见来源: 198.51.100.23 (4)"'
ids warn --auth-log "$F/ids/auth.log" --fail2ban-log "$F/ids/fail2ban.log" \
	--warningx fail2ban_log_bans=1 --language zh_CN
line "check_ids WARNING (two sources), --language" 1 \
	'IDS WARNING - auth: 7 次登录失败, 来自 3 个地址, fail2ban_log: 3 次新封禁 (警告: 超过 1), 共 17 条新行, 来自 2 个来源'
run PLUMBLINE_NOW=2026-12-01T10:01:00Z LANG=zh_CN.UTF-8 "$P/check_ids" --state-key crit --from-start --eve "$F/ids/eve.json"
line "check_ids CRITICAL (a high alert), LANG" 2 \
	'IDS CRITICAL - eve: 4 条告警 (1 条高级 (严重: 超过 0), 2 条中级 (警告: 超过 0), 1 条低级), 共 9 条新行'
check "check_ids CRITICAL: the malformed line and the parser's why in Chinese" \
	'printf "%s\n" "$out" | grep -qxF "eve: 1 行格式错误, 已计数并跳过(第一处为本次运行的第 7 行: JSON 在最后一个值闭合之前就结束了)"'
ids usage --auth-log "$F/ids/auth.log" --wazuh-medium 13 --language zh_CN
line "check_ids usage error" 3 'IDS UNKNOWN - --wazuh-medium (13) 高于 --wazuh-high (12)'

# What never changes: service, state word, perfdata, JSON keys.
run "$P/check_mem" --root "$F/mem/swap-in-use" -w 10 -c 50
en=$out
run "$P/check_mem" --root "$F/mem/swap-in-use" -w 10 -c 50 --language zh_CN
check "the perfdata is byte for byte the English run's" \
	'[ "${en#* | }" != "$en" ] && [ "$(printf "%s\n" "$en" | head -n 1 | sed "s/.* | //")" = \
	   "$(printf "%s\n" "$out" | head -n 1 | sed "s/.* | //")" ]'
check "the service name and the state word are the English run's" \
	'[ "${en%% - *}" = "${out%% - *}" ] && [ "${out%% - *}" = "MEM WARNING" ]'
run "$P/check_mem" --root "$F/mem/swap-in-use" -w 10 -c 50 --output-format json
en=$out
run "$P/check_mem" --root "$F/mem/swap-in-use" -w 10 -c 50 --output-format json --language zh_CN
keys() { printf '%s\n' "$1" | python3 -c '
import json, sys
def walk(v, path):
    if isinstance(v, dict):
        for k, x in v.items():
            print(path + "/" + k)
            walk(x, path + "/" + k)
    elif isinstance(v, list):
        for x in v:
            walk(x, path + "[]")
d = json.load(sys.stdin)
walk(d, "")
print("state=" + d["state"], "service=" + d["service"])
for m in d.get("metrics", []):
    print("metric", m.get("label"), m.get("value"), m.get("unit"), m.get("uom"))' | sort; }
check "JSON: the same keys, state, service and metrics as in English" \
	'[ -n "$(keys "$en")" ] && [ "$(keys "$en")" = "$(keys "$out")" ]'
check "JSON: the status text is Chinese" 'printf "%s" "$out" | grep -q "已用 13%"'
for args in "check_net --root $F/net/laptop-wifi/t1 --interval 0 --include eth0" \
	"check_process --root $F/process/host --name long-running-worker-daemon" \
	"check_db_conns --type socket --port 54331 --root $F/tcp/loopback --per-remote --limit 4"; do
	# shellcheck disable=SC2086 # the words of $args are the arguments; each run a first
	# run (a state key each), so that both have the same metrics
	run "$P"/$args --output-format json --state-key json-en
	en=$out
	# shellcheck disable=SC2086
	run "$P"/$args --output-format json --language zh_CN --state-key json-zh
	check "JSON of ${args%% *}: the same keys, state, service and metrics as in English" \
		'[ -n "$(keys "$en")" ] && [ "$(keys "$en")" = "$(keys "$out")" ] && [ "$en" != "$out" ]'
done

# check_restore_drill: journal mode on journals written here, tar drills (GNU tar is all
# they need; restic's and borg's drills in Chinese: tests/integration/drill.sh), usage
# errors. The clock is PLUMBLINE_NOW; --who fixes who performed the drill.
DN=2026-12-01T10:00:00Z
mkdir -p "$tmp/drill/live/data"
echo alpha >"$tmp/drill/live/data/a"
echo beta >"$tmp/drill/live/data/b"
(cd "$tmp/drill/live" && tar -cf "$tmp/drill/full-1.tar" data)
DJ=$tmp/drill/journal
{
	printf '{"time":"2026-11-01T10:00:00Z","result":"ok","bytes_restored":10485760,"files_verified":20,"files_failed":0,"duration":10.0,"who":"root@web1"}\n'
	printf '{"time":"2026-11-15T10:00:00Z","result":"ok","bytes_restored":10485760,"files_verified":20,"files_failed":0,"duration":11.0}\n'
	printf '{"time":"2026-11-30T10:00:00Z","result":"ok","backup":"3f2a9c01","bytes_restored":20971520,"files_verified":20,"files_failed":0,"duration":20.0,"who":"root@web1"}\n'
} >"$DJ"
run PLUMBLINE_NOW=$DN LANG=zh_CN.UTF-8 "$P/check_restore_drill" --journal "$DJ"
line "check_restore_drill OK (journal mode), LANG" 0 'RESTORE DRILL OK - 上次成功演练在 1d 0h 前, 共记录 3 次演练'
check "check_restore_drill: the trend in Chinese, the figures as they are" \
	'printf "%s\n" "$out" | grep -qxF "最近的演练, 从旧到新:" &&
	 printf "%s\n" "$out" | grep -qxF "  2026-11-01T10:00:00Z 成功: 恢复用时 10.0s, 10MiB, 1MiB/s, 执行者 root@web1" &&
	 printf "%s\n" "$out" | grep -qxF "  2026-11-15T10:00:00Z 成功: 恢复用时 11.0s, 10MiB, 930.9KiB/s" &&
	 printf "%s\n" "$out" | grep -qxF "最新一次恢复用时 20.0s, 为中位数的 1.90 倍(此前 2 次成功演练的中位数为 10.5s)"'
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$DJ" --warning-age 12h --critical-age 2d --language zh_CN
line "check_restore_drill WARNING (an old drill), --language" 1 \
	'RESTORE DRILL WARNING - age 1d 0h (警告: 超过 12h 0m) - 上次成功演练在 1d 0h 前, 共记录 3 次演练'
cp "$DJ" "$tmp/drill/jfail"
printf '{"time":"2026-12-01T09:50:00Z","result":"failed","duration":3.5,"who":"cron","message":"restic restore exited with status 1"}\n' >>"$tmp/drill/jfail"
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$tmp/drill/jfail" --language zh_CN
line "check_restore_drill CRITICAL (the last drill failed), its reason as written" 2 \
	'RESTORE DRILL CRITICAL - 上次演练于 2026-12-01T09:50:00Z 失败: restic restore exited with status 1 - 上次成功演练在 1d 0h 前, 共记录 4 次演练'
check "check_restore_drill: a failed drill in the trend" \
	'printf "%s\n" "$out" | grep -qxF "  2026-12-01T09:50:00Z 失败: 恢复用时 3.5s, ?, 执行者 cron"'
printf '{"time":"2026-12-01T09:50:00Z","result":"failed"}\n' >"$tmp/drill/jnone"
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$tmp/drill/jnone" --language zh_CN
line "check_restore_drill CRITICAL (no good drill, plural of one)" 2 \
	"RESTORE DRILL CRITICAL - $tmp/drill/jnone 中没有成功演练的记录(共 1 次演练, 1 次失败), 上次演练于 2026-12-01T09:50:00Z 失败 - 共记录 1 次演练, 没有一次成功"
cp "$DJ" "$tmp/drill/jbad"
echo GARBAGE >>"$tmp/drill/jbad"
echo GARBAGE >>"$tmp/drill/jbad"
run PLUMBLINE_NOW=$DN LANG=zh_CN.UTF-8 "$P/check_restore_drill" --journal "$tmp/drill/jbad"
check "check_restore_drill UNKNOWN (malformed lines), LANG: $first" \
	'[ "$rc" = 3 ] && case "$first" in "RESTORE DRILL UNKNOWN - 演练日志 $tmp/drill/jbad 第 4 行: "*"(共 2 行格式错误; 请修复或删除这些行, 或使用 --skip-malformed) - 上次成功演练在 1d 0h 前, 共记录 3 次演练 | "*) true ;; *) false ;; esac'
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$tmp/drill/jbad" --skip-malformed --language zh_CN
check "check_restore_drill --skip-malformed: the lines left out said in Chinese" \
	'[ "$rc" = 0 ] && printf "%s\n" "$out" | grep -q "^演练日志中 2 行格式错误, 未计入(第一处在第 4 行: "'
printf '{"time":"2099-01-01T00:00:00Z","result":"ok"}\n' >"$tmp/drill/jfuture"
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$tmp/drill/jfuture" --language zh_CN
line "check_restore_drill UNKNOWN (a drill in the future)" 3 \
	"RESTORE DRILL UNKNOWN - 演练日志 $tmp/drill/jfuture 第 1 行: 演练时间 2099-01-01T00:00:00Z 在未来(现在是 2026-12-01T10:00:00Z; 共 1 行如此, 未计入): 本机时钟有误, 或演练日志被改动过 - 共记录 0 次演练, 没有一次成功"
run "$P/check_restore_drill" --journal "$tmp/drill/missing" --language zh_CN
line "check_restore_drill UNKNOWN (no journal)" 3 \
	"RESTORE DRILL UNKNOWN - 无法读取 $tmp/drill/missing: 没有那个文件或目录(--journal): 那里还没有记录任何演练, 或路径有误"
# Drills of a tar archive, each appended to its journal.
TD="--mode drill --source tar --archive $tmp/drill/full-*.tar --live-root $tmp/drill/live --work-dir $tmp/drill/wd --journal $tmp/drill/jd --who tester"
# shellcheck disable=SC2086 # $TD is words
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" $TD --sample-path data/a --language zh_CN
line "check_restore_drill OK (a tar drill), --language" 0 'RESTORE DRILL OK - 上次成功演练在 0s 前, 共记录 1 次演练'
check "check_restore_drill: the tar drill said in Chinese" \
	'printf "%s\n" "$out" | grep -q "^正在把 $tmp/drill/full-1.tar 的 1 个文件(6 字节)恢复到 $tmp/drill/wd/restore-" &&
	 printf "%s\n" "$out" | grep -q "^演练 $tmp/drill/full-1.tar: 1 个文件已恢复并通过校验, 用时 [0-9.]*s$"'
printf '%064d  data/a\n' 0 >"$tmp/drill/manifest"
# shellcheck disable=SC2086
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" $TD --sample-path data/a --manifest "$tmp/drill/manifest" --language zh_CN
line "check_restore_drill CRITICAL (a file against a manifest that disagrees)" 2 \
	'RESTORE DRILL CRITICAL - 演练失败: 1 个文件未通过校验(共 1 个): data/a 与清单不符(SHA-256 000000000000..., 恢复出的为 b6a98d9ce9a2...) - 上次成功演练在 0s 前, 共记录 2 次演练'
check "check_restore_drill: the journal's fields a parser reads stay as they are" \
	'tail -n 1 "$tmp/drill/jd" | grep -q "^{\"time\":\"2026-12-01T10:00:00Z\",\"result\":\"failed\",\"source\":\"tar\",\"backup\":\"$tmp/drill/full-1.tar\",\"files_restored\":1,\"bytes_restored\":6,\"files_verified\":0,\"files_failed\":1,\"duration\":[0-9.]*,\"who\":\"tester\",\"message\":\"1 个文件未通过校验"'
# shellcheck disable=SC2086
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" $TD --sample-path data/zz --language zh_CN
line "check_restore_drill CRITICAL (a path the backup lacks)" 2 \
	"RESTORE DRILL CRITICAL - 演练失败: data/zz 不在备份 $tmp/drill/full-1.tar 中(那里没有文件) - 上次成功演练在 0s 前, 共记录 3 次演练"
# pl_store's messages about the directory name --work-dir and the work directory here,
# in Chinese too (the plugin rewrites the translated text, not the English one).
# shellcheck disable=SC2086
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" $TD --work-dir rel --language zh_CN
line "check_restore_drill UNKNOWN (a relative --work-dir: the work directory, not the state directory)" 3 \
	"RESTORE DRILL UNKNOWN - 演练失败: --work-dir: 工作目录 rel 不是绝对路径(请给出以 '/' 开头的路径)(已记录在 $tmp/drill/jd 中)"
# shellcheck disable=SC2086
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" $TD --work-dir rel
line "check_restore_drill: and in English" 3 \
	"RESTORE DRILL UNKNOWN - drill failed: --work-dir: work directory rel is not an absolute path (give one that starts with '/') (recorded in $tmp/drill/jd)"
run "$P/check_restore_drill" --journal "$DJ" --source restic --language zh_CN
line "check_restore_drill usage error (--source in journal mode)" 3 'RESTORE DRILL UNKNOWN - --source 用于 --mode drill'
run LANG=zh_CN.UTF-8 "$P/check_restore_drill" --mode drill --journal "$DJ" --source restic --repo /srv/restic
line "check_restore_drill usage error (no password), LANG" 3 \
	'RESTORE DRILL UNKNOWN - restic 仓库需要密码: 请给出 --password-file FILE(权限 600)或 PLUMBLINE_BACKUP_PASSWORD'
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$DJ" --output-format json
en=$out
run PLUMBLINE_NOW=$DN "$P/check_restore_drill" --journal "$DJ" --output-format json --language zh_CN
check "check_restore_drill JSON: the same keys, state, service and metrics as in English" \
	'[ -n "$(keys "$en")" ] && [ "$(keys "$en")" = "$(keys "$out")" ] && [ "$en" != "$out" ]'
run LANG=zh_CN.UTF-8 "$P/check_restore_drill" --help
wide=$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
for l in sys.stdin.read().split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 79 and " " in l.strip() and not l.startswith(("  check_", "用法: ")):
        print(w, l)' | head -n 2)
check "check_restore_drill: --help in Chinese, wrapped within 79 columns${wide:+: $wide}" \
	'[ "$rc" = 3 ] && printf "%s\n" "$out" | grep -q "^演练模式(--mode drill)\|^演练模式（--mode drill）" && [ -z "$wide" ]'

# plumbline-inspect (engine mode on the status.dat fixture; each --host chooses a state)
I="$P/plumbline-inspect --state-dir $tmp/state --engine nagios --status-file $FIXTURES/engstate/status.dat --report-host mon1"
run TZ=UTC $I --host new1 --language zh_CN
line "plumbline-inspect OK, --language" 0 'INSPECTION OK - 共 1 项检查: 正常 1, 警告 0, 严重 0, 未知 0'
check "plumbline-inspect: the pending host said in Chinese, the state word kept" \
	'printf "%s\n" "$out" | grep -qxF "[OK      ] (host): PENDING - 尚未检查"'
run LANG=zh_CN.UTF-8 $I --host web1
line "plumbline-inspect WARNING, LANG" 1 'INSPECTION WARNING - 共 3 项检查: 正常 2, 警告 1, 严重 0, 未知 0'
check "plumbline-inspect: headings, the engine's flapping and soft state, the sign-off" \
	'printf "%s\n" "$out" | grep -qxF "[WARNING ] load (抖动): LOAD WARNING - load average: 5.1, 4.0, 3.2 [软状态]" &&
	 printf "%s\n" "$out" | grep -qxF "== 自上次报告以来的变化 ==" &&
	 printf "%s\n" "$out" | grep -qxF "== 巡检人签字 ==" &&
	 printf "%s\n" "$out" | grep -q "^姓名: ___"'
run $I --host db1 --language zh_CN
line "plumbline-inspect UNKNOWN (the worst), --language" 3 \
	'INSPECTION UNKNOWN - 共 3 项检查: 正常 0, 警告 0, 严重 2, 未知 1'
run $I --host nosuch --language zh_CN
line "plumbline-inspect UNKNOWN (no such host), --language" 3 \
	"INSPECTION UNKNOWN - $FIXTURES/engstate/status.dat 中没有 --host 所指的主机或服务"
run $I --checks /dev/null --language zh_CN
line "plumbline-inspect usage error, --language" 3 \
	'INSPECTION UNKNOWN - --checks 在本机运行检查, --engine 读取监控引擎中的状态: 只能给出其中之一'
run $I --host web1 --language zh_CN --format html
check "plumbline-inspect HTML: lang zh-CN, Chinese headings and sign-off fields" \
	'printf "%s" "$out" | grep -qF "<html lang=\"zh-CN\">" &&
	 printf "%s" "$out" | grep -qF "<h1>每日巡检: mon1</h1>" &&
	 printf "%s" "$out" | grep -qF "<h2>自上次报告以来的变化</h2>" &&
	 printf "%s" "$out" | grep -qF "<h2>巡检人签字</h2>" &&
	 printf "%s" "$out" | grep -qF "<tr><th>姓名</th><td></td></tr><tr><th>时间</th>" &&
	 printf "%s" "$out" | grep -qF "<td class=\"st\">WARNING</td>"'
run $I --host web1 --format html
check "plumbline-inspect HTML: English by default (lang en)" \
	'printf "%s" "$out" | grep -qF "<html lang=\"en\">" &&
	 printf "%s" "$out" | grep -qF "<h2>Inspector'"'"'s sign-off</h2>" &&
	 ! printf "%s" "$out" | grep -q "巡检"'
run $I --host web1 --format json --language zh_CN
zh=$out
run $I --host web1 --format json
check "plumbline-inspect JSON: the keys, states and changes of the English run" \
	'[ "$(printf "%s" "$zh" | python3 -c "import json,sys; d=json.load(sys.stdin); print(sorted(d), d[\"state_text\"], [(i[\"name\"], i[\"change\"], i[\"state_text\"]) for i in d[\"items\"]])")" = \
	   "$(printf "%s" "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print(sorted(d), d[\"state_text\"], [(i[\"name\"], i[\"change\"], i[\"state_text\"]) for i in d[\"items\"]])")" ]'

# plumbline-report (the fixture log of tests/blackbox/report.sh): the reports' first
# lines, an error in each command, the HTML's headings; English by default.
R="--nagios-log $FIXTURES/nagioslog/nagios.log --nagios-log $FIXTURES/nagioslog/archives-nagios-11-15-2026-00.log --roles $FIXTURES/nagioslog/roles.conf --notes-dir $FIXTURES/nagioslog/faults"
run TZ=UTC PLUMBLINE_NOW=2026-12-02T00:00:00Z "$P/plumbline-report" fault $R --incident 20261103-090000-a0ecd4f4 --language zh_CN
line "plumbline-report fault, --language" 0 '故障报告 20261103-090000-a0ecd4f4'
check "plumbline-report fault: the head, timeline and notes in Chinese, names and states kept" \
	'printf "%s\n" "$out" | grep -qxF "状态:                已恢复" &&
	 printf "%s\n" "$out" | grep -qxF "  2026-11-03 09:32:00 +0000  已升级 CRITICAL 通知 bob: HTTP CRITICAL - Invalid HTTP response received from host on port 80" &&
	 printf "%s\n" "$out" | grep -qxF "预防措施:            upgrade on the staging host first; nginx -t in the upgrade script"'
run TZ=UTC PLUMBLINE_NOW=2026-12-02T00:00:00Z LANG=zh_CN.UTF-8 "$P/plumbline-report" review $R --month 2026-11
line "plumbline-report review, LANG" 0 '监督评审 2026-11-01 00:00:00 +0000 至 2026-12-01 00:00:00 +0000'
check "plumbline-report review: a breach, the roles, the open fault in Chinese" \
	'printf "%s\n" "$out" | grep -qF "  db1                                      65.278 %  10d 10h 00m           0s         1  未达标" &&
	 printf "%s\n" "$out" | grep -qxF "时段结束时仍未解决的故障: 1" &&
	 printf "%s\n" "$out" | grep -qF "(未通知)                             1         0"'
run "$P/plumbline-report" fault $R --language zh_CN
line "plumbline-report usage error (fault), --language" 3 \
	'REPORT UNKNOWN - fault: 请给出 --incident ID(监督评审中列出了 ID)或 --host HOST [--service SERVICE] [--at TIME](参见 plumbline-report --help)'
run LANG=zh_CN.UTF-8 "$P/plumbline-report" review $R --month 2026-13
line "plumbline-report usage error (review), LANG" 3 \
	'REPORT UNKNOWN - --month 的格式为 YYYY-MM, 月份为 01 到 12(参见 plumbline-report --help)'
run "$P/plumbline-report" fault $R --incident 20990101-000000-00000000 --language zh_CN
line "plumbline-report: an incident not found, --language" 3 \
	'REPORT UNKNOWN - 日志中没有事件 20990101-000000-00000000(plumbline-report review 会列出 ID)(参见 plumbline-report --help)'
run TZ=UTC "$P/plumbline-report" review $R --month 2026-11 --output-format html --language zh_CN
check "plumbline-report HTML: lang zh-CN and the review's headings in Chinese" \
	'printf "%s" "$out" | grep -qF "<html lang=\"zh-CN\">" && printf "%s" "$out" | grep -qF "<h2>可用率</h2>" &&
	 printf "%s" "$out" | grep -qF "<h2>时段结束时仍未解决的故障(1)</h2>"'
run TZ=UTC "$P/plumbline-report" fault $R --incident 20261103-090000-a0ecd4f4 --output-format html
check "plumbline-report HTML: English by default (lang en)" \
	'printf "%s" "$out" | grep -qF "<html lang=\"en\">" && printf "%s" "$out" | grep -qF "<h2>Technician'"'"'s notes</h2>" &&
	 ! printf "%s" "$out" | grep -q "故障"'
run TZ=UTC "$P/plumbline-report" fault $R --incident 20261103-090000-a0ecd4f4 --output-format json --language zh_CN
zh=$out
run TZ=UTC "$P/plumbline-report" fault $R --incident 20261103-090000-a0ecd4f4 --output-format json
check "plumbline-report JSON: byte for byte the English run's" '[ -n "$out" ] && [ "$zh" = "$out" ]'
run "$P/plumbline-report" review $R --language ../x
line "plumbline-report: a --language that is no language name" 3 \
	"REPORT UNKNOWN - --language: not a language name (letters, digits, '_', '.', '-', '@'; such as zh_CN, or C for English) (see plumbline-report --help)"

# plumbline-notify (--dry-run: nothing sent): the message to people, its usage errors,
# and "language = zh_CN" in its option file.
N="$P/plumbline-notify --no-journal --secrets-dir $tmp/none"
run PLUMBLINE_NOTIFY_URL='https://oapi.dingtalk.com/robot/send?access_token=T' $N \
	--channel dingtalk --type PROBLEM --host web1 --service disk --state CRITICAL \
	--output 'DISK CRITICAL - / 97% used' --dry-run --language zh_CN
check "plumbline-notify: the DingTalk title and fields in Chinese, type and state kept" \
	'printf "%s" "$out" | grep -qF "\"title\":\"PROBLEM: web1/disk 状态为 CRITICAL\"" &&
	 printf "%s" "$out" | grep -qF "**主机:** web1  \\n**服务:** disk  \\n**状态:** CRITICAL  \\n**类型:** PROBLEM"'
run $N --language zh_CN
line "plumbline-notify usage error, --language" 3 \
	'NOTIFY UNKNOWN - 必须给出 --channel(dingtalk、wecom、feishu、slack、webhook 或 mail)(参见 plumbline-notify --help)'
run LANG=zh_CN.UTF-8 $N --channel dingtalk --type PROBLEM --host web1
line "plumbline-notify: a missing secret, LANG" 3 \
	"NOTIFY UNKNOWN - --channel dingtalk 需要 webhook 的 URL: $tmp/none/dingtalk.url(权限 600)、--url-file FILE 或 \$PLUMBLINE_NOTIFY_URL(参见 plumbline-notify --help)"
printf '[plumbline-notify]\nlanguage = zh_CN\n' >"$tmp/notify.ini"
run $N --extra-opts="@$tmp/notify.ini" --channel mail --smtp-url smtp://127.0.0.1:25 \
	--from a@example.com --to ops@example.com --type ACKNOWLEDGEMENT --host web1 \
	--state DOWN --author alice --dry-run
check "plumbline-notify: language = zh_CN in the option file, the mail's subject in Chinese" \
	'printf "%s\n" "$out" | grep -qF "Subject: =?UTF-8?B?QUNLTk9XTEVER0VNRU5UOiDkuLvmnLogd2ViMSDnmoQgRE9XTiDlt7Looqs=?=" &&
	 printf "%s\n" "$out" | grep -qF "X-Plumbline-Notification: ACKNOWLEDGEMENT"'
run PLUMBLINE_NOTIFY_URL='https://oapi.dingtalk.com/robot/send?access_token=T' $N \
	--channel dingtalk --type PROBLEM --host web1 --state DOWN --dry-run
check "plumbline-notify: English by default" \
	'printf "%s" "$out" | grep -qF "\"title\":\"PROBLEM: host web1 is DOWN\""'

# English where it must be.
run LC_ALL=C LANG=zh_CN.UTF-8 "$P/check_mem" --root "$F/mem/debian12"
line "LC_ALL=C wins over LANG: English" 0 'MEM OK - 1.3% used (307.6MiB of 23.5GiB), no swap'
run LANGUAGE=zh_CN "$P/check_mem" --root "$F/mem/debian12"
line "LANGUAGE alone, under the C locale: English (gettext's rule)" 0 \
	'MEM OK - 1.3% used (307.6MiB of 23.5GiB), no swap'
run LANG=C.UTF-8 LANGUAGE=zh_CN "$P/check_mem" --root "$F/mem/debian12"
line "LANG=C.UTF-8 LANGUAGE=zh_CN: Chinese" 0 'MEM OK - 已用 1.3% (307.6MiB, 共 23.5GiB), 无交换空间'
run LANG=zh_CN.UTF-8 "$P/check_mem" --root "$F/mem/debian12" --language C
line "--language C wins over LANG: English" 0 'MEM OK - 1.3% used (307.6MiB of 23.5GiB), no swap'
run "$P/check_mem" --extra-opts="@$tmp/zh.ini" --root "$F/mem/debian12" --language C
line "--language on the command line wins over the option file's" 0 \
	'MEM OK - 1.3% used (307.6MiB of 23.5GiB), no swap'
run "$P/check_mem" --root "$F/mem/debian12" --language ../../tmp/x
line "a --language that is no language name: a usage error" 3 \
	"MEM UNKNOWN - --language: not a language name (letters, digits, '_', '.', '-', '@'; such as zh_CN, or C for English)"

# --help and --man
run LANG=zh_CN.UTF-8 "$P/check_disk_io" --help
check "--help in Chinese (exit 3)" \
	'[ "$rc" = 3 ] && printf "%s\n" "$out" | grep -q "^选项:" &&
	 printf "%s\n" "$out" | grep -q "^用法: check_disk_io "'
wide=$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
for l in sys.stdin.read().split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 79 and " " in l.strip() and not l.startswith(("  check_", "用法: ", "  -w 和 -c ")):
        print(w, l)' | head -n 2)
check "Chinese --help wrapped within 79 columns${wide:+: $wide}" '[ -z "$wide" ]'
run LANG=zh_CN.UTF-8 "$P/check_mem" --man
check "--man stays English whatever the language" \
	'printf "%s\n" "$out" | grep -q "^\.SH DESCRIPTION" && ! printf "%s" "$out" | grep -q "已用"'
finish
