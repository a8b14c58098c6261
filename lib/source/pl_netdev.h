/* pl_netdev: network interface counters from /proc/net/dev and link facts from
 * /sys/class/net/<if>.
 *
 * /proc/net/dev has two header lines, then one line per interface: the name, padded on
 * the left and followed by ':', then 16 counters (8 receive, 8 transmit), all cumulative
 * since the interface appeared. Names may contain ':' themselves (old alias style,
 * "ibr10:30:"), and a large first counter may follow the ':' without a blank
 * ("eth0:4294120338 ..."), so the name ends at the last ':' of the line.
 *
 * Both /proc/net/dev and /sys/class/net belong to the reader's network namespace. */
#ifndef PL_NETDEV_H
#define PL_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_text.h"

/* The counters of one line, in the kernel's order. */
enum pl_netdev_field {
	PL_ND_RX_BYTES = 0, PL_ND_RX_PACKETS, PL_ND_RX_ERRS, PL_ND_RX_DROP, PL_ND_RX_FIFO,
	PL_ND_RX_FRAME, PL_ND_RX_COMPRESSED, PL_ND_RX_MULTICAST,
	PL_ND_TX_BYTES, PL_ND_TX_PACKETS, PL_ND_TX_ERRS, PL_ND_TX_DROP, PL_ND_TX_FIFO,
	PL_ND_TX_COLLS, PL_ND_TX_CARRIER, PL_ND_TX_COMPRESSED,
	PL_ND_NFIELDS
};

/* The kernel allows 15 bytes (IFNAMSIZ - 1); a little room for other sources. */
#define PL_NETDEV_NAME_MAX 32
/* More lines than this is not a real /proc/net/dev. */
#define PL_NETDEV_MAX 16384

struct pl_netdev_if {
	char name[PL_NETDEV_NAME_MAX];
	uint64_t c[PL_ND_NFIELDS];
};

/* One reading. The arrays are owned by the struct; free with pl_netdev_free. */
struct pl_netdev {
	struct pl_netdev_if *v;
	size_t n;
	struct pl_bad_line *bad;         /* lines left out of v for their names (empty,
					  * overlong, with a blank or '/', "." or "..", or seen
					  * before), in file order */
	size_t nbad;
	/* A hash of the names in v, so that pl_netdev_find is O(1): built by the parser
	 * and pl_netdev_index, used while it covers all n entries (code that fills v by
	 * hand need not know about it). */
	struct pl_names names;
	size_t indexed;                  /* entries of v it covers */
};

/* Parses the text of /proc/net/dev into out (which it initialises; free it with
 * pl_netdev_free even on error). Every interface line must have a name and at least 16
 * counters (later fields, should a kernel add some, are ignored); a truncated line, a
 * counter that is not a number, a missing header or a file without interface lines is an
 * error. A line with good counters and a name that is not pl_netdev_name_ok, or a name
 * seen before, goes to out->bad instead of out->v. Returns 0, or -1 with why in err
 * ("line 4 (eth0): counter 2 is not a number"). */
int pl_netdev_parse(const char *buf, size_t len, struct pl_netdev *out, char *err,
		    size_t errlen);
void pl_netdev_free(struct pl_netdev *nd);

/* The interface called name, or NULL: O(1) when nd is indexed, else a linear search. */
const struct pl_netdev_if *pl_netdev_find(const struct pl_netdev *nd, const char *name);
/* (Re)builds the index of nd after its entries were filled by hand. Returns 0, or -1
 * when memory ran out (pl_netdev_find then searches linearly). */
int pl_netdev_index(struct pl_netdev *nd);

/* True for a name the kernel could have given: 1..15 bytes (up to PL_NETDEV_NAME_MAX - 1
 * accepted), no blank (isspace) and no '/', not "." or "..". Other bytes are allowed, as
 * the kernel allows them (a control character, a quote, UTF-8): such a name is safe in a
 * sysfs path but must be printed escaped. Only such names are ever put into a path. */
bool pl_netdev_name_ok(const char *name);

enum pl_duplex { PL_DUPLEX_UNKNOWN = 0, PL_DUPLEX_HALF, PL_DUPLEX_FULL };

/* What the link is doing, judged from operstate, carrier and the IFF_UP flag. */
enum pl_link {
	PL_LINK_UNKNOWN = 0,    /* no sysfs directory: nothing to judge by */
	PL_LINK_UP,             /* up (or "unknown" with a carrier: lo, tun, some drivers) */
	PL_LINK_NO_CARRIER,     /* administratively up, no carrier: cable, switch port, peer */
	PL_LINK_ADMIN_DOWN,     /* set down ("ip link set down", or never configured) */
	PL_LINK_NOT_UP,         /* dormant, lowerlayerdown, notpresent or testing */
};

/* The sysfs facts about one interface. Attributes the kernel refuses to give (speed and
 * duplex while there is no link, carrier while the interface is down) are unknown. */
