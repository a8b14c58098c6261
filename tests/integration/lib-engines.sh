# Sourced by engines.sh and engines-policy.sh (after ../env.sh, which counts the checks):
# what both need to run real daemons on loopback and stop them again. Not a test itself.
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
