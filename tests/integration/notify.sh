#!/bin/bash
# plumbline-notify against receivers written for the test (notify-receiver.py, started
# once, on 127.0.0.1): each chat robot verifies what its platform verifies (DingTalk's
# signed query, Feishu's signed body, the webhook's HMAC header, the token or key in the
# URL) and the payload's shape, and answers in the platform's own format, its error codes
# on request; a receiver that hangs, one that answers 500 then 200, 429 with Retry-After
# (1 s: waited; 120 s: beyond the deadline, given up at once); an SMTP server with
# STARTTLS and one with TLS at once (a certificate made here), with logins. Payload
# escaping (quotes, backslashes, $, control characters, invalid UTF-8), output cut at
# the channel's limit on a character boundary, mail headers and a multi-line comment,
# secrets refused on the command line and from a file open to others, the engines'
# environment macros, and the journal (one JSON line per notification, parallel runs,
# no secret in it, never through a symbolic link); messages in Simplified Chinese
# (--language zh_CN: signed and verified as in English, the journal unchanged). Prints one
# line per check and ends with "N passed, M failed".

set -u

. "$(dirname "$0")/../env.sh"
. "$(dirname "$0")/lib-engines.sh"
PROG=$PLUGINS/plumbline-notify
if [ ! -x "$PROG" ]; then
	echo "SKIP: no plumbline-notify at $PROG (built with json-c, libcrypto and libcurl)"
	exit 77
