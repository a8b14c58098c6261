/* pl_hwmon: hardware sensors from /sys/class/hwmon. See pl_hwmon.h. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_file.h"
#include "pl_hwmon.h"
#include "pl_num.h"

#define HWMON_DIR "/sys/class/hwmon"

/* Limits at or beyond these mean "no limit": absolute zero, and the 0xFFFF kelvin an NVMe
 * drive reports for a threshold it does not implement. */
#define TEMP_FLOOR (-273.15)
#define TEMP_CEIL 65261.85

static const char *const type_names[PL_HWMON_NTYPES] = { "temp", "fan", "in", "power", "curr" };

const char *
pl_hwmon_type_name(enum pl_hwmon_type t)
{
	return (unsigned)t < PL_HWMON_NTYPES ? type_names[t] : "?";
}

int
pl_hwmon_type_parse(const char *s, enum pl_hwmon_type *out)
{
	for (int t = 0; t < PL_HWMON_NTYPES; t++) {
		if (strcmp(s, type_names[t]) == 0) {
			*out = (enum pl_hwmon_type)t;
			return 0;
		}
	}
	if (strcmp(s, "volt") == 0 || strcmp(s, "voltage") == 0) {
		*out = PL_HWMON_IN;
		return 0;
	}
	return -1;
}

enum pl_unit
pl_hwmon_type_unit(enum pl_hwmon_type t)
{
	switch (t) {
	case PL_HWMON_TEMP: return PL_U_CELSIUS;
	case PL_HWMON_FAN: return PL_U_RPM;
	case PL_HWMON_IN: return PL_U_VOLTS;
	default: return PL_U_NONE;
	}
}

double
pl_hwmon_type_divisor(enum pl_hwmon_type t)
{
	switch (t) {
	case PL_HWMON_FAN: return 1;
	case PL_HWMON_POWER: return 1e6;
	default: return 1000;
	}
}

int
pl_hwmon_value_parse(const char *buf, size_t len, int64_t *out)
{
	const char *p = buf, *end = buf + len;

	if (len > 0 && end[-1] == '\n')
		end--;
	/* Only '-' or a digit may start the number: pl_scan_i64 alone would take a '+'. */
	if (p == end || !(*p == '-' || (*p >= '0' && *p <= '9')))
		return -1;
	if (*p == '-' && (end - p < 2 || p[1] < '0' || p[1] > '9'))
		return -1;
	if (pl_scan_i64(&p, end, out) != 0 || p != end)
		return -1;
	return 0;
}

