#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_counter.h"
#include "pl_diskstats.h"
#include "pl_num.h"
#include "pl_text.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copies the word at *p (up to a blank or eol) into out; advances *p. Returns its length,
 * or -1 when it does not fit (out is then cut). */
static int
take_word(const char **p, const char *eol, char *out, size_t outlen)
{
	const char *s = *p;
	size_t n;

	while (*p < eol && !is_blank(**p))
		(*p)++;
	n = (size_t)(*p - s);
	if (n >= outlen) {
		memcpy(out, s, outlen - 1);
		out[outlen - 1] = '\0';
		return -1;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return (int)n;
}

bool
pl_diskstats_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= PL_DISKSTATS_NAME_MAX || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= ' ' || (unsigned char)name[i] >= 0x7f)
			return false;
	return true;
}

char *
pl_diskstats_sysfs_name(const char *name, char *out, size_t len)
{
	pl_strlcpy(out, name, len);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '!';
	return out;
}

static const char *
entry_name(const void *ctx, size_t i)
{
	return ((const struct pl_diskstats *)ctx)->v[i].name;
}

/* Indexes the names of ds, the first of each. Returns 0 or -1 (out of memory). */
static int
index_names(struct pl_diskstats *ds)
{
	for (size_t i = 0; i < ds->n; i++)
		if (pl_names_add(&ds->names, i, entry_name, ds) < 0)
			return -1;
	return 0;
}

static int
add_entry(struct pl_diskstats *out, size_t *cap, const struct pl_diskstats_entry *e)
{
	if (out->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct pl_diskstats_entry *nv = realloc(out->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -1;
		out->v = nv;
		*cap = nc;
	}
	out->v[out->n++] = *e;
	return 0;
}


/* The name at *p (up to a blank or eol) into e->name, cut to fit; advances *p. Returns 0,
 * or -1 when there is none. A name no kernel gives sets *bad_name to why. */
static int
take_name(const char **p, const char *eol, struct pl_diskstats_entry *e,
	  const char **bad_name)
{
	const char *s = *p, *nul;
	int n = take_word(p, eol, e->name, sizeof(e->name));

	if (n == 0)
		return -1;
	nul = memchr(s, '\0', (size_t)(*p - s));
	if (nul != NULL)
		*bad_name = "is a device name with a NUL byte";
	else if (n < 0)
		*bad_name = "is an overlong device name";
	else if (!pl_diskstats_name_ok(e->name))
		*bad_name = "is not a device name the kernel gives";
	return 0;
}

/* One device line [p, eol). A name no kernel gives sets *bad_name to why (the line is
 * still checked, so that a broken file is told from one odd name). */
static int
parse_line(const char *p, const char *eol, size_t lineno, struct pl_diskstats_entry *e,
	   const char **bad_name, char *err, size_t errlen)
{
	uint64_t v;
	int nf = 0;
	const char *shown;

	*bad_name = NULL;
	memset(e, 0, sizeof(*e));
	pl_skip_blanks(&p, eol);
	if (pl_scan_field_u64(&p, eol, &v) != 0 || v > UINT32_MAX) {
		pl_snprintf(err, errlen, _("line %zu: no major device number"), lineno);
		return -1;
	}
	e->major = (unsigned)v;
	pl_skip_blanks(&p, eol);
	if (pl_scan_field_u64(&p, eol, &v) != 0 || v > UINT32_MAX) {
		pl_snprintf(err, errlen, _("line %zu: no minor device number"), lineno);
		return -1;
	}
	e->minor = (unsigned)v;
	pl_skip_blanks(&p, eol);
	if (take_name(&p, eol, e, bad_name) != 0) {
		pl_snprintf(err, errlen, _("line %zu: no device name"), lineno);
		return -1;
	}
	/* The messages below go out as they are: never an odd name's raw bytes. */
	shown = *bad_name != NULL ? "a device with an odd name" : e->name;
	for (;;) {
		pl_skip_blanks(&p, eol);
		if (p == eol)
			break;
		if (pl_scan_field_u64(&p, eol, &v) != 0) {
			pl_snprintf(err, errlen, _("line %zu (%s): field %d is not a number"), lineno,
				    shown, nf + 1);
			return -1;
		}
		if (nf < PL_DS_NFIELDS)
			e->f[nf] = v;
		if (nf < 1000)
			nf++;
	}
	if (nf == 4) {
		/* The 2.6-era partition line: reads, sectors read, writes, sectors written. */
		uint64_t r = e->f[0], rs = e->f[1], w = e->f[2], ws = e->f[3];

		memset(e->f, 0, sizeof(e->f));
		e->f[PL_DS_RD_IOS] = r;
		e->f[PL_DS_RD_SECTORS] = rs;
		e->f[PL_DS_WR_IOS] = w;
		e->f[PL_DS_WR_SECTORS] = ws;
	} else if (nf < 11) {
		pl_snprintf(err, errlen, _("line %zu (%s): %d stat fields, expected 11, 15 or 17 (or 4 for an old partition line)"),
			    lineno, shown, nf);
		return -1;
	}
	e->nfields = nf;
	return 0;
}

int
pl_diskstats_parse(const char *buf, size_t len, struct pl_diskstats *out, char *err,
		   size_t errlen)
{
	struct pl_lines it;
	const char *p, *eol;
	size_t cap = 0;
	bool cut;

	memset(out, 0, sizeof(*out));
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &p, &eol, &cut)) {
		struct pl_diskstats_entry e;
		const char *q = p, *bad_name;

		pl_skip_blanks(&q, eol);
		if (q == eol)
			continue;      /* a blank line carries nothing */
		if (parse_line(p, eol, it.lineno, &e, &bad_name, err, errlen) != 0)
			return -1;
		if (cut) {
			pl_snprintf(err, errlen, _("line %zu (%s): cut short (no newline at the end of the file)"),
				    it.lineno, bad_name ? "a device with an odd name" : e.name);
			return -1;
		}
		if (out->n + out->nbad >= PL_DISKSTATS_MAX) {
			pl_snprintf(err, errlen, _("more than %d devices"), PL_DISKSTATS_MAX);
			return -1;
		}
		if (bad_name != NULL ?
		    pl_bad_line_add(&out->bad, &out->nbad, it.lineno, e.name, bad_name) != 0 :
		    add_entry(out, &cap, &e) != 0) {
			pl_snprintf(err, errlen, _("out of memory"));
			return -1;
		}
	}
	if (out->n == 0 && out->nbad == 0) {
		pl_snprintf(err, errlen, "%s", len == 0 ? "the file is empty" : "no device lines");
		return -1;
	}
	if (index_names(out) != 0) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	return 0;
}

