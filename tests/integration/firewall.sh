#!/bin/bash
# check_firewall against the real tools: each case loads a ruleset with nft,
# iptables-nft or iptables-legacy into a network namespace of its own (never the host's:
# even a read-only iptables-legacy call in the host namespace would create its tables),
# runs the plugin there with `ip netns exec`, and checks its exit code, status line and
# perfdata. Cases: active, empty, default-accept, bridge-only drop, required port open
# (nft, iptables-nft, iptables-legacy), hidden legacy rules, drift (baseline saved, a
# rule changed, the baseline kept across a reboot), the real ufw enabled in a namespace
# (its /etc/ufw a copy bound over the host's in a mount namespace), the real firewalld on
# a private system bus (its default zone, a forward port, its rules flushed behind its
# back), and no privileges (as nobody); status lines in Simplified Chinese (--language
# zh_CN) in each state.
#
# Exit 77 (skip) when not root, without "ip netns", or without nft and iptables. Prints
# one line per check and ends with "N passed, M failed".

set -u

. "$(dirname "$0")/../env.sh"
PLUGIN=$PLUGINS/check_firewall

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to create network namespaces"
	exit 77
fi
if ! command -v ip >/dev/null 2>&1 || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: 'ip netns' is not available"
	exit 77
fi
for t in /usr/sbin/nft /usr/sbin/iptables-nft /usr/sbin/iptables-legacy; do
	if [ ! -x "$t" ]; then
		echo "SKIP: $t is missing (apt-get install nftables iptables)"
		exit 77
	fi
done
if [ ! -x "$PLUGIN" ]; then
	echo "not ok - no check_firewall at $PLUGIN (built only with json-c and libcrypto)"
	echo "0 passed, 1 failed"
	exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plumbline-fw.XXXXXX") || exit 99
NSLIST=""
cleanup() {
	for ns in $NSLIST; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The plugin runs as root but not "under sudo" (a sudo run would refuse --state-dir).
unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND DOAS_USER PKEXEC_UID
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-exitcode=87}
STATE=$WORK/state
mkdir -m 700 "$STATE"

# A namespace of its own for each case: fresh NAME.
n=0
fresh() {
	n=$((n + 1))
	NS=plfw-$$-$n
	NSLIST="$NSLIST $NS"
	ip netns add "$NS" || { notok "ip netns add $NS"; return 1; }
}
in_ns() { ip netns exec "$NS" "$@"; }

# run ARGS...: the plugin in the current namespace; sets rc, out, status (first line).
run() {
	out=$(ip netns exec "$NS" "$PLUGIN" --state-dir "$STATE" "$@" 2>"$WORK/stderr")
	rc=$?
	status=$(printf '%s\n' "$out" | head -n 1)
}

# expect NAME RC STATUS-PREFIX [PERFDATA-WORD...]: the exit code, the status line's
# start and each perfdata item given.
expect() {
	name=$1 want_rc=$2 want_status=$3
	shift 3
	if [ "$rc" -ne "$want_rc" ]; then
		notok "$name: exit $rc, expected $want_rc: $status"
		return
	fi
	case "$status" in
	"$want_status"*) ;;
	*)
		notok "$name: status '$status' does not start with '$want_status'"
		return
		;;
	esac
	perf=${status#*|}
	for p in "$@"; do
		case " $perf " in
		*" $p "*) ;;
		*)
			notok "$name: perfdata lacks '$p': $perf"
			return
			;;
		esac
	done
	ok "$name"
}

# has NAME TEXT: the whole output holds TEXT.
has() {
	case "$out" in
	*"$2"*) ok "$1" ;;
	*) notok "$1: no '$2' in: $out" ;;
	esac
}

cat >"$WORK/basic.nft" <<'NFT'
flush ruleset
table inet filter {
	set allowed { type inet_service; elements = { 22, 80, 443 } }
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		iif "lo" accept
		tcp dport @allowed counter accept
		ip saddr 10.0.0.0/8 tcp dport { 3306, 5432 } accept
		counter comment "dropped"
	}
	chain forward { type filter hook forward priority 0; policy drop; }
	chain output { type filter hook output priority 0; policy accept; }
}
NFT

# --- active: an nftables ruleset that drops by default
fresh && in_ns nft -f "$WORK/basic.nft"
run --closed 23,3389/tcp
expect "active nft ruleset" 0 "FIREWALL OK - 5 rules in 3 chains (nftables)" \
	"tables=1;;;0" "chains=3;;;0" "rules=5;;;0" "legacy_rules=0;;;0"
has "active: IPv4 input closed by the policy" "IPv4 input closed: inet filter input: policy drop"
has "active: IPv6 input closed by the policy" "IPv6 input closed: inet filter input: policy drop"
has "active: the ruleset's SHA-256 is a fact" "sha256: "
has "active: no baseline yet" "no baseline yet: save one with --save-baseline"

# --- empty: nothing loaded, then a table without rules
fresh
run
expect "empty ruleset" 2 "FIREWALL CRITICAL - no firewall: the kernel holds no nftables or iptables tables" \
	"tables=0;;;0" "rules=0;;;0"
in_ns nft add table inet filter
run
expect "a table without rules" 2 "FIREWALL CRITICAL - no firewall rules: the kernel's tables are empty" \
	"tables=1;;;0" "rules=0;;;0"
run --empty-state warning
expect "--empty-state warning" 1 "FIREWALL WARNING - no firewall rules"