size_t
pl_hwmon_sanitize(const char *in, size_t len, char *out, size_t outlen)
{
	size_t n = 0;
	bool pending = false;   /* a '_' is owed before the next kept character */

	if (outlen == 0)
		return 0;
	for (size_t i = 0; i < len && in[i] != '\0' && in[i] != '\n'; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			pending = n > 0;
			continue;
		}
		if (pending) {
			/* Room for the '_' and what follows it, so a cut never ends in '_'. */
			if (n + 2 >= outlen)
				break;
			out[n++] = '_';
			pending = false;
		}
		if (n + 1 >= outlen)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

int
pl_hwmon_attr_split(const char *name, enum pl_hwmon_type *type, unsigned *index,
		    const char **item)
{
	for (int t = 0; t < PL_HWMON_NTYPES; t++) {
		size_t k = strlen(type_names[t]);
		const char *p = name + k, *end;
		uint64_t n;

		if (strncmp(name, type_names[t], k) != 0 || *p < '0' || *p > '9')
			continue;
		end = p + strspn(p, "0123456789");
		if (pl_scan_u64(&p, end, &n) != 0 || n > 9999)
			return -1;
		if (*end != '\0' && *end != '_')
			return -1;
		*type = (enum pl_hwmon_type)t;
		*index = (unsigned)n;
		*item = *end == '_' ? end + 1 : end;
		return 0;
	}
	return -1;
}

bool
pl_hwmon_limit_none(enum pl_hwmon_type t, double v)
{
	if (!isfinite(v))
		return true;
	switch (t) {
	case PL_HWMON_TEMP:
		return v == 0 || v <= TEMP_FLOOR || v >= TEMP_CEIL;
	case PL_HWMON_FAN:
		return v == 0;
	default:
		return false;   /* 0V, 0W, 0A are real limits (in0_min 0 on board monitors) */
	}
}

static void
range_upper(struct pl_range *r, double hi)
{
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->start_inf = true;
	r->end = hi;
}

static void
range_lower(struct pl_range *r, double lo)
{
	memset(r, 0, sizeof(*r));
	r->set = true;
	r->end_inf = true;
	r->start = lo;
}

/* lo:hi, lo:, ~:hi or nothing, from whichever ends are known. */
static void
range_window(struct pl_range *r, double lo, double hi)
{
	bool has_lo = isfinite(lo), has_hi = isfinite(hi);

	memset(r, 0, sizeof(*r));
	if (has_lo && has_hi) {
		if (hi <= lo)
			return;   /* unprogrammed (0:0) or inverted: not a window */
		r->set = true;
		r->start = lo;
		r->end = hi;
	} else if (has_lo) {
		range_lower(r, lo);
	} else if (has_hi) {
		range_upper(r, hi);
	}
}

void
pl_hwmon_default_ranges(const struct pl_hwmon_sensor *s, struct pl_range *warn,
			struct pl_range *crit)
{
	memset(warn, 0, sizeof(*warn));
	memset(crit, 0, sizeof(*crit));
	switch (s->type) {
	case PL_HWMON_TEMP:
		if (!pl_hwmon_limit_none(s->type, s->max))
			range_upper(warn, s->max);
		if (!pl_hwmon_limit_none(s->type, s->crit))
			range_upper(crit, s->crit);
		break;
	case PL_HWMON_FAN:
		/* fanN_min 0 is how drivers say the minimum is off; a negative one is none. */
		if (!pl_hwmon_limit_none(s->type, s->min) && s->min > 0)
			range_lower(warn, s->min);
		break;
	default:
		range_window(warn, s->min, s->max);
		range_window(crit, s->lcrit, s->crit);
		break;
	}
	warn->unit = crit->unit = PL_U_NONE;
}

/* --- labels, texts and the verdict on a sensor ----------------------------------------- */

/* The sensor's label part: its sanitized label, or the attribute name without one. */
static void
sensor_name(const struct pl_hwmon_sensor *s, char *buf, size_t len)
{
	if (pl_hwmon_sanitize(s->label, strlen(s->label), buf, len) == 0)
		pl_strlcpy(buf, s->attr, len);
}

/* True when another sensor of s's type in chip c has the sanitized name name. */
static bool
name_taken(const struct pl_hwmon_chip *c, const struct pl_hwmon_sensor *s, const char *name)
{
	char other[64];

	for (size_t i = 0; i < c->nsensors; i++) {
		if (&c->sensors[i] == s || c->sensors[i].type != s->type)
			continue;
		sensor_name(&c->sensors[i], other, sizeof(other));
		if (strcmp(other, name) == 0)
			return true;
	}
	return false;
}

/* A repeated name takes "_<index>", unless another sensor's name is just that (labels
 * "same", "same" and "same_2"): then "__<index>", which no sanitized name can have (runs
 * of '_' collapse), so that no two sensors ever share a label. */
void
pl_hwmon_metric_label(const struct pl_hwmon_chip *c, size_t k, char *buf, size_t len,
		      char *part, size_t partlen)
{
	const struct pl_hwmon_sensor *s = &c->sensors[k];
	const char *type = pl_hwmon_type_name(s->type);
	char mine[64], other[64], sensor[96];
	bool dup = false;

	sensor_name(s, mine, sizeof(mine));
	for (size_t i = 0; i < k && !dup; i++) {
		if (c->sensors[i].type != s->type)
			continue;
		sensor_name(&c->sensors[i], other, sizeof(other));
		dup = strcmp(mine, other) == 0;
	}
	if (dup) {
		pl_snprintf(sensor, sizeof(sensor), "%s_%u", mine, s->index);
		if (name_taken(c, s, sensor))
			pl_snprintf(sensor, sizeof(sensor), "%s__%u", mine, s->index);
	} else {
		pl_strlcpy(sensor, mine, sizeof(sensor));
	}
	pl_snprintf(part, partlen, "%s_%s", type, sensor);
	pl_snprintf(buf, len, "%s_%s_%s", type, c->id, sensor);
}

void
pl_hwmon_value_text(enum pl_hwmon_type t, double v, char *buf, size_t len)
{
	char num[48];

	if (t == PL_HWMON_POWER || t == PL_HWMON_CURR) {
		if (!isfinite(v))
			pl_snprintf(buf, len, _("unknown"));
		else
			pl_snprintf(buf, len, "%s%s", pl_fmt_num(num, sizeof(num), v, 3),
				    t == PL_HWMON_POWER ? "W" : "A");
		return;
	}
	pl_unit_human(buf, len, v, pl_hwmon_type_unit(t));
}

void
pl_hwmon_limits_text(const struct pl_hwmon_sensor *s, char *buf, size_t len)
{
	const struct { const char *name; double v; } lim[] = {
		{ "lcrit", s->lcrit }, { "min", s->min }, { "max", s->max }, { "crit", s->crit },
	};
	size_t n = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		char h[48];

		/* Limits that mean "none" would only confuse a reader. */
		if (pl_hwmon_limit_none(s->type, lim[i].v) || n >= len)
			continue;
		pl_hwmon_value_text(s->type, lim[i].v, h, sizeof(h));
		n += (size_t)pl_snprintf(buf + n, len - n, "%s%s %s", n ? ", " : "", lim[i].name,
					 h);
	}
}

