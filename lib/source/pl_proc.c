#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_num.h"
#include "pl_proc.h"
#include "pl_text.h"

/* The kernel ends every line of these files with a newline; text that does not end in
 * one was cut short (a truncated copy, a short read), and its last number may be cut
 * too: "21233" read as "212". */
static int
check_end(const char *buf, size_t len, const char *file, char *err, size_t errlen)
{
	if (len > 0 && buf[len - 1] != '\n') {
		pl_snprintf(err, errlen, _("%s does not end in a newline: truncated?"), file);
		return -1;
	}
	return 0;
}

static bool
starts_with(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) >= n && memcmp(s, word, n) == 0;
}

/* Reads the ticks of one cpu line after its name. */
static int
parse_cpu_fields(const char *p, const char *e, struct pl_cpu_times *t)
{
	uint64_t *f[10] = { &t->user, &t->nice, &t->system, &t->idle, &t->iowait, &t->irq,
			    &t->softirq, &t->steal, &t->guest, &t->guest_nice };
	int n = 0;

	for (;;) {
		pl_skip_blanks(&p, e);
		if (p == e)
			break;
		if (n == 10)
			break;   /* fields a future kernel may add are ignored */
		if (pl_scan_field_u64(&p, e, f[n]) != 0)
			return -1;
		n++;
	}
	/* 2.4 kernels gave 4 fields; everything since 2.6 at least 7. */
	if (n < 4)
		return -1;
	t->nfields = n;
	return 0;
}

int
pl_procstat_parse(const char *buf, size_t len, struct pl_procstat *out, char *err,
		  size_t errlen)
{
	struct pl_lines it;
	const char *ls, *le;
	bool have_total = false;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (check_end(buf, len, "/proc/stat", err, errlen) != 0)
		return -1;
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		struct pl_cpu_times t;
		const char *q;

		if (!starts_with(ls, le, "cpu"))
			continue;
		memset(&t, 0, sizeof(t));
		q = ls + 3;
		if (q < le && (*q == ' ' || *q == '\t')) {
			t.id = -1;
		} else {
			uint64_t id;

			if (pl_scan_u64(&q, le, &id) != 0 || id > 1 << 20 || q == le ||
			    (*q != ' ' && *q != '\t')) {
				pl_snprintf(err, errlen, _("/proc/stat: line %zu: bad cpu name"),
					    it.lineno);
				goto fail;
			}
			t.id = (int)id;
		}
		if (parse_cpu_fields(q, le, &t) != 0) {
			pl_snprintf(err, errlen,
				    _("/proc/stat: line %zu: cpu line has missing or non-numeric fields"),
				    it.lineno);
			goto fail;
		}
		if (t.id < 0) {
			if (have_total) {
				pl_snprintf(err, errlen, _("/proc/stat: two aggregate cpu lines"));
				goto fail;
			}
			out->total = t;
			have_total = true;
			continue;
		}
		if (out->ncpu == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct pl_cpu_times *v;

			if (ncap > 65536) {
				pl_snprintf(err, errlen, _("/proc/stat: more than 65536 cpu lines"));
				goto fail;
			}
			v = realloc(out->cpu, ncap * sizeof(*v));
			if (v == NULL) {
				pl_snprintf(err, errlen, _("out of memory"));
				goto fail;
			}
			out->cpu = v;
			cap = ncap;
		}
		out->cpu[out->ncpu++] = t;
	}
	if (!have_total) {
		pl_snprintf(err, errlen, _("/proc/stat: no aggregate 'cpu' line (empty or truncated file?)"));
		goto fail;
	}
	/* The kernel prints a cpuN line for every online CPU, and one is always online (a
	 * uniprocessor kernel prints cpu0): an aggregate alone is a cut or edited file, and
	 * would be judged as a host with no CPUs. */
	if (out->ncpu == 0) {
		pl_snprintf(err, errlen, _("/proc/stat: an aggregate 'cpu' line but no per-CPU lines "
			    "(cpu0, cpu1...): the file looks truncated"));
		goto fail;
	}
	return 0;
fail:
	pl_procstat_free(out);
	return -1;
}

void
pl_procstat_free(struct pl_procstat *s)
{
	free(s->cpu);
	s->cpu = NULL;
	s->ncpu = 0;
}