void
pl_diskstats_free(struct pl_diskstats *ds)
{
	free(ds->v);
	free(ds->bad);
	pl_names_free(&ds->names);
	memset(ds, 0, sizeof(*ds));
}

const struct pl_diskstats_entry *
pl_diskstats_find(const struct pl_diskstats *ds, const char *name)
{
	size_t at;

	if (ds->names.nslot != 0)
		return pl_names_find(&ds->names, name, entry_name, ds, &at) ? &ds->v[at] : NULL;
	for (size_t i = 0; i < ds->n; i++)
		if (strcmp(ds->v[i].name, name) == 0)
			return &ds->v[i];
	return NULL;
}

bool
pl_diskstats_partition_name(const struct pl_diskstats *ds, const char *name)
{
	char base[PL_DISKSTATS_NAME_MAX];
	size_t n = strlen(name), k = n;

	if (strncmp(name, "md", 2) == 0 || strncmp(name, "dm-", 3) == 0 ||
	    strncmp(name, "loop", 4) == 0 || n >= sizeof(base))
		return false;
	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	if (k == n || k == 0)
		return false;
	memcpy(base, name, k);
	base[k] = '\0';
	/* sda1: the disk's name ends in a letter. */
	if (base[k - 1] != 'p' || k < 2 || base[k - 2] < '0' || base[k - 2] > '9')
		return pl_diskstats_find(ds, base) != NULL;
	/* nvme0n1p2: "p" after a disk name that ends in a digit. */
	base[k - 1] = '\0';
	return pl_diskstats_find(ds, base) != NULL;
}

static double
per_request(double ticks, double ios)
{
	if (isnan(ticks) || isnan(ios))
		return NAN;
	return ios > 0 ? ticks / ios / 1000.0 : 0;
}

bool
pl_diskstats_timed(const struct pl_diskstats_entry *e)
{
	const uint64_t *f = e->f;

	return e->nfields >= 11 && (f[PL_DS_RD_TICKS] + f[PL_DS_WR_TICKS] + f[PL_DS_IO_TICKS] +
				    f[PL_DS_TIME_IN_QUEUE] > 0 ||
				    f[PL_DS_RD_IOS] + f[PL_DS_WR_IOS] == 0);
}

