# lib-chromium.sh: a real headless Chromium (Debian's chromium) for the tests of HTML
# outputs, offline (recipe: /work/shared/recipes/chromium-headless.md). Source it after
# env.sh; every function takes the HTML file and an output path, and returns non-zero
# when Chromium wrote nothing (a failed navigation exits 0 with no output).
#
#   chromium_found                      true when the binary is there (else skip)
#   chromium_screenshot HTML PNG [WxH]  a screenshot (default 1000x1400)
#   chromium_pdf HTML PDF               print to PDF (the page's print stylesheet)
#   chromium_dom HTML OUT               the DOM after parsing, serialized
#   chromium_netlog_clean HTML          loads the page with a net log and fails when it
#                                       requested anything (Chromium's own requests, which
#                                       carry the initiator "not an origin", aside)
# Every name resolves to NOTFOUND (--host-resolver-rules), HOME and the profile are in
# $CHROMIUM_WORK (a mktemp -d directory made here; the caller's cleanup may remove it).
CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/lib/chromium/chromium}
CHROMIUM_WORK=${CHROMIUM_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/plumbline-chromium.XXXXXX")}

chromium_found() { [ -x "$CHROMIUM_BIN" ]; }

chromium_run() {
	local f=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check
		--disable-extensions --disable-background-networking --disable-component-update
		--disable-sync --disable-default-apps --no-pings --disable-dev-shm-usage
		--disable-features=NetworkTimeServiceQuerying
		--user-data-dir="$CHROMIUM_WORK/prof" --log-level=3 --hide-scrollbars
		"--host-resolver-rules=MAP * ~NOTFOUND")
	HOME=$CHROMIUM_WORK timeout 60 "$CHROMIUM_BIN" "${f[@]}" "$@" 2>>"$CHROMIUM_WORK/stderr"
}

chromium_url() { echo "file://$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

chromium_screenshot() {
	rm -f "$2"
	chromium_run --window-size="${3:-1000,1400}" --screenshot="$2" "$(chromium_url "$1")" \
		>/dev/null
	[ -s "$2" ]
}

chromium_pdf() {
	rm -f "$2"
	chromium_run --no-pdf-header-footer --print-to-pdf="$2" "$(chromium_url "$1")" >/dev/null
	[ -s "$2" ] && [ "$(head -c 5 "$2")" = "%PDF-" ]
}

chromium_dom() {
	chromium_run --dump-dom "$(chromium_url "$1")" >"$2"
	[ -s "$2" ]
}

chromium_netlog_clean() {
	local log=$CHROMIUM_WORK/net.json
	rm -f "$log"
	chromium_run --log-net-log="$log" --dump-dom "$(chromium_url "$1")" >/dev/null
	[ -s "$log" ] || return 1
	python3 - "$log" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = {v: k for k, v in d['constants']['logEventTypes'].items()}
page = sorted({e['params']['url'] for e in d['events']
               if t[e['type']] == 'URL_REQUEST_START_JOB' and 'url' in e.get('params', {})
               and e['params'].get('initiator') != 'not an origin'})
if page:
    print('# page requested', page)
    sys.exit(1)
PY
}