# --- default accept
fresh && in_ns nft -f - <<'NFT'
table inet filter {
	chain input { type filter hook input priority 0; policy accept; tcp dport 22 accept; }
}
NFT
run
expect "default accept" 2 "FIREWALL CRITICAL - IPv4 input not closed, IPv6 input not closed - 1 rules" "rules=1;;;0"
has "default accept: says why" "IPv4 input: inet filter input: policy accept and no final drop or reject rule"
run --no-ipv6 --open-state warning
expect "default accept, IPv4 only, as a warning" 1 "FIREWALL WARNING - IPv4 input not closed - 1 rules"

# --- bridge, arp and netdev chains that drop do not filter IP input
fresh && in_ns nft -f - <<'NFT'
table bridge filter {
	chain input { type filter hook input priority 0; policy drop; }
}
table arp filter {
	chain input { type filter hook input priority 0; policy drop; }
}
table netdev ingress {
	chain in { type filter hook ingress device lo priority 0; policy drop; }
}
NFT
run
expect "bridge-only drop" 2 "FIREWALL CRITICAL - IPv4 input not closed, IPv6 input not closed" \
	"tables=3;;;0" "chains=3;;;0"
has "bridge-only: no IP input chain" "IPv4 input: no input chain filters IPv4"

# --- a final reject rule closes the path as a policy does
fresh && in_ns nft -f - <<'NFT'
table ip v4 {
	chain input { type filter hook input priority 0; policy accept; tcp dport 22 accept; reject; }
}
table ip6 v6 {
	chain input { type filter hook input priority 0; policy accept; jump sub; }
	chain sub { tcp dport 22 accept; drop; }
}
NFT
run --closed 23
expect "final reject (ip) and a jump to a final drop (ip6)" 0 "FIREWALL OK - 5 rules in 3 chains" "tables=2;;;0"

# --- required ports open: nft, iptables-nft, iptables-legacy
fresh && in_ns nft -f "$WORK/basic.nft"
run --closed 23,3306
expect "nft: a required-closed port accepted from a LAN" 2 "FIREWALL CRITICAL - tcp/3306 open (IPv4) - 5 rules"
has "nft: names the rule" "tcp/3306 over IPv4: inet filter input: ip saddr 10.0.0.0/8 tcp dport { 3306, 5432 } accept"
run --closed 80 --port-state warning
expect "nft: --port-state warning" 1 "FIREWALL WARNING - tcp/80 open (IPv4, IPv6)"
# The same in Simplified Chinese (README.md "Language"): the service, state word, rule
# text and perfdata as in English, the words translated; the whole status line.
zh_line() { # NAME RC LINE: the exit code and the status line up to its perfdata, exact
	if [ "$rc" -eq "$2" ] && [ "${status%% | *}" = "$3" ]; then
		ok "$1"
	else
		notok "$1: exit $rc, '${status%% | *}', want exit $2, '$3'"
	fi
}
run --closed 23 --language zh_CN
zh_line "zh_CN: OK" 0 'FIREWALL OK - 5 条规则 分布在 3 条链中 (nftables)'
has "zh_CN: the input path in Chinese, the policy word kept" "IPv4 入站已关闭: inet filter input: 策略 drop"
run --closed 23,3306 --language zh_CN
zh_line "zh_CN: CRITICAL (a port open)" 2 'FIREWALL CRITICAL - tcp/3306 开放 (IPv4) - 5 条规则 分布在 3 条链中 (nftables)'
has "zh_CN: the rule that opens it, as nft writes it" \
	"tcp/3306 经 IPv4: inet filter input: ip saddr 10.0.0.0/8 tcp dport { 3306, 5432 } accept"
run --closed 80 --port-state warning -c 10: --language zh_CN
zh_line "zh_CN: CRITICAL (few rules) and a port open as a warning" 2 \
	'FIREWALL CRITICAL - 5 条规则 (严重: 低于 10), tcp/80 开放 (IPv4, IPv6) - 分布在 3 条链中 (nftables)'

fresh
in_ns iptables-nft -P INPUT DROP
in_ns iptables-nft -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
in_ns iptables-nft -A INPUT -p tcp -m multiport --dports 22,3306 -j ACCEPT
in_ns ip6tables-nft -P INPUT DROP
run --closed 23
expect "iptables-nft: closed by policy" 0 "FIREWALL OK - 2 rules in 6 chains (nftables, iptables-nft)" "rules=2;;;0"
run --closed 3306
expect "iptables-nft: multiport opens a required-closed port" 2 "FIREWALL CRITICAL - tcp/3306 open (IPv4)"
has "iptables-nft: the rule as iptables-nft-save writes it" "ip filter INPUT: -p tcp -m multiport --dports 22,3306 -j ACCEPT"

fresh
in_ns iptables-legacy -P INPUT DROP
in_ns iptables-legacy -A INPUT -p tcp --dport 5900 -j ACCEPT
in_ns ip6tables-legacy -P INPUT DROP
run --closed 5900
expect "iptables-legacy alone: a required-closed port open" 2 "FIREWALL CRITICAL - tcp/5900 open (IPv4)" "legacy_rules=1;;;0"
has "iptables-legacy alone: it is the ruleset" "the ruleset is in iptables-legacy's tables (nft shows none)"

# --- legacy rules hidden from nft
fresh && in_ns nft -f "$WORK/basic.nft"
in_ns iptables-legacy -A INPUT -p tcp --dport 3333 -j ACCEPT
run
expect "hidden legacy rule" 1 "FIREWALL WARNING - 1 iptables-legacy rule hidden from nft - 6 rules" \
	"legacy_rules=1;;;0" "rules=6;;;0"