const char *
pl_diskstats_gap_text(enum pl_ds_gap gap)
{
	switch (gap) {
	case PL_DS_GAP_NEW: return _("appeared since the last run");
	case PL_DS_GAP_OTHER: return _("is another device than at the last run (its major:minor changed)");
	case PL_DS_GAP_NO_TIME: return _("was read twice at the same moment");
	case PL_DS_GAP_BACK: return _("has counters that went backwards (device reset or replaced)");
	case PL_DS_GAP_NONE: break;
	}
	return NULL;
}

/* The timed figures: utilisation, queue and waits. */
static void
timed_rates(const double *d, double dt, struct pl_diskstats_rates *r)
{
	r->util = 100.0 * d[PL_DS_IO_TICKS] / (dt * 1000.0);
	if (r->util > 100)
		r->util = 100;     /* the kernel's and our clocks are read at different moments */
	r->queue = d[PL_DS_TIME_IN_QUEUE] / (dt * 1000.0);
	r->rawait = per_request(d[PL_DS_RD_TICKS], d[PL_DS_RD_IOS]);
	r->wawait = per_request(d[PL_DS_WR_TICKS], d[PL_DS_WR_IOS]);
	r->await = per_request(d[PL_DS_RD_TICKS] + d[PL_DS_WR_TICKS],
			       d[PL_DS_RD_IOS] + d[PL_DS_WR_IOS]);
}

void
pl_diskstats_rates(const struct pl_diskstats_entry *now, const struct pl_diskstats_entry *then,
		   double dt, struct pl_diskstats_rates *r)
{
	const uint64_t *f = now->f;
	double d[PL_DS_NFIELDS];

	r->inflight = now->nfields >= 11 ? (double)f[PL_DS_IN_FLIGHT] : NAN;
	r->rbytes = r->wbytes = r->riops = r->wiops = r->util = r->rawait = r->wawait = NAN;
	r->queue = r->await = r->rmerge = r->wmerge = r->dbytes = r->flushes = NAN;
	r->untimed = now->nfields >= 11 && !pl_diskstats_timed(now);
	r->gap = then == NULL ? PL_DS_GAP_NEW :
		 then->major != now->major || then->minor != now->minor ? PL_DS_GAP_OTHER :
		 !(dt > 0) ? PL_DS_GAP_NO_TIME : PL_DS_GAP_NONE;
	if (r->gap != PL_DS_GAP_NONE)
		return;
	for (int k = 0; k < PL_DS_NFIELDS; k++)
		d[k] = pl_counter_delta(f[k], then->f[k]);
	for (int k = 0; k <= PL_DS_TIME_IN_QUEUE; k++)
		if (k != PL_DS_IN_FLIGHT && isnan(d[k])) {
			r->gap = PL_DS_GAP_BACK;
			return;
		}
	r->rbytes = d[PL_DS_RD_SECTORS] * PL_DISKSTATS_SECTOR / dt;
	r->wbytes = d[PL_DS_WR_SECTORS] * PL_DISKSTATS_SECTOR / dt;
	r->riops = d[PL_DS_RD_IOS] / dt;
	r->wiops = d[PL_DS_WR_IOS] / dt;
	if (now->nfields < 11 || then->nfields < 11)
		return;   /* the short partition line counts nothing else */
	r->rmerge = d[PL_DS_RD_MERGES] / dt;
	r->wmerge = d[PL_DS_WR_MERGES] / dt;
	if (now->nfields >= 15 && then->nfields >= 15)
		r->dbytes = d[PL_DS_DC_SECTORS] * PL_DISKSTATS_SECTOR / dt;
	if (now->nfields >= 17 && then->nfields >= 17)
		r->flushes = d[PL_DS_FL_IOS] / dt;
	if (!r->untimed)
		timed_rates(d, dt, r);
}

const struct pl_diskstats_entry *
pl_diskstats_find_dev(const struct pl_diskstats *ds, unsigned major, unsigned minor)
{
	for (size_t i = 0; i < ds->n; i++)
		if (ds->v[i].major == major && ds->v[i].minor == minor)
			return &ds->v[i];
	return NULL;
}

static bool
is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* A word of mountinfo [s, s + n) with the kernel's \ooo escapes undone; malloc'd. */
static char *
unescape(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && is_octal(s[i + 1]) && s[i + 1] <= '3' &&
		    is_octal(s[i + 2]) && is_octal(s[i + 3])) {
			int c = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');

			/* A NUL would end the string early: keep such an escape as written. */
			if (c != 0) {
				*o++ = (char)c;
				i += 3;
				continue;
			}
		}
		*o++ = s[i];
	}
	*o = '\0';
	return out;
}