/* The alarm flags the reading does not already explain, and the fault flag. */
static void
verdict_alarms(const struct pl_hwmon_sensor *s, const char *val, const char *lim,
	       struct pl_hwmon_verdict *v)
{
	static const struct {
		unsigned flag;
		enum pl_state state;
		const char *what;
	} kinds[] = {
		{ PL_HWMON_CRIT_ALARM, PL_CRITICAL, N_("critical alarm") },
		{ PL_HWMON_LCRIT_ALARM, PL_CRITICAL, N_("low critical alarm") },
		{ PL_HWMON_MAX_ALARM, PL_WARNING, N_("high alarm") },
		{ PL_HWMON_MIN_ALARM, PL_WARNING, N_("low alarm") },
		{ PL_HWMON_ALARM, PL_WARNING, N_("alarm") },
	};
	bool by_crit = pl_range_alerts(&v->crit, s->value);
	bool by_warn = pl_range_alerts(&v->warn, s->value);
	char label[sizeof(s->label) * 4];

	pl_name_str(label, sizeof(label), s->label);

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!(s->flags_set & kinds[i].flag))
			continue;
		if (by_crit || (kinds[i].state == PL_WARNING && by_warn))
			continue;
		pl_findings_add(&v->findings, kinds[i].state, _("%s %s at %s%s%s%s"), label,
				pl_tr(kinds[i].what),
				val, lim[0] ? " (" : "", lim, lim[0] ? ")" : "");
	}
	if (s->flags_set & PL_HWMON_FAULT)
		pl_findings_add(&v->findings, PL_WARNING, _("%s sensor fault (reads %s)"), label, val);
}

void
pl_hwmon_judge(const struct pl_hwmon_sensor *s, const struct pl_hwmon_policy *p,
	       struct pl_hwmon_verdict *v)
{
	char val[32], lim[128], label[sizeof(s->label) * 4];

	memset(v, 0, sizeof(*v));
	pl_name_str(label, sizeof(label), s->label);     /* outside text: shown escaped */
	/* A faulty sensor (an open thermal diode, a dead tachometer) reads nonsense: no
	 * value, and the fault finding speaks. */
	v->value = (s->flags_set & PL_HWMON_FAULT) ? NAN : s->value;
	pl_hwmon_default_ranges(s, &v->warn, &v->crit);
	pl_hwmon_value_text(s->type, s->value, val, sizeof(val));
	pl_hwmon_limits_text(s, lim, sizeof(lim));
	if (isnan(s->value)) {
		pl_findings_add(&v->findings, p->unreadable, _("%s unreadable (%s)"), label, s->brief);
		pl_snprintf(v->line, sizeof(v->line), _("%s unknown (%s)"), label, s->why);
	} else {
		pl_snprintf(v->line, sizeof(v->line), "%s %s%s%s%s%s%s", label, val,
			    lim[0] ? " (" : "", lim, lim[0] ? ")" : "",
			    (s->flags_set & ~PL_HWMON_FAULT) ? ", ALARM" : "",
			    (s->flags_set & PL_HWMON_FAULT) ? ", FAULT" : "");
	}
	/* A limit or flag that exists but cannot be read is said, as an unreadable sensor
	 * is: the sensor is judged by less than its chip carries. */
	if (s->nbad > 0)
		pl_findings_add(&v->findings, p->unreadable, _("%s %s (ignored)%s"), label, s->bad,
				s->nbad > 1 ? _(", and more") : "");
	if (p->alarms)
		verdict_alarms(s, val, lim, v);
}

/* --- the walk ------------------------------------------------------------------------ */

struct attrs {
	char **names;
	size_t n;
	char base[96];     /* "/sys/class/hwmon/hwmon0" or ".../hwmon0/device" */
};

static int
cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

/* pl_dir_list sorts the names: a binary search (a chip has a hundred attributes, each
 * sensor is asked for a dozen limits). */
static bool
attr_has(const struct attrs *a, const char *name)
{
	return a->n > 0 && bsearch(name, a->names, a->n, sizeof(a->names[0]), cmp_name) != NULL;
}

