#!/bin/bash
# check_log_errors end to end: every rotation case of the reader, done to a log between
# runs of the real plugin (by hand and by the real logrotate), and the journal through
# libsystemd on .journal files made by systemd-journal-remote from export text (recipe:
# journal-files.md). After each step the counts the plugin reported, added up over its
# runs, must equal the error lines written since its first run: never a line twice, never
# one skipped, except where the step loses lines, which the plugin must then say.
#
# Needs: the built check_log_errors; logrotate and gzip (else those steps skip);
# /lib/systemd/systemd-journal-remote and a build with libsystemd (else the journal steps
# skip). Runs in a mktemp -d directory, removed on exit; starts no service.
# Prints "ok - ..." / "not ok - ..." and "N passed, M failed".
set -u
. "$(dirname "$0")/../env.sh"
P=$PLUGINS/check_log_errors
[ -x "$P" ] || { echo "not ok - no $P (build first)"; echo "0 passed, 1 failed"; exit 1; }

skipped=0
skip() { echo "ok - # SKIP $1"; skipped=$((skipped + 1)); }
check() { if eval "$2"; then ok "$1"; else notok "$1"; echo "#   last output: ${out:0:300}"; fi; }

D=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-log.XXXXXX") || exit 99
trap 'rm -rf "$D"' EXIT
chmod 700 "$D"
mkdir -m 700 "$D/state" "$D/logs"
LOG=$D/logs/app.log
unset PLUMBLINE_STATE_DIR

# The plugin on app.log; adds its counts to $seen_c / $seen_w, sets $out and $rc.
seen_c=0
seen_w=0
run() {
	out=$(timeout 20 "$P" --file "$LOG" --critical-pattern CRIT --warning-regex 'WARN [0-9]+' \
		--state-dir "$D/state" "$@" 2>&1)
	rc=$?
	local c w
	c=$(printf '%s\n' "$out" | sed -n 's/.*app.log_critical=\([0-9]*\).*/\1/p' | head -1)
	w=$(printf '%s\n' "$out" | sed -n 's/.*app.log_warning=\([0-9]*\).*/\1/p' | head -1)
	seen_c=$((seen_c + ${c:-0}))
	seen_w=$((seen_w + ${w:-0}))
}
# Writes N lines to FILE: every 3rd a CRIT, every 5th a WARN, the rest noise; counts them.
made_c=0
made_w=0
n=0
write() { # file count
	local f=$1 k
	for ((k = 0; k < $2; k++)); do
		n=$((n + 1))
		if ((n % 3 == 0)); then
			printf '2026-12-01T10:00:%02d app[1]: CRIT disk failure %d\n' $((n % 60)) "$n"
			made_c=$((made_c + 1))
		elif ((n % 5 == 0)); then
			printf '2026-12-01T10:00:%02d app[1]: WARN %d slow\n' $((n % 60)) "$n"
			made_w=$((made_w + 1))
		else
			printf '2026-12-01T10:00:%02d app[1]: request %d served\n' $((n % 60)) "$n"
		fi
	done >>"$f"
}
same() { [ "$seen_c" = "$made_c" ] && [ "$seen_w" = "$made_w" ]; }
counts() { echo "counted $seen_c/$made_c critical, $seen_w/$made_w warning"; }

# 1. The first run starts at the end: what was there before is not news.
write "$LOG" 20
run
check "first run: nothing counted, says where it started (rc $rc)" \
	'[ "$rc" = 0 ] && [[ "$out" == *"first run: started at the end"* ]]'
made_c=0 made_w=0 seen_c=0 seen_w=0

# 2. Appended lines, then a run without news.
write "$LOG" 30
run
check "appended: $(counts)" 'same && [ "$rc" = 2 ]'
run
check "nothing new: nothing counted twice (rc $rc)" 'same && [ "$rc" = 0 ]'

# 3. Rotation by rename, to each kind of name, with lines written to the old file after
#    the last run; the old file is finished first.
for name in app.log.1 app.log-20261201 app.log.2026-12-01; do
	write "$LOG" 7
	mv "$LOG" "$D/logs/$name"
	write "$LOG" 11
	run
	check "rotated to $name: $(counts)" 'same && [[ "$out" == *"finished $name first"* ]]'
	rm -f "$D/logs/$name"
done

# 3b. Rotated twice between two runs: the file in between, never seen, is read too.
write "$LOG" 5
mv "$LOG" "$D/logs/app.log.1"
sleep 0.05
write "$LOG" 6
mv "$D/logs/app.log.1" "$D/logs/app.log.2"
mv "$LOG" "$D/logs/app.log.1"
write "$LOG" 4
run
check "rotated twice between runs: $(counts)" 'same && [[ "$out" == *"read app.log.1 too"* ]]'
rm -f "$D/logs/app.log.1" "$D/logs/app.log.2"

