#!/bin/bash
# check_url against a real nginx (Debian's, built with ssl and http_v2) started once for
# this file on 127.0.0.1 and ::1 in a scratch directory, with a certificate authority,
# two intermediates and leaf certificates made here with openssl (one good, one expiring
# soon, one expired, one under an intermediate that expires soon, one for another name,
# a client certificate), endpoints that return each status, redirect (relative,
# absolute, with a query, in a loop, 303 and 307 after a POST, to another host), echo
# the method and the credentials, a proxy, HTTP/2 (over TLS and h2c); Debian's tinyproxy as
# a forward proxy for HTTPS (CONNECT); and a small Python listener
# (http-helper.py) that stalls in the TLS handshake, hangs after the request, or
# answers late. Asserts exit codes, status lines, perfdata (phases present and absent)
# and JSON.
#
# Exit 77 (skip) when not root or when nginx, openssl or python3 is missing. One line per
# check, then "N passed, M failed". nginx, the helper and the scratch directory are gone
# on exit (trap); the whole run is cut at HTTP_LIMIT seconds (default 150).

set -u

. "$(dirname "$0")/../env.sh"
PLUGIN=$PLUGINS/check_url
HELPER=$(cd "$(dirname "$0")" && pwd)/http-helper.py
NGINX=/usr/sbin/nginx

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (nginx binds its ports and runs its workers as root here)"
	exit 77
fi
missing=""
for t in "$NGINX" /usr/bin/openssl /usr/bin/python3 /usr/bin/jq; do
	[ -x "$t" ] || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "SKIP: not installed:$missing (tests/run-all.sh installs nginx-light, openssl, python3, jq)"
	exit 77
fi
if ! "$NGINX" -V 2>&1 | grep -q -- --with-http_v2_module ||
	! "$NGINX" -V 2>&1 | grep -q -- --with-http_ssl_module; then
	echo "SKIP: this nginx lacks ssl or http_v2"
	exit 77
fi
if [ ! -x "$PLUGIN" ]; then
	echo "not ok - no check_url at $PLUGIN (set PLUGINS; built only with libcurl)"
	echo "0 passed, 1 failed"
	exit 1
fi