uint64_t
pl_cpu_total(const struct pl_cpu_times *t)
{
	return t->user + t->nice + t->system + t->idle + t->iowait + t->irq + t->softirq +
	       t->steal;
}

struct mi_field {
	const char *name;
	unsigned bit;
	size_t off;
};

/* Lines every kernel since 2.6 prints; and the ones a kernel that has MemAvailable (3.14)
 * also has (SReclaimable since 2.6.19, Shmem since 2.6.32). A missing one means a cut or
 * edited file: taken as 0 it would give a false "swap 100% used" (no SwapFree) or a
 * wrong estimate, so the parse fails and names the first one missing in file order. */
#define MI_REQUIRED (PL_MI_MEMTOTAL | PL_MI_MEMFREE | PL_MI_BUFFERS | PL_MI_CACHED | \
		     PL_MI_SWAPTOTAL | PL_MI_SWAPFREE)
#define MI_WITH_AVAILABLE (PL_MI_SRECLAIMABLE | PL_MI_SHMEM)

static int
meminfo_complete(const struct pl_meminfo *m, const struct mi_field *f, size_t n, char *err,
		 size_t errlen)
{
	unsigned need = MI_REQUIRED;

	if (m->present & PL_MI_MEMAVAILABLE)
		need |= MI_WITH_AVAILABLE;
	if (m->present == 0) {
		pl_snprintf(err, errlen, _("/proc/meminfo: no MemTotal line (empty file?)"));
		return -1;
	}
	/* Fields are listed in the kernel's order, so the first missing is where it was cut. */
	for (size_t i = 0; i < n; i++) {
		if (!(need & f[i].bit) || (m->present & f[i].bit))
			continue;
		pl_snprintf(err, errlen, _("/proc/meminfo: no %s line: the file looks truncated "
			    "(%s prints it)"), f[i].name, (f[i].bit & MI_WITH_AVAILABLE) ?
			    "a kernel that has MemAvailable" : "every kernel since 2.6");
		return -1;
	}
	return 0;
}

uint64_t
pl_cpu_field(const struct pl_cpu_times *t, int i)
{
	const uint64_t f[PL_CPU_NFIELDS] = { t->user, t->nice, t->system, t->idle, t->iowait,
					     t->irq, t->softirq, t->steal, t->guest,
					     t->guest_nice };

	return i >= 0 && i < PL_CPU_NFIELDS ? f[i] : 0;
}

const char *
pl_cpu_field_name(int i)
{
	static const char *const names[PL_CPU_NFIELDS] = {
		"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest",
		"guest_nice",
	};

	return i >= 0 && i < PL_CPU_NFIELDS ? names[i] : "?";
}

const char *
pl_cpu_field_since(int i)
{
	static const char *const since[PL_CPU_NFIELDS] = {
		NULL, NULL, NULL, NULL, "2.6", "2.6", "2.6", "2.6.11", "2.6.24", "2.6.33",
	};

	return i >= 0 && i < PL_CPU_NFIELDS ? since[i] : NULL;
}

int
pl_cpu_delta(const struct pl_cpu_times *now, const struct pl_cpu_times *then,
	     double pct[PL_CPU_NFIELDS])
{
	uint64_t d[PL_CPU_NFIELDS], total = 0;

	if (now->idle + now->iowait < then->idle + then->iowait)
		return -1;
	for (int i = 0; i < PL_CPU_NFIELDS; i++) {
		uint64_t a = pl_cpu_field(now, i), b = pl_cpu_field(then, i);

		if (a < b && i != PL_CPU_IDLE && i != PL_CPU_IOWAIT)
			return -1;
		d[i] = a >= b ? a - b : 0;
		/* guest and guest_nice are already counted in user and nice */
		if (i < 8)
			total += d[i];
	}
	if (total == 0)
		return -1;
	for (int i = 0; i < PL_CPU_NFIELDS; i++) {
		pct[i] = 100.0 * (double)d[i] / (double)total;
		if (pct[i] > 100)
			pct[i] = 100;
		/* A field the kernel did not give (old kernels) is unknown, not 0. */
		if (i >= now->nfields || i >= then->nfields)
			pct[i] = NAN;
	}
	return 0;
}

