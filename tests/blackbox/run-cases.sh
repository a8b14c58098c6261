#!/bin/bash
# Black-box runner: runs the built plugins as the engines do and checks what they print.
#
# Reads every tests/blackbox/*.cases file (or the files named as arguments). A case is a
# block of lines; blocks are separated by blank lines and lines starting with '#' are
# comments:
#
#   case: <one-line name>
#   run: <plugin> <args...>     one or more, run in order with ONE fresh state directory
#                               (PLUMBLINE_STATE_DIR, also $STATE) per case; the
#                               assertions apply to the last run. $FIX is the fixtures
#                               directory. Arguments are split as sh splits them (no
#                               pathname expansion, so globs need no quotes).
#   exit: <0..3>                required
#   line: <text>                the first line up to (not including) ' | ', exactly
#   prefix: <text>              the first line starts with this (repeatable)
#   perf: <item>                this exact perfdata item is present (repeatable)
#   noperf: <label>             no perfdata item has this label (repeatable)
#   contains: <text>            stdout contains this (repeatable)
#   notcontains: <text>         stdout does not contain this (repeatable)
#   lines: <n>                  stdout has exactly n lines
#   labels: <l1> <l2> ...       the perfdata labels, exactly these in this order (so that
#                               graphs keep working: labels are stable across runs)
#   json: valid                 stdout is one valid JSON document (checked with jq)
#
# Every case is also run again with --output-format=json put first in each run (a fresh
# state directory, the same runs in order, in the background): each of those outputs,
# and every output of the case's own runs that is JSON, must match the result schema
# (contrib/schema/plumbline-result.schema.json), checked at the end in one go by
# validate-json.py under /usr/bin/python3 (Debian's python3-jsonschema), after its
# self-test of the schema (validate-json.py --self-test). Runs that ask
# for --help, --version or --man print text and are not checked; a case about
# --output-format itself is checked by its own runs only.
#   stderr: any                 allow output on stderr (by default any run that writes to
#                               stderr fails the case)
#   env: NAME=VALUE             set for every run of the case (repeatable)
#   symlink: <path>             the case needs this path (below $FIX) to be a symlink;
#                               skipped where it is not (a release tarball, whose tar
#                               stores links as the files they point at)
#
# Whatever the case says, a run fails when it hangs (timeout 20 s), exits above 3 or is
# killed by a signal (a crash, or a sanitizer report), or prints perfdata that is not
# well-formed ('label'=value[UOM];warn;crit;min;max with plain decimal numbers, never
# scientific notation), or prints a control byte other than newline and tab (names from
# outside data must be printed escaped).
#
# Prints "ok - name" or "not ok - name" with details per case and ends with the line
# "N passed, M failed". Exit status 1 when any case failed.
#
# Environment (set by "make check"; guessed when run by hand): PLUGINS (the built
# plugins), FIXTURES (tests/fixtures), top_srcdir, top_builddir.

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../env.sh"
export PLUGINS FIXTURES

# Sanitizer reports must never pass for an UNKNOWN (exit 1..3): give them their own codes.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87:print_stacktrace=1}