/* "<attr>_<item>" into out (len > 1), cut to fit: names are short, and a cut one
 * matches no attribute. */
static void
attr_name(char *out, size_t len, const char *attr, const char *item)
{
	size_t a = strlen(attr), i = strlen(item);

	if (a > len - 1)
		a = len - 1;
	memcpy(out, attr, a);
	if (a < len - 1)
		out[a++] = '_';
	if (i > len - 1 - a)
		i = len - 1 - a;
	memcpy(out + a, item, i);
	out[a + i] = '\0';
}

/* Reads <base>/<attr>_<item> into buf. Returns the length or -1 (errno set). */
static int
attr_read(const char *root, const struct attrs *a, const char *attr, const char *item,
	  char *buf, size_t len)
{
	char path[256];

	if (pl_snprintf(path, sizeof(path), "%s/%s_%s", a->base, attr, item) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* In sysfs an attribute is a file, never a link: one in a tree given with --root
	 * is refused rather than followed to some other file, whose text would be shown. */
	return pl_read_small_nofollow(root, path, buf, len);
}


/* Reads the number in attribute <attr>_<item>, in kernel units. Returns 0 with *out, or
 * -1 with why ("temp1_crit is empty", "temp1_crit holds 'abc', not a number") and brief,
 * the same in a few words; -2 the same way when the read itself failed ("cannot read
 * temp1_crit: Input/output error"), which may pass by the next run. */
static int
attr_value(const char *root, const struct attrs *a, const char *attr, const char *item,
	   int64_t *out, char *why, size_t whylen, char *brief, size_t brieflen)
{
	char name[64], buf[64], shown[24];
	int n, e;

	attr_name(name, sizeof(name), attr, item);
	n = attr_read(root, a, attr, item, buf, sizeof(buf));
	if (n < 0 && errno == EILSEQ) {
		pl_snprintf(why, whylen, _("%s holds a NUL byte, not a number"), name);
		pl_strlcpy(brief, _("NUL byte in value"), brieflen);
		return -1;
	}
	if (n < 0) {
		e = errno;
		pl_snprintf(why, whylen, _("cannot read %s: %s"), name, strerror(e));
		pl_strlcpy(brief, strerror(e), brieflen);
		return e == EILSEQ ? -1 : -2;   /* a NUL inside is malformed, not a failed read */
	}
	if (n == 0) {
		pl_snprintf(why, whylen, _("%s is empty"), name);
		pl_strlcpy(brief, _("empty value"), brieflen);
		return -1;
	}
	if (pl_hwmon_value_parse(buf, (size_t)n, out) != 0) {
		/* Garbage can be long: 16 bytes of it are enough to recognise it. */
		if (pl_name_str(shown, 17, buf) != 0)
			pl_strlcpy(shown + strlen(shown), "...", sizeof(shown) - strlen(shown));
		pl_snprintf(why, whylen, _("%s holds '%s', not a number"), name, shown);
		pl_snprintf(brief, brieflen, _("value '%s'"), shown);
		return -1;
	}
	return 0;
}

/* A limit or flag in the base unit, or NAN when it is missing. One that exists but
 * cannot be read is NAN too, and counted in s->nbad with the first reason in s->bad: a
 * limit that silently vanished would leave the sensor judged by less than the admin
 * thinks. */
static double
attr_number(const char *root, const struct attrs *a, struct pl_hwmon_sensor *s,
	    const char *item, const char *role, double div)
{
	char name[64], why[96], brief[48];
	int64_t v;

	attr_name(name, sizeof(name), s->attr, item);
	if (!attr_has(a, name))
		return NAN;
	if (attr_value(root, a, s->attr, item, &v, why, sizeof(why), brief, sizeof(brief)) != 0) {
		if (s->nbad++ == 0)
			pl_snprintf(s->bad, sizeof(s->bad), "%s %s", role, why);
		return NAN;
	}
	return (double)v / div;
}

static void
sensor_input(const char *root, const struct attrs *a, struct pl_hwmon_sensor *s)
{
	const char *item = "input";
	char name[64];
	int64_t v;
	int n;

	pl_snprintf(name, sizeof(name), "%s_input", s->attr);
	/* Many power meters (amdgpu, fam15h_power) give only an average. */
	if (!attr_has(a, name) && s->type == PL_HWMON_POWER) {
		pl_snprintf(name, sizeof(name), "%s_average", s->attr);
		if (attr_has(a, name))
			item = "average";
		else
			pl_snprintf(name, sizeof(name), "%s_input", s->attr);
	}
	s->value = NAN;
	if (!attr_has(a, name)) {
		pl_snprintf(s->why, sizeof(s->why), _("no %s"), name);
		pl_strlcpy(s->brief, s->why, sizeof(s->brief));
		return;
	}
	n = attr_value(root, a, s->attr, item, &v, s->why, sizeof(s->why), s->brief,
		       sizeof(s->brief));
	if (n != 0) {
		s->read_error = n == -2;
		return;
	}
	/* A fan turns at 0 RPM or more: a negative speed is a driver or sensor fault, not a
	 * reading to judge (it would pass every "min:" range as a spinning fan would not). */
	if (s->type == PL_HWMON_FAN && v < 0) {
		pl_snprintf(s->why, sizeof(s->why), _("%s reads %lld, a negative fan speed"), name,
			    (long long)v);
		pl_snprintf(s->brief, sizeof(s->brief), _("negative speed %lld"), (long long)v);
		return;
	}
	/* Nothing is colder than absolute zero: a temperature below -273.15C is a sensor or
	 * driver fault (a chip reporting -1000000000C), not a reading to judge. */
	if (s->type == PL_HWMON_TEMP && v < -273150) {
		pl_snprintf(s->why, sizeof(s->why), _("%s reads %lld, below absolute zero"), name,
			    (long long)v);
		pl_snprintf(s->brief, sizeof(s->brief), _("below absolute zero"));
		return;
	}
	s->value = (double)v / pl_hwmon_type_divisor(s->type);
}

static void
sensor_fill(const char *root, const struct attrs *a, struct pl_hwmon_sensor *s)
{
	static const struct { const char *item; unsigned flag; } flags[] = {
		{ "alarm", PL_HWMON_ALARM }, { "min_alarm", PL_HWMON_MIN_ALARM },
		{ "max_alarm", PL_HWMON_MAX_ALARM }, { "lcrit_alarm", PL_HWMON_LCRIT_ALARM },
		{ "crit_alarm", PL_HWMON_CRIT_ALARM }, { "fault", PL_HWMON_FAULT },
	};
	double div = pl_hwmon_type_divisor(s->type);
	char name[64], buf[256];
	int n;

	pl_snprintf(s->attr, sizeof(s->attr), "%s%u", pl_hwmon_type_name(s->type), s->index);
	pl_strlcpy(s->label, s->attr, sizeof(s->label));
	pl_snprintf(name, sizeof(name), "%s_label", s->attr);
	if (attr_has(a, name)) {
		n = attr_read(root, a, s->attr, "label", buf, sizeof(buf));
		if (n > 0) {
			/* A label is free text from the driver: kept as it is, and whole as
			 * far as the field allows (nct6775 has "PCH_CHIP_CPU_MAX_TEMP"); texts
			 * show it escaped (pl_name_escape). */
			pl_strlcpy(s->label, buf, sizeof(s->label));
			s->labelled = true;
		}
	}
	sensor_input(root, a, s);
	s->min = attr_number(root, a, s, "min", "limit", div);
	s->max = attr_number(root, a, s, "max", "limit", div);
	s->lcrit = attr_number(root, a, s, "lcrit", "limit", div);
	s->crit = attr_number(root, a, s, "crit", "limit", div);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		double v;

		pl_snprintf(name, sizeof(name), "%s_%s", s->attr, flags[i].item);
		if (!attr_has(a, name))
			continue;
		s->flags_present |= flags[i].flag;
		v = attr_number(root, a, s, flags[i].item, "flag", 1);
		if (isfinite(v) && v != 0)
			s->flags_set |= flags[i].flag;
	}
}

