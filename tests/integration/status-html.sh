#!/bin/bash
# plumbline-status's page in a real headless Chromium (tests/integration/lib-chromium.sh):
# the page of tests/blackbox/status.sh's second run (an outage open, two incidents ended)
# rendered to a screenshot and a PDF; its services table, banner and incidents are in the
# DOM, the PDF holds the text, and the page requested nothing from outside.
set -u
. "$(dirname "$0")/../env.sh"
passed=0
failed=0
. "$(dirname "$0")/lib-chromium.sh"
chromium_found || { echo "status-html: no $CHROMIUM_BIN; skipped"; exit 77; }
P=$PLUGINS/plumbline-status
F=$FIXTURES/status
T=$CHROMIUM_WORK/status
mkdir -p "$T/state" "$T/www"
chmod 700 "$T/state"
trap 'rm -rf "$CHROMIUM_WORK"' EXIT INT TERM
export TZ=UTC PLUMBLINE_STATE_DIR=$T/state
for run in "t0 2025-12-02T10:06:40Z" "t1 2025-12-02T10:16:40Z"; do
	set -- $run
	cp "$F/$1.dat" "$T/status.dat"
	PLUMBLINE_NOW=$2 "$P" --engine nagios --status-file "$T/status.dat" \
		--services "$F/services" --output-dir "$T/www" --refresh 0 >/dev/null
done
h=$T/www/index.html
check "status page: screenshot taken" 'chromium_screenshot "$h" "$T/status.png" 900,1000'
check "status page: printed to PDF" 'chromium_pdf "$h" "$T/status.pdf"'
if command -v pdftotext >/dev/null 2>&1; then
	check "status page: the PDF holds the text" \
		'pdftotext "$T/status.pdf" - | grep -q "Some services are disrupted"'
fi
check "status page: nothing requested from outside" 'chromium_netlog_clean "$h"'
chromium_dom "$h" "$T/status.dom" || true
check "status page: services, banner and incidents rendered" \
	'grep -q "<table id=\"services\">" "$T/status.dom" &&
	 grep -q "<td class=\"st outage\">Outage</td>" "$T/status.dom" &&
	 grep -q "<p id=\"overall\" class=\"banner outage\">Some services are disrupted</p>" "$T/status.dom" &&
	 grep -q "<table id=\"past\">" "$T/status.dom" &&
	 grep -q "<strong>Email</strong>" "$T/status.dom"'
[ -n "${STATUS_SCREENSHOT:-}" ] && cp "$T/status.png" "$STATUS_SCREENSHOT"
finish