struct pl_netdev_link {
	bool present;           /* /sys/class/net/<if> exists */
	char operstate[20];     /* as the kernel writes it, "" when unreadable */
	int carrier;            /* 1, 0, or -1 unreadable */
	int admin_up;           /* IFF_UP from flags: 1, 0, or -1 unreadable */
	int64_t speed;          /* Mbit/s; -1 unknown (the kernel's -1, or unreadable) */
	enum pl_duplex duplex;
	int type;               /* ARPHRD_* (1 ethernet, 772 loopback), -1 unreadable */
	bool has_device;        /* a "device" link: backed by hardware (or a paravirtual bus) */
	bool is_bridge;         /* a "bridge" directory (looked for without a device link) */
	bool is_wireless;       /* a "wireless" or "phy80211" entry (likewise) */
};

/* Reads /sys/class/net/<name>/... below root into out. Never fails: what cannot be read
 * is unknown (and present is false when the directory does not exist). Returns 0, or -1
 * when name is not pl_netdev_name_ok (out is then all unknown). */
int pl_netdev_link_read(const char *root, const char *name, struct pl_netdev_link *out);

/* What pl_netdev_is_virtual needs (present, type and the device, bridge and wireless
 * entries: a few lstat calls and one read), then the rest of pl_netdev_link_read only
 * for an interface it calls physical, so that a plugin leaving virtual interfaces out
 * reads no more of them. Leaner than pl_netdev_link_read, for the same verdicts: type
 * stays -1 when a "device" link proves the interface physical (type decides only
 * without one), and carrier and flags are not read when operstate is "up" (the kernel
 * says "up" only of an interface set up with a carrier: both are taken as 1). Same
 * returns as pl_netdev_link_read. */
int pl_netdev_link_read_physical(const char *root, const char *name,
				 struct pl_netdev_link *out);
/* True when the name alone says virtual (lo, veth*, docker*, br-*, virbr*). */
bool pl_netdev_virtual_name(const char *name);

/* Pure parsers of single attributes (text without the newline). */
int64_t pl_netdev_parse_speed(const char *s);      /* Mbit/s, or -1 */
enum pl_duplex pl_netdev_parse_duplex(const char *s);
/* The "flags" attribute ("0x1003"): 1 when IFF_UP is set, 0 when not, -1 malformed. */
int pl_netdev_parse_flags_up(const char *s);

/* Judges the link from the facts. */
enum pl_link pl_netdev_link_state(const struct pl_netdev_link *l);
/* A few words for messages: "up", "down (no carrier)", "administratively down",
 * "dormant"... */
const char *pl_netdev_link_text(const struct pl_netdev_link *l);

/* True for an interface that carries no traffic of its own to a wire or radio: loopback,
 * bridges, veth, docker*, br-*, virbr*, tun/tap and anything without a "device" link in
 * sysfs (bonds, VLANs, dummies, ifb). Wireless is physical. One sysfs does not know
 * (present false: a process in a network namespace that sees the host's /sys) has no
 * "device" link either: nothing proves it physical, so it counts as virtual. */
bool pl_netdev_is_virtual(const char *name, const struct pl_netdev_link *l);

/* What one interface did between two readings, and why a figure is missing. */
enum pl_netdev_gap {
	PL_ND_GAP_NONE = 0,          /* every rate is known */
	PL_ND_GAP_NEW,               /* no earlier reading: it appeared since */
	PL_ND_GAP_RESET,             /* a counter went back: the driver reset them all */
	PL_ND_GAP_NO_TIME,           /* the two readings are of one moment */
};

struct pl_netdev_rates {
	double rate[PL_ND_NFIELDS];  /* per second, NAN when not known this run */
	double util[2];              /* rx, tx: percent of the speed (at most 100), or NAN */
	enum pl_netdev_gap gap;
};

/* The rates of one interface from its reading now and then (NULL: none), dt seconds
 * apart, and utilization against speed (bits/s; NAN or <= 0: unknown). A counter that
 * went back means the driver reset them all: another that merely looks like a 32-bit
 * wrap would report a burst of traffic that never happened, so no rate at all then. */
void pl_netdev_rates(const struct pl_netdev_if *now, const struct pl_netdev_if *then, double dt,
		     double speed, struct pl_netdev_rates *out);

/* What an admin expects of a link that is up. */
struct pl_netdev_expect {
	double speed;                /* bits/s; 0: not checked */
	enum pl_duplex duplex;       /* PL_DUPLEX_UNKNOWN: not checked */
};

/* The verdict on one link. state is -1 when there is nothing to alert about, else a
 * state (enum pl_state of pl_result) for the finding in text; note is a plain line
 * (what was not checked, why a down link does not alert) or "". Texts do not name the
 * interface: the caller's item does. */
struct pl_netdev_verdict {
	int state;
	char text[160];
	char note[200];
};

/* Judges a link: named (an include rule named it) links must be up, else down_state
 * (a link sysfs does not know: UNKNOWN, unless down_state is OK); a default one is a
 * WARNING when up without a carrier and only noted when administratively down; an up
 * link slower than expected or half duplex where full is expected is a WARNING. */
void pl_netdev_judge(const struct pl_netdev_link *l, bool named, int down_state,
		     const struct pl_netdev_expect *e, struct pl_netdev_verdict *v);

#endif