static int
sensor_cmp(const void *x, const void *y)
{
	const struct pl_hwmon_sensor *a = x, *b = y;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* True when the listing holds at least one sensor's input or label. */
static bool
has_sensor(const struct attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		enum pl_hwmon_type t;
		unsigned idx;
		const char *item;

		if (pl_hwmon_attr_split(a->names[i], &t, &idx, &item) == 0 &&
		    (strcmp(item, "input") == 0 || strcmp(item, "label") == 0 ||
		     (t == PL_HWMON_POWER && strcmp(item, "average") == 0)))
			return true;
	}
	return false;
}


/* The part of a device link that names the hardware for good. NVMe links end in
 * ".../0000:01:00.0/nvme/nvme0", and nvmeN follows probe order like hwmonN; the PCI
 * address before it does not change. So the last PCI address in the path wins
 * ("0000:01:00.0"), and the last component is taken only when there is none. */
static const char *
device_component(const char *link)
{
	const char *best = NULL, *p = link;

	while (*p) {
		const char *q = p;
		size_t n = strcspn(p, "/");

		/* dddd:bb:dd.f, hexadecimal digits */
		if (n == 12 && q[4] == ':' && q[7] == ':' && q[10] == '.' &&
		    strspn(q, "0123456789abcdefABCDEF:.") >= 12)
			best = q;
		p += n;
		while (*p == '/')
			p++;
	}
	if (best != NULL)
		return best;
	p = strrchr(link, '/');
	return p != NULL ? p + 1 : link;
}

