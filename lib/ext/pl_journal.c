/* pl_journal: see pl_journal.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_journal.h"

/* A user other than root sees the system journal only as a member of systemd-journal
 * (or adm, wheel): without it, sd_journal_open quietly gives the user's own journal, and
 * a check would be green for ever. Refuse instead, saying what fixes it. */
static int
system_readable(char *err, size_t errlen)
{
	static const char *const roots[] = { "/var/log/journal", "/run/log/journal" };
	bool seen = false;

	if (geteuid() == 0)
		return 0;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		DIR *d = opendir(roots[i]);
		struct dirent *e;

		if (d == NULL) {
			seen |= errno == EACCES;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			char p[512];

			if (e->d_name[0] == '.')
				continue;
			pl_snprintf(p, sizeof(p), "%s/%s/system.journal", roots[i], e->d_name);
			if (access(p, F_OK) != 0)
				continue;
			if (access(p, R_OK) == 0) {
				closedir(d);
				return 0;
			}
			seen = true;
		}
		closedir(d);
	}
	if (!seen)
		return 0;
	pl_snprintf(err, errlen, _("the system journal is not readable by this user: add it to "
		    "the systemd-journal group (usermod -a -G systemd-journal nagios), then "
		    "restart the engine"));
	return -1;
}

static int
match(sd_journal *j, const char *field, const char *value, char *err, size_t errlen)
{
	struct pl_buf b = PL_BUF_INIT;
	int r;

	pl_buf_init(&b, 4096);
	if (field != NULL)
		pl_buf_printf(&b, "%s=", field);
	pl_buf_puts(&b, value);
	r = b.truncated || b.oom ? -E2BIG : sd_journal_add_match(j, pl_buf_str(&b), b.len);
	pl_buf_free(&b);
	if (r < 0) {
		pl_snprintf(err, errlen, _("the journal refused a filter (%s%s): %s"),
			    field ? field : "--field", field ? "=" : "", strerror(-r));
		return -1;
	}
	return 0;
}

