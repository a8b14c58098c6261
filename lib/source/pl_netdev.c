#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_counter.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_netdev.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_text.h"
#include "pl_timeout.h"
#include "pl_unit.h"

void
pl_netdev_free(struct pl_netdev *nd)
{
	free(nd->v);
	free(nd->bad);
	pl_names_free(&nd->names);
	memset(nd, 0, sizeof(*nd));
}

static const char *
if_name(const void *ctx, size_t i)
{
	return ((const struct pl_netdev *)ctx)->v[i].name;
}

/* Puts v[i] into the index, which then covers v up to it. Returns 0 or -1. */
static int
index_put(struct pl_netdev *nd, size_t i)
{
	if (pl_names_add(&nd->names, i, if_name, nd) < 0)
		return -1;
	nd->indexed = i + 1;
	return 0;
}

int
pl_netdev_index(struct pl_netdev *nd)
{
	pl_names_free(&nd->names);
	nd->indexed = 0;
	for (size_t i = 0; i < nd->n; i++)
		if (index_put(nd, i) != 0)
			return -1;
	return 0;
}

const struct pl_netdev_if *
pl_netdev_find(const struct pl_netdev *nd, const char *name)
{
	size_t at;

	if (nd->names.nslot != 0 && nd->indexed == nd->n)
		return pl_names_find(&nd->names, name, if_name, nd, &at) ? &nd->v[at] : NULL;
	for (size_t i = 0; i < nd->n; i++)
		if (strcmp(nd->v[i].name, name) == 0)
			return &nd->v[i];
	return NULL;
}

bool
pl_netdev_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= PL_NETDEV_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (strchr(" \t\n\v\f\r/", *p) != NULL)
			return false;
	return true;
}

static bool
starts_with(const char *p, const char *eol, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(eol - p) >= n && memcmp(p, prefix, n) == 0;
}

/* One interface line [p, eol) into *ifc. Returns 0, or -1 with why in err. A name no
 * kernel gives sets *bad_name to why (the line is still checked, so that a broken file
 * is told from one odd name). */
static int
parse_line(const char *p, const char *eol, size_t lineno, struct pl_netdev_if *ifc,
	   const char **bad_name, char *err, size_t errlen)
{
	const char *colon = NULL, *s, *nul;
	char shown[PL_NETDEV_NAME_MAX * 4];
	size_t n;

	*bad_name = NULL;
	for (const char *q = p; q < eol; q++)
		if (*q == ':')
			colon = q;
	if (colon == NULL) {
		pl_snprintf(err, errlen, _("line %zu: no ':' after an interface name"), lineno);
		return -1;
	}
	s = p;
	pl_skip_blanks(&s, colon);
	n = (size_t)(colon - s);
	nul = memchr(s, '\0', n);
	if (n == 0)
		*bad_name = _("is an empty interface name");
	else if (nul != NULL)
		*bad_name = _("is an interface name with a NUL byte");
	else if (n >= sizeof(ifc->name))
		*bad_name = _("is an overlong interface name");
	if (nul != NULL)
		n = (size_t)(nul - s);
	if (n >= sizeof(ifc->name))
		n = sizeof(ifc->name) - 1;
	memcpy(ifc->name, s, n);
	ifc->name[n] = '\0';
	if (*bad_name == NULL && !pl_netdev_name_ok(ifc->name))
		*bad_name = _("is not an interface name the kernel gives");
	/* The messages below end in pl_die: the name as texts show names, never raw bytes. */
	pl_name_str(shown, sizeof(shown), ifc->name);
	s = colon + 1;
	for (int i = 0; i < PL_ND_NFIELDS; i++) {
		pl_skip_blanks(&s, eol);
		if (s == eol) {
			pl_snprintf(err, errlen, _("line %zu (%s): %d of %d counters (truncated?)"),
				    lineno, shown, i, PL_ND_NFIELDS);
			return -1;
		}
		if (pl_scan_field_u64(&s, eol, &ifc->c[i]) != 0) {
			pl_snprintf(err, errlen, _("line %zu (%s): counter %d is not a number"), lineno,
				    shown, i + 1);
			return -1;
		}
	}
	/* Fields a later kernel may add must at least be numbers. */
	while (pl_skip_blanks(&s, eol), s < eol) {
		uint64_t extra;

		if (pl_scan_field_u64(&s, eol, &extra) != 0) {
			pl_snprintf(err, errlen, _("line %zu (%s): garbage after the counters"), lineno,
				    shown);
			return -1;
		}
	}
	return 0;
}


