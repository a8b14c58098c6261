/* pl_statusdat: Nagios' status.dat as a stream (see pl_statusdat.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_statusdat.h"

#define ARENA_MAX (4 * (PL_SD_LINE_MAX + 1))

enum { B_NONE, B_HOST, B_SERVICE, B_OTHER };

static const char *const keys[PL_SD_NFIELDS] = {
	[PL_SD_HOST] = "host_name",
	[PL_SD_SERVICE] = "service_description",
	[PL_SD_STATE] = "current_state",
	[PL_SD_STATE_TYPE] = "state_type",
	[PL_SD_CHECKED] = "has_been_checked",
	[PL_SD_OUTPUT] = "plugin_output",
	[PL_SD_LONG] = "long_plugin_output",
	[PL_SD_PERF] = "performance_data",
	[PL_SD_LAST_CHECK] = "last_check",
	[PL_SD_LAST_CHANGE] = "last_state_change",
	[PL_SD_ACK] = "problem_has_been_acknowledged",
	[PL_SD_DOWNTIME] = "scheduled_downtime_depth",
	[PL_SD_FLAPPING] = "is_flapping",
};

int
pl_sd_init(struct pl_sd *sd, const struct pl_engstate_filter *filter, pl_engstate_cb cb,
	   void *arg, struct pl_engstate_counts *counts, char *err, size_t errlen)
{
	memset(sd, 0, sizeof(*sd));
	memset(counts, 0, sizeof(*counts));
	sd->cb = cb;
	sd->arg = arg;
	if (filter != NULL)
		sd->filter = *filter;
	sd->counts = counts;
	sd->line = malloc(PL_SD_LINE_MAX + 1);
	sd->arena = malloc(ARENA_MAX);
	if (sd->line == NULL || sd->arena == NULL) {
		pl_sd_free(sd);
		pl_snprintf(err, errlen, _("status.dat: out of memory"));
		return -1;
	}
	return 0;
}

void
pl_sd_free(struct pl_sd *sd)
{
	free(sd->line);
	free(sd->arena);
	sd->line = NULL;
	sd->arena = NULL;
}

static void
block_start(struct pl_sd *sd, int kind)
{
	sd->block = kind;
	sd->bad = 0;
	sd->truncated = 0;
	sd->have = 0;
	sd->arenalen = 0;
}

/* Keeps a value, unescaped (\n, \\); cut where the arena ends. */
static void
store(struct pl_sd *sd, int f, const char *v, size_t n)
{
	size_t room = ARENA_MAX - sd->arenalen;
	char *o = sd->arena + sd->arenalen;
	size_t k = 0;

	if (room == 0) {
		sd->truncated = 1;
		return;
	}
	for (size_t i = 0; i < n && k + 1 < room; i++) {
		if (v[i] == '\\' && i + 1 < n && (v[i + 1] == 'n' || v[i + 1] == '\\')) {
			o[k++] = v[i + 1] == 'n' ? '\n' : '\\';
			i++;
		} else {
			o[k++] = v[i] == '\0' ? ' ' : v[i];
		}
		if (k + 1 >= room && i + 1 < n)
			sd->truncated = 1;
	}
	o[k] = '\0';
	sd->off[f] = sd->arenalen;
	sd->len[f] = k;
	sd->arenalen += k + 1;
	sd->have |= 1u << f;
}

static const char *
val(const struct pl_sd *sd, int f)
{
	return (sd->have & (1u << f)) ? sd->arena + sd->off[f] : "";
}

static int
num(const struct pl_sd *sd, int f, int64_t min, int64_t max, int64_t *out)
{
	if (!(sd->have & (1u << f)))
		return -1;
	return pl_parse_i64(val(sd, f), min, max, out);
}

static int
flag(const struct pl_sd *sd, int f)
{
	int64_t v = 0;

	return num(sd, f, 0, INT32_MAX, &v) == 0 && v > 0;
}