/* Where the device link leads, below the root, for people to find the hardware: only a
 * path that stays inside the root is kept (as it is: shown escaped), never the text of a
 * file. */
static void
chip_devpath(const char *root, const char *link, struct pl_hwmon_chip *c)
{
	char *real = realpath(link, NULL), *top = NULL;
	const char *p;
	size_t n = 0;

	c->devpath[0] = '\0';
	if (real == NULL)
		return;
	if (root != NULL && root[0] != '\0') {
		top = realpath(root, NULL);
		n = top != NULL ? strlen(top) : 0;
		if (top == NULL || strncmp(real, top, n) != 0 || (real[n] != '/' && n > 1))
			goto end;
		if (n == 1)
			n = 0;     /* a root of "/" */
	}
	p = real + n;
	if (*p == '/')
		pl_strlcpy(c->devpath, p, sizeof(c->devpath));
end:
	free(top);
	free(real);
}

/* The chassis intrusion flags of a chip: intrusion<N>_alarm reads 1 once the case was
 * opened ("intrusion detected", Documentation/hwmon/sysfs-interface.rst) and stays so
 * until someone writes 0 to it. */
static void
chip_intrusion(const char *root, const struct attrs *a, struct pl_hwmon_chip *c)
{
	for (size_t i = 0; i < a->n; i++) {
		const char *p = a->names[i] + 9, *end;
		char path[160], buf[64];
		uint64_t idx;
		int64_t v;
		int n;

		if (strncmp(a->names[i], "intrusion", 9) != 0)
			continue;
		end = p + strspn(p, "0123456789");
		if (end == p || strcmp(end, "_alarm") != 0 || pl_scan_u64(&p, end, &idx) != 0 ||
		    idx >= 32)
			continue;
		c->intrusion_present |= 1u << idx;
		pl_snprintf(path, sizeof(path), "%s/%s", a->base, a->names[i]);
		n = pl_read_small_nofollow(root, path, buf, sizeof(buf));
		if (n <= 0 || pl_hwmon_value_parse(buf, (size_t)n, &v) != 0)
			c->intrusion_bad |= 1u << idx;
		else if (v != 0)
			c->intrusion_set |= 1u << idx;
	}
}

static int
chip_read(const char *root, const char *dirname, struct pl_hwmon_chip *c, char *err,
	  size_t errlen)
{
	struct attrs a = { NULL, 0, "" }, dev = { NULL, 0, "" };
	const struct attrs *use = &a;
	char e2[256], path[160], raw[256], full[4096], link[512];
	ssize_t len;
	int rc = -1, n;

	pl_snprintf(a.base, sizeof(a.base), HWMON_DIR "/%s", dirname);
	pl_snprintf(dev.base, sizeof(dev.base), HWMON_DIR "/%s/device", dirname);
	if (pl_dir_list(root, a.base, &a.names, &a.n, err, errlen) != 0)
		goto end;
	if (!has_sensor(&a) && pl_dir_list(root, dev.base, &dev.names, &dev.n, e2,
					    sizeof(e2)) == 0 && has_sensor(&dev))
		use = &dev;

	/* The name: hwmonN/name, then device/name (old kernels), then "hwmonN". */
	pl_snprintf(path, sizeof(path), "%s/name", a.base);
	n = pl_read_small_nofollow(root, path, raw, sizeof(raw));
	if (n <= 0) {
		pl_snprintf(path, sizeof(path), "%s/name", dev.base);
		n = pl_read_small_nofollow(root, path, raw, sizeof(raw));
	}
	if (n > 0)
		pl_strlcpy(c->name, raw, sizeof(c->name));
	else
		pl_strlcpy(c->name, dirname, sizeof(c->name));

	/* The device the chip belongs to, by the name its link points at: unlike hwmonN,
	 * which follows probe order, it stays with the hardware across reboots. A link cut
	 * short by the buffer, or a plain directory (old fixtures), gives no device. */
	c->device[0] = '\0';
	if (pl_path(root, dev.base, full, sizeof(full)) == 0 &&
	    (len = readlink(full, link, sizeof(link))) > 0 && (size_t)len < sizeof(link)) {
		const char *base;

		link[len] = '\0';
		base = device_component(link);
		pl_hwmon_sanitize(base, strcspn(base, "/"), c->device, sizeof(c->device));
		chip_devpath(root, full, c);
	}

	for (size_t i = 0; i < use->n; i++) {
		enum pl_hwmon_type t;
		unsigned idx;
		const char *item;
		bool dup = false;
		struct pl_hwmon_sensor *s;

		if (pl_hwmon_attr_split(use->names[i], &t, &idx, &item) != 0)
			continue;
		if (strcmp(item, "input") != 0 && strcmp(item, "label") != 0 &&
		    !(t == PL_HWMON_POWER && strcmp(item, "average") == 0))
			continue;
		for (size_t k = 0; k < c->nsensors && !dup; k++)
			dup = c->sensors[k].type == t && c->sensors[k].index == idx;
		if (dup)
			continue;
		s = realloc(c->sensors, (c->nsensors + 1) * sizeof(*s));
		if (s == NULL) {
			pl_snprintf(err, errlen, _("out of memory"));
			goto end;
		}
		c->sensors = s;
		s = &c->sensors[c->nsensors++];
		memset(s, 0, sizeof(*s));
		s->type = t;
		s->index = idx;
	}
	for (size_t k = 0; k < c->nsensors; k++)
		sensor_fill(root, use, &c->sensors[k]);
	chip_intrusion(root, use, c);
	if (c->nsensors > 1)
		qsort(c->sensors, c->nsensors, sizeof(*c->sensors), sensor_cmp);
	rc = 0;
end:
	pl_dir_free(a.names, a.n);
	pl_dir_free(dev.names, dev.n);
	return rc;
}