int
pl_netdev_parse(const char *buf, size_t len, struct pl_netdev *out, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *p, *eol;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0) {
		pl_snprintf(err, errlen, _("/proc/net/dev is empty"));
		return -1;
	}
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &p, &eol, NULL)) {
		const char *s = p, *bad_name;

		if (it.lineno == 1 || it.lineno == 2) {
			if (!starts_with(p, eol, it.lineno == 1 ? "Inter-|" : " face |")) {
				pl_snprintf(err, errlen,
					    _("/proc/net/dev: line %zu is not the expected header"),
					    it.lineno);
				return -1;
			}
			continue;
		}
		pl_skip_blanks(&s, eol);
		if (s < eol) {
			struct pl_netdev_if ifc;

			memset(&ifc, 0, sizeof(ifc));
			if (parse_line(p, eol, it.lineno, &ifc, &bad_name, err, errlen) != 0)
				return -1;
			if (bad_name == NULL && pl_netdev_find(out, ifc.name) != NULL)
				bad_name = _("is listed twice");
			if (out->n + out->nbad >= PL_NETDEV_MAX) {
				pl_snprintf(err, errlen, _("more than %d interfaces"), PL_NETDEV_MAX);
				return -1;
			}
			if (bad_name != NULL) {
				if (pl_bad_line_add(&out->bad, &out->nbad, it.lineno, ifc.name,
						    bad_name) != 0) {
					pl_snprintf(err, errlen, _("out of memory"));
					return -1;
				}
				continue;
			}
			if (out->n >= PL_NETDEV_MAX) {
				pl_snprintf(err, errlen, _("more than %d interfaces"), PL_NETDEV_MAX);
				return -1;
			}
			if (out->n == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct pl_netdev_if *v = realloc(out->v, ncap * sizeof(*v));

				if (v == NULL) {
					pl_snprintf(err, errlen, _("out of memory"));
					return -1;
				}
				out->v = v;
				cap = ncap;
			}
			out->v[out->n++] = ifc;
			if (index_put(out, out->n - 1) != 0) {
				pl_snprintf(err, errlen, _("out of memory"));
				return -1;
			}
		}
	}
	if (it.lineno < 2) {
		pl_snprintf(err, errlen, _("/proc/net/dev: the header is cut short"));
		return -1;
	}
	if (out->n == 0 && out->nbad == 0) {
		pl_snprintf(err, errlen, _("/proc/net/dev lists no interface (not even lo)"));
		return -1;
	}
	return 0;
}

int64_t
pl_netdev_parse_speed(const char *s)
{
	int64_t v;

	/* Old kernels print SPEED_UNKNOWN as an unsigned 65535 or 4294967295; -1 today. */
	if (pl_parse_i64(s, INT64_MIN, INT64_MAX, &v) != 0 || v <= 0 || v == 65535 ||
	    v > 100000000)
		return -1;
	return v;
}

enum pl_duplex
pl_netdev_parse_duplex(const char *s)
{
	if (strcmp(s, "full") == 0)
		return PL_DUPLEX_FULL;
	if (strcmp(s, "half") == 0)
		return PL_DUPLEX_HALF;
	return PL_DUPLEX_UNKNOWN;
}