# 3c. Rotated three times between two runs with dateext names, the middle one already
#     compressed: the cursor's file finished, the uncompressed one read whole, the
#     compressed one's lines lost and said (never read: .gz is skipped), then the log.
if command -v gzip >/dev/null 2>&1; then
	write "$LOG" 5
	mv "$LOG" "$D/logs/app.log-20261201"
	sleep 0.05
	c0=$made_c w0=$made_w
	write "$LOG" 6
	made_c=$c0 made_w=$w0     # these go into the compressed file: not counted
	mv "$LOG" "$D/logs/app.log-20261202"
	gzip "$D/logs/app.log-20261202"
	sleep 0.05
	write "$LOG" 7
	mv "$LOG" "$D/logs/app.log-20261203"
	write "$LOG" 4
	run
	check "rotated three times, dateext, one compressed: $(counts), the loss said" \
		'same && [[ "$out" == *"app.log-20261202.gz"* ]] && [[ "$out" == *"app.log-20261203"* ]]'
	run
	check "after three rotations: nothing twice (rc $rc)" 'same && [ "$rc" = 0 ]'
	rm -f "$D/logs/app.log-2026120"*
else
	skip "rotated three times with a compressed one: needs gzip"
fi

# 4. A rotated log of the same size and modification time as the new one.
: >"$D/logs/x"
write "$LOG" 4
cp "$LOG" "$D/logs/copy"
mv "$LOG" "$D/logs/app.log.1"
sed 's/^2026/2027/' "$D/logs/copy" >"$LOG"  # the same size, other bytes
made_c=$((made_c + $(grep -c CRIT "$LOG"))) made_w=$((made_w + $(grep -c 'WARN [0-9]' "$LOG")))
touch -r "$D/logs/app.log.1" "$LOG"
run
check "rotated, new log of the same size and mtime: $(counts)" 'same'
rm -f "$D/logs/app.log.1" "$D/logs/copy" "$D/logs/x"

# 5. copytruncate, with the copy beside it.
write "$LOG" 9
cp "$LOG" "$D/logs/app.log.1"
: >"$LOG"
write "$LOG" 6
run
check "copytruncate with its copy: $(counts)" 'same && [[ "$out" == *"copied and truncated"* ]]'
rm -f "$D/logs/app.log.1"

# 6. Rotated and compressed before the run: those lines are lost, and said (WARNING).
write "$LOG" 9
lost_c=$made_c lost_w=$made_w
mv "$LOG" "$D/logs/app.log.1"
gzip "$D/logs/app.log.1"
write "$LOG" 3       # n%3: one CRIT at most; nothing else
run
check "rotated then compressed: the loss is said (rc $rc)" \
	'[[ "$out" == *"compressed files are not read"* && "$out" == *"app.log.1.gz"* ]] && [ "$rc" -ge 1 ]'
# Only the new file's lines were counted: account for what was lost.
made_c=$((seen_c)) made_w=$((seen_w))
: "$lost_c" "$lost_w"
rm -f "$D/logs/app.log.1.gz"

# 7. Rewritten from the top in place (same inode, other bytes, longer than the offset):
#    read again from the start, said.
for k in 1 2 3 4 5 6 7 8; do
	printf '2026-12-02 app: CRIT rewritten in place, line %d of a longer text\n' "$k"
done >"$LOG"
made_c=$((made_c + 8))
run
check "rewritten from the top: $(counts), said" 'same && [[ "$out" == *"rewritten from the top"* ]]'

# 8. A line being written: counted once complete.
printf '2026-12-02 app: CRIT half' >>"$LOG"
run
check "a line without its newline is not counted yet: $(counts)" 'same'
printf ' a line\n' >>"$LOG"
made_c=$((made_c + 1))
run
check "the same line, completed, is counted once: $(counts)" 'same'

# 9. The caps: a backlog read over several runs, the output saying so.
write "$LOG" 40
run --max-read-lines 15
check "capped run says so (rc $rc)" '[[ "$out" == *"stopped at the cap"* ]]'
for k in 1 2 3; do run --max-read-lines 15; done
check "the backlog over the next runs: $(counts)" 'same'

