#include "config.h"

#include <math.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_num.h"
#include "pl_range.h"

/* Reads one endpoint "<number><suffix>" from [s, end); what names it in messages ("the
 * start of the range"; NULL for a range of one number), which never repeat the text: a
 * range may come from an option file. */
static int
parse_endpoint(const char *s, const char *end, double *v, enum pl_unit *unit,
	       const char *what, char *err, size_t errlen)
{
	const char *p = s;
	double factor;

	if (pl_scan_double(&p, end, v) != 0) {
		if (what == NULL)
			pl_snprintf(err, errlen, _("not a number or a range (examples: 10, 10:, ~:10, "
				    "10:20, @10:20)"));
		else
			pl_snprintf(err, errlen, _("%s is not a number (examples: 10, 10:, ~:10, "
				    "10:20, @10:20)"), what);
		return -1;
	}
	if (pl_unit_suffix(p, (size_t)(end - p), unit, &factor) != 0) {
		pl_snprintf(err, errlen,
			    _("%s has an unknown unit (use %%, B/KB/MB/GB, ms/s, MB/s, Mbit/s, ...)"),
			    what ? what : "the number");
		return -1;
	}
	*v *= factor;
	/* No metric comes near 1e18 in its base unit (an exabyte, 31 billion years); a
	 * larger endpoint is a typo, and could not be printed back exactly. */
	if (!(fabs(*v) <= PL_RANGE_MAX)) {
		pl_snprintf(err, errlen, _("%s is too large"), what ? what : "the number");
		return -1;
	}
	return 0;
}

int
pl_range_parse(const char *text, struct pl_range *r, char *err, size_t errlen)
{
	const char *s = text, *end = text + strlen(text), *colon;
	enum pl_unit u1 = PL_U_NONE, u2 = PL_U_NONE;

	memset(r, 0, sizeof(*r));
	if (*s == '@') {
		r->inside = true;
		s++;
	}
	if (s == end) {
		pl_snprintf(err, errlen, _("the range is empty (examples: 10, 10:, ~:10, 10:20, "
			    "@10:20)"));
		return -1;
	}
	colon = memchr(s, ':', (size_t)(end - s));
	if (colon == NULL) {
		/* "10": alert outside 0..10 */
		r->start = 0;
		if (parse_endpoint(s, end, &r->end, &u2, NULL, err, errlen) != 0)
			return -1;
		u1 = u2;
	} else {
		if (colon == s) {
			pl_snprintf(err, errlen, _("the range has no start (write ~:N for minus "
				    "infinity)"));
			return -1;
		}
		if (colon - s == 1 && *s == '~')
			r->start_inf = true;
		else if (parse_endpoint(s, colon, &r->start, &u1, "the start of the range", err, errlen) != 0)
			return -1;
		if (colon + 1 == end)
			r->end_inf = true;
		else if (parse_endpoint(colon + 1, end, &r->end, &u2, "the end of the range", err, errlen) != 0)
			return -1;
		if (r->start_inf)
			u1 = u2;
		if (r->end_inf)
			u2 = u1;
	}
	/* "10:20MB" could mean 10 bytes or 10 MB: make the admin say which. */
	if (!r->start_inf && !r->end_inf && (u1 == PL_U_NONE) != (u2 == PL_U_NONE) &&
	    (u1 == PL_U_NONE ? r->start : r->end) != 0) {
		pl_snprintf(err, errlen, _("give both ends of the range a unit, or neither"));
		return -1;
	}
	if (u1 != u2 && u1 != PL_U_NONE && u2 != PL_U_NONE) {
		pl_snprintf(err, errlen, _("the range mixes %s and %s"), pl_tr(pl_unit_name(u1)),
			    pl_tr(pl_unit_name(u2)));
		return -1;
	}
	r->unit = u1 != PL_U_NONE ? u1 : u2;
	if (!r->start_inf && !r->end_inf && r->start > r->end) {
		if (colon == NULL)
			pl_snprintf(err, errlen, _("a range of one number N means 0:N, so N cannot be "
				    "negative (write N: to alert below N, ~:N above N)"));
		else
			pl_snprintf(err, errlen, _("the start of the range is greater than its end"));
		return -1;
	}
	r->set = true;
	return 0;
}

bool
pl_range_alerts(const struct pl_range *r, double x)
{
	bool in;

	if (!r->set || isnan(x))
		return false;
	in = (r->start_inf || x >= r->start) && (r->end_inf || x <= r->end);
	return r->inside ? in : !in;
}

bool
pl_range_fits(const struct pl_range *r, enum pl_unit u)
{
	return r->unit == PL_U_NONE || r->unit == u ||
	       (r->unit == PL_U_BYTES_PER_S && u == PL_U_BITS_PER_S);
}

struct pl_range
pl_range_for(const struct pl_range *r, enum pl_unit u)
{
	struct pl_range c = *r;

	if (r->unit == PL_U_BYTES_PER_S && u == PL_U_BITS_PER_S) {
		c.start *= 8;
		c.end *= 8;
		c.unit = PL_U_BITS_PER_S;
	}
	return c;
}

char *
pl_range_format(const struct pl_range *r, char *buf, size_t len)
{
	char a[64], b[64];

	if (!r->set) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	pl_fmt_num(a, sizeof(a), r->start, 6);
	pl_fmt_num(b, sizeof(b), r->end, 6);
	if (!r->inside && !r->start_inf && !r->end_inf && r->start == 0)
		pl_snprintf(buf, len, "%s", b);
	else
		pl_snprintf(buf, len, "%s%s:%s", r->inside ? "@" : "", r->start_inf ? "~" : a,
			    r->end_inf ? "" : b);
	return buf;
}

char *
pl_range_why(const struct pl_range *r, double x, enum pl_unit u, char *buf, size_t len)
{
	char a[64], b[64];

	pl_unit_human(a, sizeof(a), r->start, u);
	pl_unit_human(b, sizeof(b), r->end, u);
	if (r->inside && r->start_inf && r->end_inf)
		pl_snprintf(buf, len, _("at any value"));
	else if (r->inside && r->start_inf)
		pl_snprintf(buf, len, _("at or under %s"), b);
	else if (r->inside && r->end_inf)
		pl_snprintf(buf, len, _("at or over %s"), a);
	else if (r->inside)
		pl_snprintf(buf, len, _("between %s and %s"), a, b);
	else if (!r->end_inf && x > r->end)
		pl_snprintf(buf, len, _("over %s"), b);
	else
		pl_snprintf(buf, len, _("under %s"), a);
	return buf;
}