static int
filters(sd_journal *j, const struct pl_journal_opts *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < o->nunits; i++)
		if (match(j, "_SYSTEMD_UNIT", o->units[i], err, errlen) != 0)
			return -1;
	for (size_t i = 0; i < o->nidents; i++)
		if (match(j, "SYSLOG_IDENTIFIER", o->idents[i], err, errlen) != 0)
			return -1;
	for (size_t i = 0; i < o->nfields; i++)
		if (match(j, NULL, o->fields[i], err, errlen) != 0)
			return -1;
	for (int p = 0; p <= o->priority && p <= 7; p++) {
		char v[2] = { (char)('0' + p), '\0' };

		if (match(j, "PRIORITY", v, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* The value of field in the current entry, without "FIELD=", or NULL. */
static const char *
field(sd_journal *j, const char *name, size_t *len)
{
	const void *d;
	size_t n, nl = strlen(name);

	if (sd_journal_get_data(j, name, &d, &n) < 0 || n < nl + 1)
		return NULL;
	*len = n - nl - 1;
	return (const char *)d + nl + 1;
}

/* The current entry, handed over. */
static void
entry(sd_journal *j, pl_journal_fn *fn, void *ctx)
{
	struct pl_journal_entry e;
	char ident[128];
	const char *v;
	size_t n;

	memset(&e, 0, sizeof(e));
	e.priority = -1;
	v = field(j, "PRIORITY", &n);
	if (v != NULL && n == 1 && v[0] >= '0' && v[0] <= '7')
		e.priority = v[0] - '0';
	v = field(j, "SYSLOG_IDENTIFIER", &n);
	if (v == NULL)
		v = field(j, "_COMM", &n);
	if (v == NULL)
		n = 0;
	if (n >= sizeof(ident))
		n = sizeof(ident) - 1;
	if (n > 0)
		memcpy(ident, v, n);
	ident[n] = '\0';
	e.ident = ident;
	e.identlen = n;
	(void)sd_journal_get_realtime_usec(j, &e.realtime_us);
	/* Last: the data is valid until the next sd_journal_get_data. */
	e.msg = field(j, "MESSAGE", &e.len);
	if (e.msg == NULL) {
		e.msg = "";
		e.len = 0;
	}
	fn(ctx, &e);
}

static int
cursor_copy(sd_journal *j, char *out, size_t len)
{
	char *c = NULL;

	if (sd_journal_get_cursor(j, &c) < 0 || c == NULL)
		return -1;
	pl_strlcpy(out, c, len);
	free(c);
	return 0;
}

int
pl_journal_read(const struct pl_journal_opts *o, pl_journal_fn *fn, void *ctx,
		struct pl_journal_result *res, char *err, size_t errlen)
{
	struct pl_deadline dl = o->deadline ? *o->deadline : pl_deadline_process();
	sd_journal *j = NULL;
	char start[PL_JOURNAL_CURSOR_MAX] = "";
	bool current = false;
	int r, rc = -1;

	memset(res, 0, sizeof(res[0]));
	if (o->nfiles > 0) {
		const char **paths = calloc(o->nfiles + 1, sizeof(*paths));

		if (paths == NULL) {
			pl_snprintf(err, errlen, _("out of memory"));
			return -1;
		}
		for (size_t i = 0; i < o->nfiles; i++)
			paths[i] = o->files[i];
		r = sd_journal_open_files(&j, paths, 0);
		free(paths);
	} else {
		if (system_readable(err, errlen) != 0)
			return -1;
		r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	}
	if (r < 0) {
		pl_snprintf(err, errlen, _("cannot open the journal: %s"), strerror(-r));
		return -1;
	}
	if (o->cursor != NULL && o->cursor[0] != '\0') {
		pl_strlcpy(start, o->cursor, sizeof(start));
	} else {
		res->first = true;
		/* The journal's last entry, before the filters: entries that arrive until the
		 * next run are read then, whether or not one of the old ones passes. */
		if (!o->from_start && sd_journal_seek_tail(j) >= 0 && sd_journal_previous(j) > 0)
			(void)cursor_copy(j, start, sizeof(start));
	}
	if (filters(j, o, err, errlen) != 0)
		goto out;
	if (start[0] != '\0') {
		r = sd_journal_seek_cursor(j, start);
		if (r < 0) {
			/* Not a cursor this journal can seek to: start at the end. */
			res->cursor_lost = true;
			start[0] = '\0';
			r = sd_journal_seek_tail(j);
			if (r >= 0 && sd_journal_previous(j) > 0)
				(void)cursor_copy(j, start, sizeof(start));
		} else {
			r = sd_journal_next(j);
			if (r < 0)
				goto read_error;
			/* On the cursor's entry: counted by the run that saved it. Elsewhere:
			 * the first new entry, counted now. */
			current = r > 0 && sd_journal_test_cursor(j, start) <= 0;
		}
	} else {
		r = sd_journal_seek_head(j);
		if (r < 0)
			goto read_error;
	}
	pl_strlcpy(res->cursor, start, sizeof(res->cursor));
	for (;;) {
		if (!current) {
			r = sd_journal_next(j);
			if (r < 0)
				goto read_error;
			if (r == 0)
				break;
		}
		current = false;
		entry(j, fn, ctx);
		res->entries++;
		if (cursor_copy(j, res->cursor, sizeof(res->cursor)) != 0) {
			pl_snprintf(err, errlen, _("the journal gave no cursor for an entry"));
			goto out;
		}
		if ((o->max_entries > 0 && res->entries >= o->max_entries) ||
		    ((res->entries & 255) == 0 && pl_deadline_expired(&dl))) {
			/* Capped only when there is more to read. */
			r = sd_journal_next(j);
			res->capped = r > 0;
			break;
		}
	}
	rc = 0;
	goto out;
read_error:
	pl_snprintf(err, errlen, _("cannot read the journal: %s"), strerror(-r));
out:
	sd_journal_close(j);
	return rc;
}