has "hidden legacy: the rule is shown" "legacy ip filter INPUT: -p tcp -m tcp --dport 3333 -j ACCEPT"
run --legacy-state critical
expect "hidden legacy, --legacy-state critical" 2 "FIREWALL CRITICAL - 1 iptables-legacy rule hidden from nft"
run --language zh_CN
zh_line "zh_CN: WARNING (a hidden legacy rule)" 1 \
	'FIREWALL WARNING - 1 条 iptables-legacy 规则对 nft 不可见 - 6 条规则 分布在 6 条链中 (nftables, iptables-legacy)'

# --- drift: save, change, detect; the baseline survives a reboot
fresh && in_ns nft -f "$WORK/basic.nft"
DRIFT="--state-key drift"
run $DRIFT --save-baseline
expect "drift: baseline saved" 0 "FIREWALL OK - 5 rules" "rules_added=0;;;0" "rules_removed=0;;;0"
has "drift: says it saved" "baseline saved: 5 rules, sha256 "
run $DRIFT
expect "drift: unchanged" 0 "FIREWALL OK - 5 rules" "rules_added=0;;;0"
has "drift: unchanged since the baseline" "unchanged since the baseline of "
# counters moving and handles changing are no drift
in_ns nft list ruleset >/dev/null
in_ns timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/23' 2>/dev/null
in_ns nft -f "$WORK/basic.nft"
run $DRIFT
expect "drift: the same ruleset loaded again (new handles) is no change" 0 "FIREWALL OK - 5 rules"
in_ns nft insert rule inet filter input tcp dport 23 accept
run $DRIFT
expect "drift: a rule added" 2 "FIREWALL CRITICAL - ruleset changed since the baseline: +1 rule - 6 rules" \
	"rules_added=1;;;0" "rules_removed=0;;;0"
has "drift: the rule added is shown" "+ inet filter input: tcp dport 23 accept"
run $DRIFT --language zh_CN
zh_line "zh_CN: drift" 2 'FIREWALL CRITICAL - 规则集自基线以来已改变: +1 条规则 - 6 条规则 分布在 3 条链中 (nftables)'
has "zh_CN: drift, the counts" "增加 1 条规则, 删除 0 条; 增加 0 条链, 删除 0 条, 改动 0 条"
in_ns nft add chain inet filter extra
run $DRIFT --drift-state warning
expect "drift: a chain too, --drift-state warning" 1 "FIREWALL WARNING - ruleset changed since the baseline: +1 rule, +1 chain"
# A reboot: another boot id in the state's slot files, each signed again with its XXH64
# end line as the store writes it (state-reboot.py; an edited file without it is corrupt
# and never read).
# Counters would be dropped; the baseline is kept (the store's lifetime for it), so the
# drift is still seen.
slots=$(ls "$STATE"/check_firewall-drift.state "$STATE"/check_firewall-drift.state.1 2>/dev/null)
if ! command -v python3 >/dev/null 2>&1; then
	echo "# no python3: the reboot case is skipped"
elif [ -n "$slots" ] && grep -q '^boot_id ' $slots; then
	python3 "$(dirname "$0")/state-reboot.py" 00000000-0000-4000-8000-000000000000 $slots
	run $DRIFT
	expect "drift: the baseline survives a reboot" 2 "FIREWALL CRITICAL - ruleset changed since the baseline: +1 rule, +1 chain"
	has "drift: after the reboot the state was read" "+ inet filter input: tcp dport 23 accept"
else
	notok "drift: no state file with a boot id at $STATE/check_firewall-drift.state"
fi
in_ns nft -f "$WORK/basic.nft"
run $DRIFT
expect "drift: back to the baseline" 0 "FIREWALL OK - 5 rules" "rules_added=0;;;0"
# A state file edited without its checksum is not read: the baseline is lost, which is
# said, never taken as "no baseline yet".
for f in $slots; do
	sed -i 's/^boot_id .*/boot_id 11111111-0000-4000-8000-000000000000/' "$f"
done
run $DRIFT
expect "drift: an unreadable baseline is a warning" 1 "FIREWALL WARNING - the saved baseline cannot be read"

# --- bad options
fresh
run --closed 70000
expect "--closed with a port out of range" 3 "FIREWALL UNKNOWN - --closed: a port is a number from 1 to 65535"
run --closed 22/sctp
expect "--closed with an unknown protocol" 3 "FIREWALL UNKNOWN - --closed: a port's protocol is tcp or udp"
run --closed 1-65535
expect "--closed with too many ports" 3 "FIREWALL UNKNOWN - --closed: at most 4096 ports in all"

