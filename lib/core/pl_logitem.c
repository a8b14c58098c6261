/* pl_logitem: a log file read through pl_tail as an item (see pl_logitem.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_deadline.h"
#include "pl_logitem.h"
#include "pl_timeout.h"

int
pl_logitem_read(struct pl_item *it, struct pl_store *st, const char *ns, const char *path,
		const struct pl_logitem_opts *o, pl_tail_fn *fn, void *ctx,
		struct pl_tail_result *res)
{
	struct pl_tail_opts to;
	struct pl_tail_pos pos;
	struct pl_deadline dl = pl_deadline_in(pl_deadline_left(NULL) * 0.8);
	char err[1024], what[4200], esc[2048];
	bool have;

	memset(&to, 0, sizeof(to));
	to.max_bytes = o->max_bytes;
	to.max_lines = o->max_lines;
	to.max_line = o->max_line;
	to.from_start = o->from_start;
	to.deadline = &dl;
	have = pl_tail_pos_get(st, ns, path, &pos);
	pl_snprintf(what, sizeof(what), _("reading %s"), path);
	pl_timeout_waiting(what);
	if (pl_tail_read(path, &pos, have, &to, fn, ctx, res, err, sizeof(err)) != 0) {
		pl_text_str(esc, sizeof(esc), err);
		if (errno == EACCES)
			pl_item_finding(it, PL_UNKNOWN, _("%s (the user running the check needs read "
					"access: for /var/log, the adm group; see the README)"), esc);
		else
			pl_item_finding(it, errno == ENOENT ? o->missing_state : PL_UNKNOWN, "%s",
					esc);
		return -1;
	}
	pl_tail_pos_put(st, ns, path, &pos);
	if (res->events[0]) {
		pl_text_str(esc, sizeof(esc), res->events);
		if (res->lost)
			pl_item_finding(it, o->lost_state, "%s", esc);
		else
			pl_item_line(it, "%s", esc);
	}
	if (res->first && res->skipped > 0)
		pl_item_line(it, _("first run: started at the end (%llu bytes before it not read; "
			     "--from-start reads them)"), (unsigned long long)res->skipped);
	if (res->capped)
		pl_item_finding(it, o->capped_state, _("stopped at the cap of this run "
				"(--max-read-bytes, --max-read-lines or the timeout): the rest is "
				"read by the next runs"));
	if (res->cut && o->cut_what == NULL)
		pl_item_line(it, P_("%llu line longer than --max-line-length, matched on its "
				"start", "%llu lines longer than --max-line-length, matched on "
				"their start", res->cut), (unsigned long long)res->cut);
	else if (res->cut)
		pl_item_line(it, P_("%llu line longer than --max-line-length, %s",
				"%llu lines longer than --max-line-length, %s", res->cut),
			     (unsigned long long)res->cut, o->cut_what);
	return 0;
}

enum pl_state
pl_logitem_hold(struct pl_item *it, struct pl_store *st, const char *key, enum pl_state run,
		const struct pl_time *now, const struct pl_time *event, double hold,
		const char *noun)
{
	double t = (double)now->sec + now->nsec / 1e9;
	double e = event != NULL ? (double)event->sec + event->nsec / 1e9 : t;
	char when[PL_RFC3339_SIZE];
	struct pl_hold h;

	pl_hold_judge(st, "hold", key, run, t, e, hold, &h);
	if (h.until > 0) {
		struct pl_time u = { (int64_t)h.until, 0 };

		pl_rfc3339_format(&u, 0, when, sizeof(when));
		if (h.state != run)
			pl_item_finding(it, h.state, h.state == PL_CRITICAL ?
					_("held %s until %s (the last critical %s came within "
					  "--hold)") :
					_("held %s until %s (the last warning %s came within "
					  "--hold)"), pl_state_name(h.state), when, noun);
		else
			pl_item_line(it, _("%s held until %s (--hold)"), pl_state_name(h.state),
				     when);
	}
	if (h.then != PL_OK) {
		/* What the check falls back to when that ends: said, not reported now. */
		struct pl_time u = { (int64_t)h.then_until, 0 };

		pl_rfc3339_format(&u, 0, when, sizeof(when));
		pl_item_line(it, _("%s held until %s (--hold)"), pl_state_name(h.then), when);
	}
	return h.state;
}

const char *
pl_logitem_arg_path(const char *arg, size_t *label_len)
{
	const char *eq = strchr(arg, '='), *slash = strchr(arg, '/');

	if (eq != NULL && (slash == NULL || eq < slash)) {
		*label_len = (size_t)(eq - arg);
		return eq + 1;
	}
	*label_len = 0;
	return arg;
}

int
pl_logitem_arg_check(const char *arg, const char *example, char *err, size_t errlen)
{
	size_t n;
	const char *path = pl_logitem_arg_path(arg, &n);

	if (path != arg && n == 0) {
		pl_snprintf(err, errlen, _("the LABEL before '=' is empty"));
		return -1;
	}
	if (path[0] != '/') {
		pl_snprintf(err, errlen, _("not an absolute path (give %s, or LABEL=%s)"), example,
			    example);
		return -1;
	}
	return 0;
}

int
pl_shown_init(struct pl_shown *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->v = calloc(n > 0 ? n : 1, sizeof(*s->v));
	if (s->v == NULL)
		return -1;
	s->n = n;
	return 0;
}

void
pl_shown_free(struct pl_shown *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void
pl_shown_reset(struct pl_shown *s)
{
	s->used = 0;
	s->next = 0;
}

void
pl_shown_keep(struct pl_shown *s, const char *line, size_t len, enum pl_state state,
	      const char *tag, bool cut)
{
	struct pl_shown_line *sh;

	if (s->n == 0)
		return;
	sh = &s->v[s->next];
	s->next = (s->next + 1) % s->n;
	if (s->used < s->n)
		s->used++;
	sh->len = len > PL_SHOWN_LEN ? PL_SHOWN_LEN : len;
	memcpy(sh->text, line, sh->len);
	sh->text[sh->len] = '\0';
	sh->cut = cut || len > PL_SHOWN_LEN;
	sh->state = state;
	sh->tag = tag;
}

void
pl_bytes_escape(struct pl_buf *b, const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\\')
			pl_buf_puts(b, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			pl_buf_printf(b, "\\x%02x", c);
		else
			pl_buf_putc(b, (char)c);
	}
}

void
pl_shown_lines(struct pl_item *it, const struct pl_shown *s)
{
	struct pl_buf b = PL_BUF_INIT;

	pl_buf_init(&b, 4 * PL_SHOWN_LEN + 64);
	for (size_t k = 0; k < s->used; k++) {
		size_t at = (s->next + s->n - s->used + k) % s->n;
		const struct pl_shown_line *sh = &s->v[at];

		pl_buf_reset(&b);
		pl_bytes_escape(&b, sh->text, sh->len);
		if (sh->tag != NULL)
			pl_item_line(it, "%s: %s%s", sh->tag, pl_buf_str(&b),
				     sh->cut ? _(" [cut]") : "");
		else
			pl_item_line(it, "%s%s", pl_buf_str(&b), sh->cut ? _(" [cut]") : "");
	}
	pl_buf_free(&b);
}
