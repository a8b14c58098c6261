#!/bin/bash
# check_net against a real kernel: a veth pair between two network namespaces this test
# creates (no host interface is touched), a bounded burst of UDP traffic (about 20 MB,
# a few hundred milliseconds), and check_net's rate compared with the kernel's own
# counter delta and with the bytes this script sent. Also: link down (administratively,
# and no carrier when the peer goes down). (tests/links.sh checks what each plugin links.)
#
# Exit 77 (skip) when not root or when "ip netns" is not available. Prints one line per
# check and ends with "N passed, M failed".

set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$(dirname "$0")/../env.sh"
PLUGIN=$PLUGINS/check_net

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to create network namespaces"
	exit 77
fi
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: 'ip netns' is not available"
	exit 77
fi
if [ ! -x "$PLUGIN" ]; then
	echo "not ok - no check_net at $PLUGIN (set PLUGINS)"
	echo "0 passed, 1 failed"
	exit 1
fi

NSA=plnet-a-$$
NSB=plnet-b-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-net.XXXXXX") || exit 99
cleanup() {
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

STATE=$WORK/state
mkdir -m 700 "$STATE"
export PLUMBLINE_STATE_DIR=$STATE
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}

# Both ends live in namespaces of our own: the pair is created inside A with its peer
# placed straight into B, so it never appears in the host namespace.
if ! ip netns add "$NSA" || ! ip netns add "$NSB" ||
	! ip -n "$NSA" link add vethA type veth peer name vethB netns "$NSB" ||
	! ip -n "$NSA" addr add 10.254.77.1/30 dev vethA ||
	! ip -n "$NSB" addr add 10.254.77.2/30 dev vethB ||
	! ip -n "$NSA" link set vethA up || ! ip -n "$NSB" link set vethB up; then
	notok "set up the namespaces and the veth pair"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "namespaces $NSA and $NSB with a veth pair"

inA() { ip netns exec "$NSA" "$@"; }
run_net() {    # runs check_net in A; stdout in $WORK/out, exit code in $rc
	inA "$PLUGIN" "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
}
perf() {       # the value of perfdata label $1 in $WORK/out
	tr ' ' '\n' <"$WORK/out" | sed -n "s/^$1=\([0-9.U]*\).*/\1/p" | head -n 1
}

# ip netns exec remounts /sys for the namespace: check_net must see vethA and not the
# host's interfaces.
check "sysfs inside the namespace shows vethA" "inA test -e /sys/class/net/vethA/operstate"
check "sysfs inside the namespace hides the host's interfaces" \
	"[ \"\$(inA ls /sys/class/net | sort | tr '\n' ' ')\" = 'lo vethA ' ]"

# Wait for the link to come up (veth carrier follows the peer at once; IPv6 DAD may lag).
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(inA cat /sys/class/net/vethA/operstate)" = up ] && break
	sleep 0.1
done

run_net --include vethA --interval 0 --state-key veth
check "first run is OK (exit $rc)" "[ $rc -eq 0 ]"
check "first run says it averages since boot" "grep -q 'average since boot' '$WORK/out'"

before=$(inA cat /sys/class/net/vethA/statistics/tx_bytes)
t_start=$(date +%s.%N)
# 14,500 UDP datagrams of 1400 bytes (20.3 MB of payload), each a 1442-byte frame on the
# wire (14 ethernet + 20 IPv4 + 8 UDP + 1400). Nobody listens on port 9 in B; B answers
# some with ICMP port unreachable (rate-limited), which is receive traffic on A.
N=14500
inA bash -c '
	payload=$(head -c 1400 /dev/zero | tr "\0" x)
	exec 3>/dev/udp/10.254.77.2/9 || exit 1
	for ((i = 0; i < '"$N"'; i++)); do
		printf "%s" "$payload" >&3 2>/dev/null
	done
	exit 0' &
