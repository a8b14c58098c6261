#!/bin/bash
# check_db_conns against a real PostgreSQL 15 and MariaDB 10.11 (Debian's), started once
# for this file in a scratch directory on 127.0.0.1 and Unix sockets there (never the
# system instances; /work/shared/recipes/postgres-mariadb.md), with a known number of
# client sessions held open by psql and mariadb clients reading from FIFOs, a role and a
# database with limits of their own, and a session idle in a transaction since a known
# time. Also: a wrong password, a port nobody listens on, a missing option file, and a
# listener that never answers, bounded by --timeout; the socket mode on the servers' ports.
#
# Exit 77 (skip) when not root or when a server is not installed. One line per check, then
# "N passed, M failed". The servers, the held clients and the scratch directory are gone on
# exit, whatever happens (trap); the whole run is cut at DB_LIMIT seconds (default 100).

set -u

. "$(dirname "$0")/../env.sh"
PLUGIN=$PLUGINS/check_db_conns
PGBIN=/usr/lib/postgresql/15/bin

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (the servers run as users postgres and mysql)"
	exit 77
fi
missing=""
for t in "$PGBIN/initdb" "$PGBIN/pg_ctl" /usr/bin/psql /usr/sbin/mariadbd /usr/bin/mariadb \
	/usr/bin/mariadb-install-db /usr/bin/mariadb-admin /usr/bin/python3; do
	[ -x "$t" ] || missing="$missing $t"
done
for u in postgres mysql; do id "$u" >/dev/null 2>&1 || missing="$missing user:$u"; done
if [ -n "$missing" ]; then
	echo "SKIP: not installed:$missing (tests/run-all.sh installs postgresql," \
		"postgresql-client, mariadb-server, mariadb-client)"
	exit 77
