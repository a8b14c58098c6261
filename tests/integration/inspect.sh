#!/bin/bash
# plumbline-inspect in local mode, end to end: a check list with a check in each state,
# one that hangs (killed at its --check-timeout, the run's wall time bounded), one whose
# program is missing, one that floods its output, one with an NRPE $ARG1$ and one with
# shell syntax; the JSON checked against contrib/schema/inspect.schema.json; a second run
# whose changes since the first (new, recovered, still open) are asserted; the sign-off
# round trip; an NRPE config with include=; --output written atomically, replacing a
# symlink instead of writing through it; and the HTML report opened in a real headless
# Chromium (tests/integration/lib-chromium.sh): screenshot, DOM, PDF, nothing loaded.
#
# Needs: the built plumbline-inspect; python3-jsonschema; chromium (else those steps
# skip), fonts-wqy-zenhei for the Chinese page's glyphs, poppler-utils to read its PDF.
# Runs in a mktemp -d directory, removed on exit.
# Prints "ok - ..." / "not ok - ..." and "N passed, M failed".
set -u
. "$(dirname "$0")/../env.sh"
P=$PLUGINS/plumbline-inspect
[ -x "$P" ] || { echo "not ok - no $P (build first)"; echo "0 passed, 1 failed"; exit 1; }
SCHEMA=$top_srcdir/contrib/schema/inspect.schema.json