static int
chip_cmp(const void *x, const void *y)
{
	const struct pl_hwmon_chip *a = x, *b = y;

	return a->hwmon < b->hwmon ? -1 : a->hwmon > b->hwmon;
}

/* The id a chip has when its name is its own: the sanitized name, or "hwmonN" when
 * nothing is left of it. */
static void
chip_base(const struct pl_hwmon_chip *c, char *out, size_t len)
{
	if (pl_hwmon_sanitize(c->name, strlen(c->name), out, len) == 0)
		pl_snprintf(out, len, "hwmon%u", c->hwmon);
}

/* Ids: the base, and when several chips share it, "_<device>" so that each chip keeps its
 * labels (and its thresholds and graphs) whatever order the kernel probed the chips in.
 * Only a chip with no device link, or one whose device another chip of the name shares,
 * falls back to "_<k>", its rank in hwmonN order among the chips of the name (the chips
 * are already sorted). */
static int
chip_ids(struct pl_hwmon *h)
{
	char (*base)[80] = calloc(h->nchips + 1, sizeof(*base));
	bool *clash = calloc(h->nchips + 1, sizeof(*clash));

	if (base == NULL || clash == NULL) {
		free(base);
		free(clash);
		return -1;
	}

	for (size_t i = 0; i < h->nchips; i++)
		chip_base(&h->chips[i], base[i], sizeof(base[i]));
	for (size_t i = 0; i < h->nchips; i++) {
		struct pl_hwmon_chip *c = &h->chips[i];
		size_t same = 0, rank = 0;
		bool dev_ok = c->device[0] != '\0';

		for (size_t k = 0; k < h->nchips; k++) {
			if (k != i && strcmp(base[k], base[i]) != 0)
				continue;
			same++;
			rank += k < i;
			if (k != i && strcmp(h->chips[k].device, c->device) == 0)
				dev_ok = false;
		}
		if (same == 1) {
			pl_strlcpy(c->id, base[i], sizeof(c->id));
			continue;
		}
		if (dev_ok)
			pl_snprintf(c->id, sizeof(c->id), "%s_%s", base[i], c->device);
		else
			pl_snprintf(c->id, sizeof(c->id), "%s_%zu", base[i], rank);
		c->shared = true;
	}
	/* A made-up id may be another chip's own name, or another made-up id ("dup" twice
	 * without a device, beside a chip named "dup_0"; "a" on device "b_c" beside "a_b" on
	 * "c"): such a chip takes "__<k>" instead, which no sanitized name has (runs of '_'
	 * collapse), so ids stay distinct and depend only on the set of chips. */
	for (size_t i = 0; i < h->nchips; i++) {
		struct pl_hwmon_chip *c = &h->chips[i];

		clash[i] = false;
		for (size_t k = 0; k < h->nchips && c->shared && !clash[i]; k++)
			clash[i] = k != i && (strcmp(base[k], c->id) == 0 ||
					      (h->chips[k].shared &&
					       strcmp(h->chips[k].id, c->id) == 0));
	}
	for (size_t i = 0; i < h->nchips; i++) {
		size_t rank = 0;

		if (!clash[i])
			continue;
		for (size_t k = 0; k < i; k++)
			rank += strcmp(base[k], base[i]) == 0;
		pl_snprintf(h->chips[i].id, sizeof(h->chips[i].id), "%s__%zu", base[i], rank);
	}
	free(base);
	free(clash);
	return 0;
}