static void
block_end(struct pl_sd *sd)
{
	struct pl_engstate r;
	int is_host = sd->block == B_HOST;
	int64_t st = 0, t = 0;
	int kind = sd->block;

	sd->block = B_NONE;
	if (kind == B_OTHER)
		return;
	memset(&r, 0, sizeof(r));
	r.host = val(sd, PL_SD_HOST);
	r.service = is_host ? NULL : val(sd, PL_SD_SERVICE);
	if (sd->bad || r.host[0] == '\0' || (!is_host && r.service[0] == '\0') ||
	    num(sd, PL_SD_STATE, 0, is_host ? 2 : 3, &st) != 0) {
		sd->counts->malformed++;
		return;
	}
	if (!pl_engstate_host_wanted(&sd->filter, r.host) ||
	    (is_host && sd->filter.no_hosts) || (!is_host && sd->filter.no_services)) {
		sd->counts->skipped++;
		return;
	}
	r.display_name = "";
	r.engine_state = (int)st;
	r.state = is_host ? pl_engstate_host_to_state((int)st) : (int)st;
	r.checked = !(sd->have & (1u << PL_SD_CHECKED)) || flag(sd, PL_SD_CHECKED);
	r.state_word = r.checked ? pl_engstate_word(is_host, (int)st) : "PENDING";
	r.hard = flag(sd, PL_SD_STATE_TYPE);
	r.output = val(sd, PL_SD_OUTPUT);
	r.long_output = val(sd, PL_SD_LONG);
	r.perfdata = val(sd, PL_SD_PERF);
	if (num(sd, PL_SD_LAST_CHECK, 0, INT64_MAX, &t) == 0)
		r.last_check = t;
	if (num(sd, PL_SD_LAST_CHANGE, 0, INT64_MAX, &t) == 0)
		r.last_state_change = t;
	r.acknowledged = flag(sd, PL_SD_ACK);
	r.in_downtime = flag(sd, PL_SD_DOWNTIME);
	r.flapping = flag(sd, PL_SD_FLAPPING);
	r.truncated = sd->truncated;
	if (is_host)
		sd->counts->hosts++;
	else
		sd->counts->services++;
	sd->stop = sd->cb(&r, sd->arg);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line, its newline gone, at most PL_SD_LINE_MAX bytes. */
static void
line(struct pl_sd *sd, char *s, size_t n, int cut)
{
	char *e = s + n;
	char *eq;

	while (s < e && is_blank(*s))
		s++;
	while (e > s && (e[-1] == '\r' || (!cut && is_blank(e[-1]))))
		e--;
	if (s == e || *s == '#')
		return;
	if (cut)
		sd->counts->long_lines++;
	if (e[-1] == '{' && memchr(s, '=', (size_t)(e - s)) == NULL) {
		size_t k = (size_t)(e - 1 - s);

		while (k > 0 && is_blank(s[k - 1]))
			k--;
		if (sd->block != B_NONE && sd->block != B_OTHER)
			sd->counts->malformed++;    /* a block left open */
		if (k == 10 && memcmp(s, "hoststatus", 10) == 0)
			block_start(sd, B_HOST);
		else if (k == 13 && memcmp(s, "servicestatus", 13) == 0)
			block_start(sd, B_SERVICE);
		else
			block_start(sd, B_OTHER);
		return;
	}
	if (e - s == 1 && *s == '}') {
		if (sd->block == B_NONE)
			sd->counts->malformed++;
		else
			block_end(sd);
		return;
	}
	eq = memchr(s, '=', (size_t)(e - s));
	if (sd->block == B_NONE || eq == NULL) {
		if (sd->block == B_HOST || sd->block == B_SERVICE)
			sd->bad = 1;
		else
			sd->counts->malformed++;
		return;
	}
	if (sd->block == B_OTHER)
		return;
	if (cut)
		sd->truncated = 1;
	for (int f = 0; f < PL_SD_NFIELDS; f++) {
		size_t kl = strlen(keys[f]);

		if ((size_t)(eq - s) == kl && memcmp(s, keys[f], kl) == 0) {
			store(sd, f, eq + 1, (size_t)(e - eq - 1));
			break;
		}
	}
}

int
pl_sd_feed(struct pl_sd *sd, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end && sd->stop == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		size_t room = PL_SD_LINE_MAX - sd->linelen;

		if (n > room) {
			sd->overlong = 1;
			n = room;
		}
		memcpy(sd->line + sd->linelen, p, n);
		sd->linelen += n;
		if (nl == NULL)
			break;
		line(sd, sd->line, sd->linelen, sd->overlong);
		sd->linelen = 0;
		sd->overlong = 0;
		p = nl + 1;
	}
	return sd->stop;
}

int
pl_sd_finish(struct pl_sd *sd)
{
	if (sd->stop != 0)
		return sd->stop;
	if (sd->linelen > 0 || sd->overlong)
		line(sd, sd->line, sd->linelen, sd->overlong);
	sd->linelen = 0;
	sd->overlong = 0;
	if (sd->stop == 0 && (sd->block == B_HOST || sd->block == B_SERVICE))
		sd->counts->malformed++;    /* cut short */
	sd->block = B_NONE;
	return sd->stop;
}

int
pl_sd_read_fd(int fd, const struct pl_engstate_filter *filter, pl_engstate_cb cb, void *arg,
	      struct pl_engstate_counts *counts, char *err, size_t errlen)
{
	struct pl_sd sd;
	char buf[65536];
	int rc = 0;

	if (pl_sd_init(&sd, filter, cb, arg, counts, err, errlen) != 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_snprintf(err, errlen, _("status.dat: read: %s"), strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0) {
			rc = pl_sd_finish(&sd);
			break;
		}
		rc = pl_sd_feed(&sd, buf, (size_t)n);
		if (rc != 0)
			break;
	}
	pl_sd_free(&sd);
	return rc;
}

int
pl_sd_read_file(const char *path, const struct pl_engstate_filter *filter, pl_engstate_cb cb,
		void *arg, struct pl_engstate_counts *counts, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		memset(counts, 0, sizeof(*counts));
		pl_snprintf(err, errlen, _("cannot open %s: %s (the status_file of nagios.cfg?)"),
			    path, strerror(errno));
		return -1;
	}
	rc = pl_sd_read_fd(fd, filter, cb, arg, counts, err, errlen);
	close(fd);
	return rc;
}