# --- ufw, the real one, in a namespace of its own. ufw keeps its state in /etc/ufw
# (ufw.conf's ENABLED, user.rules): a copy of it is bound over /etc/ufw in a private
# mount namespace (unshare -m) around `ip netns exec`, so neither the host's files nor
# its ruleset are touched. ufw's unit is active whatever ENABLED says, and its status is
# a word in the admin's language: the plugin judges the kernel's ruleset, shows ENABLED
# as a fact, and says when ufw is on but none of its chains are loaded.
if [ -x /usr/sbin/ufw ] && [ -f /etc/ufw/ufw.conf ] && command -v unshare >/dev/null 2>&1; then
	cp -a /etc/ufw "$WORK/ufw"
	sed -i 's/^ENABLED=.*/ENABLED=no/' "$WORK/ufw/ufw.conf"
	in_ufw() { # CMD...: in the namespace, the copy as /etc/ufw, LC_ALL=C
		unshare -m --propagation private sh -c \
			'mount --bind "$0" /etc/ufw && exec ip netns exec "$@"' \
			"$WORK/ufw" "$NS" env LC_ALL=C "$@"
	}
	run_ufw() { # [env VAR=...] ARGS...
		out=$(unshare -m --propagation private sh -c \
			'mount --bind "$0" /etc/ufw && exec ip netns exec "$@"' \
			"$WORK/ufw" "$NS" "$@" 2>"$WORK/stderr")
		rc=$?
		status=$(printf '%s\n' "$out" | head -n 1)
	}
	P="$PLUGIN --state-dir $STATE"
	fresh
	run_ufw $P
	expect "ufw: ENABLED=no, nothing loaded" 2 \
		"FIREWALL CRITICAL - no firewall: the kernel holds no nftables or iptables tables"
	has "ufw: the fact says disabled" "ufw: disabled in /etc/ufw/ufw.conf, 0 of its chains loaded"
	in_ufw ufw --force enable >/dev/null && in_ufw ufw allow 22/tcp >/dev/null &&
		in_ufw ufw deny 23/tcp >/dev/null
	grep -q '^ENABLED=yes' "$WORK/ufw/ufw.conf" && ok "ufw enable wrote the copy of ufw.conf" ||
		notok "ufw enable did not write $WORK/ufw/ufw.conf"
	grep -q '^ENABLED=no' /etc/ufw/ufw.conf && [ "$(nft list ruleset | wc -l)" = 0 ] &&
		ok "ufw: the host's ufw.conf and ruleset untouched" ||
		notok "ufw: the host's /etc/ufw/ufw.conf or ruleset changed"
	run_ufw $P --closed 23,3306
	expect "ufw enabled, allow 22, deny 23: input closed, 23 and 3306 not open" 0 "FIREWALL OK - "
	has "ufw: the fact says enabled" "ufw: enabled in /etc/ufw/ufw.conf"
	run_ufw $P --closed 22
	expect "ufw: a required-closed port it allows" 2 "FIREWALL CRITICAL - tcp/22 open (IPv4, IPv6)"
	# ufw's German status ("Status: Aktiv") changes nothing: the plugin never reads it.
	run_ufw env -u LC_ALL LANG=de_DE.UTF-8 LANGUAGE=de $P --closed 22
	expect "ufw: the same in a German locale" 2 "FIREWALL CRITICAL - tcp/22 open (IPv4, IPv6)"
	# The kernel's rules gone (flushed), ufw.conf still ENABLED=yes, so its unit and
	# config say on: the kernel is judged.
	in_ufw nft flush ruleset
	run_ufw $P
	expect "ufw enabled but its rules flushed: no firewall" 2 "FIREWALL CRITICAL - no firewall"
	has "ufw enabled but its rules flushed: said" \
		"ufw is enabled in /etc/ufw/ufw.conf but the kernel holds none of its chains"
	in_ns nft -f "$WORK/basic.nft"
	run_ufw $P
	expect "ufw enabled, another ruleset loaded instead: --frontend-state's warning" 1 \
		"FIREWALL WARNING - ufw is enabled in /etc/ufw/ufw.conf but the kernel holds none of its chains"
	run_ufw $P --frontend-state critical
	expect "ufw: --frontend-state critical" 2 "FIREWALL CRITICAL - ufw is enabled"
	# Its chains loaded though ENABLED=no (they would be gone after a boot): said.
	in_ns nft flush ruleset
	in_ufw ufw reload >/dev/null
	sed -i 's/^ENABLED=.*/ENABLED=no/' "$WORK/ufw/ufw.conf"
	run_ufw $P
	expect "ufw's chains loaded, ENABLED=no: judged by the kernel" 0 "FIREWALL OK - "
	has "ufw's chains loaded, ENABLED=no: said" "ufw's chains are loaded though /etc/ufw/ufw.conf does not say ENABLED=yes"
else
	echo "# no ufw (apt-get install ufw) or no unshare: the ufw cases are skipped"
fi

# --- nft tables named as iptables' ones ("table ip filter" with a chain "input"): nft's
# view is kept, not iptables-nft-save's empty one of the same name (it was: "no firewall").
fresh && in_ns nft -f - <<'NFT'
table ip filter {
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		tcp dport 22 accept
	}
}
table ip6 filter {
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
	}
}
NFT
run --closed 22,23
expect "nft's own 'table ip filter': judged on nft's view" 2 "FIREWALL CRITICAL - tcp/22 open (IPv4) - 3 rules in "
has "nft's own 'table ip filter': its chain named" "IPv4 input closed: ip filter input: policy drop"
# A port forward added to nft's own "table ip nat" is drift (it was not seen).
in_ns nft -f - <<'NFT'
table ip nat {
	chain pre {
		type nat hook prerouting priority -100;
		tcp dport 8080 dnat to 10.0.0.5:80
	}
}
NFT
mkdir -m 700 "$WORK/state-nat"
run_nat() { out=$(ip netns exec "$NS" "$PLUGIN" --state-dir "$WORK/state-nat" "$@" 2>"$WORK/stderr"); rc=$?; status=$(printf '%s\n' "$out" | head -n 1); }
run_nat --save-baseline
in_ns nft add rule ip nat pre tcp dport 23 dnat to 192.0.2.66:22
run_nat
expect "nft's own 'table ip nat': a forward added is drift" 2 \
	"FIREWALL CRITICAL - ruleset changed since the baseline: +1 rule"

# --- ct state as a verdict map (the nftables wiki's idiom): its established and related
# entries open no port.
fresh && in_ns nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iif lo accept
		tcp dport 22 accept
	}
}
NFT
run --closed 22,23,3306
expect "ct state vmap: only the port accepted is open" 2 "FIREWALL CRITICAL - tcp/22 open (IPv4, IPv6) - "