/* Whether a sensor of chip a and one of chip b have one perfdata label: possible only
 * when one id followed by '_' starts the other (chip "a" with label "b c" and chip "a_b"
 * with label "c" both give temp_a_b_c). */
static bool
labels_clash(const struct pl_hwmon_chip *a, const struct pl_hwmon_chip *b)
{
	size_t la = strlen(a->id), lb = strlen(b->id);
	char x[PL_LABEL_MAX], y[PL_LABEL_MAX], part[PL_LABEL_MAX];

	if (!(la < lb && strncmp(a->id, b->id, la) == 0 && b->id[la] == '_') &&
	    !(lb < la && strncmp(b->id, a->id, lb) == 0 && a->id[lb] == '_'))
		return false;
	for (size_t i = 0; i < a->nsensors; i++) {
		pl_hwmon_metric_label(a, i, x, sizeof(x), part, sizeof(part));
		for (size_t k = 0; k < b->nsensors; k++) {
			pl_hwmon_metric_label(b, k, y, sizeof(y), part, sizeof(part));
			if (strcmp(x, y) == 0)
				return true;
		}
	}
	return false;
}

/* Labels are <type>_<chip id>_<sensor>, and both ids and sensor names may hold '_': of
 * two chips whose sensors would share a label, the later in hwmonN order takes the id
 * "<name>__<k>" (k: its rank among the chips of its name), which no sanitized name or
 * label has, so that no two sensors of a host share a label. */
static void
chip_label_clashes(struct pl_hwmon *h)
{
	for (size_t i = 0; i < h->nchips; i++)
		for (size_t k = 0; k < i; k++) {
			struct pl_hwmon_chip *c = &h->chips[i];
			char base[80];
			size_t rank = 0;

			if (!labels_clash(&h->chips[k], c))
				continue;
			chip_base(c, base, sizeof(base));
			for (size_t j = 0; j < i; j++) {
				char other[80];

				chip_base(&h->chips[j], other, sizeof(other));
				rank += strcmp(other, base) == 0;
			}
			pl_snprintf(c->id, sizeof(c->id), "%s__%zu", base, rank);
			c->shared = true;
			break;
		}
}

int
pl_hwmon_read(const char *root, struct pl_hwmon *out, char *err, size_t errlen)
{
	char **names = NULL;
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (pl_dir_list(root, HWMON_DIR, &names, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *p = names[i] + 5, *end;
		uint64_t num;
		struct pl_hwmon_chip *c;

		if (strncmp(names[i], "hwmon", 5) != 0)
			continue;
		end = p + strlen(p);
		if (pl_scan_u64(&p, end, &num) != 0 || p != end || num > 1000000)
			continue;
		c = realloc(out->chips, (out->nchips + 1) * sizeof(*c));
		if (c == NULL) {
			pl_snprintf(err, errlen, _("out of memory"));
			goto end;
		}
		out->chips = c;
		c = &out->chips[out->nchips++];
		memset(c, 0, sizeof(*c));
		c->hwmon = (unsigned)num;
		if (chip_read(root, names[i], c, err, errlen) != 0) {
			/* A chip that vanished between the listing and the read (a hot-unplugged
			 * device) is skipped; anything else is an error. */
			if (errno == ENOENT) {
				free(c->sensors);
				out->nchips--;
				continue;
			}
			goto end;
		}
	}
	if (out->nchips > 1)
		qsort(out->chips, out->nchips, sizeof(*out->chips), chip_cmp);
	if (chip_ids(out) != 0) {
		pl_snprintf(err, errlen, _("out of memory"));
		goto end;
	}
	chip_label_clashes(out);
	rc = 0;
end:
	pl_dir_free(names, n);
	if (rc != 0)
		pl_hwmon_free(out);
	return rc;
}

void
pl_hwmon_free(struct pl_hwmon *h)
{
	for (size_t i = 0; i < h->nchips; i++)
		free(h->chips[i].sensors);
	free(h->chips);
	h->chips = NULL;
	h->nchips = 0;
}