# 10. The real logrotate, each rotation case of the reader done by it: create (.1) and
#     copytruncate with compress and delaycompress; dateext (a date-suffixed name);
#     copytruncate and the log written past the old offset before the run (the same
#     inode, other bytes: rewritten); a new log of the rotated one's size and mtime; a
#     writer that keeps the log open and gets its HUP late (lines and a partial line in
#     the rotated file after the run that finished it); a reboot between two runs.
if command -v logrotate >/dev/null 2>&1 && command -v gzip >/dev/null 2>&1 &&
	command -v python3 >/dev/null 2>&1; then
	lrconf() { # directives...
		{
			echo "$LOG {"
			printf '\t%s\n' "rotate 3" missingok "$@"
			echo "}"
		} >"$D/logrotate.conf"
	}
	lr() {
		logrotate -f -s "$D/logrotate.state" "$D/logrotate.conf" 2>>"$D/lr.err"
		[ -e "$LOG" ] || : >"$LOG"
	}
	for mode in create copytruncate; do
		lrconf "$mode" compress delaycompress
		write "$LOG" 10
		lr
		write "$LOG" 10
		run
		check "logrotate $mode (delaycompress): $(counts)" 'same'
		# the next rotation compresses .1 to .2.gz, after this run finished it
		write "$LOG" 5
		run
		lr
		write "$LOG" 5
		run
		check "logrotate $mode again: $(counts)" 'same'
	done
	rm -f "$D"/logs/app.log.*
	run

	lrconf create dateext 'dateformat -%Y%m%d-%s'
	write "$LOG" 8
	lr
	write "$LOG" 4
	run
	dated=$(cd "$D/logs" && ls -d app.log-2* 2>/dev/null | head -1)
	check "logrotate dateext (${dated:-no dated file}): $(counts)" \
		'same && [ -n "$dated" ] && [[ "$out" == *"finished $dated first"* ]]'
	rm -f "$D"/logs/app.log-*
	run

	lrconf copytruncate
	write "$LOG" 6
	lr
	write "$LOG" 12
	run
	check "logrotate copytruncate, the log written past the old offset before the run: $(counts)" \
		'same && [[ "$out" == *"rewritten from the top"* && "$out" == *"finished app.log.1 first"* ]]'
	rm -f "$D"/logs/app.log.*
	run

	lrconf create
	write "$LOG" 6
	lr
	sed 's/^2026/2027/' "$D/logs/app.log.1" >"$LOG"   # the same size, other bytes
	made_c=$((made_c + $(grep -c CRIT "$LOG"))) made_w=$((made_w + $(grep -c 'WARN [0-9]' "$LOG")))
	touch -r "$D/logs/app.log.1" "$LOG"
	run
	check "logrotate create, a new log of the rotated one's size and mtime: $(counts)" \
		'same && [[ "$out" == *"finished app.log.1 first"* ]]'

	# A writer that keeps the log open (fd 7) and reopens it only at its HUP, late.
	exec 7>>"$LOG"
	write /dev/fd/7 6
	run
	lr
	write /dev/fd/7 4          # not reopened yet: into the rotated file
	write "$LOG" 3             # another writer already on the new log
	run
	check "writer not reopened yet: the rotated file finished first: $(counts)" 'same'
	write /dev/fd/7 5          # after the run that finished the rotated file
	printf '2026-12-02 app: CRIT half' >&7
	run
	check "lines written to the rotated file after the run that finished it: $(counts)" \
		'same && [[ "$out" == *"read on in app.log.1"* ]]'
	printf ' a line, completed in the rotated file\n' >&7
	made_c=$((made_c + 1))
	run
	check "a partial line completed in the rotated file, counted once: $(counts)" 'same'
	exec 7>>"$LOG"             # the HUP: the writer reopens the log
	write /dev/fd/7 4
	run
	check "after the writer's HUP: $(counts)" 'same'
	run
	check "nothing twice after the rotated file was let go (rc $rc): $(counts)" 'same'
	exec 7>&-

	# A reboot between rotation and run: the position is kept, the rotated file finished.
	write "$LOG" 5
	lr
	write "$LOG" 5
	slots=$(ls "$D"/state/check_log_errors*.state* 2>/dev/null | grep -v '\.lock$')
	python3 "$(dirname "$0")/state-reboot.py" 00000000-0000-4000-8000-000000000000 $slots
	run
	check "a reboot between rotation and run: the position kept: $(counts)" \
		'same && [[ "$out" != *"first run"* && "$out" == *"finished app.log.1 first"* ]]'
	rm -f "$D"/logs/app.log.*
else
	skip "logrotate, gzip or python3 not installed"
fi