# --- What iptables-nft-save cannot show keeps nft's view of an iptables-nft table: a
# verdict map added with nft to iptables-nft's nat PREROUTING prints as "-A PREROUTING
# -p tcp", so that view would lose the way to X's REDIRECT of tcp/23 to 2222 (a false
# OK). Likewise in iptables-nft's filter INPUT: "tcp dport vmap { 23 : accept }".
fresh
in_ns iptables-nft-restore <<'IPT'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:X - [0:0]
-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80
-A X -p tcp -j REDIRECT --to-ports 2222
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -m conntrack --ctstate DNAT -j ACCEPT
COMMIT
IPT
in_ns ip6tables-nft -P INPUT DROP
in_ns nft add rule ip nat PREROUTING tcp dport vmap '{ 23 : jump X }'
run --closed 23
expect "iptables-nft nat with an nft verdict map: the way to the REDIRECT is seen" 2 \
	"FIREWALL CRITICAL - tcp/23 open (IPv4)"
fresh
for l in "-P INPUT DROP" "-A INPUT -i lo -j ACCEPT" "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT"; do
	# shellcheck disable=SC2086 # the words of $l are iptables' arguments
	in_ns iptables-nft $l
done
in_ns ip6tables-nft -P INPUT DROP
in_ns nft add rule ip filter INPUT tcp dport vmap '{ 23 : accept }'
run --closed 23
expect "iptables-nft INPUT with an nft verdict map: tcp/23 open" 2 "FIREWALL CRITICAL - tcp/23 open (IPv4)"

# --- an anonymous chain, which nft 1.0.6 prints no JSON for ("jump { accept; }" comes
# as a bare string): it may accept, so tcp/23 may be open; in nat it may redirect.
fresh && in_ns nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		tcp dport 22 accept
		tcp dport 23 jump { accept; }
	}
}
NFT
run --closed 23
expect "an anonymous chain's accept is not passed over" 2 "FIREWALL CRITICAL - tcp/23 open (IPv4, IPv6)"

# --- a dormant table filters nothing: its drop policy protects no port.
fresh && in_ns nft -f - <<'NFT'
table inet filter {
	flags dormant
	chain input {
		type filter hook input priority 0; policy drop;
		tcp dport 22 accept
	}
}
NFT
run --closed 23
expect "a dormant table is no firewall" 2 "FIREWALL CRITICAL - "
has "a dormant table is said" "table inet filter is dormant (flags dormant): its rules filter nothing"
case "$status" in *"tcp/23"*|*"no "*|*"accept"*|*"empty"*) ok "a dormant table: the status names what is open or missing" ;; *) notok "a dormant table: status '$status'" ;; esac

# --- from a review's attack (each checked with a real connection over a veth pair):
# an iptables-nft table made dormant with nft filters nothing, though iptables-nft-save
# still lists its policy drop (that view had made the check OK with tcp/23 reachable).
fresh
in_ns iptables-nft -P INPUT DROP
in_ns iptables-nft -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
in_ns nft add table ip filter '{ flags dormant; }'
run --no-ipv6 --closed 23
expect "an iptables-nft table made dormant is no firewall" 2 "FIREWALL CRITICAL - "
has "the dormant iptables-nft table is said" "table ip filter is dormant (flags dormant)"
case "$status" in *"OK"*) notok "dormant iptables-nft table: status '$status'" ;; *) ok "dormant iptables-nft table: not OK" ;; esac

# `ct status dnat drop` drops only connections a DNAT rewrote, never one made to the
# port itself: tcp/22, accepted after it, is open (it was OK).
fresh && in_ns nft -f - <<'NFT'
table inet f {
	chain pre { type nat hook prerouting priority -100; tcp dport 2222 redirect to :22; }
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		ct status dnat drop
		tcp dport 22 accept
	}
}
NFT
run --no-ipv6 --closed 22
expect "ct status dnat drop: tcp/22 still open" 2 "FIREWALL CRITICAL - tcp/22 open (IPv4)"

# Two port options of one rule both hold: "drop 1-1024 but 22 and 80" drops no 3306.
fresh
in_ns iptables-nft -P INPUT DROP
in_ns iptables-nft -A INPUT -p tcp -m tcp --dport 1:1024 -m multiport ! --dports 22,80 -j DROP
in_ns iptables-nft -A INPUT -p tcp -m tcp --dport 3306 -j ACCEPT
in_ns iptables-nft -A INPUT -p tcp -m tcp --dport 81 -j ACCEPT
run --no-ipv6 --closed 3306
expect "--dport 1:1024 ! --dports 22,80 -j DROP: tcp/3306 open" 2 "FIREWALL CRITICAL - tcp/3306 open (IPv4)"
run --no-ipv6 --closed 81
expect "--dport 1:1024 ! --dports 22,80 -j DROP: tcp/81 closed" 0 "FIREWALL OK - "

# A rule added with nft whose condition iptables-nft-save leaves out (exit 0): `tcp dport
# 23 tcp sequence 5 drop` prints as "-A INPUT -p tcp -m tcp --dport 23 -j DROP". nft's
# view is judged: tcp/23, accepted after it, is open (that view made the check OK).
fresh
in_ns iptables-nft -P INPUT DROP
in_ns iptables-nft -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
in_ns nft add rule ip filter INPUT tcp dport 23 tcp sequence 5 drop
in_ns iptables-nft -A INPUT -p tcp -m tcp --dport 23 -j ACCEPT
run --no-ipv6 --closed 23
expect "a condition iptables-nft-save leaves out: nft's view, tcp/23 open" 2 \
	"FIREWALL CRITICAL - tcp/23 open (IPv4)"

