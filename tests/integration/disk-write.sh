#!/bin/sh
# Integration test of check_disk_io on the real kernel: the bytes a test writes (and
# fsyncs) to a file show up as the write rate of the block device that holds it.
#
# 1. Finds a directory on a file system with a block device of its own (TMPDIR, /var/tmp,
#    /tmp; tmpfs, overlay and btrfs-style anonymous devices do not count).
# 2. Runs check_disk_io --mount <its mount point> once, to make the state.
# 3. Writes 64 MiB with dd conv=fsync, waits 1.1 s, runs the check again.
# 4. Asserts that <dev>_write_bytes times the interval the check reports is at least 90%
#    of 64 MiB (other writers may add, never subtract).
#
# Runs as root only (exit 77 = skipped otherwise, or when no real block device is usable).
# Prints "ok N - ..." / "not ok N - ..." lines and ends with "N passed, M failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../env.sh"
plugin=$PLUGINS/check_disk_io
MIB=64

if [ "$(id -u)" != 0 ]; then
	echo "# skip: needs root (to be sure the written data reaches a device we may read)"
	exit 77
fi
if [ ! -x "$plugin" ]; then
	echo "# skip: no $plugin (build first)"
	exit 77
fi
if [ ! -r /proc/diskstats ] || [ ! -r /proc/self/mountinfo ]; then
	echo "# skip: no /proc/diskstats or /proc/self/mountinfo"
	exit 77
fi

# The mount point of dir when its file system sits on a real block device, else nothing.
block_mount() {
	d=$1
	[ -d "$d" ] && [ -w "$d" ] || return 1
	mnt=$(df --output=target "$d" 2>/dev/null | tail -n 1)
	[ -n "$mnt" ] || return 1
	# major:minor and type of the topmost mount on that point (mountinfo escapes blanks).
	esc=$(printf '%s' "$mnt" | sed 's/ /\\040/g')
	info=$(awk -v m="$esc" '$5 == m { for (i = 7; $i != "-"; i++); dev = $3; fs = $(i + 1) }
		END { if (dev != "") print dev, fs }' /proc/self/mountinfo)
	dev=${info% *}
	fs=${info#* }
	case $fs in tmpfs | overlay | ramfs | nfs* | cifs | fuse* | zfs | btrfs) return 1 ;; esac
	[ -n "$dev" ] && [ -e "/sys/dev/block/$dev" ] || return 1
	awk -v maj="${dev%:*}" -v min="${dev#*:}" '$1 == maj && $2 == min { f = 1 } END { exit !f }' \
		/proc/diskstats || return 1
	echo "$mnt"
}

dir=""
for cand in "${TMPDIR:-}" /var/tmp /tmp; do
	[ -n "$cand" ] || continue
	if mnt=$(block_mount "$cand"); then
		dir=$cand
		break
	fi
done
if [ -z "$dir" ]; then
	echo "# skip: TMPDIR, /var/tmp and /tmp are on tmpfs, overlay or another file system without a block device of its own"
	exit 77
fi

work=$(mktemp -d "$dir/plumbline-disk.XXXXXX") || exit 99
state=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-disk-state.XXXXXX") || exit 99
trap 'rm -rf "$work" "$state"' EXIT
echo "# writing in $work (mounted on $mnt)"

n=0
pass=0
fail=0
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
		pass=$((pass + 1))
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}

run() {
	timeout 30 "$plugin" --mount "$mnt" --state-dir "$state" --interval 0 "$@" \
		>"$work/out" 2>"$work/err" </dev/null
}

sync
run
rc=$?
check $((rc != 0)) "first run exits 0 (got $rc: $(head -n 1 "$work/out"))"
[ "$rc" -eq 0 ] || finish

timeout 120 dd if=/dev/zero of="$work/f" bs=1M count=$MIB conv=fsync status=none
rc=$?
check $((rc != 0)) "dd wrote and fsynced $MIB MiB"
sleep 1.1

run
rc=$?
first=$(head -n 1 "$work/out")
check $((rc != 0)) "second run exits 0 (got $rc: $first)"
[ -s "$work/err" ] && echo "# stderr: $(head -c 300 "$work/err")"
sed 's/^/# /' "$work/out" | head -n 6

# The one device's write rate, from perfdata: LABEL_write_bytes=VALUE.
perf=${first#* | }
item=$(printf '%s\n' "$perf" | tr ' ' '\n' | grep '_write_bytes=' | head -n 1)
label=${item%%=*}
dev=${label%_write_bytes}
rate=${item#*=}
rate=${rate%%;*}
check "$( [ -n "$item" ] && [ "$rate" != U ]; echo $?)" "perfdata has a write rate for the device ($item)"

# The interval the check compared over, from "over the last 1.12s" (or "...ms").
secs=$(sed -n 's/^over the last \([0-9.]*\)\(m\{0,1\}s\),.*/\1 \2/p' "$work/out" | head -n 1)
elapsed=$(echo "$secs" | awk '{ v = $1; if ($2 == "ms") v /= 1000; print v }')
check "$( [ -n "$secs" ]; echo $?)" "the check compared with the state of the first run (interval ${elapsed:-?}s)"

if [ -n "$item" ] && [ "$rate" != U ] && [ -n "$secs" ]; then
	written=$(awk -v r="$rate" -v t="$elapsed" 'BEGIN { printf "%.0f", r * t }')
	want=$(awk -v m=$MIB 'BEGIN { printf "%.0f", m * 1048576 * 0.9 }')
	check "$(awk -v w="$written" -v x="$want" 'BEGIN { exit !(w >= x) }'; echo $?)" \
		"$dev: write_bytes x interval = $written bytes >= $want (90% of $MIB MiB)"
	util=$(printf '%s\n' "$perf" | tr ' ' '\n' | sed -n "s/^${dev}_util=\([0-9.]*\)%.*/\1/p")
	check "$(awk -v u="${util:-x}" 'BEGIN { exit !(u ~ /^[0-9.]+$/ && u > 0 && u <= 100) }'; echo $?)" \
		"$dev: utilisation is in (0, 100] (${util:-none})"
	wiops=$(printf '%s\n' "$perf" | tr ' ' '\n' | sed -n "s/^${dev}_write_iops=\([0-9.]*\).*/\1/p")
	check "$(awk -v i="${wiops:-0}" 'BEGIN { exit !(i > 0) }'; echo $?)" \
		"$dev: write IOPS > 0 (${wiops:-none})"
fi

# The same through the JSON output, when jq is there: a third run within the window
# compares against the same earlier reading.
if command -v jq >/dev/null 2>&1; then
	run --output-format json
	jq -e . "$work/out" >/dev/null 2>&1
	check $? "--output-format json is valid JSON"
fi

# A path that is no mount point selects the device of the file system holding it, as df
# does; a symlink to it is resolved first.
ln -s "$work" "$work/link"
timeout 30 "$plugin" --mount "$work/link/." --interval 0 --state-dir "$state" \
	--state-key sub >"$work/out" 2>"$work/err" </dev/null
rc=$?
check $((rc != 0)) "--mount of a directory inside it exits 0 (got $rc: $(head -n 1 "$work/out"))"
grep -q "_write_bytes=" "$work/out" && [ -n "${dev:-}" ] &&
	grep -qF "$dev mount: $work/link/. (" "$work/out"
check $? "--mount $work/link/. chose $dev, as --mount $mnt did: $(grep ' mount: ' "$work/out")"
finish