TIMEOUT=${CASE_TIMEOUT:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-bb.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
SCHEMA=$top_srcdir/contrib/schema/plumbline-result.schema.json
mkdir "$work/json"
ncase=0
jobs=$(( $(nproc 2>/dev/null || echo 2) * 4 ))   # most of a run is waiting, not work

passed=0
failed=0
skipped=0

have_plugins=0
for p in "$PLUGINS"/check_*; do
	case ${p##*/} in *.*) continue ;; esac
	[ -f "$p" ] && [ -x "$p" ] && have_plugins=1
done
if [ "$have_plugins" -eq 0 ]; then
	echo "not ok - no built plugins in $PLUGINS (build first, or set PLUGINS to the build's plugins directory)"
	echo "0 passed, 1 failed"
	exit 1
fi

# Perfdata items of the output, one per line: the text after the first '|' of each line
# (Nagios puts it on the first line and may continue it on later ones), split on blanks
# outside single quotes.
perf_items() {
	awk '
	{
		i = index($0, "|")
		if (i == 0) next
		s = substr($0, i + 1)
		item = ""; q = 0
		for (k = 1; k <= length(s); k++) {
			c = substr(s, k, 1)
			if (c == "\x27") q = !q
			if (c == " " && !q) {
				if (item != "") print item
				item = ""
			} else {
				item = item c
			}
		}
		if (item != "") print item
	}' "$1"
}

# The label of a perfdata item, unquoted ('a''b'=1 -> a'b).
perf_label() {
	local it=$1 lab
	if [ "${it:0:1}" = "'" ]; then
		lab=${it#\'}
		lab=${lab%%\'=*}
		lab=${lab//\'\'/\'}
	else
		lab=${it%%=*}
	fi
	printf '%s\n' "$lab"
}

num_re='^-?[0-9]+(\.[0-9]+)?$'
range_re='^@?(~|-?[0-9]+(\.[0-9]+)?)?(:(-?[0-9]+(\.[0-9]+)?)?)?$'

# Checks the syntax of one perfdata item; prints what is wrong, if anything.
perf_check() {
	local it=$1 rest val uom f
	local -a fields
	if [ "${it:0:1}" = "'" ]; then
		rest=${it#\'*\'=}
		[ "$rest" = "$it" ] && { echo "badly quoted label in '$it'"; return; }
	else
		case $it in
		*=*) rest=${it#*=} ;;
		*) echo "no '=' in perfdata item '$it'"; return ;;
		esac
	fi
	IFS=';' read -r -a fields <<<"$rest"
	val=${fields[0]:-}
	if [ "$val" != U ]; then
		uom=$(printf '%s' "$val" | sed -E 's/^-?[0-9]+(\.[0-9]+)?//')
		case $uom in
		'' | % | s | ms | us | B | KB | MB | GB | TB | c) ;;
		*) echo "bad value or UOM in perfdata item '$it' (scientific notation?)"; return ;;
		esac
		[[ ${val%"$uom"} =~ $num_re ]] || { echo "bad number in perfdata item '$it'"; return; }
	fi
	for f in 1 2; do
		[ -z "${fields[$f]:-}" ] && continue
		[[ ${fields[$f]} =~ $range_re ]] || { echo "bad threshold in perfdata item '$it'"; return; }
	done
	for f in 3 4; do
		[ -z "${fields[$f]:-}" ] && continue
		[[ ${fields[$f]} =~ $num_re ]] || { echo "bad min/max in perfdata item '$it'"; return; }
	done
	[ "${#fields[@]}" -le 5 ] || echo "too many fields in perfdata item '$it'"
}

# Splits a run: line into the array argv, the way sh splits a command line, with $FIX
# (and $STATE) available; no pathname expansion; expansion results are not split on
# blanks (fixture paths may contain them).
split_args() {
	local text=$1
	local FIX=$FIXTURES
	text=${text//'${FIX}'/'$FIX'}
	local IFS=$'\n'
	set -f
	# The cases files are part of the source tree: they are trusted like the scripts.
	eval "argv=($text)" 2>"$work/eval.err.$BASHPID"
	local rc=$?
	set +f
	return $rc
}

# State of the current case.
reset_case() {
	c_name=""; c_runs=(); c_exit=""; c_line=""; c_has_line=0; c_prefix=(); c_perf=()
	c_noperf=(); c_contains=(); c_notcontains=(); c_lines=""; c_json=0; c_stderr_any=0
	c_labels=""; c_has_labels=0
	c_env=(); c_errors=(); c_start=0; c_symlinks=()
}

# Keeps a copy of output $1 for the schema check when it is JSON; $2 names the copy and
# $3 says whose output it is.
keep_json() {
	[ "$(head -c 1 "$1")" = "{" ] || return 0
	cp "$1" "$work/json/$2.json"
	printf '%s\t%s\n' "$2" "$3" >>"$work/json/index"
}

# The case's runs again, each with --output-format=json, into the schema check; in the
# background, at most $jobs at a time. A run that prints text where JSON was asked for
# is reported at the end. A case about --output-format itself is left to its own runs.
json_runs() {
	local id=$1 name=$2 statedir n=0 run rc out
	local -a argv
	statedir=$(mktemp -d "$work/state.XXXXXX")
	out=$work/json/run.$id
	for run in "${c_runs[@]}"; do
		n=$((n + 1))
		argv=()
		STATE=$statedir split_args "$run" || break
		case " ${argv[*]} " in
		*" --help "* | *" -h "* | *" --version "* | *" -V "* | *" --man "*) continue ;;
		*--output-format*) break ;;
		esac
		env ${c_env[@]+"${c_env[@]}"} PLUMBLINE_STATE_DIR="$statedir" \
			timeout -k 5 "$TIMEOUT" "$PLUGINS/${argv[0]}" --output-format=json \
			"${argv[@]:1}" >"$out" 2>/dev/null </dev/null
		rc=$?
		if [ "$rc" -gt 3 ]; then
			printf '%s (json run %s): exit status %s\n' "$name" "$n" "$rc" >>"$work/json/errors"
		elif [ "$(head -c 1 "$out")" != "{" ]; then
			printf '%s (json run %s): --output-format=json printed text: %s\n' "$name" "$n" \
				"$(head -c 160 "$out" | tr '\n' ' ')" >>"$work/json/errors"
		else
			keep_json "$out" "$id.j$n" "$name (json run $n)"
		fi
	done
	rm -rf "$statedir" "$out"
}

run_case() {
	local file=$1 details=() statedir i n rc=0 out err first status plugin completed
	local -a argv items labels

	if [ -z "$c_name" ]; then
		c_name="(unnamed case at $(basename "$file"):$c_start)"
		c_errors+=("no 'case:' line")
	fi
	[ "${#c_runs[@]}" -gt 0 ] || c_errors+=("no 'run:' line")
	[[ $c_exit =~ ^[0-3]$ ]] || c_errors+=("'exit:' missing or not 0..3")
	if [ "${#c_errors[@]}" -gt 0 ]; then
		echo "not ok - $c_name"
		for i in "${c_errors[@]}"; do echo "#   case file error ($(basename "$file"):$c_start): $i"; done
		failed=$((failed + 1))
		return
	fi

	for i in ${c_symlinks[@]+"${c_symlinks[@]}"}; do
		if [ ! -L "$FIXTURES/$i" ]; then
			echo "ok - $c_name # SKIP $i is not a symlink here"
			skipped=$((skipped + 1))
			return
		fi
	done

	statedir=$(mktemp -d "$work/state.XXXXXX")
	# Files of this case alone: nothing a background JSON run touches.
	out=$work/case.$((ncase + 1)).out
	err=$work/case.$((ncase + 1)).err
	rm -f "$work/case.$ncase.out" "$work/case.$ncase.err"
	n=0
	completed=1
	for run in "${c_runs[@]}"; do
		n=$((n + 1))
		argv=()
		if ! STATE=$statedir split_args "$run"; then
			details+=("run $n: cannot split the arguments: $(cat "$work/eval.err.$BASHPID")")
			completed=0
			break
		fi
		plugin=${argv[0]:-}
		if [ -z "$plugin" ] || [ ! -x "$PLUGINS/$plugin" ]; then
			details+=("run $n: no plugin '$plugin' in $PLUGINS")
			completed=0
			break
		fi
		env ${c_env[@]+"${c_env[@]}"} PLUMBLINE_STATE_DIR="$statedir" \
			timeout -k 5 "$TIMEOUT" "$PLUGINS/$plugin" "${argv[@]:1}" \
			>"$out" 2>"$err" </dev/null
		rc=$?
		keep_json "$out" "own.$((ncase + 1)).$n" "$c_name (run $n)"
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			details+=("run $n ($run): hung, killed after ${TIMEOUT}s")
		elif [ "$rc" -gt 3 ]; then
			details+=("run $n ($run): crashed or killed (exit status $rc)")
		fi
		if [ -s "$err" ] && [ "$c_stderr_any" -eq 0 ]; then
			details+=("run $n: unexpected stderr: $(head -c 600 "$err")")
		elif [ "$rc" -gt 3 ] && [ -s "$err" ]; then
			details+=("run $n stderr: $(head -c 600 "$err")")
		fi
		if [ "$rc" -gt 3 ]; then
			[ "$n" -lt "${#c_runs[@]}" ] && completed=0
			break
		fi
	done
	rm -rf "$statedir"

	if [ "$completed" -eq 1 ]; then
		first=$(head -n 1 "$out")
		status=${first%% | *}
		[ "$rc" = "$c_exit" ] || details+=("exit: expected $c_exit, got $rc")
		if [ "$c_has_line" -eq 1 ] && [ "$status" != "$c_line" ]; then
			details+=("line: expected [$c_line]" "      got      [$status]")
		fi
		for i in ${c_prefix[@]+"${c_prefix[@]}"}; do
			[[ $first == "$i"* ]] || details+=("prefix: expected [$i...]" "        got      [$first]")
		done
		mapfile -t items < <(perf_items "$out")
		labels=()
		for i in ${items[@]+"${items[@]}"}; do
			labels+=("$(perf_label "$i")")
			local bad
			bad=$(perf_check "$i")
			[ -n "$bad" ] && details+=("perfdata: $bad")
		done
		if LC_ALL=C tr -d '\n\t' <"$out" | LC_ALL=C grep -q '[[:cntrl:]]'; then
			details+=("stdout holds a raw control byte (a name from outside data not escaped?)")
		fi
		if grep -Eq '[0-9]\.?[0-9]*[eE][+-][0-9]' <<<"$status"; then
			details+=("status line uses scientific notation: [$status]")
		fi
		for i in ${c_perf[@]+"${c_perf[@]}"}; do
			local found=0 it
			for it in ${items[@]+"${items[@]}"}; do
				[ "$it" = "$i" ] && { found=1; break; }
			done
			if [ "$found" -eq 0 ]; then
				local same="" k
				for k in "${!items[@]}"; do
					[ "${labels[$k]}" = "$(perf_label "$i")" ] && same=${items[$k]}
				done
				details+=("perf: expected [$i], got [${same:-no such label}]")
			fi
		done
		for i in ${c_noperf[@]+"${c_noperf[@]}"}; do
			local k
			for k in ${labels[@]+"${!labels[@]}"}; do
				[ "${labels[$k]}" = "$i" ] && details+=("noperf: label [$i] is present: [${items[$k]}]")
			done
		done
		for i in ${c_contains[@]+"${c_contains[@]}"}; do
			grep -qF -- "$i" "$out" || details+=("contains: [$i] not in stdout")
		done
		for i in ${c_notcontains[@]+"${c_notcontains[@]}"}; do
			grep -qF -- "$i" "$out" && details+=("notcontains: [$i] is in stdout")
		done
		if [ "$c_has_labels" -eq 1 ]; then
			local got_labels="${labels[*]+${labels[*]}}"
			[ "$got_labels" = "$c_labels" ] ||
				details+=("labels: expected [$c_labels]" "        got      [$got_labels]")
		fi
		if [ -n "$c_lines" ]; then
			local nl
			nl=$(awk 'END { print NR }' "$out")
			[ "$nl" = "$c_lines" ] || details+=("lines: expected $c_lines, got $nl")
		fi
		if [ "$c_json" -eq 1 ] && ! jq -e . "$out" >/dev/null 2>&1; then
			details+=("json: stdout is not valid JSON")
		fi
	fi

	if [ "$completed" -eq 1 ]; then
		ncase=$((ncase + 1))
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
		# Not on the cases file being read (run_file's stdin): a background job sharing
		# that descriptor shares its offset with the foreground's reads.
		json_runs "$ncase" "$c_name" </dev/null &
	fi

	if [ "${#details[@]}" -eq 0 ]; then
		echo "ok - $c_name"
		passed=$((passed + 1))
	else
		echo "not ok - $c_name"
		for i in "${details[@]}"; do echo "#   $i"; done
		if [ -s "$out" ]; then
			echo "#   stdout of the last run:"
			head -n 8 "$out" | cut -c 1-400 | sed 's/^/#     /'
		fi
		failed=$((failed + 1))
	fi
}

run_file() {
	local file=$1 lineno=0 key val raw in_block=0
	reset_case
	while IFS= read -r raw || [ -n "$raw" ]; do
		lineno=$((lineno + 1))
		raw=${raw%$'\r'}
		case $raw in
		'#'*) continue ;;
		esac
		if [[ $raw =~ ^[[:space:]]*$ ]]; then
			[ "$in_block" -eq 1 ] && run_case "$file"
			reset_case
			in_block=0
			continue
		fi
		if [ "$in_block" -eq 0 ]; then
			in_block=1
			c_start=$lineno
		fi
		key=${raw%%:*}
		if [ "$key" = "$raw" ]; then
			c_errors+=("line $lineno: not 'directive: value': $raw")
			continue
		fi
		val=${raw#*:}
		val=${val# }
		case $key in
		case) c_name=$val ;;
		run) c_runs+=("$val") ;;
		exit) c_exit=$val ;;
		line) c_line=$val; c_has_line=1 ;;
		prefix) c_prefix+=("$val") ;;
		perf) c_perf+=("$val") ;;
		noperf) c_noperf+=("$val") ;;
		contains) c_contains+=("$val") ;;
		notcontains) c_notcontains+=("$val") ;;
		lines) c_lines=$val
			[[ $val =~ ^[0-9]+$ ]] || c_errors+=("line $lineno: 'lines:' needs a number") ;;
		labels) c_labels=$(set -f; echo $val); c_has_labels=1 ;;
		json)
			if [ "$val" = valid ]; then c_json=1
			else c_errors+=("line $lineno: 'json:' takes only 'valid'"); fi ;;
		stderr)
			if [ "$val" = any ]; then c_stderr_any=1
			else c_errors+=("line $lineno: 'stderr:' takes only 'any'"); fi ;;
		env)
			if [[ $val =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then c_env+=("$val")
			else c_errors+=("line $lineno: 'env:' needs NAME=VALUE"); fi ;;
		symlink) c_symlinks+=("$val") ;;
		*) c_errors+=("line $lineno: unknown directive '$key'") ;;
		esac
	done <"$file"
	[ "$in_block" -eq 1 ] && run_case "$file"
}