# A match without options is a condition: `-m frag -j DROP` drops no whole family.
fresh
in_ns iptables-nft -P INPUT DROP
in_ns ip6tables-nft -P INPUT DROP
in_ns ip6tables-nft -A INPUT -m frag -j DROP
in_ns ip6tables-nft -A INPUT -p tcp -m tcp --dport 23 -j ACCEPT
run --closed 23
expect "ip6tables -m frag -j DROP: tcp/23 open over IPv6" 2 "FIREWALL CRITICAL - tcp/23 open (IPv6)"

# iptables-legacy nests chains deeper than nftables' 16 levels: an accept 20 jumps deep
# is not passed over.
fresh
in_ns iptables-legacy -P INPUT DROP
prev=INPUT
for i in $(seq 1 20); do
	in_ns iptables-legacy -N "C$i"
	in_ns iptables-legacy -A "$prev" -j "C$i"
	prev=C$i
done
in_ns iptables-legacy -A C20 -p tcp -m tcp --dport 23 -j ACCEPT
run --no-ipv6 --closed 23
expect "iptables-legacy, 20 jumps deep: tcp/23 may be open" 2 "FIREWALL CRITICAL - tcp/23 open (IPv4)"
has "the depth is said" "jumps deep: not followed, may accept"

# --- the iptables port-forward host (iptables-nft): a DNAT to 10.0.0.5:80 and
# --ctstate DNAT -j ACCEPT open 8080 and 80, no other port (one DNAT made every
# --closed port open: nft's placeholder for the xt target outlived the table).
fresh
for l in "-P INPUT DROP" "-A INPUT -i lo -j ACCEPT" \
	"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" \
	"-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT" "-A INPUT -m conntrack --ctstate DNAT -j ACCEPT" \
	"-t nat -A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.0.5:80"; do
	# shellcheck disable=SC2086
	in_ns iptables-nft $l
done
in_ns ip6tables-nft -P INPUT DROP
run --closed 23,3306,8080,80
expect "iptables-nft port forward: 8080 and 80 open, 23 and 3306 not" 2 \
	"FIREWALL CRITICAL - tcp/8080 open (IPv4), tcp/80 open (IPv4) - "

# --- a named verdict map keyed by ct state (`type ct_state : verdict`): read as the
# anonymous one, its established and related entries open no port (it was read as an
# unknown map: every port open).
fresh && in_ns nft -f - <<'NFT'
table inet filter {
	map ctm {
		type ct_state : verdict
		elements = { established : accept, related : accept, invalid : drop }
	}
	chain input {
		type filter hook input priority 0; policy drop;
		ct state vmap @ctm
		tcp dport 22 accept
	}
}
NFT
run --closed 22,23,3306
expect "named ct_state vmap: only the port accepted is open" 2 \
	"FIREWALL CRITICAL - tcp/22 open (IPv4, IPv6) - "

# --- where DNATs count (nft): only in chains a nat hook of prerouting or output reaches
# (a jump, a goto, a verdict map's jump), not in a chain nothing reaches, whose `dnat to
# 10.0.0.7` keeps any port (it made every --closed port open through `ct status dnat
# accept`); port ranges send to the range (9000-9100, 9200-9300), not to the port matched.
fresh && in_ns nft -f - <<'NFT'
table ip nat {
	chain pre {
		type nat hook prerouting priority -100;
		tcp dport 8000 dnat to 10.0.0.5:9000-9100
		tcp dport 8001 redirect to :9200-9300
		tcp dport vmap { 8003 : jump viamap }
		jump sub
	}
	chain out {
		type nat hook output priority -100;
		goto sub2
	}
	chain sub { tcp dport 7000 dnat to 10.0.0.6:7001; }
	chain sub2 { tcp dport 7100 dnat to 10.0.0.6:7101; }
	chain viamap { tcp dport 8003 dnat to 10.0.0.8:7201; }
	chain stale { dnat to 10.0.0.7; }
}
table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		tcp dport 22 accept
		ct status dnat accept
	}
}
NFT
run --closed 23,3306,8999,9101,9050,9250,7001,7101,7201
expect "nft DNAT: hooked chains and target ranges, no stale chain" 2 \
	"FIREWALL CRITICAL - tcp/9050 open (IPv4), tcp/9250 open (IPv4), tcp/7001 open (IPv4) (+2 more) - "
has "nft DNAT: a range's port opened by ct status dnat" "tcp/9050 over IPv4: inet filter input: ct status dnat accept"
has "nft DNAT: a goto from output counts" "tcp/7101 over IPv4: inet filter input: ct status dnat accept"
has "nft DNAT: a verdict map's jump counts" "tcp/7201 over IPv4: inet filter input: ct status dnat accept"
in_ns nft add rule ip nat pre jump stale
run --closed 23
expect "nft DNAT: the chain hooked, its DNAT keeps any port" 2 "FIREWALL CRITICAL - tcp/23 open (IPv4) - "