sender=$!
# Bounded in time too: the burst takes well under a second; give it five.
for _ in $(seq 50); do
	kill -0 "$sender" 2>/dev/null || break
	sleep 0.1
done
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
after=$(inA cat /sys/class/net/vethA/statistics/tx_bytes)
kernel_delta=$((after - before))
sent=$((N * 1442))
echo "# sent $sent bytes in frames; the kernel counted $kernel_delta tx bytes on vethA"
check "the kernel counted the burst (within 10% of the frames sent)" \
	"awk -v k=$kernel_delta -v s=$sent 'BEGIN { exit !(k > 0.9 * s && k < 1.1 * s) }'"

# The stored reading must be at least a second old to be compared against.
now=$(date +%s.%N)
sleep "$(awk -v a="$t_start" -v b="$now" 'BEGIN { w = 1.2 - (b - a); print (w > 0 ? w : 0) }')"

run_net --include vethA --interval 0 --state-key veth
check "second run is OK (exit $rc)" "[ $rc -eq 0 ]"
tx_bits=$(perf vethA_tx_bits)
dt=$(sed -n 's/.*over the last \([0-9.]*\)\(m\{0,1\}s\).*/\1 \2/p' "$WORK/out" | head -n 1)
secs=$(awk -v d="$dt" 'BEGIN { split(d, a, " "); print (a[2] == "ms" ? a[1] / 1000 : a[1]) }')
echo "# check_net: vethA_tx_bits=$tx_bits over ${secs}s"
check "check_net gives a tx rate over the state window" "[ -n '$tx_bits' ] && [ '$tx_bits' != U ] && [ -n '$secs' ]"
# The counters check_net compared moved by at least the burst and by little else.
check "vethA_tx_bits * elapsed is within 10% of the kernel's tx_bytes delta * 8" \
	"awk -v r='$tx_bits' -v t='$secs' -v k=$kernel_delta 'BEGIN { x = r * t / 8; exit !(x > 0.9 * k && x < 1.1 * k) }'"
check "vethA_tx_bits * elapsed is within 10% of the bytes sent * 8" \
	"awk -v r='$tx_bits' -v t='$secs' -v s=$sent 'BEGIN { x = r * t / 8; exit !(x > 0.9 * s && x < 1.1 * s) }'"
tx_packets=$(perf vethA_tx_packets)
check "vethA_tx_packets * elapsed is within 10% of the datagrams sent" \
	"awk -v r='$tx_packets' -v t='$secs' -v n=$N 'BEGIN { x = r * t; exit !(x > 0.9 * n && x < 1.1 * n) }'"
check "veth speed 10Gbit/s from sysfs gives a utilization" "[ \"\$(perf vethA_tx_util)\" != U ]"

# Virtual interfaces stay out unless included.
run_net --interval 0
check "without --include, a namespace with only lo and a veth selects nothing (exit 3)" \
	"[ $rc -eq 3 ] && grep -q 'no interface selected' '$WORK/out'"

# Link state from the real kernel.
ip -n "$NSB" link set vethB down
run_net --include vethA --interval 0
check "peer down: vethA has no carrier, CRITICAL (exit $rc)" \
	"[ $rc -eq 2 ] && grep -q 'vethA: down (no carrier)' '$WORK/out'"
run_net --include vethA --interval 0 --down-state warning
check "peer down with --down-state warning is WARNING (exit $rc)" "[ $rc -eq 1 ]"
ip -n "$NSA" link set vethA down
run_net --include vethA --interval 0
check "vethA set down: administratively down, CRITICAL (exit $rc)" \
	"[ $rc -eq 2 ] && grep -q 'vethA: administratively down' '$WORK/out'"
run_net --include vethZ --interval 0
check "a missing included interface is CRITICAL 'vethZ: not found' (exit $rc)" \
	"[ $rc -eq 2 ] && grep -q 'vethZ: not found' '$WORK/out'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