int
pl_netdev_parse_flags_up(const char *s)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (s += 2; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (n >= 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (n == 0)
		return -1;
	return (v & 1u) ? 1 : 0;      /* IFF_UP */
}

/* Whether <root>/sys/class/net/<name> exists (a directory or a link). */
static bool
sys_exists(const char *root, const char *name)
{
	char rel[256], full[4096];
	struct stat st;

	if (pl_snprintf(rel, sizeof(rel), "/sys/class/net/%s", name) >= (int)sizeof(rel) ||
	    pl_path(root, rel, full, sizeof(full)) != 0)
		return false;
	return lstat(full, &st) == 0;
}

/* An interface's directory. Each attribute is read as "NAME/attr" relative to
 * <root>/sys/class/net, kept open (one openat per attribute, with no open and close of
 * the interface's directory around them: 10 system calls instead of 12 per interface
 * on a 1,000-NIC host); when that directory cannot be opened, the interface's own is
 * opened by its full path and read relative to it. A timeout names the attribute
 * waited on ("reading /sys/class/net/eth0/speed"): of two texts, the one being written
 * is never the one published. */
struct if_dir {
	int fd;              /* the interface's own directory, or -1 */
	int base;            /* <root>/sys/class/net (not ours to close), or -1 */
	bool gone;           /* known not to exist: nothing to read */
	const char *name;
	const char *was;     /* the waiting text to put back */
	char text[2][96];    /* "reading /sys/class/net/NAME/" and the attribute */
	size_t plen;
	int cur;
};

/* <root>/sys/class/net, opened once per root and kept open (close-on-exec) for the
 * interfaces after it: each attribute is then one lookup relative to it, not a walk of
 * the whole path (most of the kernel's time on a tree of 5,000). -1 when it cannot be
 * opened (each interface's directory is opened by its full path then). */
static int
class_dir(const char *root)
{
	static char cached[4096];
	static int fd = -1;
	static bool have;
	const char *key = root != NULL ? root : "";

	if (have && strcmp(cached, key) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	fd = pl_dir_open(root, "/sys/class/net");
	have = pl_strlcpy(cached, key, sizeof(cached)) < sizeof(cached);
	return fd;
}

/* name is pl_netdev_name_ok (at most 31 bytes): the texts fit. */
static void
if_dir_open(const char *root, const char *name, struct if_dir *d)
{
	static const char verb[] = "reading ";
	int n = pl_snprintf(d->text[0], sizeof(d->text[0]), "%s/sys/class/net/%s", verb, name);

	d->cur = 0;
	d->plen = (size_t)n;
	d->name = name;
	d->gone = false;
	d->fd = -1;
	d->was = pl_timeout_waiting_on(_("opening"), d->text[0] + sizeof(verb) - 1);
	d->base = class_dir(root);
	if (d->base < 0) {
		d->fd = pl_dir_open(root, d->text[0] + sizeof(verb) - 1);
		d->gone = d->fd < 0;
	}
	memcpy(d->text[1], d->text[0], d->plen);
	d->text[0][d->plen] = d->text[1][d->plen] = '/';
	d->plen++;
}

static void
if_dir_close(struct if_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	pl_timeout_waiting(d->was);
}

/* Whether the interface's directory is there (a directory or a class link). */
static bool
if_dir_exists(struct if_dir *d)
{
	struct stat st;

	if (d->gone)
		return false;
	if (d->fd >= 0)
		return true;
	d->gone = fstatat(d->base, d->name, &st, 0) != 0 || !S_ISDIR(st.st_mode);
	return !d->gone;
}

/* Whether the entry what exists in the interface's directory (a file, directory or
 * link, not followed). */
static bool
dir_has(const struct if_dir *d, const char *what)
{
	char rel[PL_NETDEV_NAME_MAX + 16];
	struct stat st;

	if (d->gone)
		return false;
	if (d->fd >= 0)
		return fstatat(d->fd, what, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (pl_snprintf(rel, sizeof(rel), "%s/%s", d->name, what) >= (int)sizeof(rel))
		return false;
	return fstatat(d->base, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Reads one attribute; "" when the kernel refuses it (EINVAL) or it is missing. Returns
 * whether it was read. */
static bool
sys_attr(struct if_dir *d, const char *attr, char *buf, size_t len)
{
	char *t;
	int rc;

	buf[0] = '\0';
	if (d->gone)
		return false;
	d->cur ^= 1;
	t = d->text[d->cur];
	pl_strlcpy(t + d->plen, attr, sizeof(d->text[0]) - d->plen);
	pl_timeout_waiting(t);
	rc = d->fd >= 0 ? pl_read_small_at(d->fd, attr, buf, len, false) :
		pl_read_small_in(d->base, d->name, attr, buf, len);
	if (rc < 0)
		buf[0] = '\0';
	return rc >= 0;
}

/* What pl_netdev_is_virtual needs (present, type, device, bridge, wireless): a few
 * lstat calls and one read. */
static void
link_kind_at(const char *root, const char *name, struct if_dir *d, struct pl_netdev_link *out)
{
	char v[64];
	int64_t n;
	bool read;

	/* Every interface sysfs lists has a type: reading it proves the directory, and
	 * only one whose directory cannot be reached costs the lstat that tells whether it
	 * is there at all (a dangling link is present, with nothing known). */
	read = sys_attr(d, "type", v, sizeof(v));
	if (pl_parse_i64(v, 0, 65535, &n) == 0)
		out->type = (int)n;
	if (!read && !if_dir_exists(d)) {
		out->present = sys_exists(root, name);
		return;
	}
	out->present = true;
	out->has_device = dir_has(d, "device");
	/* A bridge or a radio never has a device link of its own: with one, no need to
	 * look (pl_netdev_is_virtual asks only then). */
	if (!out->has_device) {
		out->is_bridge = dir_has(d, "bridge");
		out->is_wireless = dir_has(d, "wireless") || dir_has(d, "phy80211");
	}
}

static void
link_state_at(struct if_dir *d, struct pl_netdev_link *out)
{
	char v[64];

	if (!out->present)
		return;
	sys_attr(d, "operstate", out->operstate, sizeof(out->operstate));
	sys_attr(d, "carrier", v, sizeof(v));
	if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
		out->carrier = v[0] - '0';
	sys_attr(d, "flags", v, sizeof(v));
	if (v[0])
		out->admin_up = pl_netdev_parse_flags_up(v);
	sys_attr(d, "speed", v, sizeof(v));
	out->speed = pl_netdev_parse_speed(v);
	sys_attr(d, "duplex", v, sizeof(v));
	out->duplex = pl_netdev_parse_duplex(v);
}

static void
link_unknown(struct pl_netdev_link *out)
{
	memset(out, 0, sizeof(*out));
	out->carrier = -1;
	out->admin_up = -1;
	out->speed = -1;
	out->type = -1;
}

int
pl_netdev_link_read(const char *root, const char *name, struct pl_netdev_link *out)
{
	struct if_dir d;

	link_unknown(out);
	if (!pl_netdev_name_ok(name))
		return -1;
	if_dir_open(root, name, &d);
	link_kind_at(root, name, &d, out);
	link_state_at(&d, out);
	if_dir_close(&d);
	return 0;
}

/* The lean read of an interface that a device link already proves physical (a fixture
 * tree or sysfs, the same files): no type (it decides only for interfaces without a device
 * link), and no carrier or flags when operstate is "up", which the kernel sets only for
 * an interface that is administratively up and has a carrier (operstate follows a lost
 * carrier within a second, through linkwatch: the next run sees it). 12 system calls
 * instead of 21 on a 1,000-NIC host. */
static void
link_state_lean(struct if_dir *d, struct pl_netdev_link *out)
{
	char v[64];

	sys_attr(d, "operstate", out->operstate, sizeof(out->operstate));
	if (strcmp(out->operstate, "up") == 0) {
		out->carrier = 1;
		out->admin_up = 1;
	} else {
		sys_attr(d, "carrier", v, sizeof(v));
		if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)
			out->carrier = v[0] - '0';
		sys_attr(d, "flags", v, sizeof(v));
		if (v[0])
			out->admin_up = pl_netdev_parse_flags_up(v);
	}
	sys_attr(d, "speed", v, sizeof(v));
	out->speed = pl_netdev_parse_speed(v);
	sys_attr(d, "duplex", v, sizeof(v));
	out->duplex = pl_netdev_parse_duplex(v);
}

int
pl_netdev_link_read_physical(const char *root, const char *name, struct pl_netdev_link *out)
{
	struct if_dir d;

	link_unknown(out);
	if (!pl_netdev_name_ok(name))
		return -1;
	if_dir_open(root, name, &d);
	if (dir_has(&d, "device")) {
		out->present = out->has_device = true;
		link_state_lean(&d, out);
	} else {
		link_kind_at(root, name, &d, out);
		if (!pl_netdev_is_virtual(name, out))
			link_state_lean(&d, out);
	}
	if_dir_close(&d);
	return 0;
}

static bool
is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

enum pl_link
pl_netdev_link_state(const struct pl_netdev_link *l)
{
	static const char *const not_up[] = { "dormant", "lowerlayerdown", "notpresent",
					      "testing", NULL };
	int admin = l->admin_up;

	if (!l->present)
		return PL_LINK_UNKNOWN;
	if (admin < 0) {
		/* The kernel refuses to show the carrier of an interface that is set down,
		 * so a readable carrier means it is administratively up. */
		if (l->carrier >= 0)
			admin = 1;
		else if (strcmp(l->operstate, "down") == 0)
			admin = 0;
	}
	if (admin == 0)
		return PL_LINK_ADMIN_DOWN;
	/* The carrier changes at once; operstate follows it a moment later (linkwatch). */
	if (l->carrier == 0 || strcmp(l->operstate, "down") == 0)
		return PL_LINK_NO_CARRIER;
	if (strcmp(l->operstate, "up") == 0)
		return PL_LINK_UP;
	if (is_one_of(l->operstate, not_up))
		return PL_LINK_NOT_UP;
	/* "unknown": drivers without operstate support, lo, tun. */
	return PL_LINK_UP;
}

const char *
pl_netdev_link_text(const struct pl_netdev_link *l)
{
	switch (pl_netdev_link_state(l)) {
	case PL_LINK_UNKNOWN: return _("link state unknown (not in /sys/class/net)");
	case PL_LINK_UP: return _("up");
	case PL_LINK_NO_CARRIER: return _("down (no carrier)");
	case PL_LINK_ADMIN_DOWN: return _("administratively down");
	case PL_LINK_NOT_UP: return l->operstate;
	}
	return "?";
}

bool
pl_netdev_virtual_name(const char *name)
{
	static const char *const prefixes[] = { "veth", "docker", "br-", "virbr", NULL };

	if (strcmp(name, "lo") == 0)
		return true;
	for (const char *const *p = prefixes; *p; p++)
		if (strncmp(name, *p, strlen(*p)) == 0)
			return true;
	return false;
}

bool
pl_netdev_is_virtual(const char *name, const struct pl_netdev_link *l)
{
	if (pl_netdev_virtual_name(name) || !l->present)
		return true;
	/* ARPHRD_LOOPBACK and ARPHRD_NONE (tun). */
	if (l->type == 772 || l->type == 65534 || l->is_bridge)
		return true;
	return !l->has_device && !l->is_wireless;
}

void
pl_netdev_rates(const struct pl_netdev_if *now, const struct pl_netdev_if *then, double dt,
		double speed, struct pl_netdev_rates *out)
{
	out->gap = then == NULL ? PL_ND_GAP_NEW : !(dt > 0) ? PL_ND_GAP_NO_TIME : PL_ND_GAP_NONE;
	for (int k = 0; k < PL_ND_NFIELDS; k++) {
		out->rate[k] = out->gap == PL_ND_GAP_NONE ?
			       pl_counter_rate(now->c[k], then->c[k], dt) : NAN;
		if (out->gap == PL_ND_GAP_NONE && isnan(out->rate[k]))
			out->gap = PL_ND_GAP_RESET;
	}
	for (int k = 0; out->gap == PL_ND_GAP_RESET && k < PL_ND_NFIELDS; k++)
		out->rate[k] = NAN;
	for (int d = 0; d < 2; d++) {
		double bits = out->rate[d ? PL_ND_TX_BYTES : PL_ND_RX_BYTES] * 8;

		/* Above 100% only when a speed given by hand is too low. */
		out->util[d] = !(speed > 0) || isnan(bits) ? NAN : 100.0 * bits / speed;
		if (out->util[d] > 100)
			out->util[d] = 100;
	}
}

/* Whole words, not "%s duplex": a translation puts the word where its language does. */
static const char *
duplex_text(enum pl_duplex d)
{
	return d == PL_DUPLEX_FULL ? _("full duplex") :
	       d == PL_DUPLEX_HALF ? _("half duplex") : _("unknown duplex");
}

/* Notes what cannot be checked on an up link, and whether it falls short. */
static void
judge_up(const struct pl_netdev_link *l, const struct pl_netdev_expect *e,
	 struct pl_netdev_verdict *v)
{
	char h[32], ex[32], x[48] = "";
	bool slow, half;

	if (e->speed > 0 && l->speed < 0)
		pl_snprintf(v->note, sizeof(v->note),
			    _("the kernel does not know the negotiated speed; --expect-speed not checked"));
	if (e->duplex != PL_DUPLEX_UNKNOWN && l->duplex == PL_DUPLEX_UNKNOWN)
		pl_snprintf(v->note + strlen(v->note), sizeof(v->note) - strlen(v->note),
			    _("%sthe kernel does not know the duplex; --expect-duplex not checked"),
			    v->note[0] ? "; " : "");
	slow = e->speed > 0 && l->speed > 0 && (double)l->speed * 1e6 < e->speed;
	half = e->duplex == PL_DUPLEX_FULL && l->duplex == PL_DUPLEX_HALF;
	if (!slow && !half)
		return;
	if (l->speed > 0)
		pl_unit_human(h, sizeof(h), (double)l->speed * 1e6, PL_U_BITS_PER_S);
	else
		pl_strlcpy(h, _("unknown speed"), sizeof(h));
	if (e->speed > 0)
		pl_snprintf(x, sizeof(x), _("at least %s"),
			    pl_unit_human(ex, sizeof(ex), e->speed, PL_U_BITS_PER_S));
	v->state = PL_WARNING;
	pl_snprintf(v->text, sizeof(v->text), _("linked at %s %s, expected %s%s%s"), h,
		    duplex_text(l->duplex), x, x[0] && e->duplex != PL_DUPLEX_UNKNOWN ? " " : "",
		    e->duplex != PL_DUPLEX_UNKNOWN ? duplex_text(e->duplex) : "");
}

void
pl_netdev_judge(const struct pl_netdev_link *l, bool named, int down_state,
		const struct pl_netdev_expect *e, struct pl_netdev_verdict *v)
{
	enum pl_link st = pl_netdev_link_state(l);

	v->state = -1;
	v->text[0] = v->note[0] = '\0';
	if (st == PL_LINK_UNKNOWN) {
		/* A named interface must be judged: not knowing its link is no green light. */
		if (named) {
			v->state = down_state == PL_OK ? PL_OK : PL_UNKNOWN;
			pl_strlcpy(v->text, _("not in /sys/class/net: link state unknown"),
				   sizeof(v->text));
		} else {
			pl_strlcpy(v->note, _("not in /sys/class/net: link state, speed and duplex unknown"),
				   sizeof(v->note));
		}
		return;
	}
	if (st == PL_LINK_UP) {
		judge_up(l, e, v);
		return;
	}
	if (named || st != PL_LINK_ADMIN_DOWN) {
		v->state = named ? down_state : PL_WARNING;
		pl_strlcpy(v->text, pl_netdev_link_text(l), sizeof(v->text));
	} else {
		pl_strlcpy(v->note, _("administratively down (not alerting: name it with --include to alert)"),
			   sizeof(v->note));
	}
}