# --- the same with iptables-nft and iptables-legacy: a DNAT in a user chain PREROUTING
# jumps to (and one it jumps to) counts, a kube-proxy KUBE-SEP chain left behind does not;
# --to-destination ADDR:9000-9100, --to-ports 9200-9300 and :9600-9700/9650 send to ranges.
for ipt in iptables-nft iptables-legacy; do
	fresh
	for l in "-P INPUT DROP" "-A INPUT -i lo -j ACCEPT" \
		"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" \
		"-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT" "-A INPUT -m conntrack --ctstate DNAT -j ACCEPT" \
		"-t nat -N FWD" "-t nat -N LOOP" "-t nat -N KUBE-SEP-STALE" \
		"-t nat -A PREROUTING -p tcp -m tcp --dport 8000 -j DNAT --to-destination 10.0.0.5:9000-9100" \
		"-t nat -A PREROUTING -p tcp -m tcp --dport 8001 -j REDIRECT --to-ports 9200-9300" \
		"-t nat -A PREROUTING -p tcp -m tcp --dport 8004 -j DNAT --to-destination 10.0.0.5:9600-9700/9650" \
		"-t nat -A PREROUTING -j FWD" \
		"-t nat -A FWD -p tcp -m tcp --dport 7000 -j DNAT --to-destination 10.0.0.6:7001" \
		"-t nat -A FWD -j LOOP" \
		"-t nat -A LOOP -p tcp -m tcp --dport 7300 -j DNAT --to-destination 10.0.0.6:7301" \
		"-t nat -A KUBE-SEP-STALE -p tcp -m comment --comment default/gone:https -m tcp -j DNAT --to-destination 10.244.0.9"; do
		# shellcheck disable=SC2086
		in_ns "$ipt" $l
	done
	in_ns "ip6${ipt#ip}" -P INPUT DROP
	run --closed 23,3306,8999,9101,9050,9250,9650,7001,7301
	expect "$ipt DNAT: hooked chains and target ranges, no stale KUBE-SEP chain" 2 \
		"FIREWALL CRITICAL - tcp/9050 open (IPv4), tcp/9250 open (IPv4), tcp/9650 open (IPv4) (+2 more) - "
	has "$ipt DNAT: a user chain's DNAT counts" "tcp/7001 over IPv4: "
	has "$ipt DNAT: a chain it jumps to counts" "tcp/7301 over IPv4: "
done

# --- kube-proxy's nat table (iptables mode): the KUBE-SEP-* DNATs match no port
# themselves; forwarded are the service ports KUBE-SERVICES and KUBE-NODEPORTS match on
# the way (443, 80, 30080), their targets open through --ctstate DNAT, nothing else
# (each such DNAT forwarded every tcp port).
fresh
in_ns iptables-nft-restore <"$FIXTURES/firewall/iptables-kube-proxy/iptables-nft-save"
in_ns ip6tables-nft -P INPUT DROP
run --closed 23,3306,30081,8443
expect "kube-proxy: no other port forwarded" 0 "FIREWALL OK - "
run --closed 23,443,6443
expect "kube-proxy: a service port and its endpoint's open" 2 \
	"FIREWALL CRITICAL - tcp/443 open (IPv4), tcp/6443 open (IPv4) - "
has "kube-proxy: the service's DNAT named" \
	"tcp/443 over IPv4: ip nat KUBE-SEP-AWXKJFKBRSHYCFIX: -p tcp -m comment --comment default/kubernetes:https -m tcp -j DNAT --to-destination 192.168.1.10:6443"

# --- firewalld, the real one, in namespaces of its own: a private system bus (a
# dbus-daemon listening on /run/dbus/system_bus_socket, a tmpfs bound over /run/dbus in a
# private mount namespace, so that neither the host's bus nor a firewalld of the host's
# is seen or touched), /etc/firewalld a copy bound over the host's, and its rules in a
# network namespace. The plugin runs in the same three, as firewall-cmd needs the bus.
# firewalld's default zone (public: ssh and dhcpv6-client) accepts new connections on
# tcp/22 only: `ct state { established, related } accept` and `ct status dnat accept`
# open no port, nor do its icmp rules (before, every --closed port was "open" there).
if [ -x /usr/sbin/firewalld ] && [ -x /usr/bin/firewall-cmd ] && [ -x /usr/bin/dbus-daemon ] &&
	command -v nsenter >/dev/null 2>&1; then
	cp -a /etc/firewalld "$WORK/firewalld-etc"
	cat >"$WORK/bus.conf" <<'BUS'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