fi
if [ ! -x "$PLUGIN" ]; then
	echo "not ok - no check_db_conns at $PLUGIN (set PLUGINS)"
	echo "0 passed, 1 failed"
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-db.XXXXXX") || exit 99
# The servers run as postgres and mysql and must traverse it.
chmod 711 "$WORK"
PIDS=""          # held clients and the silent listener, killed by pid
PG_UP=no
MY_PID=""
cleanup() {
	[ -n "${WATCHDOG:-}" ] && kill -TERM "$WATCHDOG" 2>/dev/null
	# EOF for the clients reading from FIFOs
	for fd in 3 4 5 6 7 8 9 10; do eval "exec $fd>&-" 2>/dev/null; done
	if [ "$PG_UP" = yes ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate -w -t 20 stop \
			>/dev/null 2>&1
	fi
	if [ -n "$MY_PID" ]; then
		kill -TERM "$MY_PID" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$MY_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$MY_PID" 2>/dev/null
		wait "$MY_PID" 2>/dev/null
	fi
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

watchdog "${DB_LIMIT:-100}"

PG_PORT=$(free_port) && MYPORT=$(free_port) && DEADPORT=$(free_port) && HANGPORT=$(free_port) ||
	{ notok "free ports"; finish; }
[ "$PG_PORT" != "$MYPORT" ] || MYPORT=$((PG_PORT + 1))

export PLUMBLINE_STATE_DIR=$WORK/state
mkdir -m 700 "$PLUMBLINE_STATE_DIR"
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSERVICEFILE PGPASSFILE

run() {        # check_db_conns ARGS -> $out (stdout), $rc, $secs
	local t0
	t0=$(date +%s.%N)
	out=$("$PLUGIN" "$@" 2>"$WORK/stderr")
	rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	line=${out%%$'\n'*}
}
perf() {       # the value of perfdata label $1 in $out
	printf '%s\n' "$out" | sed -n 's/^[^|]*|//p' | tr ' ' '\n' |
		sed -n "s/^'\{0,1\}$1'\{0,1\}=\([0-9.U]*\).*/\1/p" | head -n 1
}
secret() {     # a file holding $2, mode 600, at $1
	(umask 077 && printf '%s\n' "$2" >"$1")
}

########################################################################################
# The files of credentials, before any server: the suite's rules for secret files.
########################################################################################
(umask 022 && printf '127.0.0.1:%s:*:mon:monpw\n' "$DEADPORT" >"$WORK/open.pgpass")
run --type pgsql -H 127.0.0.1 -P "$DEADPORT" --user mon --pgpass "$WORK/open.pgpass"
check "--pgpass at 644 is refused naming the mode, libpq never warns on stderr ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--pgpass: $WORK/open.pgpass is open to group or others"*"(chmod 600 $WORK/open.pgpass)"* ]] && [ ! -s "$WORK/stderr" ]'
secret "$WORK/real.pgpass" "127.0.0.1:$DEADPORT:*:mon:monpw"
ln -s "$WORK/real.pgpass" "$WORK/link.pgpass"
run --type pgsql -H 127.0.0.1 -P "$DEADPORT" --user mon --pgpass "$WORK/link.pgpass"
check "--pgpass that is a symlink is refused ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--pgpass: $WORK/link.pgpass is a symbolic link"* ]]'
(umask 022 && printf '[client]\nuser=mon\npassword=monpw\n' >"$WORK/open.cnf")
run --type mysql --option-file "$WORK/open.cnf"
check "--option-file at 644 that sets a password is refused ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--option-file: $WORK/open.cnf sets a password and is open to group or others"*"(chmod 600 $WORK/open.cnf)"* ]] && [[ "$out" != *monpw* ]]'
(umask 022 && printf '[mon]\nhost=127.0.0.1\nport=%s\nuser=mon\npassword=monpw\n' "$DEADPORT" >"$WORK/open-service.conf")
run --type pgsql --option-file "$WORK/open-service.conf" --service mon
check "a PG service file at 644 with password= is refused ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--option-file: $WORK/open-service.conf sets a password"* ]]'
(umask 002 && printf '[client]\nuser=mon\n' >"$WORK/gw.cnf" && chmod 664 "$WORK/gw.cnf")
run --type mysql --option-file "$WORK/gw.cnf"
check "--option-file writable by the group is refused ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--option-file: $WORK/gw.cnf is writable by group or others"* ]]'
secret "$WORK/real.cnf" $'[client]\nuser=mon'
ln -s "$WORK/real.cnf" "$WORK/link.cnf"
run --type mysql --option-file "$WORK/link.cnf"
check "--option-file that is a symlink is refused ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--option-file: $WORK/link.cnf is a symbolic link"* ]]'
(umask 022 && printf '[client]\nuser=mon\nhost=127.0.0.1\nport=%s\n' "$DEADPORT" >"$WORK/shared.cnf")
run --type mysql --option-file "$WORK/shared.cnf" -t 5
check "--option-file at 644 without a password is read (the server is asked: $line)" \
	'[[ "$line" != *"--option-file"* ]] && [[ "$line" == *"unreachable"*"127.0.0.1"* ]]'

########################################################################################
# PostgreSQL 15: max_connections 20, 3 reserved for superusers (17 usable); database app
# with CONNECTION LIMIT 4, role appuser with CONNECTION LIMIT 6; role mon, which the check
# logs in as over TCP with a password (scram-sha-256), sees every session's state
# (pg_read_all_stats).
########################################################################################
mkdir "$WORK/pg" && chown postgres:postgres "$WORK/pg"
secret "$WORK/pg/pw" pgsuperpw
chown postgres "$WORK/pg/pw"
if runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth-local=trust \
	--auth-host=scram-sha-256 --pwfile="$WORK/pg/pw" -E UTF8 --no-sync >"$WORK/initdb.log" 2>&1 &&
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/pg -c fsync=off -c max_connections=20 -c superuser_reserved_connections=3" \
		start >/dev/null 2>&1; then
	PG_UP=yes
	ok "PostgreSQL 15 on 127.0.0.1:$PG_PORT and $WORK/pg"
else
	notok "PostgreSQL 15 starts"
	tail -5 "$WORK/initdb.log" "$WORK/pg/server.log" 2>/dev/null | sed 's/^/# /'
fi

