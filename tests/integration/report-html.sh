#!/bin/bash
# plumbline-report's HTML in a real headless Chromium (tests/integration/lib-chromium.sh):
# the fault report and the review of the fixture log of tests/blackbox/report.sh are
# rendered to a screenshot and a PDF, their tables and figures are in the DOM, the PDF
# holds the text, and the page requested nothing (every name resolves to nowhere and the
# net log has no request of the page's own); then both in Simplified Chinese (--language
# zh_CN), their Chinese text in the DOM and, in a CJK font, in the PDF.
set -u
. "$(dirname "$0")/../env.sh"
passed=0
failed=0
# lib-chromium.sh comes with tests/integration/inspect.sh; without it, nothing to run yet.
[ -f "$(dirname "$0")/lib-chromium.sh" ] || { echo "report-html: no lib-chromium.sh; skipped"; exit 77; }
. "$(dirname "$0")/lib-chromium.sh"
chromium_found || { echo "report-html: no $CHROMIUM_BIN; skipped"; exit 77; }
P=$PLUGINS/plumbline-report
F=$FIXTURES/nagioslog
export TZ=UTC PLUMBLINE_NOW=2026-12-02T00:00:00Z
COMMON=(--nagios-log "$F/nagios.log" --nagios-log "$F/archives-nagios-11-15-2026-00.log"
	--roles "$F/roles.conf" --notes-dir "$F/faults" --output-format html)
T=$CHROMIUM_WORK/report
mkdir -p "$T"
trap 'rm -rf "$CHROMIUM_WORK"' EXIT INT TERM

"$P" fault --incident 20261103-090000-a0ecd4f4 "${COMMON[@]}" >"$T/fault.html"
"$P" review --month 2026-11 "${COMMON[@]}" >"$T/review.html"

declare -A marker=([fault]="Technician's notes" [review]="Supervision review")
for page in fault review; do
	h=$T/$page.html
	check "$page: screenshot taken" 'chromium_screenshot "$h" "$T/$page.png" 1000,1400'
	check "$page: printed to PDF" 'chromium_pdf "$h" "$T/$page.pdf"'
	if command -v pdftotext >/dev/null 2>&1; then
		check "$page: the PDF holds the text" \
			'pdftotext "$T/$page.pdf" - | grep -q "${marker[$page]}"'
	fi
	check "$page: nothing requested from outside" 'chromium_netlog_clean "$h"'
	chromium_dom "$h" "$T/$page.dom" || true
done
check "fault: its tables rendered (timeline, notes)" \
	'grep -q "<table class=\"steps\">" "$T/fault.dom" &&
	 grep -q "<td>escalated</td><td>CRITICAL</td><td>bob</td>" "$T/fault.dom" &&
	 grep -q "nginx did not start after the 1.24 package upgrade" "$T/fault.dom"'
check "review: availability, response and open faults rendered" \
	'grep -q "<table class=\"availability\">" "$T/review.dom" &&
	 grep -q "<td class=\"num\">99.861 %</td>" "$T/review.dom" &&
	 grep -q "Faults open at the end of the period (1)" "$T/review.dom"'

# The same pages in Simplified Chinese: lang zh-CN, the headings in Chinese in the DOM,
# and the PDF's text drawn in a CJK font (fonts-wqy-zenhei), not as empty boxes.
"$P" fault --incident 20261103-090000-a0ecd4f4 "${COMMON[@]}" --language zh_CN >"$T/fault-zh.html"
"$P" review --month 2026-11 "${COMMON[@]}" --language zh_CN >"$T/review-zh.html"
declare -A zh=([fault]="技术人员记录" [review]="时段结束时仍未解决的故障")
for page in fault review; do
	h=$T/$page-zh.html
	check "$page, Chinese: lang zh-CN" 'grep -qF "<html lang=\"zh-CN\">" "$h"'
	check "$page, Chinese: screenshot taken" 'chromium_screenshot "$h" "$T/$page-zh.png" 1000,1400'
	check "$page, Chinese: the heading in the DOM" \
		'chromium_dom "$h" "$T/$page-zh.dom" && grep -qF "<h2>${zh[$page]}" "$T/$page-zh.dom"'
	if command -v pdftotext >/dev/null 2>&1; then
		check "$page, Chinese: the PDF holds the Chinese text, in a CJK font" \
			'chromium_pdf "$h" "$T/$page-zh.pdf" && pdftotext "$T/$page-zh.pdf" - | grep -q "${zh[$page]}" &&
			 pdffonts "$T/$page-zh.pdf" | grep -qiE "wqy|zenhei|cjk|droid|uming|ukai"'
	fi
done
check "fault, Chinese: the timeline's steps translated, states and names kept" \
	'grep -q "<td>已升级</td><td>CRITICAL</td><td>bob</td>" "$T/fault-zh.dom"'
finish