BUS
	fresh
	mkdir -p /run/dbus
	# The bus is the mount namespace's first process: the others enter its namespace.
	unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run/dbus &&
		mount --bind "$0" /etc/firewalld && exec dbus-daemon --config-file="$1" --nofork \
		--nopidfile' "$WORK/firewalld-etc" "$WORK/bus.conf" 2>"$WORK/dbus.log" &
	BUSPID=$!
	in_fwd() { nsenter -t "$BUSPID" -m ip netns exec "$NS" "$@"; }
	run_fwd() {
		out=$(in_fwd "$PLUGIN" --state-dir "$STATE" "$@" 2>"$WORK/stderr")
		rc=$?
		status=$(printf '%s\n' "$out" | head -n 1)
	}
	for _ in $(seq 1 50); do
		[ -S "/proc/$BUSPID/root/run/dbus/system_bus_socket" ] && break
		sleep 0.1
	done
	# Not running yet: firewall-cmd says so, and no firewall is loaded.
	run_fwd -v
	expect "firewalld: not started, nothing loaded" 2 "FIREWALL CRITICAL - no firewall"
	has "firewalld: the fact says not running" "firewalld: not running"
	in_fwd firewalld --nofork --nopid >"$WORK/firewalld.log" 2>&1 &
	FWDPID=$!
	for _ in $(seq 1 100); do
		in_fwd firewall-cmd --state >/dev/null 2>&1 && break
		sleep 0.1
	done
	if in_fwd firewall-cmd --state >/dev/null 2>&1; then
		ok "firewalld $(in_fwd firewall-cmd --version) running on the private bus"
		grep -q '^ENABLED=no' /etc/ufw/ufw.conf 2>/dev/null || [ ! -f /etc/ufw/ufw.conf ]
		[ "$(nft list ruleset | grep -c firewalld)" = 0 ] &&
			ok "firewalld: the host's ruleset untouched" ||
			notok "firewalld: its table is in the host's ruleset"
		run_fwd -v
		expect "firewalld default zone: input closed" 0 "FIREWALL OK - "
		has "firewalld: the fact says running" "firewalld: running, 1 of its tables and chains loaded"
		has "firewalld: IPv4 input closed by its final reject" \
			"IPv4 input closed: inet firewalld filter_INPUT: ends with 'reject"
		run_fwd --closed 23,80,3306,8080
		expect "firewalld: ports it does not allow are closed" 0 "FIREWALL OK - "
		run_fwd --closed 22,23
		expect "firewalld: ssh (its default) open, 23 not" 2 "FIREWALL CRITICAL - tcp/22 open (IPv4, IPv6)"
		has "firewalld: the rule that opens 22" "tcp/22 over IPv4: inet firewalld filter_IN_public_allow: tcp dport 22 accept"
		case "$out" in
		*tcp/23*) notok "firewalld: tcp/23 called open: $out" ;;
		*) ok "firewalld: tcp/23 not called open" ;;
		esac
		# A forward port: 8080 reaches this host's 80 (IPv4 only).
		in_fwd firewall-cmd --add-forward-port=port=8080:proto=tcp:toport=80 >/dev/null
		run_fwd --closed 8080,23
		expect "firewalld: a forwarded port is open" 2 "FIREWALL CRITICAL - tcp/8080 open (IPv4) - "
		has "firewalld: the forward named" "tcp/8080 over IPv4: inet firewalld nat_PRE_public_allow: meta nfproto ipv4 tcp dport 8080 {\"redirect\":{\"port\":80}}"
		run_fwd --closed 80
		expect "firewalld: the forward's target port is open" 2 "FIREWALL CRITICAL - tcp/80 open"
		has "firewalld: opened by ct status dnat" "inet firewalld filter_INPUT: ct status dnat accept"
		in_fwd firewall-cmd --remove-forward-port=port=8080:proto=tcp:toport=80 >/dev/null
		run_fwd --closed 8080
		expect "firewalld: the forward removed, 8080 closed" 0 "FIREWALL OK - "
		# firewalld says running but its table is gone (flushed behind its back).
		in_fwd nft flush ruleset
		run_fwd
		expect "firewalld running, its rules flushed: no firewall" 2 "FIREWALL CRITICAL - no firewall"
		has "firewalld running, its rules flushed: said" \
			"firewalld says it is running but the kernel holds none of its rules"
	else
		notok "firewalld did not start on the private bus: $(tail -n 3 "$WORK/firewalld.log")"
	fi
	kill "$FWDPID" 2>/dev/null
	wait "$FWDPID" 2>/dev/null
	kill "$BUSPID" 2>/dev/null
	wait "$BUSPID" 2>/dev/null
else
	echo "# no firewalld, dbus-daemon or nsenter (apt-get install firewalld): the firewalld cases are skipped"
fi

# --- no privileges: as nobody, without CAP_NET_ADMIN
if command -v setpriv >/dev/null 2>&1; then
	mkdir -m 755 "$WORK/bin"
	cp "$PLUGIN" "$WORK/bin/check_firewall"
	chmod 755 "$WORK" "$WORK/bin/check_firewall"
	fresh && in_ns nft -f "$WORK/basic.nft"
	out=$(ip netns exec "$NS" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all "$WORK/bin/check_firewall" 2>"$WORK/stderr")
	rc=$?
	status=$(printf '%s\n' "$out" | head -n 1)
	expect "no privileges: UNKNOWN" 3 "FIREWALL UNKNOWN - reading the ruleset needs CAP_NET_ADMIN"
	case "$status" in
	*"'nobody ALL=(root) NOPASSWD: "*"/check_firewall'"*) ok "no privileges: the sudoers line" ;;
	*) notok "no privileges: no sudoers line in '$status'" ;;
	esac
	has "no privileges: where to put it" "/etc/sudoers.d/plumbline"
	out=$(ip netns exec "$NS" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all env PLUMBLINE_LOCALEDIR="$PLUMBLINE_LOCALEDIR" \
		"$WORK/bin/check_firewall" --language zh_CN 2>"$WORK/stderr")
	rc=$?
	status=$(printf '%s\n' "$out" | head -n 1)
	expect "zh_CN: no privileges, the sudoers line kept" 3 \
		"FIREWALL UNKNOWN - 读取规则集需要 CAP_NET_ADMIN; 请在 sudoers 中允许 'nobody ALL=(root) NOPASSWD: "
else
	echo "# no setpriv (util-linux): the no-privilege case is skipped"
fi

# --- the shipped sudoers file is valid (where sudo is installed; nothing is installed)
if [ -x /usr/sbin/visudo ]; then
	if /usr/sbin/visudo -c -q -f "$top_srcdir/contrib/sudoers.d/plumbline" >/dev/null 2>&1; then
		ok "contrib/sudoers.d/plumbline passes visudo -c -f"
	else
		notok "contrib/sudoers.d/plumbline: $(/usr/sbin/visudo -c -f "$top_srcdir/contrib/sudoers.d/plumbline" 2>&1)"
	fi
else
	echo "# no visudo (sudo is not installed): contrib/sudoers.d/plumbline not checked"
fi
grep -qx 'nagios ALL=(root) NOPASSWD: /usr/lib/nagios/plugins/check_firewall' \
	"$top_srcdir/contrib/sudoers.d/plumbline" &&
	ok "contrib/sudoers.d/plumbline has the line the plugin asks for" ||
	notok "contrib/sudoers.d/plumbline lacks the line the plugin asks for"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