check() { if eval "$2"; then ok "$1"; else notok "$1"; printf '  # %s\n' "$out" | head -5; fi; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-http.XXXXXX") || exit 99
NGINX_PID=""
TPROXY_PID=""
HELPER_PID=""
cleanup() {
	if [ -n "$TPROXY_PID" ]; then
		kill -TERM "$TPROXY_PID" 2>/dev/null
		wait "$TPROXY_PID" 2>/dev/null
	fi
	[ -n "${WATCHDOG:-}" ] && kill -TERM "$WATCHDOG" 2>/dev/null
	if [ -n "$NGINX_PID" ]; then
		kill -TERM "$NGINX_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
	fi
	if [ -n "$HELPER_PID" ]; then
		kill -TERM "$HELPER_PID" 2>/dev/null
		wait "$HELPER_PID" 2>/dev/null
	fi
	[ -n "${HTTP_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

watchdog "${HTTP_LIMIT:-150}"

# Ports nobody listens on now; another test may take one before nginx binds it (make
# check runs tests side by side), so the servers are started again on new ones then.
pick_ports() {
	local p v ports=""
	for v in HTTP HTTPS H2 H2C TLS12 PROXY STALL HANG SLOW DEAD; do
		p=$(free_port) || { notok "free ports"; finish; }
		while [[ " $ports " == *" $p "* ]]; do p=$(free_port) || { notok "free ports"; finish; }; done
		ports="$ports $p"
		eval "$v=$p"
	done
}

export PLUMBLINE_STATE_DIR=$WORK/state
mkdir -m 700 "$PLUMBLINE_STATE_DIR"
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

run() {        # check_url ARGS -> $out (stdout), $rc, $line (the status line)
	out=$("$PLUGIN" "$@" 2>"$WORK/stderr")
	rc=$?
	line=${out%%$'\n'*}
	line=${line%% | *}
}
perf() {       # the value of perfdata label $1 in $out ("" when it is left out)
	printf '%s\n' "$out" | sed -n 's/^[^|]*|//p' | tr ' ' '\n' |
		sed -n "s/^'\{0,1\}$1'\{0,1\}=\([0-9.U-]*\).*/\1/p" | head -n 1
}
has_perf() { [ -n "$(perf "$1")" ]; }
no_perf() { [ -z "$(perf "$1")" ]; }

########################################################################################
# Certificates: a CA, two intermediates (one expires in 20 days), and leaves with the
# dates openssl ca is told (one expired a year ago).
########################################################################################
P=$WORK/pki
mkdir -p "$P/db" && touch "$P/db/index" && echo 01 >"$P/db/serial"
cat >"$P/ca.cnf" <<EOF
[ca]
default_ca = plca
[plca]
database = $P/db/index
serial = $P/db/serial
new_certs_dir = $P/db
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = copy
[anything]
commonName = supplied
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[v3_leaf]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
EOF
day() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
# mkcert NAME CN ISSUER START END EXT [SAN]
mkcert() {
	local san=${7:-}
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$P/$1.key" -out "$P/$1.csr" -subj "/CN=$2" \
		${san:+-addext "subjectAltName=$san"} 2>/dev/null &&
	if [ "$3" = self ]; then
		openssl ca -batch -config "$P/ca.cnf" -selfsign -keyfile "$P/$1.key" \
			-startdate "$4" -enddate "$5" -extensions "$6" -in "$P/$1.csr" \
			-out "$P/$1.pem" -notext 2>/dev/null
	else
		openssl ca -batch -config "$P/ca.cnf" -cert "$P/$3.pem" -keyfile "$P/$3.key" \
			-startdate "$4" -enddate "$5" -extensions "$6" -in "$P/$1.csr" \
			-out "$P/$1.pem" -notext 2>/dev/null
	fi
}
now=$(day now)
year_ago=$(day '-400 days')
mkcert ca "Plumbline Test CA" self "$year_ago" "$(day '+3650 days')" v3_ca &&
mkcert inter "Plumbline Inter" ca "$year_ago" "$(day '+1000 days')" v3_ca &&
mkcert intersoon "Plumbline Inter Soon" ca "$year_ago" "$(day '+20 days 1 hour')" v3_ca &&
mkcert good good.test inter "$now" "$(day '+200 days 1 hour')" v3_leaf DNS:good.test,DNS:localhost,DNS:mtls.test &&
mkcert soon soon.test inter "$now" "$(day '+10 days 1 hour')" v3_leaf DNS:soon.test &&
mkcert expired expired.test inter "$year_ago" "$(day '-30 days')" v3_leaf DNS:expired.test &&
mkcert chain chain.test intersoon "$now" "$(day '+200 days')" v3_leaf DNS:chain.test &&
mkcert other other.test inter "$now" "$(day '+200 days')" v3_leaf DNS:other.test &&
mkcert client monitor inter "$now" "$(day '+200 days')" v3_leaf ||
	{ notok "certificates made with openssl ca"; finish; }
for n in good soon expired other; do cat "$P/$n.pem" "$P/inter.pem" >"$P/$n.chain"; done
cat "$P/chain.pem" "$P/intersoon.pem" >"$P/chain.chain"
cat "$P/client.pem" "$P/inter.pem" >"$P/client.chain"
cp "$P/ca.pem" "$WORK/ca.pem"
ok "certificates: a CA, two intermediates, six leaves and a client certificate"

########################################################################################
# nginx: plain HTTP with the endpoints, HTTPS by name (SNI), HTTP/2, TLS 1.2 only, and a
# forward proxy that marks what it passes.
########################################################################################
N=$WORK/nginx
mkdir -p "$N/tmp"
statuses=""
for s in 200 201 204 301 302 400 401 403 404 418 429 500 502 503 504; do
	statuses="$statuses location = /status/$s { return $s \"status $s\\n\"; }
"
done
tls_server() {  # NAME CHAIN [extra]
	cat <<EOF
server {
	listen 127.0.0.1:$HTTPS ssl;
	server_name $1;
	ssl_certificate $P/$2.chain;
	ssl_certificate_key $P/$2.key;
	${3:-}
	location / { return 200 "tls $1 \$ssl_protocol\\n"; }
	location /mtls { return 200 "client \$ssl_client_verify\\n"; }
	location /hang { proxy_pass http://127.0.0.1:$HANG; proxy_read_timeout 60s; }
}
EOF
}
write_conf() {
cat >"$N/nginx.conf" <<EOF
daemon off;
master_process on;
user root root;
worker_processes 1;
pid $N/nginx.pid;
error_log $N/error.log warn;
events { worker_connections 128; }
http {
	access_log off;
	client_body_temp_path $N/tmp/body;
	proxy_temp_path $N/tmp/proxy;
	fastcgi_temp_path $N/tmp/fcgi;
	uwsgi_temp_path $N/tmp/uwsgi;
	scgi_temp_path $N/tmp/scgi;
	default_type text/plain;
	absolute_redirect off;
	server {
		listen 127.0.0.1:$HTTP;
		listen [::1]:$HTTP;
		server_name localhost;
		location = / { return 200 "hello from plumbline\\n"; }
		$statuses
		location = /big { return 200 "$(head -c 3000 /dev/zero | tr '\0' x)\\n"; }
		location = /r/relative { return 302 "final?from=rel"; }
		location = /r/absolute { return 301 "http://127.0.0.1:$HTTP/r/final?from=abs"; }
		location = /r/query { return 302 "final?\$args&hop=1"; }
		location = /r/loop1 { return 302 "/r/loop2"; }
		location = /r/loop2 { return 302 "/r/loop1"; }
		location = /r/c3 { return 302 "/r/c2"; }
		location = /r/c2 { return 302 "/r/c1"; }
		location = /r/c1 { return 302 "/r/final?from=chain"; }
		location = /r/see-other { return 303 "/r/method"; }
		location = /r/temporary { return 307 "/r/method"; }
		location = /r/other-host { return 302 "http://localhost:$HTTP/r/auth"; }
		location = /r/same-host { return 302 "/r/auth"; }
		location = /r/to-broken { return 302 "/status/503"; }
		location = /r/to-https { return 301 "https://good.test:$HTTPS/"; }
		location = /r/final { return 200 "final \$args\\n"; }
		location = /r/method { return 200 "method \$request_method\\n"; }
		location = /r/auth { return 200 "auth [\$http_authorization]\\n"; }
		location = /whoami { return 200 "proxied=[\$http_x_proxied] host=[\$host]\\n"; }
	}
	server {
		listen 127.0.0.1:$PROXY;
		location / {
			proxy_pass http://127.0.0.1:$HTTP;
			proxy_set_header X-Proxied yes;
			proxy_set_header Host \$host;
			proxy_redirect off;
		}
	}
$(tls_server good.test good)
$(tls_server soon.test soon)
$(tls_server expired.test expired)
$(tls_server chain.test chain)
$(tls_server wrong.test other)
$(tls_server mtls.test good "ssl_verify_client optional; ssl_client_certificate $P/ca.pem; ssl_verify_depth 3;")
	server {
		listen 127.0.0.1:$H2 ssl http2;
		server_name good.test;
		ssl_certificate $P/good.chain;
		ssl_certificate_key $P/good.key;
		location / { return 200 "h2 \$server_protocol\\n"; }
	}
	server {
		listen 127.0.0.1:$H2C http2;
		location / { return 200 "h2c \$server_protocol\n"; }
	}
	server {
		listen 127.0.0.1:$TLS12 ssl;
		server_name good.test;
		ssl_protocols TLSv1.2;
		ssl_certificate $P/good.chain;
		ssl_certificate_key $P/good.key;
		location / { return 200 "tls12 \$ssl_protocol\\n"; }
	}
}
EOF
}
stop_servers() {
	[ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	[ -n "$HELPER_PID" ] && kill -TERM "$HELPER_PID" 2>/dev/null && wait "$HELPER_PID" 2>/dev/null
	NGINX_PID="" HELPER_PID=""
}
up=no
for attempt in 1 2 3; do
	pick_ports
	write_conf
	"$NGINX" -t -c "$N/nginx.conf" -p "$N" >"$N/test.log" 2>&1 ||
		{ notok "nginx -t: $(tail -3 "$N/test.log")"; finish; }
	: >"$N/error.log"
	"$NGINX" -c "$N/nginx.conf" -p "$N" >"$N/out.log" 2>&1 &
	NGINX_PID=$!
	/usr/bin/python3 "$HELPER" "$STALL" "$HANG" "$SLOW" 1.2 >"$WORK/helper.out" 2>&1 &
	HELPER_PID=$!
	# Up when nginx itself holds each of its ports (not whoever took one of them: nginx
	# retries a bind for two seconds before it gives up) and the helper bound its own.
	for _ in $(seq 100); do
		kill -0 "$NGINX_PID" 2>/dev/null && kill -0 "$HELPER_PID" 2>/dev/null || break
		up=yes
		for p in "$HTTP" "$HTTPS" "$H2" "$H2C" "$TLS12" "$PROXY"; do
			ss -Hltnp "sport = :$p" | grep -q "pid=$NGINX_PID," || up=no
		done
		grep -q ready "$WORK/helper.out" 2>/dev/null || up=no
		[ "$up" = yes ] && break
		sleep 0.1
	done
	[ "$up" = yes ] && break
	echo "# attempt $attempt: $(tail -1 "$N/error.log" 2>/dev/null) $(tail -1 "$WORK/helper.out")"
	stop_servers
done
[ "$up" = yes ] || { notok "nginx and the helper listen: $(tail -3 "$N/error.log" 2>/dev/null)"; finish; }
ok "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') and the helper listen on loopback"

# A forward proxy for HTTPS (CONNECT): Debian's tinyproxy, in the foreground, on loopback.
if [ -x /usr/bin/tinyproxy ] && TPROXY=$(free_port); then
	cat >"$WORK/tinyproxy.conf" <<EOF
Port $TPROXY
Listen 127.0.0.1
Timeout 30
MaxClients 20
LogLevel Connect
Allow 127.0.0.1
ConnectPort $HTTPS
EOF
	/usr/bin/tinyproxy -d -c "$WORK/tinyproxy.conf" >"$WORK/tinyproxy.log" 2>&1 &
	TPROXY_PID=$!
	for _ in $(seq 50); do
		ss -Hltn "sport = :$TPROXY" | grep -q . && break
		kill -0 "$TPROXY_PID" 2>/dev/null || { TPROXY_PID=""; break; }
		sleep 0.1
	done
fi

U=http://127.0.0.1:$HTTP
S=https://good.test:$HTTPS
R="--resolve good.test:$HTTPS:127.0.0.1"
CA="--ca-file $WORK/ca.pem"
tls() { echo "--resolve $1:$HTTPS:127.0.0.1 --ca-file $WORK/ca.pem"; }

########################################################################################
# Status codes: the defaults, --expect lists and ranges, --status-map.
########################################################################################
run --url "$U/"
check "200 is OK, with the phases of plain HTTP ($line)" \
	'[ "$rc" = 0 ] && [[ "$line" =~ ^"URL OK - $U/ 200 OK in "[0-9.]+s$ ]] && has_perf dns && has_perf connect && has_perf ttfb && has_perf total && no_perf tls && [ "$(perf size)" = 21 ]'
run --url "$U/status/503" --expect 200
check "503 against --expect 200 is CRITICAL (the server's reason phrase), said in one short line ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" =~ ^"URL CRITICAL - $U/status/503 503 Service Temporarily Unavailable (expected 200) in "[0-9.]+s$ ]]'
run --url "$U/status/404"
check "404 without --expect is WARNING ($line)" \
	'[ "$rc" = 1 ] && [[ "$line" == "URL WARNING - $U/status/404 404 Not Found in "* ]]'
# The same answers in Simplified Chinese (the reason phrase and the URL as the server and
# the admin wrote them).
run --url "$U/" --language zh_CN
check "zh_CN: 200 is OK ($line)" '[ "$rc" = 0 ] && [[ "$line" =~ ^"URL OK - $U/ 200 OK 耗时 "[0-9.]+s$ ]]'
run --url "$U/status/404" --language zh_CN
check "zh_CN: 404 is WARNING ($line)" \
	'[ "$rc" = 1 ] && [[ "$line" =~ ^"URL WARNING - $U/status/404 404 Not Found 耗时 "[0-9.]+s$ ]]'
run --url "$U/status/503" --expect 200 --language zh_CN
check "zh_CN: 503 against --expect 200 is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" =~ ^"URL CRITICAL - $U/status/503 503 Service Temporarily Unavailable (预期 200) 耗时 "[0-9.]+s$ ]]'
run --url "$U/" --body-contains nowhere-in-it --language zh_CN
check "zh_CN: a body without the text is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == "URL CRITICAL - 响应体缺少 '"'"'nowhere-in-it'"'"' - $U/ 200 OK 耗时 "* ]]'
run --url "$U/status/500"
check "500 without --expect is CRITICAL" '[ "$rc" = 2 ]'
run --url "$U/status/204" --expect 200-204
check "204 in the range 200-204 is OK ($line)" '[ "$rc" = 0 ] && [[ "$line" == *" 204 No Content in "* ]]'
run --url "$U/status/201" --expect 200,202 --expect 3xx
check "201 outside the list 200,202,3xx is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"(expected 200, 202, 3xx)"* ]]'
run --url "$U/status/404" --status-map '404=ok,5xx=critical'
check "--status-map 404=ok ($line)" '[ "$rc" = 0 ] && [[ "$line" == *" 404 Not Found in "* ]]'
run --url "$U/status/502" --status-map '404=ok,5xx=critical'
check "--status-map 5xx=critical on 502" '[ "$rc" = 2 ]'
run --url "$U/status/429" --status-map '4xx=critical,429=warning'
check "--status-map: the narrowest entry wins (429=warning over 4xx)" '[ "$rc" = 1 ]'
run --url "$U/status/418" --expect 200 --status-map 418=ok
check "--status-map is asked before --expect" '[ "$rc" = 0 ]'

########################################################################################
# Body and size.
########################################################################################
run --url "$U/" --body-contains 'hello from'
check "--body-contains found" '[ "$rc" = 0 ]'
run --url "$U/" --body-contains 'Welcome'
check "--body-contains missing is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == "URL CRITICAL - body lacks '"'"'Welcome'"'"' - $U/ 200 OK in "* ]]'
run --url "$U/" --body-lacks 'plumbline'
check "--body-lacks present is CRITICAL ($line)" '[ "$rc" = 2 ] && [[ "$line" == *"body holds '"'"'plumbline'"'"'"* ]]'
run --url "$U/" --body-regex '^hello .* plumb'
check "--body-regex matched" '[ "$rc" = 0 ]'
run --url "$U/" --body-regex '^bye'
check "--body-regex not matched is CRITICAL" '[ "$rc" = 2 ] && [[ "$line" == *"body does not match"* ]]'
run --url "$U/" --body-lacks-regex 'error|fail'
check "--body-lacks-regex not matched is OK" '[ "$rc" = 0 ]'
run --url "$U/big" --max-size 1KB
check "--max-size 1KB on a 3001-byte body is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"body of 3001 B, over --max-size 1024 B"* ]] && [ "$(perf size)" = 3001 ]'
run --url "$U/" --min-size 100
check "--min-size 100 on a 21-byte body is CRITICAL" '[ "$rc" = 2 ] && [[ "$line" == *"under --min-size"* ]]'
run --url "$U/r/method" --method HEAD
check "--method HEAD reads no body" '[ "$rc" = 0 ] && [ "$(perf size)" = 0 ]'
run --url "$U/r/method" --method PUT --body x --body-contains 'method PUT'
check "--method PUT with a body" '[ "$rc" = 0 ]'
printf 'from a file' >"$WORK/body.txt"
run --url "$U/r/method" --body-file "$WORK/body.txt" --body-contains 'method POST'
check "--body-file makes a POST" '[ "$rc" = 0 ]'

########################################################################################
# Redirects.
########################################################################################
run --url "$U/r/relative" --body-contains 'final from=rel'
check "a relative Location is followed, resolved against its URL ($line)" \
	'[ "$rc" = 0 ] && [ "$(perf redirects)" = 1 ] && [[ "$out" == *"redirects: $U/r/relative -> $U/r/final?from=rel"* ]]'
run --url "$U/r/absolute" --body-contains 'final from=abs'
check "an absolute Location" '[ "$rc" = 0 ]'
run --url "$U/r/query?a=1&b=2" --body-contains 'final a=1&b=2&hop=1'
check "the query string is kept across the redirect" '[ "$rc" = 0 ]'
run --url "$U/r/loop1"
check "a redirect loop is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == "URL CRITICAL - $U/r/loop1 redirects in a loop"* ]] && [[ "$out" == *"$U/r/loop1 -> $U/r/loop2 -> $U/r/loop1"* ]]'
run --url "$U/r/c3" --max-redirects 2
check "more than --max-redirects is CRITICAL ($line)" '[ "$rc" = 2 ] && [[ "$line" == *"more than 2 redirects"* ]]'
run --url "$U/r/c3" --max-redirects 3 --body-contains 'from=chain'
check "three redirects within --max-redirects 3" '[ "$rc" = 0 ] && [ "$(perf redirects)" = 3 ]'
run --url "$U/r/relative" --max-redirects 0 --expect 302
check "--max-redirects 0 judges the redirect itself" '[ "$rc" = 0 ] && [[ "$line" == *" 302 Moved Temporarily in "* ]]'
run --url "$U/r/to-broken" --expect 200
check "the status is judged after the last redirect ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"503 Service Temporarily Unavailable (expected 200)"* ]]'
run --url "$U/r/see-other" --body x --body-contains 'method GET'
check "303 after a POST goes on as GET" '[ "$rc" = 0 ]'
run --url "$U/r/temporary" --body x --body-contains 'method POST'
check "307 keeps the POST" '[ "$rc" = 0 ]'

########################################################################################
# Credentials: only from the secret mechanism, only to the URL's own origin.
########################################################################################
(umask 077 && printf 's3cr3t-pw\n' >"$WORK/pw" && printf 'tok-123\n' >"$WORK/token")
run --url "$U/r/same-host" --user mon --password-file "$WORK/pw" --body-contains 'auth [Basic bW9uOnMzY3IzdC1wdw==]'
check "basic credentials from --password-file, kept on a same-origin redirect" \
	'[ "$rc" = 0 ] && [[ "$out" != *s3cr3t* ]]'
run --url "$U/r/other-host" --user mon --password-file "$WORK/pw" --body-contains 'auth []'
check "credentials are not sent to another host after a redirect" '[ "$rc" = 0 ]'
run --url "$U/r/auth" --bearer-file "$WORK/token" --body-contains 'auth [Bearer tok-123]'
check "a bearer token from --bearer-file" '[ "$rc" = 0 ] && [[ "$out" != *tok-123* ]]'
PLUMBLINE_URL_BEARER=tok-env run --url "$U/r/auth" --body-contains 'auth [Bearer tok-env]'
check "a bearer token from PLUMBLINE_URL_BEARER" '[ "$rc" = 0 ]'
run --url "$U/r/auth" --bearer tok-123
check "--bearer on the command line is refused ($line)" '[ "$rc" = 3 ] && [[ "$out" != *tok-123* ]]'
chmod 644 "$WORK/pw"
run --url "$U/r/auth" --user mon --password-file "$WORK/pw"
check "a password file open to others is refused ($line)" '[ "$rc" = 3 ] && [[ "$line" == *"chmod 600"* ]]'
run --url "$U/r/auth" --header 'Authorization: Basic eDp5'
check "an Authorization header on the command line is refused" '[ "$rc" = 3 ]'
run --url "http://mon:pw@127.0.0.1:$HTTP/"
check "credentials in the URL are refused" '[ "$rc" = 3 ] && [[ "$line" == *"--url: credentials in the URL"* ]]'

########################################################################################
# Proxies: only the one given, or the environment's on request.
########################################################################################
run --url "$U/whoami" --proxy "http://127.0.0.1:$PROXY" --body-contains 'proxied=[yes]'
check "--proxy" '[ "$rc" = 0 ]'
run --url "$U/r/relative" --proxy "http://127.0.0.1:$PROXY" --body-contains 'final from=rel'
check "a relative redirect through the proxy" '[ "$rc" = 0 ] && [ "$(perf redirects)" = 1 ]'
http_proxy=http://127.0.0.1:$PROXY run --url "$U/whoami" --body-contains 'proxied=[]'
check "http_proxy in the environment is ignored without --proxy-env" '[ "$rc" = 0 ]'
http_proxy=http://127.0.0.1:$PROXY run --url "$U/whoami" --proxy-env --body-contains 'proxied=[yes]'
check "--proxy-env takes http_proxy" '[ "$rc" = 0 ]'
run --url "$U/" --proxy "http://127.0.0.1:$DEAD"
check "a proxy that does not answer is CRITICAL" '[ "$rc" = 2 ]'
# HTTPS through a real forward proxy (tinyproxy, CONNECT): the TLS session, its SNI and
# its verification are end to end, the proxy sees only the tunnel's target.
if [ -n "$TPROXY_PID" ]; then
	run --url "https://127.0.0.1:$HTTPS/" --sni good.test $CA --proxy "http://127.0.0.1:$TPROXY" \
		--body-contains 'tls good.test'
	check "HTTPS through tinyproxy with CONNECT, SNI and verification end to end ($line)" \
		'[ "$rc" = 0 ] && grep -q "CONNECT 127.0.0.1:$HTTPS" "$WORK/tinyproxy.log" && has_perf tls && has_perf cert0_days'
	run --url "https://127.0.0.1:$HTTPS/" --sni wrong.test $CA --proxy "http://127.0.0.1:$TPROXY"
	check "a wrong certificate behind the proxy is still CRITICAL ($line)" \
		'[ "$rc" = 2 ] && [[ "$line" == *"certificate"* ]]'
	HTTPS_PROXY=http://127.0.0.1:$TPROXY https_proxy=http://127.0.0.1:$TPROXY \
		run --url "https://127.0.0.1:$HTTPS/" --sni good.test $CA --proxy-env --body-contains 'tls good.test'
	check "--proxy-env takes https_proxy for an https:// URL" \
		'[ "$rc" = 0 ] && [ "$(grep -c "CONNECT 127.0.0.1:$HTTPS" "$WORK/tinyproxy.log")" -ge 3 ]'
else
	notok "tinyproxy runs (tests/run-all.sh installs tinyproxy-bin): $(tail -2 "$WORK/tinyproxy.log" 2>/dev/null)"
fi

########################################################################################
# Addresses: -4, -6, --resolve.
########################################################################################
run --url "http://localhost:$HTTP/whoami" -6 --body-contains 'host=[localhost]'
check "-6 reaches ::1 ($(printf '%s' "$out" | grep -o 'address.*' | head -1))" '[ "$rc" = 0 ] && [[ "$out" == *"address: ::1"* ]]'
run --url "http://localhost:$HTTP/" -4
check "-4 reaches 127.0.0.1" '[ "$rc" = 0 ] && [[ "$out" == *"address: 127.0.0.1"* ]]'
run --url "http://www.example.invalid:$HTTP/whoami" --resolve "www.example.invalid:$HTTP:127.0.0.1" \
	--body-contains 'host=[www.example.invalid]'
check "--resolve connects to the address with the Host header kept" '[ "$rc" = 0 ]'
run --url "http://nosuch.invalid:$HTTP/"
check "a name that does not resolve is CRITICAL with dns left out ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"Could not resolve host"* ]] && no_perf connect && has_perf total'
run --url "http://127.0.0.1:$DEAD/"
check "a port nobody listens on is CRITICAL: dns, no connect ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == "URL CRITICAL - http://127.0.0.1:$DEAD/ cannot connect: Connection refused" ]] && has_perf dns && no_perf connect'

########################################################################################
# TLS: verification, the chain's days left, names, versions, client certificates.
########################################################################################
run --url "$S/" $(tls good.test) --body-contains 'tls good.test'
check "HTTPS with --resolve keeping SNI, verified against --ca-file ($line)" \
	'[ "$rc" = 0 ] && has_perf tls && has_perf ttfb && [[ "$line" =~ "cert0 expires in "[0-9]+" days" ]] && has_perf cert0_days && has_perf cert1_days && no_perf cert2_days'
d0=$(perf cert0_days)
check "cert0 (the leaf) has 200 days left ($d0)" '[ "${d0%%.*}" = 200 ]'
run --url "$U/r/to-https" $(tls good.test) --body-contains 'tls good.test'
check "http:// redirected to https://: the chain of the https:// connection ($line)" \
	'[ "$rc" = 0 ] && has_perf cert0_days && has_perf cert1_days && [ "$(perf redirects)" = 1 ]'
run --url "$S/" $R
check "without --ca-file the test CA is not trusted: CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"certificate not accepted"* ]] && has_perf connect && no_perf tls'
run --url "$S/" $R --insecure
check "--insecure accepts it, days still reported" '[ "$rc" = 0 ] && has_perf cert0_days'
# --sni: connect to an address, name the virtual host in TLS and in Host.
run --url "https://127.0.0.1:$HTTPS/" --sni chain.test $CA --body-contains 'tls chain.test'
check "--sni chain.test to 127.0.0.1: its certificate (cert1 in 20 days) and its vhost ($line)" \
	'[ "$rc" = 1 ] && [[ "$line" == "URL WARNING - https://chain.test:$HTTPS/ 200 OK"*"cert1 expires in 20 days"* ]] &&
	 [[ "$out" == *"address: 127.0.0.1 port $HTTPS"* ]]'
run --url "https://127.0.0.1:$HTTPS/" --sni good.test $CA --certificate
check "--sni with --certificate: the handshake alone, the name verified ($line)" \
	'[ "$rc" = 0 ] && has_perf cert0_days && no_perf ttfb'
run --url "https://127.0.0.1:$HTTPS/" $CA
check "without --sni the address is the name: no certificate for it, CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"certificate"* ]]'
run --url "https://127.0.0.1:$HTTPS/" --sni wrong.test $CA
check "--sni wrong.test: its certificate names another host, CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"certificate"* ]]'
run --url "$U/" --sni good.test
check "--sni over http:// is refused, saying what to do ($line)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"--sni needs an https:// URL (over http://, give --header '"'"'Host: NAME'"'"')"* ]]'
run --url "$S/" --sni 'bad name'
check "--sni with a space is refused ($line)" '[ "$rc" = 3 ] && [[ "$line" == *"not a DNS name"* ]]'
run --url "https://soon.test:$HTTPS/" $(tls soon.test)
check "a leaf expiring in 10 days is WARNING ($line)" \
	'[ "$rc" = 1 ] && [[ "$line" == *"cert0 expires in 10 days (warning under 30)"* ]]'
run --url "https://soon.test:$HTTPS/" $(tls soon.test) --warningx 'cert*_days=5:'
check "--warningx on cert*_days replaces the default" '[ "$rc" = 0 ]'
run --url "https://chain.test:$HTTPS/" $(tls chain.test)
check "an intermediate expiring in 20 days is WARNING, the leaf is fine ($line)" \
	'[ "$rc" = 1 ] && [[ "$line" == *"cert1 expires in 20 days (warning under 30)"* ]] && [ "$(perf cert0_days | cut -d. -f1)" -ge 199 ]'
run --url "https://expired.test:$HTTPS/" $(tls expired.test)
check "an expired certificate is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"certificate has expired"* ]]'
run --url "https://expired.test:$HTTPS/" $R --resolve "expired.test:$HTTPS:127.0.0.1" --insecure
check "expired, with --insecure: negative days, CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"cert0 expired 30 days ago"* ]] && [[ "$(perf cert0_days)" == -* ]]'
run --url "https://wrong.test:$HTTPS/" $(tls wrong.test)
check "a certificate for another name is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"certificate not accepted"* ]] && [[ "$line" == *"wrong.test"* ]]'
run --url "$S/" $(tls good.test) --certificate
check "--certificate: the handshake only, tls and no ttfb ($line)" \
	'[ "$rc" = 0 ] && [[ "$line" == "URL OK - $S/ handshake, 2 certificates in "* ]] && has_perf tls && no_perf ttfb && has_perf cert1_days'
run --url "https://chain.test:$HTTPS/" $(tls chain.test) --certificate --criticalx 'cert*_days=25:'
check "--certificate with --criticalx on the chain ($line)" '[ "$rc" = 2 ] && [[ "$line" == *"cert1"* ]]'
run --url "https://good.test:$TLS12/" --resolve "good.test:$TLS12:127.0.0.1" $CA --tls-min 1.3
check "--tls-min 1.3 against a TLS 1.2-only server is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"TLS handshake failed"* ]]'
run --url "https://good.test:$TLS12/" --resolve "good.test:$TLS12:127.0.0.1" $CA --tls-min 1.2 --body-contains TLSv1.2
check "--tls-min 1.2 against it" '[ "$rc" = 0 ]'
run --url "https://mtls.test:$HTTPS/mtls" $(tls mtls.test) --body-contains 'client NONE'
check "no client certificate sent without --client-cert" '[ "$rc" = 0 ]'
chmod 600 "$P/client.key"
run --url "https://mtls.test:$HTTPS/mtls" $(tls mtls.test) --client-cert "$P/client.chain" --client-key "$P/client.key" --body-contains 'client SUCCESS'
check "--client-cert and --client-key" '[ "$rc" = 0 ]'
chmod 644 "$P/client.key"
run --url "https://mtls.test:$HTTPS/mtls" $(tls mtls.test) --client-cert "$P/client.chain" --client-key "$P/client.key"
check "a --client-key open to others is refused ($line)" '[ "$rc" = 3 ] && [[ "$line" == *"--client-key:"*"chmod 600"* ]]'
run --url "https://good.test:$H2/" --resolve "good.test:$H2:127.0.0.1" $CA --http2 --body-contains 'h2 HTTP/2.0'
check "--http2 over TLS ALPN ($line)" '[ "$rc" = 0 ] && [[ "$out" == *"http_version: 2"* ]]'
run --url "$S/" $(tls good.test) --http2
check "--http2 against a server without it is CRITICAL ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"answered in HTTP/1.1, not HTTP/2"* ]]'
run --url "https://good.test:$H2/" --resolve "good.test:$H2:127.0.0.1" $CA --http1.1 --body-contains 'HTTP/1.1'
check "--http1.1 against the HTTP/2 server" '[ "$rc" = 0 ]'
run --url "http://127.0.0.1:$H2C/" --http2 --body-contains 'h2c HTTP/2.0'
check "--http2 over http:// speaks h2c with prior knowledge ($line)" \
	'[ "$rc" = 0 ] && [[ "$out" == *"http_version: 2"* ]]'
run --url "$U/" --http2
check "--http2 over http:// against an HTTP/1.1-only server fails ($line)" '[ "$rc" = 2 ]'

########################################################################################
# Time: thresholds on phases, a slow server, a stalled handshake, a hung server.
########################################################################################
run --url "http://127.0.0.1:$SLOW/" -w 0.5 -c 5
check "a server answering after 1.2 s is WARNING on total ($line)" \
	'[ "$rc" = 1 ] && [[ "$line" =~ " 200 OK in "[0-9.]+"s (warning over 500ms)" ]]'
run --url "http://127.0.0.1:$SLOW/" --criticalx 'ttfb=1'
check "--criticalx on ttfb ($line)" '[ "$rc" = 2 ] && [[ "$line" == *"ttfb"* ]]'
run --url "http://127.0.0.1:$SLOW/" --criticalx 'connect=1'
check "a threshold on connect that holds" '[ "$rc" = 0 ]'
start=$(date +%s%N)
run --url "https://good.test:$STALL/" --resolve "good.test:$STALL:127.0.0.1" $CA -t 2
el=$(( ($(date +%s%N) - start) / 1000000 ))
check "a TLS handshake that stalls: timed out in the handshake, dns and connect, no tls ($line, ${el} ms)" \
	'[ "$rc" = 3 ] && [[ "$line" == *"timed out after 2s in the TLS handshake"* ]] && has_perf dns && has_perf connect && no_perf tls && no_perf ttfb && [ "$el" -lt 3500 ]'
run --url "http://127.0.0.1:$HANG/" -t 1.5:critical
check "a server hanging after the request: CRITICAL by -t 1.5:critical, connect, no ttfb ($line)" \
	'[ "$rc" = 2 ] && [[ "$line" == *"timed out after 1.5s waiting for the response"* ]] && has_perf connect && no_perf ttfb'
run --url "$S/hang" $(tls good.test) -t 1.5 --output-format json
check "the same over HTTPS through nginx, in JSON: tls has a value, ttfb is null" \
	'[ "$rc" = 3 ] && printf "%s" "$out" | jq -e "[.metrics[] | select(.label==\"tls\") | .value != null] == [true] and [.metrics[] | select(.label==\"ttfb\") | .value] == [null]" >/dev/null'

########################################################################################
# JSON and option errors.
########################################################################################
run --url "$S/" $(tls good.test) --output-format json
check "JSON: state, the phases and the chain as items" \
	'[ "$rc" = 0 ] && printf "%s" "$out" | jq -e ".state == \"OK\" and ([.metrics[].label] | index(\"total\") != null) and ([.items[] | .name] | index(\"cert1\") != null)" >/dev/null'
run --url "ftp://127.0.0.1/"
check "an ftp:// URL is a usage error ($line)" '[ "$rc" = 3 ] && [[ "$line" == *"not an http:// or https:// URL"* ]]'
run --url "$U/" --expect 2000
check "--expect 2000 is a usage error ($line)" '[ "$rc" = 3 ] && [[ "$line" == *"--expect"* ]]'
run --url "$U/" --certificate
check "--certificate on http:// is a usage error" '[ "$rc" = 3 ]'

finish