PSQL=(psql -X -A -t -q -h "$WORK/pg" -p "$PG_PORT" -U postgres)
if [ "$PG_UP" = yes ]; then
	"${PSQL[@]}" -d postgres >"$WORK/pg-setup.log" 2>&1 <<EOF
CREATE ROLE mon LOGIN PASSWORD 'monpw';
GRANT pg_read_all_stats TO mon;
CREATE ROLE appuser LOGIN PASSWORD 'apppw' CONNECTION LIMIT 6;
CREATE DATABASE app CONNECTION LIMIT 4;
EOF
	check "PostgreSQL: role mon, role appuser (limit 6), database app (limit 4)" \
		'! grep -q ERROR "$WORK/pg-setup.log"'
	# Held sessions: over TCP as appuser on app: one busy, one idle, one idle in a
	# transaction; over the socket as postgres on postgres: two idle.
	mkfifo "$WORK/pg-f3" "$WORK/pg-f4" "$WORK/pg-f5" "$WORK/pg-f6"
	export PGPASSWORD=apppw
	psql -X -q "host=127.0.0.1 port=$PG_PORT user=appuser dbname=app" \
		-c "select pg_sleep(90)" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	psql -X -q "host=127.0.0.1 port=$PG_PORT user=appuser dbname=app" <"$WORK/pg-f3" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	psql -X -q "host=127.0.0.1 port=$PG_PORT user=appuser dbname=app" <"$WORK/pg-f4" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	unset PGPASSWORD
	"${PSQL[@]}" -d postgres <"$WORK/pg-f5" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	"${PSQL[@]}" -d postgres <"$WORK/pg-f6" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	exec 3>"$WORK/pg-f3" 4>"$WORK/pg-f4" 5>"$WORK/pg-f5" 6>"$WORK/pg-f6"
	echo "select 1;" >&3
	echo "begin; select txid_current();" >&4
	ITX_T0=$(date +%s.%N)
	# until the server lists the five (bounded)
	for _ in $(seq 100); do
		n=$("${PSQL[@]}" -d postgres -c "select count(*) from pg_stat_activity where
			backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null)
		itx=$("${PSQL[@]}" -d postgres -c "select count(*) from pg_stat_activity where
			state = 'idle in transaction'" 2>/dev/null)
		[ "$n" = 5 ] && [ "$itx" = 1 ] && break
		sleep 0.1
	done
	check "PostgreSQL: 5 client sessions held (server says $n, $itx idle in transaction)" \
		'[ "$n" = 5 ] && [ "$itx" = 1 ]'
	sleep 1.5

	secret "$WORK/mon.pw" monpw
	PG=(--type pgsql -H 127.0.0.1 -P "$PG_PORT" --user mon --password-file "$WORK/mon.pw")
	run "${PG[@]}" -w 70 -c 90
	ITX_AGE=$(awk -v a="$ITX_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	echo "# $line"
	check "pgsql: WARNING at 75% of the tightest limit (rc $rc)" '[ "$rc" = 1 ]'
	check "pgsql: 5 connections, the check's own left out ($(perf connections))" \
		'[ "$(perf connections)" = 5 ]'
	check "pgsql: the tightest limit is database app's datconnlimit, short on the status line" \
		'[[ "${line%% | *}" == "DB_CONNS WARNING - 5 connections, 75% of database app'"'"'s limit (warning over 70%), 1 slot left" ]] &&
		 printf "%s\n" "$out" | grep -qx "tightest limit: datconnlimit of database app, 3 of 4 used (75%), 1 left"'
	check "pgsql: the states in the long output" \
		'printf "%s\n" "$out" | grep -q "^1 active, 3 idle, 1 idle in transaction (the oldest for "'
	en_out=$out en_line=$line en_rc=$rc
	run "${PG[@]}" -w 70 -c 90 --language zh_CN
	check "pgsql, zh_CN: the status line and the limit's line in Chinese ($line)" \
		'[[ "${line%% | *}" == "DB_CONNS WARNING - 5 个连接, 数据库 app 的限制已用 75% (警告: 超过 70%), 剩余 1 个槽位" ]] &&
		 printf "%s\n" "$out" | grep -qx "最紧的限制: datconnlimit of database app, 已用 3/4 (75%), 剩余 1"'
	out=$en_out line=$en_line rc=$en_rc   # the English run, for the checks below
	check "pgsql: used_pct 75, slots_left 1, limit 4" \
		'[ "$(perf used_pct)" = 75 ] && [ "$(perf slots_left)" = 1 ] && [ "$(perf limit)" = 4 ]'
	check "pgsql: max_connections 17 usable (20 - 3 superuser_reserved_connections)" \
		'[ "$(perf max_connections)" = 17 ] &&
		 printf "%s\n" "$out" | grep -q "^max_connections 20, of which 3 superuser_reserved_connections"'
	check "pgsql: per state: 1 active, 3 idle, 1 idle in transaction" \
		'[ "$(perf active)" = 1 ] && [ "$(perf idle)" = 3 ] && [ "$(perf idle_in_transaction)" = 1 ] &&
		 [ "$(perf other)" = 0 ]'
	age=$(perf oldest_idle_in_transaction)
	check "pgsql: oldest idle in transaction ${age}s, from its last statement ${ITX_AGE}s ago" \
		'awk -v a="$age" -v b="$ITX_AGE" "BEGIN { exit !(a > 1.0 && a <= b + 0.2) }"'
	check "pgsql: per database: app 3, postgres 2 (template1: 0)" \
		'[ "$(perf db_app_connections)" = 3 ] && [ "$(perf db_postgres_connections)" = 2 ] &&
		 [ "$(perf db_template1_connections)" = 0 ]'
	check "pgsql: per user: appuser 3 (limit 6 as max), postgres 2" \
		'[ "$(perf user_appuser_connections)" = 3 ] && [ "$(perf user_postgres_connections)" = 2 ] &&
		 printf "%s\n" "$out" | grep -q "user_appuser_connections=3;;;0;6"'
	run "${PG[@]}" --warningx 'oldest_idle_in_transaction=~:0.5' --criticalx 'slots_left=2:'
	check "pgsql: thresholds on the age and on slots_left (rc $rc: $line)" \
		'[ "$rc" = 2 ] && [[ "$line" == *"1 slot left (critical under 2)"* ]]'
	run "${PG[@]}" --output-format json
	check "pgsql: JSON names the tightest limit as a fact" \
		'[ "$(printf "%s" "$out" | jq -r ".facts.tightest_limit")" = "datconnlimit of database app" ]'
	# Over the Unix socket as postgres (trust), the service file and .pgpass.
	run --type pgsql --socket "$WORK/pg" -P "$PG_PORT" --user postgres
	check "pgsql over the socket: rc $rc, 5 connections" '[ "$rc" = 0 ] && [ "$(perf connections)" = 5 ]'
	short=${line%% | *}
	check "pgsql: the OK status line is short, for a phone (${#short} chars: $short)" \
		'[ ${#short} -le 80 ] && [[ "$short" == "DB_CONNS OK - 5 connections, "*" of database app'"'"'s limit, 1 slot left" ]]'
	cat >"$WORK/pg_service.conf" <<EOF
[mon]
host=127.0.0.1
port=$PG_PORT
user=mon
dbname=postgres
EOF
	secret "$WORK/pgpass" "127.0.0.1:$PG_PORT:*:mon:monpw"
	run --type pgsql --option-file "$WORK/pg_service.conf" --service mon --pgpass "$WORK/pgpass"
	check "pgsql: a service of --option-file with the password of --pgpass (rc $rc)" \
		'[ "$rc" = 0 ] && [ "$(perf connections)" = 5 ]'
	run --type pgsql --option-file "$WORK/no-such.conf" --service mon
	check "pgsql: a missing --option-file is UNKNOWN, named ($line)" \
		'[ "$rc" = 3 ] && [[ "$line" == *"--option-file: cannot read $WORK/no-such.conf: No such file or directory"* ]]'
	run --type pgsql -H 127.0.0.1 -P "$PG_PORT" --user mon --pgpass "$WORK/no-such.pgpass"
	check "pgsql: a missing --pgpass is UNKNOWN ($line)" \
		'[ "$rc" = 3 ] && [[ "$line" == *"--pgpass"*"No such file"* ]]'
	secret "$WORK/bad.pw" wrongpw
	run --type pgsql -H 127.0.0.1 -P "$PG_PORT" --user mon --password-file "$WORK/bad.pw"
	check "pgsql: a wrong password is UNKNOWN with a clear line ($line)" \
		'[ "$rc" = 3 ] && [[ "$line" == *"cannot log in to PostgreSQL at 127.0.0.1:$PG_PORT: password authentication failed for user \"mon\""* ]]'
	check "pgsql: the password is in no output" '! grep -q wrongpw <<<"$out$(cat "$WORK/stderr")"'
	run --type pgsql -H 127.0.0.1 -P "$PG_PORT" --user mon --password-file "$WORK/bad.pw" --language zh_CN
	check "pgsql, zh_CN: a wrong password is still UNKNOWN, libpq's reason in English ($line)" \
		'[ "$rc" = 3 ] && [[ "$line" == "DB_CONNS UNKNOWN - 无法登录 PostgreSQL 127.0.0.1:$PG_PORT: password authentication failed for user \"mon\""* ]]'
	run --type socket -P "$PG_PORT"
	check "socket mode on PostgreSQL's port: the 3 TCP sessions (rc $rc: $line)" \
		'[ "$rc" = 0 ] && [ "$(perf connections)" = 3 ] && [ "$(perf listeners)" = 1 ]'
	run --type socket -P "$PG_PORT" --per-remote --limit 4 -w 50
	check "socket mode: per remote address, against --limit ($line)" \
		'[ "$rc" = 1 ] && [ "$(perf remote_127.0.0.1_connections)" = 3 ] && [ "$(perf slots_left)" = 1 ]'
	# A fourth session fills database app (limit 4): a superuser's check still gets in,
	# and must not say OK with no slot left for the application.
	PGPASSWORD=apppw psql -X -q "host=127.0.0.1 port=$PG_PORT user=appuser dbname=app" \
		-c "select pg_sleep(90)" >/dev/null 2>&1 &
	FILL=$!
	PIDS="$PIDS $FILL"
	for _ in $(seq 100); do
		n=$("${PSQL[@]}" -d postgres -c "select count(*) from pg_stat_activity where
			datname = 'app' and backend_type = 'client backend'" 2>/dev/null)
		[ "$n" = 4 ] && break
		sleep 0.1
	done
	run --type pgsql --socket "$WORK/pg" -P "$PG_PORT" --user postgres
	check "pgsql as superuser, no slot left in database app: CRITICAL without thresholds ($line)" \
		'[ "$rc" = 2 ] && [[ "$line" == *"no connection slot left under datconnlimit of database app"* ]] &&
		 [ "$(perf slots_left)" = 0 ]'
	kill "$FILL" 2>/dev/null
fi

run --type pgsql -H 127.0.0.1 -P "$DEADPORT" --user mon --password-file "$WORK/mon.pw" -t 5
check "pgsql: a port nobody listens on is CRITICAL with the reason ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"PostgreSQL at 127.0.0.1:$DEADPORT is unreachable: "*"onnection refused"* ]]'
# libpq has a zh_CN catalog of its own: under --language zh_CN its connection messages
# stay English (pl_pg_classify reads them; in LC_CTYPE's ASCII they came out as '???').
run --type pgsql -H 127.0.0.1 -P "$DEADPORT" --user mon --password-file "$WORK/mon.pw" -t 5 --language zh_CN
check "pgsql, zh_CN: a port nobody listens on is CRITICAL, libpq's reason in English ($line)" \
	'[ "$rc" = 2 ] && [ "$line" = "DB_CONNS CRITICAL - PostgreSQL 127.0.0.1:$DEADPORT 无法连接: Connection refused" ]'

# A listener that accepts TCP connections and never says a word.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
time.sleep(90)' "$HANGPORT" &
PIDS="$PIDS $!"
for _ in $(seq 50); do ss -Hltn "sport = :$HANGPORT" | grep -q . && break; sleep 0.1; done
run --type pgsql -H 127.0.0.1 -P "$HANGPORT" --user mon --password-file "$WORK/mon.pw" -t 2
check "pgsql: a server that never answers: UNKNOWN timeout within -t 2 + grace (${secs}s: $line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"timed out"* ]] && awk -v s="$secs" "BEGIN { exit !(s < 3.3) }"'
run --type pgsql -H 127.0.0.1 -P "$HANGPORT" --user mon --password-file "$WORK/mon.pw" -t 2:critical
check "pgsql: -t 2:critical makes that CRITICAL (rc $rc)" '[ "$rc" = 2 ]'

########################################################################################
# MariaDB 10.11: max_connections 30, max_user_connections 5; user mon (PROCESS) over TCP
# with a password; user app on database appdb; root through the socket.
########################################################################################
mkdir "$WORK/my" && chown mysql:mysql "$WORK/my"
MYSOCK=$WORK/my/mysqld.sock
if mariadb-install-db --no-defaults --user=mysql --datadir="$WORK/my/data" \
	--auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
	>"$WORK/my-install.log" 2>&1; then
	mariadbd --no-defaults --user=mysql --datadir="$WORK/my/data" --socket="$MYSOCK" \
		--port="$MYPORT" --bind-address=127.0.0.1 --pid-file="$WORK/my/mysqld.pid" \
		--log-error="$WORK/my/error.log" --skip-name-resolve --innodb-buffer-pool-size=32M \
		--innodb-log-file-size=16M --max-connections=30 --max-user-connections=5 \
		>/dev/null 2>&1 &
	MY_PID=$!
	for _ in $(seq 300); do
		mariadb-admin --no-defaults --socket="$MYSOCK" -uroot ping >/dev/null 2>&1 && break
		kill -0 "$MY_PID" 2>/dev/null || break
		sleep 0.1
	done
fi
M=(mariadb --no-defaults --socket="$MYSOCK" -uroot -N -B)
if [ -n "$MY_PID" ] && "${M[@]}" -e 'select 1' >/dev/null 2>&1; then
	ok "MariaDB on 127.0.0.1:$MYPORT and $MYSOCK"
	"${M[@]}" >"$WORK/my-setup.log" 2>&1 <<EOF
CREATE USER 'mon'@'127.0.0.1' IDENTIFIED BY 'monpw';
GRANT PROCESS ON *.* TO 'mon'@'127.0.0.1';
CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY 'apppw';
CREATE DATABASE appdb;
GRANT ALL ON appdb.* TO 'app'@'127.0.0.1';
CREATE TABLE appdb.t (i INT) ENGINE=InnoDB;
EOF
	check "MariaDB: users mon and app, database appdb" '! grep -q ERROR "$WORK/my-setup.log"'
	MT=(mariadb --no-defaults -h 127.0.0.1 -P "$MYPORT" -uapp -papppw appdb)
	mkfifo "$WORK/my-f7" "$WORK/my-f8" "$WORK/my-f9" "$WORK/my-f10"
	"${MT[@]}" -e "select sleep(90)" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	"${MT[@]}" <"$WORK/my-f7" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	"${MT[@]}" <"$WORK/my-f8" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	"${M[@]}" <"$WORK/my-f9" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	"${M[@]}" <"$WORK/my-f10" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	exec 7>"$WORK/my-f7" 8>"$WORK/my-f8" 9>"$WORK/my-f9" 10>"$WORK/my-f10"
	echo "select 1;" >&7
	echo "start transaction; insert into t values (1);" >&8
	for _ in $(seq 100); do
		n=$("${M[@]}" -e "select count(*) from information_schema.processlist
			where id <> connection_id() and command <> 'Daemon'" 2>/dev/null)
		itx=$("${M[@]}" -e "select count(*) from information_schema.innodb_trx" 2>/dev/null)
		[ "$n" = 5 ] && [ "$itx" = 1 ] && break
		sleep 0.1
	done
	check "MariaDB: 5 client sessions held (server says $n, $itx open transaction)" \
		'[ "$n" = 5 ] && [ "$itx" = 1 ]'
	sleep 1.2
	secret "$WORK/my-mon.pw" monpw
	MY=(--type mysql -H 127.0.0.1 -P "$MYPORT" --user mon --password-file "$WORK/my-mon.pw")
	run "${MY[@]}" -w 50 -c 90
	echo "# $line"
	mon_out=$out
	check "mysql: WARNING at 60% of the tightest limit (rc $rc)" '[ "$rc" = 1 ]'
	check "mysql: 5 connections (Threads_connected without the check's own)" \
		'[ "$(perf connections)" = 5 ] && [ "$(perf threads_connected)" = 6 ]'
	check "mysql: the tightest limit is max_user_connections for user app" \
		'[[ "${line%% | *}" == "DB_CONNS WARNING - 5 connections, 60% of user app'"'"'s limit (warning over 50%), 2 slots left" ]] &&
		 printf "%s\n" "$out" | grep -qx "tightest limit: max_user_connections for user app, 3 of 5 used (60%), 2 left"'
	en_out=$out en_line=$line en_rc=$rc
	run "${MY[@]}" -w 50 -c 90 --language zh_CN --state-key zh   # its own state: the rates below
	check "mysql, zh_CN: the status line in Chinese ($line)" \
		'[[ "${line%% | *}" == "DB_CONNS WARNING - 5 个连接, 用户 app 的限制已用 60% (警告: 超过 50%), 剩余 2 个槽位" ]]'
	out=$en_out line=$en_line rc=$en_rc
	check "mysql: used_pct 60, slots_left 2, limit 5, max_connections 30" \
		'[ "$(perf used_pct)" = 60 ] && [ "$(perf slots_left)" = 2 ] && [ "$(perf limit)" = 5 ] &&
		 [ "$(perf max_connections)" = 30 ]'
	check "mysql: per state: 1 active, 3 idle, 1 idle in transaction" \
		'[ "$(perf active)" = 1 ] && [ "$(perf idle)" = 3 ] && [ "$(perf idle_in_transaction)" = 1 ]'
	age=$(perf oldest_idle_in_transaction)
	check "mysql: oldest idle in transaction ${age}s (at least 1)" \
		'awk -v a="$age" "BEGIN { exit !(a >= 1 && a < 30) }"'
	check "mysql: per user app 3, root 2; per database appdb 3" \
		'[ "$(perf user_app_connections)" = 3 ] && [ "$(perf user_root_connections)" = 2 ] &&
		 [ "$(perf db_appdb_connections)" = 3 ]'
	check "mysql: threads_running, max_used_connections in the perfdata" \
		'[ -n "$(perf threads_running)" ] && [ "$(perf max_used_connections)" -ge 6 ]'
	check "mysql: the first run sampled aborted connects ($(perf aborted_connects)/s)" \
		'[ "$(perf aborted_connects)" = 0 ] && [[ "$out" == *"first run"* ]]'
	secret "$WORK/my-bad.pw" wrongpw
	run --type mysql -H 127.0.0.1 -P "$MYPORT" --user mon --password-file "$WORK/my-bad.pw"
	check "mysql: a wrong password is UNKNOWN with a clear line ($line)" \
		'[ "$rc" = 3 ] && [[ "$line" == *"cannot log in to MySQL at 127.0.0.1:$MYPORT: Access denied for user '"'"'mon'"'"'"* ]]'
	check "mysql: the password is in no output" '! grep -q wrongpw <<<"$out$(cat "$WORK/stderr")"'
	run --type mysql -H 127.0.0.1 -P "$MYPORT" --user mon --password-file "$WORK/my-bad.pw"
	sleep 1.1
	run "${MY[@]}"
	check "mysql: aborted connects per second from the state file ($(perf aborted_connects)/s)" \
		'awk -v a="$(perf aborted_connects)" "BEGIN { exit !(a > 0) }" && [[ "$out" != *"first run"* ]]'
	cat >"$WORK/my.cnf" <<EOF
[client]
host=127.0.0.1
port=$MYPORT
user=mon
password=monpw
EOF
	chmod 600 "$WORK/my.cnf"
	run --type mysql --option-file "$WORK/my.cnf"
	check "mysql: credentials from --option-file (rc $rc: ${line:0:60})" \
		'[ "$rc" = 0 ] && [ "$(perf connections)" = 5 ]'
	run --type mysql --option-file "$WORK/no-such.cnf"
	check "mysql: a missing --option-file is UNKNOWN, named ($line)" \
		'[ "$rc" = 3 ] && [[ "$line" == *"--option-file: cannot read $WORK/no-such.cnf: No such file or directory"* ]]'
	secret "$WORK/app.pw" apppw
	run --type mysql -H 127.0.0.1 -P "$MYPORT" --user app --password-file "$WORK/app.pw"
	check "mysql: without PROCESS the check says it sees its own sessions only ($line)" \
		'[[ "$out" == *"only this check'"'"'s own sessions are visible"* ]] &&
		 [[ "$out" == *"idle in transaction not known (open transactions are hidden"* ]]'
	run --type mysql --socket "$MYSOCK" --user root
	check "mysql over the socket as root (rc $rc)" '[ "$rc" = 0 ] && [ "$(perf connections)" = 5 ]'
	run --type socket -P "$MYPORT"
	check "socket mode on MariaDB's port: the 3 TCP sessions ($line)" \
		'[ "$rc" = 0 ] && [ "$(perf connections)" = 3 ]'
	# Per-account MAX_USER_CONNECTIONS: app's own 4 is tighter than the global 5.
	check "mon cannot read mysql.user yet: other accounts' own limits said unknown" \
		'[[ "$mon_out" == *"other accounts'"'"' own max_user_connections not known (GRANT SELECT ON mysql.user"* ]]'
	"${M[@]}" -e "GRANT SELECT ON mysql.user TO 'mon'@'127.0.0.1';
		ALTER USER 'app'@'127.0.0.1' WITH MAX_USER_CONNECTIONS 4" >>"$WORK/my-setup.log" 2>&1
	run "${MY[@]}" -w 70 -c 90
	check "mysql: account app's own MAX_USER_CONNECTIONS 4 is the tightest (rc $rc: $line)" \
		'[ "$rc" = 1 ] && [[ "$line" == *"75% of user app'"'"'s limit (warning over 70%), 1 slot left"* ]] &&
		 printf "%s\n" "$out" | grep -qx "tightest limit: max_user_connections of account app, 3 of 4 used (75%), 1 left" &&
		 [ "$(perf limit)" = 4 ] && [ "$(perf slots_left)" = 1 ] &&
		 [[ "$out" != *"own max_user_connections not known"* ]]'
	run --type mysql -H 127.0.0.1 -P "$MYPORT" --user app --password-file "$WORK/app.pw"
	check "mysql: app, without SELECT on mysql.user, knows its own limit 4 ($line)" \
		'printf "%s\n" "$out" | grep -qx "tightest limit: max_user_connections of account app, 3 of 4 used (75%), 1 left"'
else
	notok "MariaDB starts"
	tail -5 "$WORK/my-install.log" "$WORK/my/error.log" 2>/dev/null | sed 's/^/# /'
fi
run --type mysql -H 127.0.0.1 -P "$DEADPORT" --user mon --password-file "$WORK/mon.pw" -t 5
check "mysql: a port nobody listens on is CRITICAL with the reason ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"MySQL at 127.0.0.1:$DEADPORT is unreachable: "* ]]'
run --type mysql -H 127.0.0.1 -P "$HANGPORT" --user mon --password-file "$WORK/mon.pw" -t 2
check "mysql: a server that never answers: timeout within -t 2 + grace (${secs}s: $line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"timed out"* ]] && awk -v s="$secs" "BEGIN { exit !(s < 3.3) }"'

finish