D=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-inspect.XXXXXX") || exit 99
WATCHDOG=
cleanup() {
	[ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null
	pkill -KILL -f "^/bin/sh $D/hang" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
watchdog 120
WATCHDOG=$!
check() { if eval "$2"; then ok "$1"; else notok "$1"; echo "#   last output: ${out:0:600}"; fi; }

# A check that exits with state $1 after a status line with perfdata and a long line.
mk() {
	printf '#!/bin/sh\necho "%s - %s <script>alert(1)</script> | t=%s.5s;1;2;0; '"'"'a b'"'"'=7%%"\necho "detail of %s"\nexit %s\n' \
		"$2" "$3" "$1" "$3" "$1" >"$D/$3"
	chmod +x "$D/$3"
}
mk 0 OK okay; mk 1 WARNING warn; mk 2 CRITICAL crit; mk 3 UNKNOWN unk
printf '#!/bin/sh\nexec sleep 300\n' >"$D/hang"
printf '#!/bin/sh\necho "FLOOD OK - lots"\nyes floodfloodfloodflood | head -c 2000000\n' >"$D/flood"
printf '#!/bin/sh\necho "FLOODP OK - lots | big=5B;;;0;"\nyes floodfloodfloodflood | head -c 2000000\n' >"$D/floodp"
chmod +x "$D/hang" "$D/flood" "$D/floodp"
mkdir -m 700 "$D/state"
cat >"$D/list" <<LIST
# the test's check list
okay = $D/okay
warn = $D/warn --label 'two words'
crit = $D/crit
unk = $D/unk
hang = $D/hang
missing = $D/no-such-plugin
flood = $D/flood
floodp = $D/floodp
macro = $D/okay -w \$ARG1\$
shell = $D/okay | cat
LIST
run() { out=$("$P" --state-dir "$D/state" "$@" 2>&1); rc=$?; }

t0=$(date +%s%N)
run --checks "$D/list" --check-timeout 1 --jobs 4
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
check "the worst state is the exit status (rc $rc)" '[ "$rc" = 3 ]'
check "the first line says the overall state and counts" \
	'[[ "${out%%$'"'"'\n'"'"'*}" == "INSPECTION UNKNOWN - 10 checks: 3 ok, 1 warning, 1 critical, 5 unknown" ]]'
check "the hung check is UNKNOWN, timed out after 1s" \
	'grep -qF "[UNKNOWN ] hang (new): UNKNOWN - timed out after 1s (the check was killed)" <<<"$out"'
check "the run took at most 4s with a hung check of 300s (${ms} ms)" '[ "$ms" -lt 4000 ]'
sleep 0.2
check "the hung check's process was killed" '! pgrep -f "sleep 300" >/dev/null || ! pgrep -f "^/bin/sh $D/hang" >/dev/null'
check "the missing program is UNKNOWN with its path" \
	'grep -qF "missing (new): UNKNOWN - cannot run $D/no-such-plugin: No such file or directory" <<<"$out"'
check "the flood is bounded and said so on the status line" \
	'grep -qE "flood: FLOOD OK - lots \(output cut: 65536 of 2000016 bytes kept\)" <<<"$out" &&
	 [ "${#out}" -lt 20000 ]'
check "the cut is said before the perfdata of the status line, which stays whole" \
	'grep -qF "floodp: FLOODP OK - lots (output cut: 65536 of 2000031 bytes kept)" <<<"$out" &&
	 grep -qF "perfdata: big=5B" <<<"$out"'
check "an NRPE \$ARG1\$ is UNKNOWN, saying so" \
	'grep -qF "uses the NRPE macro \$ARG1\$" <<<"$out"'
check "shell syntax is UNKNOWN, saying no shell runs it" \
	'grep -qF "holds the shell character (a pipe), but no shell runs the command" <<<"$out"'
check "key perfdata shown" 'grep -qF "perfdata: t=1.5s, a b=7%" <<<"$out"'
check "the sign-off fields are empty to fill in" 'grep -qF "Name: ______" <<<"$out"'

run --last --format json
echo "$out" >"$D/r1.json"
check "--last --format json validates against the schema" \
	'/usr/bin/python3 -c "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))" "$D/r1.json" "$SCHEMA"'
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
check "JSON: schema_version 1, state 3, 10 items, all new or ok" \
	'[ "$(jq_ "$D/r1.json" "d[\"schema_version\"], d[\"state\"], len(d[\"items\"]), sorted({i[\"change\"] for i in d[\"items\"]})")" = "1 3 10 ['"'"'new'"'"', '"'"'ok'"'"']" ]'
check "JSON: the perfdata parsed (label with a blank, unit)" \
	'[ "$(jq_ "$D/r1.json" "[i[\"perfdata\"] for i in d[\"items\"] if i[\"name\"]==\"warn\"][0]")" = "[{'"'"'label'"'"': '"'"'t'"'"', '"'"'value'"'"': 1.5, '"'"'uom'"'"': '"'"'s'"'"'}, {'"'"'label'"'"': '"'"'a b'"'"', '"'"'value'"'"': 7, '"'"'uom'"'"': '"'"'%'"'"'}]" ]'

# Second report: warn recovers, okay fails, crit stays critical.
mk 0 OK warn; mk 2 CRITICAL okay
run --checks "$D/list" --check-timeout 1 --format json --output "$D/r2.json"
check "second run: rc 3 and nothing on stdout with --output" '[ "$rc" = 3 ] && [ -z "$out" ]'
check "second run validates against the schema" \
	'/usr/bin/python3 -c "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))" "$D/r2.json" "$SCHEMA"'
check "changes since the previous report: warn recovered, okay new, crit open" \
	'[ "$(jq_ "$D/r2.json" "{i[\"name\"]: i[\"change\"] + \":\" + i[\"history\"] for i in d[\"items\"] if i[\"name\"] in (\"warn\", \"okay\", \"crit\")}")" = "{'"'"'crit'"'"': '"'"'open:22'"'"', '"'"'okay'"'"': '"'"'new:02'"'"', '"'"'warn'"'"': '"'"'recovered:10'"'"'}" ]'

# Flapping: okay changes state in three reports out of four.
mk 0 OK okay; run --checks "$D/list" --check-timeout 1
mk 2 CRITICAL okay; run --checks "$D/list" --check-timeout 1 --format json
check "a check that changed state 3 times in its history is flapping" \
	'grep -qF "\"name\":\"okay\"" <<<"$out" && [ "$(jq_ /dev/stdin "[i[\"change\"] for i in d[\"items\"] if i[\"name\"]==\"okay\"][0]" <<<"$out")" = flapping ]'

# Sign-off round trip.
run --sign --name 'Ann Inspector' --remarks 'all seen <ok> & fine'
check "--sign records the sign-off (rc $rc)" '[ "$rc" = 0 ] && grep -qF "signed off by Ann Inspector" <<<"$out"'
run --last --format json
check "--last shows the report signed, with name, time and remarks" \
	'[ "$(jq_ /dev/stdin "d[\"signoff\"][\"signed\"], d[\"signoff\"][\"name\"], d[\"signoff\"][\"remarks\"], d[\"signoff\"][\"time\"] is not None" <<<"$out")" = "True Ann Inspector all seen <ok> & fine True" ]'
run --last
check "the text report shows the sign-off" 'grep -qF "Signed by: Ann Inspector" <<<"$out"'
run --sign
check "--sign without --name is a usage error" '[ "$rc" = 3 ] && grep -qF -- "--sign needs --name" <<<"$out"'
run --checks "$D/list" --check-timeout 1 --format json
check "a new report is unsigned again" \
	'[ "$(jq_ /dev/stdin "d[\"signoff\"][\"signed\"]" <<<"$out")" = False ]'

# An NRPE config with an include.
mkdir "$D/nrpe.d"
cat >"$D/nrpe.cfg" <<NRPE
server_port=5666
allowed_hosts=127.0.0.1
command[check_one]=$D/okay
include=$D/nrpe.d/more.cfg
NRPE
echo "command[check_two]=$D/warn" >"$D/nrpe.d/more.cfg"
run --checks "$D/nrpe.cfg" --state-key nrpe
check "an NRPE config's commands and its include= are run" \
	'grep -qF "2 checks:" <<<"$out" && grep -qF "check_one" <<<"$out" && grep -qF "check_two" <<<"$out"'
echo "this is no line" >"$D/bad.list"
run --checks "$D/bad.list" --state-key bad
check "a malformed check list is UNKNOWN naming the line" '[ "$rc" = 3 ] && grep -qF "line 1" <<<"$out"'

# --output replaces a symlink instead of writing through it.
echo precious >"$D/target"
ln -s "$D/target" "$D/report.html"
run --last --format html --output "$D/report.html"
check "--output replaced the symlink, the file it named is untouched" \
	'[ ! -L "$D/report.html" ] && [ "$(cat "$D/target")" = precious ] && grep -qF "<!DOCTYPE html>" "$D/report.html"'
run --checks "$D/list" --check-timeout 1 --format html --output "$D/report.html"
check "HTML: plugin output escaped" \
	'! grep -qF "<script>" "$D/report.html" && grep -qF "&lt;script&gt;alert(1)&lt;/script&gt;" "$D/report.html"'
check "HTML: the changes since the previous report, with the names" \
	'grep -qF "<tr><th>still open</th><td>" "$D/report.html" && grep -qF "id=\"changes\"" "$D/report.html"'
check "HTML: no http(s) URL and no external resource in the page" \
	'! grep -qiE "https?://|<link|<script|<img|@import|url\(" "$D/report.html"'

# The shipped systemd units, as systemd reads them (the service pointed at this build).
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$D/units"
	sed "s#/usr/lib/nagios/plugins/plumbline-inspect#$P#" \
		"$top_srcdir/contrib/systemd/plumbline-inspect.service" >"$D/units/plumbline-inspect.service"
	cp "$top_srcdir/contrib/systemd/plumbline-inspect.timer" "$D/units/"
	check "systemd-analyze verify: the service and timer are clean" \
		'out=$(systemd-analyze verify --man=no "$D/units/plumbline-inspect.service" "$D/units/plumbline-inspect.timer" 2>&1) && [ -z "$out" ]'
else
	ok "# SKIP systemd-analyze verify: no systemd-analyze"
fi

. "$(dirname "$0")/lib-chromium.sh"
if chromium_found; then
	check "Chromium: a screenshot of the report (PNG, non-empty)" \
		'chromium_screenshot "$D/report.html" "$D/report.png" && [ "$(head -c 8 "$D/report.png" | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a ]'
	check "Chromium: the DOM has the checks table and the overall status" \
		'chromium_dom "$D/report.html" "$D/dom.html" && grep -qF "<table class=\"checks\"" "$D/dom.html" &&
		 grep -qF "Overall: UNKNOWN" "$D/dom.html" && grep -qF "<td class=\"st\">UNKNOWN</td>" "$D/dom.html"'
	check "Chromium: the report prints to PDF" 'chromium_pdf "$D/report.html" "$D/report.pdf"'
	check "Chromium: the page requested nothing (net log)" 'chromium_netlog_clean "$D/report.html"'
	[ -n "${PL_INSPECT_SCREENSHOT:-}" ] && cp "$D/report.png" "$PL_INSPECT_SCREENSHOT"
	# The same report in Simplified Chinese: the page says its language, and a CJK font
	# (fonts-wqy-zenhei) draws the text, so the printout shows glyphs, not boxes.
	run --last --format html --output "$D/zh.html" --language zh_CN
	check "Chinese HTML: lang zh-CN, the headings and sign-off fields in Chinese" \
		'grep -qF "<html lang=\"zh-CN\">" "$D/zh.html" && grep -qF "<h2>巡检人签字</h2>" "$D/zh.html"'
	check "Chromium, Chinese: a screenshot" 'chromium_screenshot "$D/zh.html" "$D/zh.png"'
	check "Chromium, Chinese: the DOM has the Chinese headings and the state words" \
		'chromium_dom "$D/zh.html" "$D/zh.dom" && grep -qF "<h2>自上次报告以来的变化</h2>" "$D/zh.dom" &&
		 grep -qF "总体状态: UNKNOWN" "$D/zh.dom" && grep -qF "<th>签名</th>" "$D/zh.dom"'
	if command -v pdftotext >/dev/null 2>&1; then
		check "Chromium, Chinese: the PDF holds the Chinese text, in a CJK font" \
			'chromium_pdf "$D/zh.html" "$D/zh.pdf" && pdftotext "$D/zh.pdf" - | grep -q "巡检人签字" &&
			 pdffonts "$D/zh.pdf" | grep -qiE "wqy|zenhei|cjk|droid|uming|ukai"'
	fi
	rm -rf "$CHROMIUM_WORK"
else
	ok "# SKIP Chromium steps: no $CHROMIUM_BIN"
fi
finish