/* The next blank-separated word of [*p, eol): its start and length. Returns -1 at eol. */
static int
next_word(const char **p, const char *eol, const char **w, size_t *n)
{
	pl_skip_blanks(p, eol);
	if (*p == eol)
		return -1;
	*w = *p;
	while (*p < eol && !is_blank(**p))
		(*p)++;
	*n = (size_t)(*p - *w);
	return 0;
}

static int
parse_mount(const char *p, const char *eol, size_t lineno, struct pl_mount *m, char *err,
	    size_t errlen)
{
	const char *w, *q;
	size_t n;
	uint64_t v;
	bool sep = false;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 2; i++) {
		if (next_word(&p, eol, &w, &n) != 0) {
			pl_snprintf(err, errlen, _("line %zu: no mount id"), lineno);
			return -1;
		}
		q = w;
		if (pl_scan_field_u64(&q, w + n, &v) != 0 || q != w + n) {
			pl_snprintf(err, errlen, _("line %zu: no mount id"), lineno);
			return -1;
		}
		*(i == 0 ? &m->id : &m->parent) = v;
	}
	if (next_word(&p, eol, &w, &n) != 0) {
		pl_snprintf(err, errlen, _("line %zu: no major:minor"), lineno);
		return -1;
	}
	q = w;
	if (pl_scan_u64(&q, w + n, &v) != 0 || v > UINT32_MAX || q == w + n || *q != ':') {
		pl_snprintf(err, errlen, _("line %zu: no major:minor"), lineno);
		return -1;
	}
	m->major = (unsigned)v;
	q++;
	if (pl_scan_u64(&q, w + n, &v) != 0 || v > UINT32_MAX || q != w + n) {
		pl_snprintf(err, errlen, _("line %zu: no major:minor"), lineno);
		return -1;
	}
	m->minor = (unsigned)v;
	if (next_word(&p, eol, &w, &n) != 0) {   /* the root within the file system */
		pl_snprintf(err, errlen, _("line %zu: no root"), lineno);
		return -1;
	}
	if (next_word(&p, eol, &w, &n) != 0) {
		pl_snprintf(err, errlen, _("line %zu: no mount point"), lineno);
		return -1;
	}
	if ((m->point = unescape(w, n)) == NULL)
		goto oom;
	if (next_word(&p, eol, &w, &n) != 0) {   /* the mount options */
		pl_snprintf(err, errlen, _("line %zu: no mount options"), lineno);
		return -1;
	}
	while (next_word(&p, eol, &w, &n) == 0) {   /* optional fields, up to "-" */
		if (n == 1 && w[0] == '-') {
			sep = true;
			break;
		}
	}
	if (!sep || next_word(&p, eol, &w, &n) != 0) {
		pl_snprintf(err, errlen, _("line %zu: no file system type after ' - '"), lineno);
		return -1;
	}
	if ((m->fstype = unescape(w, n)) == NULL)
		goto oom;
	if (next_word(&p, eol, &w, &n) != 0) {
		w = "";
		n = 0;
	}
	if ((m->source = unescape(w, n)) == NULL)
		goto oom;
	return 0;
oom:
	pl_snprintf(err, errlen, _("out of memory"));
	return -1;
}

static void
mount_free(struct pl_mount *m)
{
	free(m->point);
	free(m->fstype);
	free(m->source);
}

int
pl_mountinfo_parse(const char *buf, size_t len, struct pl_mountinfo *out, char *err,
		   size_t errlen)
{
	struct pl_lines it;
	const char *p, *eol;
	size_t cap = 0;
	bool cut;

	out->v = NULL;
	out->n = 0;
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &p, &eol, &cut)) {
		struct pl_mount m;
		const char *q = p;

		pl_skip_blanks(&q, eol);
		if (q == eol)
			continue;
		if (parse_mount(p, eol, it.lineno, &m, err, errlen) != 0) {
			mount_free(&m);
			return -1;
		}
		if (cut) {
			/* A path cut short would name another mount point. */
			mount_free(&m);
			pl_snprintf(err, errlen, _("line %zu: cut short (no newline at the end of the file)"),
				    it.lineno);
			return -1;
		}
		if (out->n >= PL_MOUNTINFO_MAX) {
			mount_free(&m);
			pl_snprintf(err, errlen, _("more than %d mounts"), PL_MOUNTINFO_MAX);
			return -1;
		}
		if (out->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			struct pl_mount *nv = realloc(out->v, nc * sizeof(*nv));

			if (nv == NULL) {
				mount_free(&m);
				pl_snprintf(err, errlen, _("out of memory"));
				return -1;
			}
			out->v = nv;
			cap = nc;
		}
		out->v[out->n++] = m;
	}
	return 0;
}