double
pl_cpu_busy(const double pct[PL_CPU_NFIELDS])
{
	double b = 100.0 - pct[PL_CPU_IDLE] - (isnan(pct[PL_CPU_IOWAIT]) ? 0 : pct[PL_CPU_IOWAIT]);

	return b < 0 ? 0 : b;
}

int
pl_cpu_busy_between(const struct pl_procstat *now, const struct pl_procstat *then, size_t i,
		    double *busy)
{
	const struct pl_cpu_times *cn = &now->cpu[i];
	double pct[PL_CPU_NFIELDS];

	*busy = NAN;
	for (size_t k = 0; k < then->ncpu; k++) {
		if (then->cpu[k].id != cn->id)
			continue;
		if (pl_cpu_delta(cn, &then->cpu[k], pct) != 0)
			return -1;
		*busy = pl_cpu_busy(pct);
		return 0;
	}
	return 1;
}

int
pl_meminfo_parse(const char *buf, size_t len, struct pl_meminfo *out, char *err,
		 size_t errlen)
{
	static const struct mi_field fields[] = {
		{ "MemTotal", PL_MI_MEMTOTAL, offsetof(struct pl_meminfo, total) },
		{ "MemFree", PL_MI_MEMFREE, offsetof(struct pl_meminfo, free) },
		{ "MemAvailable", PL_MI_MEMAVAILABLE, offsetof(struct pl_meminfo, available) },
		{ "Buffers", PL_MI_BUFFERS, offsetof(struct pl_meminfo, buffers) },
		{ "Cached", PL_MI_CACHED, offsetof(struct pl_meminfo, cached) },
		{ "SwapCached", PL_MI_SWAPCACHED, offsetof(struct pl_meminfo, swap_cached) },
		{ "SwapTotal", PL_MI_SWAPTOTAL, offsetof(struct pl_meminfo, swap_total) },
		{ "SwapFree", PL_MI_SWAPFREE, offsetof(struct pl_meminfo, swap_free) },
		{ "Shmem", PL_MI_SHMEM, offsetof(struct pl_meminfo, shmem) },
		{ "SReclaimable", PL_MI_SRECLAIMABLE, offsetof(struct pl_meminfo, sreclaimable) },
	};
	struct pl_lines it;
	const char *ls, *le;

	memset(out, 0, sizeof(*out));
	if (check_end(buf, len, "/proc/meminfo", err, errlen) != 0)
		return -1;
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		const char *colon = memchr(ls, ':', (size_t)(le - ls)), *q;
		uint64_t kb;

		if (colon == NULL)
			continue;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t n = strlen(fields[i].name);

			if ((size_t)(colon - ls) != n || memcmp(ls, fields[i].name, n) != 0)
				continue;
			q = colon + 1;
			pl_skip_blanks(&q, le);
			if (pl_scan_u64(&q, le, &kb) != 0) {
				pl_snprintf(err, errlen,
					    _("/proc/meminfo: line %zu: %s has no number"), it.lineno,
					    fields[i].name);
				return -1;
			}
			pl_skip_blanks(&q, le);
			if (le - q != 2 || memcmp(q, "kB", 2) != 0) {
				pl_snprintf(err, errlen,
					    _("/proc/meminfo: line %zu: %s is not in kB"), it.lineno,
					    fields[i].name);
				return -1;
			}
			if (kb > UINT64_MAX / 1024) {
				pl_snprintf(err, errlen,
					    _("/proc/meminfo: line %zu: %s is absurdly large"),
					    it.lineno, fields[i].name);
				return -1;
			}
			*(uint64_t *)((char *)out + fields[i].off) = kb * 1024;
			out->present |= fields[i].bit;
		}
	}
	if (meminfo_complete(out, fields, sizeof(fields) / sizeof(fields[0]), err, errlen) != 0)
		return -1;
	if (out->total == 0 || out->free > out->total ||
	    ((out->present & PL_MI_MEMAVAILABLE) && out->available > out->total) ||
	    ((out->present & PL_MI_SWAPFREE) && out->swap_free > out->swap_total)) {
		pl_snprintf(err, errlen,
			    _("/proc/meminfo: inconsistent values (free or available memory larger than the total)"));
		return -1;
	}
	return 0;
}