fi
# The receivers and the checks run on the system's Python (Debian's 3.11), not one found
# first on the PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
for t in "$PY" openssl ss; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: needs $t"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-notify.XXXXXX") || exit 99
RECV_PID=""
WATCHDOG=""
I2_PID=""
# Icinga 2 is three processes in one group (setsid made it): TERM to the group, then KILL
# after 10 s at most.
stop_icinga() {
	[ -n "$I2_PID" ] || return 0
	kill -TERM -- "-$I2_PID" 2>/dev/null || kill -TERM "$I2_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$I2_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$I2_PID" 2>/dev/null
	wait "$I2_PID" 2>/dev/null
	I2_PID=""
}
cleanup() {
	exec 2>/dev/null
	stop_icinga
	[ -n "$RECV_PID" ] && kill "$RECV_PID" && wait "$RECV_PID"
	[ -n "$WATCHDOG" ] && kill "$WATCHDOG"
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
watchdog 170

check() { if eval "$2"; then ok "$1"; else notok "$1"; echo "#   rc=$rc line: $line"; fi; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}
unset PLUMBLINE_NOW
# The build tree's catalog (make check sets it), kept for the Chinese cases.
ZH_LOCALEDIR=${PLUMBLINE_LOCALEDIR:-}
# Nothing of the caller's engine environment may leak in.
for v in $(env | sed -n 's/^\(PLUMBLINE_[A-Z_]*\|NAGIOS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done

SECRET='SECtest-秘密-secret'
TOKEN=tok123
JOURNAL=$WORK/journal.jsonl
HP=$(free_port) && SP=$(free_port) && SSP=$(free_port) || { echo "not ok - no free port"; exit 1; }

# A CA and a server certificate for 127.0.0.1, for STARTTLS and SMTPS.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=plumbline-test-ca \
	-keyout "$WORK/ca.key" -out "$WORK/ca.crt" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$WORK/srv.key" \
	-out "$WORK/srv.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$WORK/ext"
openssl x509 -req -in "$WORK/srv.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" \
	-CAcreateserial -days 2 -extfile "$WORK/ext" -out "$WORK/srv.crt" >/dev/null 2>&1

"$PY" "$(dirname "$0")/notify-receiver.py" "$WORK" "$HP" "$SP" "$SSP" "$WORK/srv.crt" \
	"$WORK/srv.key" 165 >"$WORK/receiver.log" 2>&1 &
RECV_PID=$!
for _ in $(seq 100); do [ -f "$WORK/receiver.ready" ] && break; sleep 0.05; done
if [ ! -f "$WORK/receiver.ready" ]; then
	echo "not ok - the receiver did not start"; cat "$WORK/receiver.log"
	echo "0 passed, 1 failed"; exit 1
fi

B=http://127.0.0.1:$HP
# Secret files, mode 600.
secret_file() { # name, content
	printf '%s\n' "$2" >"$WORK/$1"
	chmod 600 "$WORK/$1"
}
secret_file secret "$SECRET"
secret_file wrong SECwrong
secret_file smtp.pw "$SECRET"
secret_file smtp.bad nope

run() { # args...: sets out, rc, line (first line), secs
	local t0 t1
	t0=$(date +%s.%N)
	out=$("$PROG" --journal "$JOURNAL" "$@" 2>"$WORK/err")
	rc=$?
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	line=${out%%$'\n'*}
}
url() { secret_file url "$1"; }
fcmp() { awk "BEGIN { exit !($1) }"; }   # a comparison of decimals: fcmp "$secs < 4.5"
# The last request the receiver took, as JSON, and a python expression over it (r).
last() { tail -n 1 "$WORK/http.jsonl"; }
py_last() { last | "$PY" -c "import json,sys; r=json.loads(sys.stdin.read()); sys.exit(0 if ($1) else 1)"; }
reqs() { grep -c "\"path\": \"$1\"" "$WORK/http.jsonl" 2>/dev/null || echo 0; }

NASTY=$(printf 'DISK CRITICAL - "quoted" back\\slash $HOME $(id) `tick` tab\there bell\a nul-free \xff\xfe bad \xe4\xb8 cut\r\nsecond line *star* _u_ [l](x) <b>')
COMMON=(--type PROBLEM --host web1 --host-display 'Web One' --address 192.0.2.7
	--service disk --state CRITICAL --time '2026-12-02 05:30:00 +0000'
	--link-base https://mon.example/icingaweb2)

# ---------------------------------------------------------------- DingTalk
url "$B/dingtalk/robot/send?access_token=$TOKEN"
run --channel dingtalk --url-file "$WORK/url" --secret-file "$WORK/secret" "${COMMON[@]}" \
	--output "$NASTY"
check "dingtalk: signed markdown sent (exit 0, one line)" \
	'[ $rc = 0 ] && [[ $line == "NOTIFY OK - dingtalk: sent PROBLEM: Web One/disk is CRITICAL (1 attempt, "* ]]'
check "dingtalk: the receiver verified the signature (timestamp ms + secret) and the shape" \
	'py_last "r[\"verdict\"] == \"ok\" and r[\"body\"][\"msgtype\"] == \"markdown\" and r[\"query_keys\"] == [\"access_token\", \"sign\", \"timestamp\"]"'
check "dingtalk: quotes, backslash, \$, backticks survive; invalid UTF-8 and BEL replaced" \
	'py_last "all(s in r[\"body\"][\"markdown\"][\"text\"] for s in [\"\\\"quoted\\\"\", \"back\\\\\\\\slash\", \"\$HOME \$(id)\", \"\\ufffd\\ufffd bad \\ufffd\\ufffd cut\", \"bell\\ufffd\"])"'
check "dingtalk: markdown characters of the output escaped, the link back made from --link-base" \
	'py_last "\"\\\\*star\\\\*\" in r[\"body\"][\"markdown\"][\"text\"] and \"(https://mon.example/icingaweb2/icingadb/service?name=disk&host.name=web1)\" in r[\"body\"][\"markdown\"][\"text\"]"'
run --channel dingtalk --url-file "$WORK/url" --secret-file "$WORK/wrong" "${COMMON[@]}" --output x
check "dingtalk: a wrong secret is errcode 310000, said in one line, not retried" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 1 attempt"*"DingTalk error 310000: security settings refused the message: check the signing secret"*"sign not match"* ]] && [ "$(printf "%s" "$out" | wc -l)" = 0 ]'
url "$B/dingtalk/keyword/send?access_token=$TOKEN"
run --channel dingtalk --url-file "$WORK/url" --secret-file "$WORK/secret" "${COMMON[@]}" --output x
check "dingtalk: a missing keyword is errcode 310000 with the platform's message" \
	'[ $rc = 2 ] && [[ $line == *"DingTalk error 310000"*"keywords not in content"* ]]'
url "$B/dingtalk/robot/send?access_token=nope"
run --channel dingtalk --url-file "$WORK/url" --secret-file "$WORK/secret" "${COMMON[@]}" --output x
check "dingtalk: a wrong access token is errcode 300001" \
	'[ $rc = 2 ] && [[ $line == *"DingTalk error 300001: the access_token in the webhook URL is not valid"* ]]'
url "$B/dingtalk/robot/send?access_token=$TOKEN"
run --channel dingtalk --url-file "$WORK/url" --secret-file "$WORK/secret" --markdown-off \
	"${COMMON[@]}" --output "$(printf 'x%.0s' $(seq 30000))"
check "dingtalk: a text message cut to 20000 bytes with the marker" \
	'[ $rc = 0 ] && [[ $line == *"text cut to the channel'"'"'s limit"* ]] && py_last "r[\"body\"][\"msgtype\"] == \"text\" and len(r[\"body\"][\"text\"][\"content\"].encode()) <= 20000 and \"[... cut: \" in r[\"body\"][\"text\"][\"content\"]"'

# ---------------------------------------------------------------- WeCom
url "$B/wecom/cgi-bin/webhook/send?key=$TOKEN"
LONG=$("$PY" -c 'print(("磁盘空间不足 " * 40 + "\n") * 40, end="")')
run --channel wecom --url-file "$WORK/url" "${COMMON[@]}" --output "$LONG"
check "wecom: 40 KB of Chinese output cut to markdown's 4096 bytes on a character boundary" \
	'[ $rc = 0 ] && py_last "r[\"verdict\"] == \"ok\" and 3900 < len(r[\"body\"][\"markdown\"][\"content\"].encode()) <= 4096 and \"[... cut: \" in r[\"body\"][\"markdown\"][\"content\"] and \"\\ufffd\" not in r[\"body\"][\"markdown\"][\"content\"]"'
check "wecom: the link back survives the cut" \
	'py_last "r[\"body\"][\"markdown\"][\"content\"].rstrip().endswith(\"host.name=web1)\")"'
url "$B/reply/wecom/45002"
run --channel wecom --url-file "$WORK/url" "${COMMON[@]}" --output x
check "wecom: errcode 45002 (size) said in one line" \
	'[ $rc = 2 ] && [[ $line == *"WeCom error 45002: the content is over the size limit"* ]]'
url "$B/reply/wecom/45009"
run --channel wecom --url-file "$WORK/url" "${COMMON[@]}" --output x --retries 1 --timeout 5
check "wecom: errcode 45009 (rate limit) is tried again after 1 s" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 2 attempts"*"WeCom error 45009"* ]]'
url "$B/wecom/cgi-bin/webhook/send?key=bad"
run --channel wecom --url-file "$WORK/url" "${COMMON[@]}" --output x
check "wecom: a wrong key is errcode 93000" \
	'[ $rc = 2 ] && [[ $line == *"WeCom error 93000: the webhook key is not valid"* ]]'

# ---------------------------------------------------------------- Feishu
url "$B/feishu/open-apis/bot/v2/hook/$TOKEN"
run --channel feishu --url-file "$WORK/url" --secret-file "$WORK/secret" "${COMMON[@]}" \
	--output "$LONG$LONG"
check "feishu: a signed card (key timestamp+secret, empty message) within 30 KB" \
	'[ $rc = 0 ] && py_last "r[\"verdict\"] == \"ok\" and r[\"body\"][\"msg_type\"] == \"interactive\" and r[\"body\"][\"card\"][\"header\"][\"template\"] == \"red\" and r[\"len\"] <= 30 * 1024"'
run --channel feishu --url-file "$WORK/url" --secret-file "$WORK/wrong" "${COMMON[@]}" --output x
check "feishu: a wrong secret is code 19021, said in one line" \
	'[ $rc = 2 ] && [[ $line == *"Feishu error 19021: the signature did not match or the timestamp is more than an hour off"* ]]'
run --channel feishu --url-file "$WORK/url" --secret-file "$WORK/secret" --type RECOVERY \
	--host web1 --service disk --state OK --output 'DISK OK'
check "feishu: a recovery is a green card" \
	'[ $rc = 0 ] && py_last "r[\"body\"][\"card\"][\"header\"][\"template\"] == \"green\""'

# ---------------------------------------------------------------- Slack
url "$B/slack/services/T0/B0/x"
run --channel slack --url-file "$WORK/url" "${COMMON[@]}" --output 'a < b & c > d'
check "slack: mrkdwn sent, & < > as entities" \
	'[ $rc = 0 ] && py_last "\"a &lt; b &amp; c &gt; d\" in r[\"body\"][\"text\"] and \"<https://mon.example/\" in r[\"body\"][\"text\"]"'
url "$B/reply/slack/404/no_service"
run --channel slack --url-file "$WORK/url" "${COMMON[@]}" --output x
check "slack: HTTP 404 no_service said in one line, not retried" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 1 attempt"*"Slack answered HTTP 404 no_service: the webhook is disabled"* ]]'

# ---------------------------------------------------------------- generic webhook
url "$B/webhook/signed"
run --channel webhook --url-file "$WORK/url" --secret-file "$WORK/secret" "${COMMON[@]}" \
	--output "$NASTY" --author 'alice "a" \' --comment "$(printf 'line 1\nline 2')"
check "webhook: HMAC header verified, every field as data" \
	'[ $rc = 0 ] && py_last "r[\"verdict\"] == \"ok\" and r[\"signed\"] and r[\"body\"][\"notification\"][\"host\"] == \"web1\" and r[\"body\"][\"notification\"][\"comment\"] == \"line 1\\nline 2\" and r[\"body\"][\"notification\"][\"author\"] == \"alice \\\"a\\\" \\\\\""'
check "webhook: the output arrives exactly as cleaned (CRLF a newline, bad bytes and BEL U+FFFD)" \
	'py_last "r[\"body\"][\"notification\"][\"output\"] == \"DISK CRITICAL - \\\"quoted\\\" back\\\\slash \$HOME \$(id) \`tick\` tab\\there bell\\ufffd nul-free \\ufffd\\ufffd bad \\ufffd\\ufffd cut\\nsecond line *star* _u_ [l](x) <b>\""'
run --channel webhook --url-file "$WORK/url" --secret-file "$WORK/wrong" "${COMMON[@]}" --output x
check "webhook: a wrong signature (HTTP 401) fails at once" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 1 attempt"*"the webhook answered HTTP 401"* ]]'

# ---------------------------------------------------------------- in Simplified Chinese
# --language zh_CN: the texts to people (title, field names, headings, the link's text) and
# the one line are Chinese; the type word, names, states, output, the webhook's JSON
# fields and the receiving APIs' own errors are not.
if [ -f "$ZH_LOCALEDIR/zh_CN/LC_MESSAGES/plumbline.mo" ]; then
	url "$B/dingtalk/robot/send?access_token=$TOKEN"
	PLUMBLINE_LOCALEDIR=$ZH_LOCALEDIR run --channel dingtalk --url-file "$WORK/url" \
		--secret-file "$WORK/secret" "${COMMON[@]}" --output 'DISK CRITICAL - / 97% used' \
		--role 'technical support' --language zh_CN
	check "zh_CN: dingtalk sent, the line in Chinese (exit 0)" \
		'[ $rc = 0 ] && [[ $line == "NOTIFY OK - dingtalk: 已发送 PROBLEM: Web One/disk 状态为 CRITICAL (尝试 1 次, "*" s)" ]]'
	check "zh_CN: the signed markdown in Chinese, verified by the receiver" \
		'py_last "r[\"verdict\"] == \"ok\" and r[\"body\"][\"markdown\"][\"title\"] == \"PROBLEM: Web One/disk 状态为 CRITICAL\" and all(s in r[\"body\"][\"markdown\"][\"text\"] for s in [\"**主机:** Web One (web1), 192.0.2.7  \\n\", \"**状态:** CRITICAL  \\n\", \"**升级至:** technical support  \\n\", \"**输出:**  \\nDISK CRITICAL - / 97% used\", \"[在监控系统中打开](https://mon.example/icingaweb2/\"])"'
	url "$B/webhook/signed"
	PLUMBLINE_LOCALEDIR=$ZH_LOCALEDIR run --channel webhook --url-file "$WORK/url" \
		--secret-file "$WORK/secret" "${COMMON[@]}" --output x --language zh_CN
	check "zh_CN: webhook title and text in Chinese, its notification fields unchanged" \
		'[ $rc = 0 ] && py_last "r[\"verdict\"] == \"ok\" and r[\"body\"][\"title\"] == \"PROBLEM: Web One/disk 状态为 CRITICAL\" and \"主机: Web One (web1), 192.0.2.7\" in r[\"body\"][\"text\"] and r[\"body\"][\"notification\"][\"type\"] == \"PROBLEM\" and r[\"body\"][\"notification\"][\"state\"] == \"CRITICAL\""'
	PLUMBLINE_LOCALEDIR=$ZH_LOCALEDIR run --channel webhook --url-file "$WORK/url" \
		--secret-file "$WORK/wrong" "${COMMON[@]}" --output x --language zh_CN
	check "zh_CN: not sent (exit 2), the line in Chinese, the API's error as it came" \
		'[ $rc = 2 ] && [[ $line == "NOTIFY CRITICAL - webhook: 尝试 1 次后仍未发送 ("*"s): "*"the webhook answered HTTP 401"* ]]'
	check "zh_CN: the journal line is the same in every language (English error, JSON keys)" \
		'tail -n 1 "$JOURNAL" | "$PY" -c "import json,sys; j=json.loads(sys.stdin.read()); sys.exit(0 if j[\"result\"] == \"failed\" and \"the webhook answered HTTP 401\" in j[\"error\"] and j[\"type\"] == \"PROBLEM\" else 1)"'
else
	ok "# SKIP zh_CN cases: no catalog in PLUMBLINE_LOCALEDIR"
fi

# ---------------------------------------------------------------- retries and the deadline
url "$B/hang"
run --channel webhook --url-file "$WORK/url" "${COMMON[@]}" --output x --timeout 3 \
	--attempt-timeout 1
n=$(reqs /hang)
check "hang: each attempt bounded (1 s), retried, given up at the 3 s deadline ($secs s, $n requests)" \
	'[ $rc = 2 ] && [[ $line == *"no answer in time"* ]] && [ "$n" -ge 2 ] && fcmp "$secs < 4.5"'
url "$B/flaky/a"
run --channel webhook --url-file "$WORK/url" "${COMMON[@]}" --output x
check "500 then 200: sent on the second attempt after 1 s ($secs s)" \
	'[ $rc = 0 ] && [[ $line == *"(2 attempts, "* ]] && [ "$(reqs /flaky/a)" = 2 ] && fcmp "$secs >= 0.9"'
url "$B/limited/b"
run --channel dingtalk --url-file "$WORK/url" "${COMMON[@]}" --output x
gap=$(grep '"path": "/limited/b"' "$WORK/http.jsonl" | "$PY" -c '
import json,sys; t=[json.loads(l)["t"] for l in sys.stdin]; print("%.2f" % (t[1]-t[0]))')
check "429 with Retry-After: 1: waited (${gap} s) and sent" \
	'[ $rc = 0 ] && [[ $line == *"(2 attempts, "* ]] && fcmp "$gap >= 0.9"'
url "$B/limited-long"
run --channel webhook --url-file "$WORK/url" "${COMMON[@]}" --output x --timeout 5
check "429 with Retry-After: 120 beyond a 5 s deadline: given up at once ($secs s)" \
	'[ $rc = 2 ] && [[ $line == *"HTTP 429 (rate limited)"*"the Retry-After of 120 s would pass the deadline"* ]] && fcmp "$secs < 1.5"'
url "$B/always500"
run --channel webhook --url-file "$WORK/url" "${COMMON[@]}" --output x --retries 2 --timeout 20
check "503 every time: 3 attempts (--retries 2), 1 s and 2 s apart ($secs s)" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 3 attempts"*"HTTP 503"* ]] && fcmp "$secs >= 2.9 && $secs < 6"'
url "http://127.0.0.1:$(free_port)/nothing"
run --channel webhook --url-file "$WORK/url" "${COMMON[@]}" --output x --retries 1
check "nothing listening: tried again, then one line" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 2 attempts"*"onnect"* ]]'

# ---------------------------------------------------------------- mail
ZH='磁盘空间不足，请尽快处理：/var 已用 97%'
MAIL=(--channel mail --from icinga@example.com --smtp-user icinga --cacert "$WORK/ca.crt")
run "${MAIL[@]}" --smtp-url "smtp://127.0.0.1:$SP" --starttls --smtp-password-file "$WORK/smtp.pw" \
	--to ops@example.com --to 'b@example.com, c@example.com' --type ACKNOWLEDGEMENT \
	--host web1 --service "$ZH" --state CRITICAL --output "$NASTY" --author alice \
	--comment "$(printf 'looking at it\n.\nFrom the team: line 3')"
check "mail over STARTTLS with a login: sent" \
	'[ $rc = 0 ] && [[ $line == "NOTIFY OK - mail: sent ACKNOWLEDGEMENT: web1/"* ]]'
cat >"$WORK/mail-check.py" <<'EOF'
import email, email.header, json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
m = email.message_from_string(r["data"])
subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
body = m.get_payload(decode=True).decode("utf-8")
want = sys.argv[2]
ok = {
    "tls": r["tls"] and r["login"] == "icinga",
    "rcpt": r["rcpt"] == ["<ops@example.com>", "<b@example.com>", "<c@example.com>"],
    "seven-bit": r["raw_ok"],
    "subject": subj == "ACKNOWLEDGEMENT: web1/" + want + " CRITICAL acknowledged, by alice",
    "headers": all(m[h] for h in ("Date", "Message-ID", "From", "To", "MIME-Version"))
               and m["Message-ID"].startswith("<") and m["Message-ID"].endswith(">")
               and m["Date"].endswith("+0000") and m.get_content_charset() == "utf-8",
    "comment": "Comment:\nlooking at it\n.\nFrom the team: line 3\n" in body.replace("\r\n", "\n"),
    "output": '"quoted" back\\slash $HOME' in body and "\ufffd\ufffd bad" in body,
}
bad = [k for k, v in ok.items() if not v]
print(" ".join(bad))
sys.exit(1 if bad else 0)
EOF
mailcheck=$("$PY" "$WORK/mail-check.py" "$WORK/mail.jsonl" "$ZH" 2>&1)
check "mail: TLS on, login, 3 recipients, 7-bit, RFC 2047 subject, Date/Message-ID, multi-line comment and output intact${mailcheck:+ (bad: $mailcheck)}" \
	'[ -z "$mailcheck" ]'
run "${MAIL[@]}" --smtp-url "smtps://127.0.0.1:$SSP" --smtp-password-file "$WORK/smtp.pw" \
	--to ops@example.com "${COMMON[@]}" --output x
check "mail over SMTPS: sent with TLS" \
	'[ $rc = 0 ] && tail -n 1 "$WORK/mail.jsonl" | grep -q "\"tls\": true"'
run "${MAIL[@]}" --smtp-url "smtp://127.0.0.1:$SP" --starttls --smtp-password-file "$WORK/smtp.bad" \
	--to ops@example.com "${COMMON[@]}" --output x
check "mail: a refused login fails at once in one line" \
	'[ $rc = 2 ] && [[ $line == *"not sent after 1 attempt"*"Login denied"* ]]'
run "${MAIL[@]}" --smtp-url "smtp://127.0.0.1:$SP" --smtp-password-file "$WORK/smtp.pw" \
	--to ops@example.com "${COMMON[@]}" --output x
check "mail: a login without --starttls over smtp:// is refused before sending" \
	'[ $rc = 3 ] && [[ $line == *"refusing to send the SMTP login in clear"* ]]'
run --channel mail --from icinga@example.com --smtp-url "smtp://127.0.0.1:$SP" \
	--to reject@example.com "${COMMON[@]}" --output x
check "mail: a refused recipient (550) fails in one line" \
	'[ $rc = 2 ] && [[ $line == *"SMTP 550"* ]]'
run --channel mail --from icinga@example.com --smtp-url "smtp://127.0.0.1:$SP" \
	--to $'ops@example.com\r\nBcc: x@evil' "${COMMON[@]}" --output x
check "mail: a recipient with CRLF is a usage error" \
	'[ $rc = 3 ] && [[ $line == *"not a plain address"* ]]'

# ---------------------------------------------------------------- secrets and macros
run --channel dingtalk --url "$B/dingtalk/robot/send?access_token=$TOKEN" "${COMMON[@]}" --output x
check "the webhook URL on the command line is refused" \
	'[ $rc = 3 ] && [[ $line != *"$TOKEN"* ]]'
secret_file open "$B/webhook/in"
chmod 644 "$WORK/open"
run --channel webhook --url-file "$WORK/open" "${COMMON[@]}" --output x
check "a URL file open to others is refused with the chmod to run" \
	'[ $rc = 3 ] && [[ $line == *"chmod 600"* ]]'
url "$B/webhook/in"
out=$(env NAGIOS_NOTIFICATIONTYPE=PROBLEM NAGIOS_HOSTNAME=db1 NAGIOS_SERVICEDESC=pgsql \
	NAGIOS_SERVICESTATE=WARNING NAGIOS_SERVICEOUTPUT='CONNS WARNING - 91%' \
	NAGIOS_LONGSERVICEOUTPUT='db app: 80\ndb web: 11' NAGIOS_NOTIFICATIONAUTHOR=bob \
	NAGIOS_SERVICENOTIFICATIONNUMBER=3 "$PROG" --channel webhook --url-file "$WORK/url" \
	--journal "$JOURNAL")
rc=$?
line=$out
check "nagios: the NAGIOS_* environment macros make the notification" \
	'[ $rc = 0 ] && py_last "r[\"body\"][\"notification\"][\"host\"] == \"db1\" and r[\"body\"][\"notification\"][\"service\"] == \"pgsql\" and r[\"body\"][\"notification\"][\"state\"] == \"WARNING\" and r[\"body\"][\"notification\"][\"output\"] == \"CONNS WARNING - 91%\\ndb app: 80\\ndb web: 11\" and r[\"body\"][\"notification\"][\"number\"] == 3"'
out=$(env PLUMBLINE_NOTIFICATION_TYPE=DOWNTIMEREMOVED PLUMBLINE_HOST_NAME=h2 \
	PLUMBLINE_STATE=UP PLUMBLINE_NOTIFICATION_AUTHOR=carol PLUMBLINE_ENGINE=icinga2 \
	PLUMBLINE_USER=alice PLUMBLINE_NOTIFY_URL="$B/webhook/in" "$PROG" --channel webhook \
	--journal "$JOURNAL")
rc=$?
line=$out
check "icinga 2: the PLUMBLINE_* variables (URL too) make a host notification" \
	'[ $rc = 0 ] && py_last "r[\"body\"][\"notification\"][\"host\"] == \"h2\" and r[\"body\"][\"notification\"][\"service\"] is None and r[\"body\"][\"notification\"][\"type\"] == \"DOWNTIMECANCELLED\""'
mkdir -p "$WORK/sdir"
secret_file sdir/dingtalk.url "$B/dingtalk/robot/send?access_token=$TOKEN"
secret_file sdir/dingtalk.secret "$SECRET"
run --channel dingtalk --secrets-dir "$WORK/sdir" "${COMMON[@]}" --output x
check "--secrets-dir: CHANNEL.url and CHANNEL.secret read from it, signed" \
	'[ $rc = 0 ] && py_last "r[\"verdict\"] == \"ok\""'
run --channel wecom --secrets-dir "$WORK/sdir" "${COMMON[@]}" --output x
check "no URL anywhere: a usage error naming the file looked for and the other ways" \
	'[ $rc = 3 ] && [[ $line == *"needs the webhook URL: $WORK/sdir/wecom.url (mode 600), --url-file FILE or \$PLUMBLINE_NOTIFY_URL"* ]]'
run --channel webhook --url-file "$WORK/url" --host h
check "no notification type: a usage error naming where it comes from" \
	'[ $rc = 3 ] && [[ $line == *"--type"*"NAGIOS_NOTIFICATIONTYPE"* ]]'
run --channel dingtalk --url-file "$WORK/url" --secret-file "$WORK/secret" "${COMMON[@]}" \
	--output x --dry-run
check "--dry-run prints the URL without its query, and the payload" \
	'[ $rc = 0 ] && [[ $line == "POST http://127.0.0.1:$HP/webhook/in?..." ]] && [[ $out != *"$TOKEN"* ]]'

secret_file sdir/feishu.url "$B/feishu/open-apis/bot/v2/hook/$TOKEN"
secret_file sdir/feishu.secret "$SECRET"
run --channel feishu --secrets-dir "$WORK/sdir" "${COMMON[@]}" --output x --dry-run
check "--dry-run shows where Feishu's signature goes, not the signature" \
	'[ $rc = 0 ] && [[ $out == *"\"sign\":\"(signature)\""* ]]'

{
	printf '[slack-ops]\nchannel = slack\nurl = %s\nrole = technical support\n' "$B/slack/services/ini"
} >"$WORK/notify.ini"
chmod 600 "$WORK/notify.ini"
run --extra-opts="slack-ops@$WORK/notify.ini" "${COMMON[@]}" --output x
check "--extra-opts: channel, URL (a secret) and role from an ini section of mode 600" \
	'[ $rc = 0 ] && py_last "r[\"path\"] == \"/slack/services/ini\" and \"Escalated to:* technical support\" in r[\"body\"][\"text\"]"'
chmod 644 "$WORK/notify.ini"
run --extra-opts="slack-ops@$WORK/notify.ini" "${COMMON[@]}" --output x
check "--extra-opts: a URL in a file open to others is refused" \
	'[ $rc = 3 ] && [[ $line == *"600"* ]] && [[ $line != *"/slack/services/ini"* ]]'

# ---------------------------------------------------------------- the journal
pids=()
for i in 1 2 3 4 5 6; do
	"$PROG" --journal "$JOURNAL" --channel webhook --url-file "$WORK/url" \
		--type CUSTOM --host "par$i" --output "$(printf 'y%.0s' $(seq 3000))" >/dev/null &
	pids+=($!)
done
wait "${pids[@]}"
jcheck=$("$PY" - "$JOURNAL" "$TOKEN" "$SECRET" <<'EOF'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
recs = [json.loads(l) for l in lines]
bad = []
par = [r for r in recs if r["host"].startswith("par")]
if len(par) != 6 or any(r["result"] != "sent" for r in par):
    bad.append("parallel")
need = {"version", "time", "channel", "result", "type", "host", "service", "state", "attempts",
        "http_status", "code", "error", "duration_ms", "bytes", "cut_bytes", "repaired_bytes"}
if any(not need <= set(r) for r in recs):
    bad.append("fields")
text = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[2] in text or sys.argv[3] in text:
    bad.append("secret")
f = [r for r in recs if r["code"] == 310000]
if not f or f[0]["result"] != "failed" or "310000" not in f[0]["error"]:
    bad.append("failed-record")
if not any(r["cut_bytes"] > 0 for r in recs) or not any(r["repaired_bytes"] > 0 for r in recs):
    bad.append("cut/repaired")
if not any(r["channel"] == "mail" and r["message_id"] for r in recs):
    bad.append("mail")
print(("BAD " + " ".join(bad)) if bad else "OK %d lines" % len(recs))
EOF
)
check "journal: one intact JSON line per notification ($jcheck), parallel runs too, no secret" \
	'[[ $jcheck == OK* ]]'
ln -s "$WORK/elsewhere" "$WORK/link.jsonl"
out=$("$PROG" --journal "$WORK/link.jsonl" --channel webhook --url-file "$WORK/url" --type PROBLEM --host l)
rc=$?
line=$out
check "journal through a symbolic link: refused (exit 1, sent), nothing written there" \
	'[ $rc = 1 ] && [[ $line == "NOTIFY WARNING - webhook: sent "*"journal: "*"is a symbolic link"* ]] && [ ! -e "$WORK/elsewhere" ]'

# ---------------------------------------------------------------- a real Icinga 2
# One notification end to end: Icinga 2 (as root, on no port at all: no API needed) runs
# a service that is CRITICAL at its first check (max_check_attempts 1: HARD at once), and
# its NotificationComponent runs plumbline-notify through the shipped
# plumbline-notify-service-webhook command, with the PLUMBLINE_* environment it defines.
if command -v icinga2 >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	D=$WORK/i2
	mkdir -p "$D"/etc "$D"/lib "$D"/log "$D"/cache "$D"/spool/tmp "$D"/run
	cat >"$D/check_crit" <<'EOF'
#!/bin/sh
printf '%s\n' 'DISK CRITICAL - / 97% used, "quoted" $HOME \ back' 'second line'
exit 2
EOF
	chmod 755 "$D/check_crit"
	secret_file url-i2 "$B/webhook/icinga"
	cat >"$D/etc/icinga2.conf" <<EOF
const PluginDir = "$PLUGINS"
const NodeName = "notifytest"
const ZoneName = "notifytest"
object Endpoint NodeName { }
object Zone ZoneName { endpoints = [ NodeName ] }
object CheckerComponent "checker" { }
object NotificationComponent "notification" { }
object FileLogger "main-log" { severity = "information"; path = LogDir + "/icinga2.log" }
include "$top_srcdir/contrib/icinga2/plumbline-notify.conf"
object CheckCommand "crit" { command = [ "$D/check_crit" ] }
object CheckCommand "up" { command = [ "/bin/true" ] }
object Host "web1" { check_command = "up"; address = "192.0.2.7"; check_interval = 1s }
object Service "disk" {
	host_name = "web1"; check_command = "crit"
	check_interval = 1s; retry_interval = 1s; max_check_attempts = 1
}
object User "alice" {
	email = "alice@example.com"
	vars.plumbline_notify_webhook_url_file = "$WORK/url-i2"
	vars.plumbline_notify_journal = "$JOURNAL"
	vars.plumbline_notify_role = "monitoring group"
	vars.plumbline_notify_link_base = "https://mon.example/icingaweb2"
}
apply Notification "to-alice" to Service {
	command = "plumbline-notify-service-webhook"
	users = [ "alice" ]
	interval = 0
	assign where service.name == "disk"
}
EOF
	I2D="-DDataDir=$D/lib -DLogDir=$D/log -DCacheDir=$D/cache -DSpoolDir=$D/spool -DInitRunDir=$D/run -DRunAsUser=root -DRunAsGroup=root"
	# shellcheck disable=SC2086
	if icinga2 daemon -C -c "$D/etc/icinga2.conf" $I2D >"$D/validate.out" 2>&1; then
		ok "icinga 2: daemon -C accepts plumbline-notify.conf with a Notification using it"
		# shellcheck disable=SC2086
		setsid icinga2 daemon -c "$D/etc/icinga2.conf" $I2D >"$D/daemon.out" 2>&1 </dev/null &
		I2_PID=$!
		for _ in $(seq 300); do
			grep -q '"path": "/webhook/icinga"' "$WORK/http.jsonl" 2>/dev/null && break
			sleep 0.1
		done
		for _ in $(seq 50); do
			grep -q '"role":"monitoring group"' "$JOURNAL" && break
			sleep 0.1
		done
		stop_icinga
		rec=$(grep '"path": "/webhook/icinga"' "$WORK/http.jsonl" | head -n 1)
		i2check=$(printf '%s' "$rec" | "$PY" -c '
import json, sys
t = sys.stdin.read()
if not t:
    print("no notification arrived"); sys.exit()
n = json.loads(t)["body"]["notification"]
want = {"type": "PROBLEM", "host": "web1", "service": "disk", "state": "CRITICAL",
        "address": "192.0.2.7", "role": "monitoring group", "number": 1,
        "output": "DISK CRITICAL - / 97% used, \"quoted\" $HOME \\ back\nsecond line",
        "link": "https://mon.example/icingaweb2/icingadb/service?name=disk&host.name=web1"}
print(" ".join(k + "=" + repr(n.get(k)) for k in want if n.get(k) != want[k]))')
		check "icinga 2: a HARD CRITICAL sent one PROBLEM through plumbline-notify-service-webhook, every macro intact${i2check:+ ($i2check)}" \
			'[ -z "$i2check" ]'
		jl=$(grep '"role":"monitoring group"' "$JOURNAL" | head -n 1)
		check "icinga 2: the journal line names the engine, the user and the role" \
			'[[ $jl == *"\"engine\":\"icinga2\",\"user\":\"alice\""* ]] && [[ $jl == *"\"result\":\"sent\""* ]]'
	else
		notok "icinga 2: daemon -C accepts plumbline-notify.conf with a Notification using it"
		sed 's/^/#   /' "$D/validate.out" | grep -i -E "critical|error" | head -n 10
	fi
else
	echo "# icinga 2 case skipped (needs icinga2 and root)"
fi

# ---------------------------------------------------------------- a real Nagios 4
# contrib/nagios/notify.cfg in a real Nagios Core 4 (started as root, it runs as nagios):
# nagios4 -v accepts it, and a service CRITICAL at its first check notifies its contact
# through plumbline-notify-service-webhook, with the notification in the NAGIOS_*
# environment macros (enable_environment_macros=1), the secrets' directory and the journal
# given in $USER3$ as resource.cfg would. The environment macros carry the output whole:
# illegal_macro_output_chars (set here as Debian's nagios.cfg has it) strips $ and quotes
# from macros on a command line, not from NAGIOS_SERVICEOUTPUT.
if command -v nagios4 >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && id nagios >/dev/null 2>&1; then
	N=$WORK/n4
	mkdir -p "$N"/etc "$N"/bin "$N"/var/rw "$N"/var/spool/checkresults "$N"/log
	chmod 711 "$WORK"
	cp "$PROG" "$N/bin/plumbline-notify"
	cp "$top_srcdir/contrib/nagios/notify.cfg" "$N/etc/notify.cfg"
	printf '#!/bin/sh\necho "DISK CRITICAL - / 97%% used \\"q\\" \\$x"\necho "long line"\nexit 2\n' >"$N/bin/check_crit"
	chmod 755 "$N/bin/check_crit" "$N/bin/plumbline-notify"
	mkdir -p "$N/secrets"
	printf '%s\n' "$B/webhook/nagios" >"$N/secrets/webhook.url"
	chmod 600 "$N/secrets/webhook.url"
	chown -R nagios:nagios "$N"
	chmod 755 "$N" "$N/etc" "$N/bin"
	cat >"$N/etc/resource.cfg" <<EOF
\$USER1\$=$N/bin
\$USER3\$=--secrets-dir $N/secrets --journal $N/var/journal.jsonl --link-base https://mon.example/nagios4 --link-style nagios
EOF
	cat >"$N/etc/nagios.cfg" <<EOF
log_file=$N/log/nagios.log
cfg_file=$N/etc/objects.cfg
cfg_file=$N/etc/notify.cfg
resource_file=$N/etc/resource.cfg
$(nagios_cfg_common "$N")
check_external_commands=0
interval_length=1
enable_notifications=1
enable_environment_macros=1
enable_event_handlers=0
process_performance_data=0
EOF
	cat >"$N/etc/objects.cfg" <<EOF
$(nagios_24x7)
define command {
	command_name	check-up
	command_line	/bin/true
}
define command {
	command_name	check-crit
	command_line	\$USER1\$/check_crit
}
define contact {
	contact_name	ops
	email	ops@example.com
	host_notification_period	24x7
	service_notification_period	24x7
	host_notification_options	d,r
	service_notification_options	w,c,r
	host_notification_commands	plumbline-notify-host-webhook
	service_notification_commands	plumbline-notify-service-webhook
}
define host {
	host_name	web1
	address	192.0.2.7
	check_command	check-up
	max_check_attempts	1
	check_interval	2
	check_period	24x7
	contacts	ops
	notification_period	24x7
	notification_interval	0
}
define service {
	host_name	web1
	service_description	disk
	check_command	check-crit
	max_check_attempts	1
	check_interval	1
	retry_interval	1
	check_period	24x7
	contacts	ops
	notification_period	24x7
	notification_interval	0
}
EOF
	nagios4 -v "$N/etc/nagios.cfg" >"$N/verify.out" 2>&1
	n4w=$(sed -n 's/^Total Warnings: *//p' "$N/verify.out")
	n4e=$(sed -n 's/^Total Errors: *//p' "$N/verify.out")
	if [ "$n4e" = 0 ] && [ "$n4w" = 0 ]; then
		ok "nagios 4: nagios4 -v accepts contrib/nagios/notify.cfg (0 warnings, 0 errors)"
		setsid nagios4 "$N/etc/nagios.cfg" >"$N/daemon.out" 2>&1 </dev/null &
		N4_PID=$!
		for _ in $(seq 300); do
			grep -q '"path": "/webhook/nagios"' "$WORK/http.jsonl" 2>/dev/null &&
				[ -s "$N/var/journal.jsonl" ] && break
			sleep 0.1
		done
		kill -TERM "$N4_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$N4_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$N4_PID" 2>/dev/null
		wait "$N4_PID" 2>/dev/null
		rec=$(grep '"path": "/webhook/nagios"' "$WORK/http.jsonl" | head -n 1)
		n4check=$(printf '%s' "$rec" | "$PY" -c '
import json, sys
t = sys.stdin.read()
if not t:
    print("no notification arrived"); sys.exit()
n = json.loads(t)["body"]["notification"]
want = {"type": "PROBLEM", "host": "web1", "service": "disk", "state": "CRITICAL",
        "address": "192.0.2.7", "number": 1,
        "output": "DISK CRITICAL - / 97% used \"q\" $x\nlong line",
        "link": "https://mon.example/nagios4/cgi-bin/extinfo.cgi?type=2&host=web1&service=disk"}
print(" ".join(k + "=" + repr(n.get(k)) for k in want if n.get(k) != want[k]))')
		check "nagios 4: a HARD CRITICAL notified the contact through plumbline-notify-service-webhook, from the environment macros${n4check:+ ($n4check)}" \
			'[ -z "$n4check" ]'
		jl=$(head -n 1 "$N/var/journal.jsonl" 2>/dev/null)
		check "nagios 4: the journal line (written as nagios) names the engine and the contact" \
			'[[ $jl == *"\"engine\":\"nagios\",\"user\":\"ops\""* ]] && [[ $jl == *"\"result\":\"sent\""* ]]'
	else
		notok "nagios 4: nagios4 -v accepts contrib/nagios/notify.cfg ($n4w warnings, $n4e errors)"
		grep -E "Warning|Error" "$N/verify.out" | head -n 10 | sed 's/^/#   /'
	fi
else
	echo "# nagios 4 case skipped (needs nagios4, root and a nagios user)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