void
pl_mountinfo_free(struct pl_mountinfo *mi)
{
	for (size_t i = 0; i < mi->n; i++)
		mount_free(&mi->v[i]);
	free(mi->v);
	mi->v = NULL;
	mi->n = 0;
}

/* The length of path without trailing slashes, but at least 1 ("/" stays "/"). */
static size_t
trimmed_len(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n;
}

const struct pl_mount *
pl_mountinfo_find(const struct pl_mountinfo *mi, const char *path)
{
	size_t n = trimmed_len(path);

	for (size_t i = mi->n; i-- > 0;)
		if (strlen(mi->v[i].point) == n && memcmp(mi->v[i].point, path, n) == 0)
			return &mi->v[i];
	return NULL;
}

/* path with '//' and '.' dropped and '..' taken back, into out ("/" at least). Returns 0,
 * or -1 when it does not fit. */
static int
clean_path(const char *path, char *out, size_t len)
{
	size_t n = 0;

	if (len < 2)
		return -1;
	for (const char *p = path; *p;) {
		const char *s;
		size_t k;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		k = (size_t)(p - s);
		if (k == 0 || (k == 1 && s[0] == '.'))
			continue;
		if (k == 2 && s[0] == '.' && s[1] == '.') {
			while (n > 0 && out[--n] != '/')
				;
			continue;
		}
		if (n + 1 + k >= len)
			return -1;
		out[n] = '/';
		memcpy(out + n + 1, s, k);
		n += 1 + k;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

/* The length of the mount point pt when it is path or a directory above it, by whole
 * components ("/" is 0: it is above everything); -1 when it is not. */
static long
point_prefix(const char *pt, const char *path, size_t n)
{
	size_t k = trimmed_len(pt);

	if (strcmp(pt, "/") == 0)
		return 0;
	if (k > n || memcmp(pt, path, k) != 0 || (k < n && path[k] != '/'))
		return -1;
	return (long)k;
}

static const struct pl_mount *
longest_prefix(const struct pl_mountinfo *mi, const char *path)
{
	const struct pl_mount *best = NULL;
	long best_len = -1, k;
	size_t n = strlen(path);

	for (size_t i = 0; i < mi->n; i++)
		if ((k = point_prefix(mi->v[i].point, path, n)) >= 0 && k >= best_len) {
			best = &mi->v[i];
			best_len = k;
		}
	return best;
}

const struct pl_mount *
pl_mountinfo_holding(const struct pl_mountinfo *mi, const char *path)
{
	const struct pl_mount *cur = NULL;
	char clean[4096];
	size_t n;

	if (path[0] != '/' || clean_path(path, clean, sizeof(clean)) != 0)
		return NULL;
	n = strlen(clean);
	/* The bottom of the stack on "/": a mount on "/" that sits on no other one. */
	for (size_t i = 0; i < mi->n && cur == NULL; i++) {
		bool on_root = false;

		if (strcmp(mi->v[i].point, "/") != 0)
			continue;
		for (size_t k = 0; k < mi->n && !on_root; k++)
			on_root = k != i && mi->v[k].id == mi->v[i].parent &&
				  strcmp(mi->v[k].point, "/") == 0;
		if (!on_root)
			cur = &mi->v[i];
	}
	if (cur == NULL)
		return longest_prefix(mi, clean);
	/* Down the tree: each step crosses into the child mount a lookup of path meets
	 * first. Every step goes to another mount, so n steps are the most there can be. */
	for (size_t step = 0; step < mi->n; step++) {
		const struct pl_mount *next = NULL;
		long here = point_prefix(cur->point, clean, n), best = -1, k;

		for (size_t i = 0; i < mi->n; i++) {
			const struct pl_mount *m = &mi->v[i];

			if (m == cur || m->parent != cur->id ||
			    (k = point_prefix(m->point, clean, n)) < here)
				continue;
			if (next == NULL || k <= best) {
				next = m;
				best = k;
			}
		}
		if (next == NULL)
			break;
		cur = next;
	}
	return cur;
}
