# Sourced by engines.sh, engines-policy.sh and notify.sh (after ../env.sh, which counts
# the checks): what they need to run real daemons on loopback (Icinga 2, NRPE, Nagios 4)
# and stop them again. Not a test itself.
# shellcheck shell=bash

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# DAEMONS: the process-group leaders the test started with setsid, stopped by stop_daemons:
# SIGTERM to each daemon's main process (it stops its own workers); whatever is left of
# its process group after 10 s gets SIGKILL.
DAEMONS=""
stop_daemons() {
	local pid left i
	for pid in $DAEMONS; do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in $(seq 100); do
		left=""
		for pid in $DAEMONS; do
			kill -0 -- "-$pid" 2>/dev/null && left="$left $pid"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for pid in $left; do
		echo "# process group $pid still there 10 s after SIGTERM: SIGKILL"
		kill -KILL -- "-$pid" 2>/dev/null
	done
	for pid in $DAEMONS; do
		wait "$pid" 2>/dev/null
	done
	DAEMONS=""
}

# Wait until a process of the process group LEADER listens on PORT (not someone else's
# daemon that took the port in the meantime).
wait_listen() { # port, leader pid, seconds
	local i p
	# shellcheck disable=SC2034
	for i in $(seq $(($3 * 20))); do
		for p in $(ss -Hltnp "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2); do
			[ "$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')" = "$2" ] && return 0
		done
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# The Icinga 2 REST API on 127.0.0.1:PORT as user "test" with password $I2PW.
i2_api() { # port, path [curl args...]
	local port=$1 p=$2
	shift 2
	curl -sk --max-time 5 -u "test:$I2PW" -H 'Accept: application/json' "$@" \
		"https://127.0.0.1:$port/v1/$p"
}

# The head of an nrpe.cfg for a daemon on 127.0.0.1:PORT that keeps its log and pid file
# in DIR and runs the commands as user nagios; the command lines follow it.
nrpe_cfg_head() { # dir, port
	cat <<EOF2
log_file=$1/nrpe.log
disable_syslog=1
debug=0
pid_file=$1/nrpe.pid
server_address=127.0.0.1
server_port=$2
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
allow_bash_command_substitution=0
command_timeout=12
connection_timeout=60
EOF2
}

# The lines of a Nagios 4 main config (nagios.cfg) that every test's scratch Nagios has:
# its files below DIR (var/, var/rw/, var/spool/checkresults), run as user nagios, no
# state kept between runs, no syslog, checks at once instead of spread over an interval.
# The test writes log_file (first), resource_file and cfg_file lines before these and
# what is its own (notifications, external commands, timeouts) after them.
nagios_cfg_common() { # dir
	cat <<EOF2
object_cache_file=$1/var/objects.cache
precached_object_file=$1/var/objects.precache
status_file=$1/var/status.dat
nagios_user=nagios
nagios_group=nagios
command_file=$1/var/rw/nagios.cmd
query_socket=$1/var/rw/nagios.qh
lock_file=$1/var/nagios.lock
temp_file=$1/var/nagios.tmp
temp_path=$1/var
check_result_path=$1/var/spool/checkresults
check_result_reaper_frequency=1
retain_state_information=0
state_retention_file=$1/var/retention.dat
use_syslog=0
check_for_updates=0
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
max_host_check_spread=1
illegal_macro_output_chars=\`~\$&|'"<>
EOF2
}

# A Nagios 4 timeperiod "24x7" (every day, all day), for the scratch configs' objects.
nagios_24x7() {
	printf 'define timeperiod {\n\ttimeperiod_name\t24x7\n\talias\t\talways\n'
	printf '\t%s\t00:00-24:00\n' sunday monday tuesday wednesday thursday friday saturday
	printf '}\n'
}