void
pl_meminfo_usage(const struct pl_meminfo *mi, struct pl_mem_usage *u)
{
	memset(u, 0, sizeof(*u));
	u->total = (double)mi->total;
	u->free = (double)mi->free;
	u->buffers = (double)mi->buffers;
	u->cached = (double)mi->cached + (double)mi->sreclaimable;
	if (mi->present & PL_MI_MEMAVAILABLE) {
		u->available = (double)mi->available;
	} else {
		u->available = u->free + u->buffers + u->cached - (double)mi->shmem;
		if (u->available > u->total)
			u->available = u->total;
		if (u->available < u->free)
			u->available = u->free;
		u->estimated = true;
	}
	u->used = u->total - u->available;
	u->used_pct = 100.0 * u->used / u->total;
	u->swap_total = (double)mi->swap_total;
	u->swap_pct = NAN;
	if (mi->swap_total > 0) {
		u->swap_used = (double)(mi->swap_total - mi->swap_free);
		u->swap_pct = 100.0 * u->swap_used / u->swap_total;
	}
}

static int
psi_line(const char *p, const char *e, struct pl_psi_line *l)
{
	static const char *const keys[] = { "avg10=", "avg60=", "avg300=", "total=" };

	for (int i = 0; i < 4; i++) {
		size_t n = strlen(keys[i]);

		pl_skip_blanks(&p, e);
		if ((size_t)(e - p) < n || memcmp(p, keys[i], n) != 0)
			return -1;
		p += n;
		if (i < 3) {
			double *d = i == 0 ? &l->avg10 : i == 1 ? &l->avg60 : &l->avg300;

			if (pl_scan_double(&p, e, d) != 0 || *d < 0 || *d > 100)
				return -1;
		} else if (pl_scan_u64(&p, e, &l->total) != 0) {
			return -1;
		}
	}
	pl_skip_blanks(&p, e);
	if (p != e)
		return -1;
	l->present = true;
	return 0;
}

int
pl_psi_parse(const char *buf, size_t len, struct pl_psi *out, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *ls, *le;

	memset(out, 0, sizeof(*out));
	if (check_end(buf, len, "pressure file", err, errlen) != 0)
		return -1;
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &ls, &le, NULL)) {
		struct pl_psi_line *l;

		if (starts_with(ls, le, "some "))
			l = &out->some;
		else if (starts_with(ls, le, "full "))
			l = &out->full;
		else
			continue;
		if (psi_line(ls + 5, le, l) != 0) {
			pl_snprintf(err, errlen, _("pressure file: malformed '%.4s' line"), ls);
			return -1;
		}
	}
	if (!out->some.present) {
		pl_snprintf(err, errlen, _("pressure file: no 'some' line"));
		return -1;
	}
	return 0;
}

int
pl_loadavg_parse(const char *buf, size_t len, struct pl_loadavg *out, char *err,
		 size_t errlen)
{
	const char *p = buf, *end = buf + len;
	double *l[3] = { &out->load1, &out->load5, &out->load15 };

	memset(out, 0, sizeof(*out));
	if (check_end(buf, len, "/proc/loadavg", err, errlen) != 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		pl_skip_blanks(&p, end);
		if (pl_scan_double(&p, end, l[i]) != 0 || *l[i] < 0) {
			pl_snprintf(err, errlen, _("/proc/loadavg: malformed"));
			return -1;
		}
	}
	pl_skip_blanks(&p, end);
	if (pl_scan_u64(&p, end, &out->running) != 0 || p >= end || *p != '/') {
		pl_snprintf(err, errlen, _("/proc/loadavg: malformed"));
		return -1;
	}
	p++;
	if (pl_scan_u64(&p, end, &out->total) != 0) {
		pl_snprintf(err, errlen, _("/proc/loadavg: malformed"));
		return -1;
	}
	/* The last pid comes last; nothing but a newline may follow it. */
	pl_skip_blanks(&p, end);
	{
		uint64_t pid;

		if (pl_scan_u64(&p, end, &pid) != 0 || end - p != 1) {
			pl_snprintf(err, errlen, _("/proc/loadavg: malformed"));
			return -1;
		}
	}
	return 0;
}