if [ "$#" -gt 0 ]; then
	files=("$@")
else
	files=()
	for f in "$here"/*.cases; do
		[ -e "$f" ] && files+=("$f")
	done
fi
if [ "${#files[@]}" -eq 0 ]; then
	echo "not ok - no .cases files in $here"
	failed=1
fi
for f in ${files[@]+"${files[@]}"}; do
	echo "# $(basename "$f")"
	run_file "$f"
done

# Every JSON document of every case against the schema, in one run of the validator.
wait
njson=$(find "$work/json" -name '*.json' | wc -l)
if [ -s "$work/json/errors" ]; then
	echo "not ok - JSON runs: text where --output-format=json was asked for"
	head -n 40 "$work/json/errors" | sed 's/^/#   /'
	failed=$((failed + 1))
fi
if [ "$njson" -eq 0 ]; then
	echo "not ok - JSON schema: no JSON output to check"
	failed=$((failed + 1))
elif [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	echo "not ok - JSON schema: /usr/bin/python3 with jsonschema is needed (apt-get install python3-jsonschema)"
	failed=$((failed + 1))
else
	# The schema itself first: it must accept what it promises (not_judged included)
	# and refuse malformed entries.
	if /usr/bin/python3 "$here/validate-json.py" --self-test "$SCHEMA" >"$work/self.out" 2>&1; then
		echo "ok - JSON schema self-test: not_judged accepted where it belongs, malformed entries refused"
		passed=$((passed + 1))
	else
		echo "not ok - JSON schema self-test"
		sed 's/^/#   /' "$work/self.out"
		failed=$((failed + 1))
	fi
	(cd "$work/json" && find . -name '*.json' | sed 's|^\./||' | sort |
		xargs /usr/bin/python3 "$here/validate-json.py" "$SCHEMA") >"$work/schema.out" 2>&1
	if [ -s "$work/schema.out" ]; then
		echo "not ok - JSON schema: documents that do not match $SCHEMA"
		head -n 40 "$work/schema.out" | while IFS= read -r l; do
			k=${l%%.json:*}
			printf '#   %s: %s\n' "$(awk -F'\t' -v k="$k" '$1 == k { print $2 }' \
				"$work/json/index")" "${l#*.json: }"
		done
		failed=$((failed + 1))
	else
		echo "ok - JSON schema: all $njson JSON outputs match $(basename "$SCHEMA")"
		passed=$((passed + 1))
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