# 11. Hold: the state of the last match stays for the hold, with until when.
write "$LOG" 3
PLUMBLINE_NOW=2026-12-01T10:00:00Z run --hold 10min
PLUMBLINE_NOW=2026-12-01T10:05:00Z run --hold 10min
check "hold: CRITICAL until 10:10 though nothing is new (rc $rc)" \
	'[ "$rc" = 2 ] && [[ "$out" == *"held CRITICAL until 2026-12-01T10:10:00Z"* ]]'
PLUMBLINE_NOW=2026-12-01T10:11:00Z run --hold 10min
check "hold: over after it (rc $rc)" '[ "$rc" = 0 ]'

# ---------------------------------------------------------------- the journal
JR=/lib/systemd/systemd-journal-remote
if "$P" --journal-file /nonexistent.journal 2>&1 | grep -q 'not built in'; then
	skip "journal: this build has no journal support"
elif [ ! -x "$JR" ]; then
	skip "journal: $JR not installed (systemd-journal-remote)"
else
	J=$D/j/test.journal
	mkdir -m 700 "$D/j"
	now=$(date +%s)
	entry() { # realtime-offset priority identifier unit message
		printf '__REALTIME_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n' \
			$(((now + $1) * 1000000))
		printf 'PRIORITY=%s\nSYSLOG_IDENTIFIER=%s\n_SYSTEMD_UNIT=%s\nMESSAGE=%s\n\n' "$2" "$3" "$4" "$5"
	}
	append() { "$JR" --output="$J" --split-mode=none "$1" >/dev/null 2>"$D/jr.err"; }
	jrun() {
		out=$(timeout 20 "$P" --journal-file "$J" --state-dir "$D/state" "$@" 2>&1)
		rc=$?
	}
	jc() { printf '%s\n' "$out" | sed -n "s/.*journal_$1=\([0-9]*\).*/\1/p" | head -1; }
	{
		entry -600 3 myapp myapp.service "error one"
		entry -590 6 myapp myapp.service "just info"
		entry -580 2 kernel "" "disk on fire"
		entry -570 4 otherapp other.service "a warning"
	} >"$D/e1"
	append "$D/e1"
	jrun --from-start
	check "journal, first run from the start: 1 critical, 1 warning (rc $rc)" \
		'[ "$(jc critical)" = 1 ] && [ "$(jc warning)" = 1 ] && [ "$rc" = 2 ]'
	jrun --from-start
	check "journal, again: the cursor's entry is not counted again (rc $rc)" \
		'[ "$(jc critical)" = 0 ] && [ "$(jc warning)" = 0 ] && [ "$rc" = 0 ]'
	# An entry stamped before the others (a clock set back): after the cursor all the
	# same, so read.
	{
		entry -3600 3 myapp myapp.service "error after the clock went back"
		entry -3590 3 myapp myapp.service "second error"
	} >"$D/e2"
	append "$D/e2"
	jrun --from-start
	check "journal, entries after a clock change: both read, the first not skipped (rc $rc)" \
		'[ "$(jc warning)" = 2 ] && [[ "$out" == *"error after the clock went back"* ]]'
	# Filters and patterns: a state of their own (another key), from the start.
	jrun --from-start --unit myapp.service
	check "journal --unit: only myapp's err entries (3)" '[ "$(jc warning)" = 3 ] && [ "$(jc critical)" = 0 ]'
	jrun --from-start --identifier kernel
	check "journal --identifier kernel: the crit entry" '[ "$(jc critical)" = 1 ] && [ "$(jc lines)" = 1 ]'
	jrun --from-start --priority warning --exception-pattern "second"
	check "journal --priority warning, an exception: 4 counted, 1 ignored" \
		'[ "$(( $(jc critical) + $(jc warning) ))" = 4 ] && [ "$(jc ignored)" = 1 ]'
	jrun --from-start --priority none --critical-pattern "just info"
	check "journal --priority none: only the pattern's entry, as critical" \
		'[ "$(jc critical)" = 1 ] && [ "$(jc warning)" = 0 ]'
	jrun --from-start --field _SYSTEMD_UNIT=other.service --priority warning
	check "journal --field: other.service's warning" '[ "$(jc warning)" = 1 ]'
	# The first run without --from-start starts at the end; what comes after is read.
	jrun --state-key fresh
	check "journal, first run: starts at the end (rc $rc)" \
		'[ "$rc" = 0 ] && [[ "$out" == *"first run: started at the end of the journal"* ]]'
	entry -10 3 myapp myapp.service "a new error" >"$D/e3"
	append "$D/e3"
	jrun --state-key fresh
	check "journal, the next run reads what came after (rc $rc)" \
		'[ "$(jc warning)" = 1 ] && [[ "$out" == *"a new error"* ]]'
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
