#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_file.h"
#include "pl_mdstat.h"
#include "pl_num.h"
#include "pl_result.h"
#include "pl_text.h"
#include "pl_unit.h"

/* One line of the file being read, and a cursor in it. */
struct md_line {
	const char *p, *end;
	size_t no;              /* 1-based line number, for messages */
	bool last_unterminated; /* the file ends inside this line */
};

struct md_parser {
	struct pl_mdstat *out;
	struct pl_md_array *cur;   /* the array whose stanza is being read, or NULL */
	size_t cur_line;           /* the line its stanza starts at */
	bool seen_blocks, seen_action, seen_bitmap;
	bool fatal;                /* the failure is the file's, not one array's */
	char msg[256];             /* the last failure */
};

__attribute__((format(printf, 3, 4)))
static int
fail(struct md_parser *ps, const struct md_line *l, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (l == NULL)
		pl_snprintf(ps->msg, sizeof(ps->msg), "%s", why);
	else if (l->last_unterminated)
		pl_snprintf(ps->msg, sizeof(ps->msg),
			    _("truncated in line %zu (the file ends without a newline): %s"), l->no, why);
	else
		pl_snprintf(ps->msg, sizeof(ps->msg), _("line %zu: %s"), l->no, why);
	return -1;
}

/* A failure of the whole file, not of one array's stanza: too much, or no memory. */
static int
fatal(struct md_parser *ps, const struct md_line *l, const char *why)
{
	ps->fatal = true;
	return fail(ps, l, "%s", why);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
at_end(const struct md_line *l)
{
	return l->p >= l->end;
}

/* True (and advances) when the line continues with the literal s. */
static bool
eat(struct md_line *l, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(l->end - l->p) < n || memcmp(l->p, s, n) != 0)
		return false;
	l->p += n;
	return true;
}

/* The next blank-separated token: [*tok, *tok + *n). Returns false at the end. */
static bool
token(struct md_line *l, const char **tok, size_t *n)
{
	pl_skip_blanks(&l->p, l->end);
	if (at_end(l))
		return false;
	*tok = l->p;
	while (l->p < l->end && !is_blank(*l->p))
		l->p++;
	*n = (size_t)(l->p - *tok);
	return true;
}

static bool
tok_is(const char *tok, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(tok, s, n) == 0;
}

/* A token for messages: cut to a readable length, and escaped (pl_name_str), so that no
 * control byte of the file reaches the output. */
static const char *
show(const char *tok, size_t n, char *buf, size_t len)
{
	char raw[41];
	size_t k = n < sizeof(raw) - 1 ? n : sizeof(raw) - 1;

	memcpy(raw, tok, k);
	raw[k] = '\0';
	pl_name_str(buf, len, raw);
	return buf;
}

/* Reads a whole token as an unsigned number no larger than max. */
static int
tok_u64(const char *tok, size_t n, uint64_t max, uint64_t *out)
{
	const char *p = tok, *end = tok + n;

	if (pl_scan_u64(&p, end, out) != 0 || p != end || *out > max)
		return -1;
	return 0;
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static void *
grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *nv;

	if (need <= *cap)
		return v;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(v, ncap * size);
	if (nv != NULL)
		*cap = ncap;
	return nv;
}

/* "sda1[0](F)(S)": one member of the array being read. */
static int
parse_member(struct md_parser *ps, struct md_line *l, const char *tok, size_t n, size_t *cap)
{
	struct pl_mdstat *st = ps->out;
	struct pl_md_member *m;
	const char *br = memchr(tok, '[', n), *p, *end = tok + n;
	char shown[48], flag[8];
	uint64_t role;
	void *nv;

	if (br == NULL || br == tok)
		return fail(ps, l, _("'%s' is not a member (name[number])"), show(tok, n, shown, sizeof(shown)));
	if ((size_t)(br - tok) >= PL_MD_DEV_MAX)
		return fail(ps, l, _("member name '%s' is too long"), show(tok, n, shown, sizeof(shown)));
	p = br + 1;
	if (pl_scan_u64(&p, end, &role) != 0 || role > 1000000 || p >= end || *p != ']')
		return fail(ps, l, _("bad role number in member '%s'"), show(tok, n, shown, sizeof(shown)));
	if (st->nmembers >= PL_MD_MEMBERS_MAX) {
		pl_snprintf(shown, sizeof(shown), _("more than %d members"), PL_MD_MEMBERS_MAX);
		return fatal(ps, l, shown);
	}
	nv = grow(st->members, cap, st->nmembers + 1, sizeof(*st->members));
	if (nv == NULL)
		return fatal(ps, l, _("out of memory"));
	st->members = nv;
	m = &st->members[st->nmembers];
	memset(m, 0, sizeof(*m));
	memcpy(m->dev, tok, (size_t)(br - tok));
	m->dev[br - tok] = '\0';
	m->role = (int)role;
	for (p++; p < end; p += 3) {
		unsigned f;

		if (end - p < 3 || p[0] != '(' || p[2] != ')')
			return fail(ps, l, _("bad flags in member '%s'"), show(tok, n, shown, sizeof(shown)));
		switch (p[1]) {
		case 'F': f = PL_MD_FAULTY; break;
		case 'S': f = PL_MD_SPARE; break;
		case 'W': f = PL_MD_WRITE_MOSTLY; break;
		case 'R': f = PL_MD_REPLACEMENT; break;
		case 'J': f = PL_MD_JOURNAL; break;
		default:
			return fail(ps, l, _("unknown flag '(%s)' in member '%s'"),
				    show(p + 1, 1, flag, sizeof(flag)),
				    show(tok, n, shown, sizeof(shown)));
		}
		m->flags |= f;
	}
	if (m->flags & PL_MD_FAULTY)
		ps->cur->nfaulty++;
	if (m->flags & PL_MD_SPARE)
		ps->cur->nspare++;
	st->nmembers++;
	ps->cur->nmembers++;
	return 0;
}

/* A new array for the stanza at line l, named by the text before " : " (or its first
 * word) as the file gives it: a stanza that turns out malformed is still this array's
 * problem, under the name it has. Returns it, or NULL (fatal) when there are too many or
 * memory runs out. */
static struct pl_md_array *
new_array(struct md_parser *ps, struct md_line *l, const char *name, size_t n, size_t *acap)
{
	struct pl_mdstat *st = ps->out;
	struct pl_md_array *a;
	char why[64];
	void *nv;

	if (st->narrays >= PL_MD_ARRAYS_MAX) {
		pl_snprintf(why, sizeof(why), _("more than %d arrays"), PL_MD_ARRAYS_MAX);
		fatal(ps, l, why);
		return NULL;
	}
	nv = grow(st->arrays, acap, st->narrays + 1, sizeof(*st->arrays));
	if (nv == NULL) {
		fatal(ps, l, _("out of memory"));
		return NULL;
	}
	st->arrays = nv;
	a = &st->arrays[st->narrays++];
	memset(a, 0, sizeof(*a));
	if (n == 0)
		pl_snprintf(a->name, sizeof(a->name), "line %zu", l->no);
	else
		memcpy(a->name, name, n < sizeof(a->name) ? n : sizeof(a->name) - 1);
	a->first_member = st->nmembers;
	ps->cur = a;
	ps->cur_line = l->no;
	ps->seen_blocks = ps->seen_action = ps->seen_bitmap = false;
	return a;
}

/* "md0 : active (auto-read-only) raid1 sdb1[1] sda1[0]" */
static int
parse_header(struct md_parser *ps, struct md_line *l, size_t *acap, size_t *mcap)
{
	struct pl_mdstat *st = ps->out;
	struct pl_md_array *a;
	const char *name = l->p, *tok, *colon = NULL;
	size_t n;
	char shown[48];

	for (const char *q = l->p; q + 3 <= l->end && colon == NULL; q++)
		if (memcmp(q, " : ", 3) == 0)
			colon = q;
	if (colon != NULL) {
		n = (size_t)(colon - name);
	} else {
		/* No " : ": the first word names the stanza ("md0:" as md0). */
		for (n = 0; name + n < l->end && !is_blank(name[n]); n++)
			;
		while (n > 0 && name[n - 1] == ':')
			n--;
	}
	a = new_array(ps, l, name, n, acap);
	if (a == NULL)
		return -1;
	if (colon == NULL || colon == name)
		return fail(ps, l, _("expected an array ('md0 : active raid1 ...'), got '%s'"),
			    show(name, (size_t)(l->end - name), shown, sizeof(shown)));
	for (size_t i = 0; i < n; i++)
		if (!name_char(name[i]))
			return fail(ps, l, _("bad array name '%s' (letters, digits, '_', '-', '.')"),
				    show(name, n, shown, sizeof(shown)));
	if (n >= PL_MD_NAME_MAX)
		return fail(ps, l, _("array name '%s' is too long"), show(name, n, shown, sizeof(shown)));
	for (size_t i = 0; i + 1 < st->narrays; i++)
		if (strcmp(st->arrays[i].name, a->name) == 0)
			return fail(ps, l, _("array %s appears twice"), a->name);
	l->p = colon + 3;

	if (!token(l, &tok, &n))
		return fail(ps, l, _("array %s has no state"), a->name);
	if (tok_is(tok, n, "active"))
		a->state = PL_MD_ACTIVE;
	else if (tok_is(tok, n, "inactive"))
		a->state = PL_MD_INACTIVE;
	else if (tok_is(tok, n, "broken"))
		a->state = PL_MD_BROKEN;
	else
		return fail(ps, l, _("array %s: unknown state '%s'"), a->name,
			    show(tok, n, shown, sizeof(shown)));
	while (token(l, &tok, &n)) {
		if (tok_is(tok, n, "(read-only)")) {
			a->read_only = true;
		} else if (tok_is(tok, n, "(auto-read-only)")) {
			a->auto_read_only = true;
		} else if (tok_is(tok, n, "super")) {
			/* An array without members prints its superblock on this line. */
			if (!token(l, &tok, &n) || n >= sizeof(a->super))
				return fail(ps, l, _("array %s: bad 'super'"), a->name);
			memcpy(a->super, tok, n);
			a->super[n] = '\0';
		} else if (memchr(tok, '[', n) == NULL && a->level[0] == '\0' &&
			   a->nmembers == 0) {
			if (n >= sizeof(a->level))
				return fail(ps, l, _("array %s: level '%s' is too long"), a->name,
					    show(tok, n, shown, sizeof(shown)));
			for (size_t i = 0; i < n; i++)
				if (!name_char(tok[i]))
					return fail(ps, l, _("array %s: bad level '%s'"), a->name,
						    show(tok, n, shown, sizeof(shown)));
			memcpy(a->level, tok, n);
			a->level[n] = '\0';
		} else if (parse_member(ps, l, tok, n, mcap) != 0) {
			return -1;
		}
	}
	if (a->state != PL_MD_INACTIVE && (a->level[0] == '\0' || a->nmembers == 0))
		return fail(ps, l, _("running array %s shows no %s"), a->name,
			    a->level[0] == '\0' ? _("level") : _("members"));
	return 0;
}

/* "[2/1] [U_]" */
static int
parse_counts(struct md_parser *ps, struct md_line *l, const char *tok, size_t n)
{
	struct pl_md_array *a = ps->cur;
	const char *p = tok + 1, *end = tok + n;
	uint64_t disks, in_sync;
	char shown[48];
	size_t k;

	if (pl_scan_u64(&p, end, &disks) != 0 || p >= end || *p++ != '/' ||
	    pl_scan_u64(&p, end, &in_sync) != 0 || p + 1 != end || *p != ']' ||
	    disks == 0 || disks > PL_MD_STATUS_MAX - 4 || in_sync > disks)
		return fail(ps, l, _("array %s: bad disk counts '%s'"), a->name,
			    show(tok, n, shown, sizeof(shown)));
	if (!token(l, &tok, &n) || n < 2 || tok[0] != '[' || tok[n - 1] != ']')
		return fail(ps, l, _("array %s: no [U_] status after the disk counts"), a->name);
	k = n - 2;
	if (k != disks)
		return fail(ps, l, _("array %s: status '%s' does not have %u slots"), a->name,
			    show(tok, n, shown, sizeof(shown)), (unsigned)disks);
	for (size_t i = 1; i <= k; i++)
		if (tok[i] != 'U' && tok[i] != '_')
			return fail(ps, l, _("array %s: bad status '%s' (only U and _ may appear)"),
				    a->name, show(tok, n, shown, sizeof(shown)));
	memcpy(a->status, tok + 1, k);
	a->status[k] = '\0';
	a->raid_disks = (unsigned)disks;
	a->in_sync = (unsigned)in_sync;
	a->has_counts = true;
	return 0;
}

/* "195310144 blocks super 1.2 level 5, 64k chunk, algorithm 2 [3/2] [UU_]" and the
 * other personalities' forms: "512k chunks", "64k rounding", "2 near-copies". */
static int
parse_blocks(struct md_parser *ps, struct md_line *l)
{
	struct pl_md_array *a = ps->cur;
	const char *tok, *p;
	size_t n;
	uint64_t v;
	char shown[48];

	if (ps->seen_blocks)
		return fail(ps, l, _("array %s: a second size line"), a->name);
	ps->seen_blocks = true;
	if (!token(l, &tok, &n) || tok_u64(tok, n, UINT64_MAX, &a->blocks) != 0 ||
	    !token(l, &tok, &n) || !tok_is(tok, n, "blocks"))
		return fail(ps, l, _("array %s: expected 'N blocks'"), a->name);
	a->has_blocks = true;
	while (token(l, &tok, &n)) {
		if (tok_is(tok, n, "super")) {
			if (!token(l, &tok, &n) || n >= sizeof(a->super))
				return fail(ps, l, _("array %s: bad 'super'"), a->name);
			memcpy(a->super, tok, n);
			a->super[n] = '\0';
		} else if (tok_is(tok, n, "level")) {
			if (!token(l, &tok, &n) || n < 2 || tok[n - 1] != ',' ||
			    tok_u64(tok, n - 1, 100, &v) != 0)
				return fail(ps, l, _("array %s: bad 'level'"), a->name);
		} else if (tok_is(tok, n, "algorithm")) {
			if (!token(l, &tok, &n) || tok_u64(tok, n, 1000, &v) != 0)
				return fail(ps, l, _("array %s: bad 'algorithm'"), a->name);
		} else if (tok[0] == '[') {
			if (a->has_counts)
				return fail(ps, l, _("array %s: disk counts shown twice"), a->name);
			if (parse_counts(ps, l, tok, n) != 0)
				return -1;
		} else if (tok[0] >= '0' && tok[0] <= '9') {
			p = tok;
			if (pl_scan_u64(&p, tok + n, &v) != 0)
				return fail(ps, l, _("array %s: bad number '%s'"), a->name,
					    show(tok, n, shown, sizeof(shown)));
			if (p + 1 == tok + n && (*p == 'k' || *p == 'K')) {
				/* A chunk size: "64k chunk,", "512K chunks", "64k rounding". */
				if (!token(l, &tok, &n) ||
				    !(tok_is(tok, n, "chunk,") || tok_is(tok, n, "chunk") ||
				      tok_is(tok, n, "chunks") || tok_is(tok, n, "rounding")))
					return fail(ps, l, _("array %s: expected 'chunk' after a size"),
						    a->name);
				a->chunk_kb = v;
			} else if (p == tok + n) {
				/* A raid10 layout: "2 near-copies", "2 far-copies", "2 devices per set". */
				if (!token(l, &tok, &n))
					return fail(ps, l, _("array %s: a number without meaning"), a->name);
				if (tok_is(tok, n, "devices")) {
					if (!token(l, &tok, &n) || !tok_is(tok, n, "per") ||
					    !token(l, &tok, &n) || !tok_is(tok, n, "set"))
						return fail(ps, l, _("array %s: expected 'devices per set'"),
							    a->name);
				} else if (!tok_is(tok, n, "near-copies") &&
					   !tok_is(tok, n, "far-copies") &&
					   !tok_is(tok, n, "offset-copies")) {
					return fail(ps, l, _("array %s: unexpected '%s'"), a->name,
						    show(tok, n, shown, sizeof(shown)));
				}
			} else {
				return fail(ps, l, _("array %s: bad number '%s'"), a->name,
					    show(tok, n, shown, sizeof(shown)));
			}
		} else {
			return fail(ps, l, _("array %s: unexpected '%s'"), a->name,
				    show(tok, n, shown, sizeof(shown)));
		}
	}
	return 0;
}

static int
action_word(const char *w, size_t n, enum pl_md_action *out)
{
	static const struct { const char *w; enum pl_md_action a; } words[] = {
		{ "resync", PL_MD_RESYNC }, { "recovery", PL_MD_RECOVERY },
		{ "recover", PL_MD_RECOVERY }, { "reshape", PL_MD_RESHAPE },
		{ "check", PL_MD_CHECK }, { "repair", PL_MD_REPAIR },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (tok_is(w, n, words[i].w)) {
			*out = words[i].a;
			return 0;
		}
	return -1;
}

/* "[=>....]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec",
 * or "resync=DELAYED" (also PENDING, REMOTE). */
static int
parse_action(struct md_parser *ps, struct md_line *l)
{
	struct pl_md_array *a = ps->cur;
	const char *w, *tok;
	size_t n;
	char shown[48];

	if (ps->seen_action)
		return fail(ps, l, _("array %s: a second sync action line"), a->name);
	ps->seen_action = true;
	if (eat(l, "[")) {
		while (l->p < l->end && (*l->p == '=' || *l->p == '>' || *l->p == '.'))
			l->p++;
		if (!eat(l, "]"))
			return fail(ps, l, _("array %s: bad progress bar"), a->name);
		pl_skip_blanks(&l->p, l->end);
	}
	w = l->p;
	while (l->p < l->end && *l->p >= 'a' && *l->p <= 'z')
		l->p++;
	if (action_word(w, (size_t)(l->p - w), &a->action) != 0)
		return fail(ps, l, _("array %s: unknown sync action '%s'"), a->name,
			    show(w, (size_t)(l->end - w), shown, sizeof(shown)));
	pl_skip_blanks(&l->p, l->end);
	if (!eat(l, "="))
		return fail(ps, l, _("array %s: expected '=' after '%s'"), a->name,
			    pl_md_action_name(a->action));
	pl_skip_blanks(&l->p, l->end);
	if (eat(l, "DELAYED"))
		a->progress = PL_MD_DELAYED;
	else if (eat(l, "PENDING"))
		a->progress = PL_MD_PENDING;
	else if (eat(l, "REMOTE"))
		a->progress = PL_MD_REMOTE;
	if (a->progress != PL_MD_RUNNING) {
		pl_skip_blanks(&l->p, l->end);
		if (!at_end(l))
			return fail(ps, l, _("array %s: unexpected text after the sync state"), a->name);
		a->percent = 0;
		return 0;
	}
	a->progress = PL_MD_RUNNING;
	if (pl_scan_double(&l->p, l->end, &a->percent) != 0 || !eat(l, "%") ||
	    !(a->percent >= 0 && a->percent <= 100))
		return fail(ps, l, _("array %s: bad %s percentage"), a->name,
			    pl_md_action_name(a->action));
	while (token(l, &tok, &n)) {
		struct md_line t = { tok, tok + n, l->no, false };

		if (tok[0] == '(' && !a->has_done) {
			t.p++;
			if (pl_scan_u64(&t.p, t.end, &a->done) != 0 || !eat(&t, "/") ||
			    pl_scan_u64(&t.p, t.end, &a->total) != 0 || !eat(&t, ")") ||
			    !at_end(&t) || a->done > a->total)
				return fail(ps, l, _("array %s: bad progress '%s'"), a->name,
					    show(tok, n, shown, sizeof(shown)));
			a->has_done = true;
		} else if (eat(&t, "finish=") && !a->has_finish) {
			if (pl_scan_double(&t.p, t.end, &a->finish_min) != 0 || !eat(&t, "min") ||
			    !at_end(&t) || a->finish_min < 0)
				return fail(ps, l, _("array %s: bad '%s'"), a->name,
					    show(tok, n, shown, sizeof(shown)));
			a->has_finish = true;
		} else if (eat(&t, "speed=") && !a->has_speed) {
			if (pl_scan_u64(&t.p, t.end, &a->speed_kps) != 0 || !eat(&t, "K/sec") ||
			    !at_end(&t))
				return fail(ps, l, _("array %s: bad '%s'"), a->name,
					    show(tok, n, shown, sizeof(shown)));
			a->has_speed = true;
		} else {
			return fail(ps, l, _("array %s: unexpected '%s' in the sync line"), a->name,
				    show(tok, n, shown, sizeof(shown)));
		}
	}
	return 0;
}

/* "bitmap: 22/59 pages [88KB], 65536KB chunk[, file: /path]" */
static int
parse_bitmap(struct md_parser *ps, struct md_line *l)
{
	struct pl_md_array *a = ps->cur;

	if (ps->seen_bitmap)
		return fail(ps, l, _("array %s: a second bitmap line"), a->name);
	ps->seen_bitmap = true;
	pl_skip_blanks(&l->p, l->end);
	if (pl_scan_u64(&l->p, l->end, &a->bitmap_pages) != 0 || !eat(l, "/") ||
	    pl_scan_u64(&l->p, l->end, &a->bitmap_total) != 0 || !eat(l, " pages") ||
	    a->bitmap_pages > a->bitmap_total)
		return fail(ps, l, _("array %s: bad bitmap line"), a->name);
	a->has_bitmap = true;
	return 0;
}

static int
parse_continuation(struct md_parser *ps, struct md_line *l)
{
	char shown[48];

	pl_skip_blanks(&l->p, l->end);
	if (ps->cur == NULL)
		return fail(ps, l, _("an indented line outside any array"));
	if (*l->p >= '0' && *l->p <= '9')
		return parse_blocks(ps, l);
	if (eat(l, "bitmap:"))
		return parse_bitmap(ps, l);
	if (*l->p == '[' || (*l->p >= 'a' && *l->p <= 'z'))
		return parse_action(ps, l);
	return fail(ps, l, _("unexpected '%s'"), show(l->p, (size_t)(l->end - l->p), shown,
						     sizeof(shown)));
}

/* Makes the array being read malformed, with the last failure as its problem (without
 * the "array NAME: " the item's name already says). */
static void
mark_malformed(struct md_parser *ps)
{
	struct pl_md_array *a = ps->cur;
	char prefix[PL_MD_NAME_MAX + 16];
	const char *p;

	a->malformed = true;
	pl_snprintf(prefix, sizeof(prefix), _("array %s: "), a->name);
	p = strstr(ps->msg, prefix);
	if (p == NULL) {
		pl_strlcpy(a->problem, ps->msg, sizeof(a->problem));
		return;
	}
	pl_snprintf(a->problem, sizeof(a->problem), "%.*s%s", (int)(p - ps->msg), ps->msg,
		    p + strlen(prefix));
}

/* What every stanza must have once all its lines are read. */
static void
finish_array(struct md_parser *ps)
{
	struct pl_md_array *a = ps->cur;

	if (a != NULL && !a->malformed && a->nmembers > 0 && !a->has_blocks) {
		fail(ps, NULL, _("line %zu: the stanza has no size line ('N blocks ...')"),
		     ps->cur_line);
		mark_malformed(ps);
	}
	ps->cur = NULL;
}

int
pl_mdstat_parse(const char *buf, size_t len, struct pl_mdstat *out, char *err, size_t errlen)
{
	struct md_parser ps;
	struct md_line l = { NULL, NULL, 0, false };
	struct pl_lines it;
	size_t acap = 0, mcap = 0;
	bool seen_unused = false;

	memset(&ps, 0, sizeof(ps));
	ps.out = out;
	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len == 0) {
		fail(&ps, NULL, _("the file is empty"));
		goto bad;
	}
	if (memchr(buf, '\0', len) != NULL) {
		fail(&ps, NULL, _("the file contains a NUL byte"));
		goto bad;
	}
	pl_lines_init(&it, buf, len);
	while (pl_lines_next(&it, &l.p, &l.end, &l.last_unterminated)) {
		l.no = it.lineno;
		if (l.no == 1) {
			if (!eat(&l, "Personalities :"))
				goto bad_first;
			pl_skip_blanks(&l.p, l.end);
			pl_strlcpy(out->personalities, "", sizeof(out->personalities));
			if ((size_t)(l.end - l.p) < sizeof(out->personalities)) {
				memcpy(out->personalities, l.p, (size_t)(l.end - l.p));
				out->personalities[l.end - l.p] = '\0';
			} else {
				memcpy(out->personalities, l.p, sizeof(out->personalities) - 1);
				out->personalities[sizeof(out->personalities) - 1] = '\0';
			}
			for (size_t n = strlen(out->personalities);
			     n > 0 && is_blank(out->personalities[n - 1]); n--)
				out->personalities[n - 1] = '\0';
			if (l.last_unterminated)
				goto truncated;
			continue;
		}
		{
			const char *q = l.p;

			pl_skip_blanks(&q, l.end);
			if (q == l.end)
				continue;     /* the blank line that ends a stanza */
		}
		if (seen_unused) {
			fail(&ps, &l, _("text after the 'unused devices:' line"));
			goto bad;
		}
		if (is_blank(*l.p)) {
			if (ps.cur == NULL) {
				fail(&ps, &l, _("an indented line outside any array"));
				goto bad;
			}
			/* The rest of a malformed stanza says nothing to trust. */
			if (ps.cur->malformed)
				continue;
			if (parse_continuation(&ps, &l) != 0) {
				if (ps.fatal || l.last_unterminated)
					goto bad;     /* a cut read: the file's problem */
				mark_malformed(&ps);
			}
		} else if (eat(&l, "unused devices:")) {
			finish_array(&ps);
			if (l.last_unterminated)
				goto truncated;
			seen_unused = true;
		} else if (eat(&l, "read_ahead ")) {
			continue;     /* 2.4 and early 2.6 kernels */
		} else {
			finish_array(&ps);
			if (parse_header(&ps, &l, &acap, &mcap) != 0) {
				if (ps.fatal || ps.cur == NULL || l.last_unterminated)
					goto bad;
				mark_malformed(&ps);
			}
		}
	}
	if (!seen_unused) {
		fail(&ps, NULL, _("truncated: no 'unused devices:' line at the end (after line %zu)"),
		     l.no);
		goto bad;
	}
	return 0;

bad_first:
	fail(&ps, &l, _("expected 'Personalities :' (is this /proc/mdstat?)"));
	goto bad;
truncated:
	fail(&ps, NULL, _("truncated: the file ends inside line %zu"), l.no);
bad:
	if (err != NULL && errlen > 0)
		pl_strlcpy(err, ps.msg, errlen);
	pl_mdstat_free(out);
	return -1;
}

void
pl_mdstat_free(struct pl_mdstat *st)
{
	free(st->arrays);
	free(st->members);
	memset(st, 0, sizeof(*st));
}

const struct pl_md_member *
pl_md_member(const struct pl_mdstat *st, const struct pl_md_array *a, size_t i)
{
	return &st->members[a->first_member + i];
}

unsigned
pl_md_degraded(const struct pl_md_array *a)
{
	unsigned missing = 0;

	if (!a->has_counts)
		return 0;
	for (const char *s = a->status; *s; s++)
		if (*s == '_')
			missing++;
	return missing > a->raid_disks - a->in_sync ? missing : a->raid_disks - a->in_sync;
}

bool
pl_md_is_container(const struct pl_md_array *a)
{
	return a->state == PL_MD_INACTIVE && strncmp(a->super, "external:", 9) == 0 &&
	       a->super[9] != '\0' && a->super[9] != '/' && a->super[9] != '-';
}

const char *
pl_md_action_name(enum pl_md_action a)
{
	switch (a) {
	case PL_MD_RESYNC: return "resync";
	case PL_MD_RECOVERY: return "recovery";
	case PL_MD_RESHAPE: return "reshape";
	case PL_MD_CHECK: return "check";
	case PL_MD_REPAIR: return "repair";
	case PL_MD_IDLE: break;
	}
	return "idle";
}

int
pl_md_sync_action_parse(const char *s, enum pl_md_action *out)
{
	static const struct { const char *w; enum pl_md_action a; } words[] = {
		{ "idle", PL_MD_IDLE }, { "frozen", PL_MD_IDLE }, { "resync", PL_MD_RESYNC },
		{ "recover", PL_MD_RECOVERY }, { "reshape", PL_MD_RESHAPE },
		{ "check", PL_MD_CHECK }, { "repair", PL_MD_REPAIR },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(s, words[i].w) == 0) {
			*out = words[i].a;
			return 0;
		}
	return -1;
}

int
pl_md_sync_completed_parse(const char *s, uint64_t *done, uint64_t *total)
{
	const char *p = s, *end = s + strlen(s);

	if (strcmp(s, "none") == 0 || strcmp(s, "delayed") == 0)
		return 0;
	if (pl_scan_u64(&p, end, done) != 0 || (size_t)(end - p) < 3 ||
	    memcmp(p, " / ", 3) != 0)
		return -1;
	p += 3;
	if (pl_scan_u64(&p, end, total) != 0 || p != end || *done > *total)
		return -1;
	return 1;
}

/* --- judging an array ----------------------------------------------------------------- */

void
pl_md_sys_read(const char *root, const char *name, struct pl_md_sys *s)
{
	char path[256], v[64];

	memset(s, 0, sizeof(*s));
#define ATTR(a) (pl_snprintf(path, sizeof(path), "/sys/block/%s/md/%s", name, a), \
		 pl_read_small(root, path, v, sizeof(v)) >= 0)
	if (ATTR("degraded") && pl_parse_u64(v, 100000, &s->degraded) == 0)
		s->has_degraded = true;
	if (ATTR("mismatch_cnt") && pl_parse_u64(v, UINT64_MAX, &s->mismatch) == 0)
		s->has_mismatch = true;
	if (ATTR("raid_disks") && pl_parse_u64(v, 100000, &s->raid_disks) == 0)
		s->has_raid_disks = true;
	if (ATTR("sync_action") && pl_md_sync_action_parse(v, &s->action) == 0)
		s->has_action = true;
	if (ATTR("array_state"))
		pl_strlcpy(s->array_state, v, sizeof(s->array_state));
	if (ATTR("level"))
		pl_strlcpy(s->level, v, sizeof(s->level));
#undef ATTR
}

char *
pl_md_eta_text(char *buf, size_t len, double min)
{
	long m;

	/* The kernel's finish= is text: a huge or broken one must not overflow the long
	 * (1e9 minutes is 1,900 years). */
	if (min != min) {
		pl_snprintf(buf, len, "?");
		return buf;
	}
	if (min > 1e9)
		min = 1e9;
	m = (long)(min + 0.5);
	if (min < 1)
		pl_snprintf(buf, len, "<1min");
	else if (m < 60)
		pl_snprintf(buf, len, "%ldmin", m);
	else if (m < 48 * 60)
		pl_snprintf(buf, len, "%ldh%02ldm", m / 60, m % 60);
	else
		pl_snprintf(buf, len, "%ldd%02ldh", m / 1440, (m % 1440) / 60);
	return buf;
}

void
pl_md_action_text(const struct pl_md_array *a, enum pl_md_action act, struct pl_buf *b)
{
	char n[32], eta[32];

	pl_buf_printf(b, "%s", pl_md_action_name(act));
	switch (a->progress) {
	case PL_MD_DELAYED: pl_buf_puts(b, _(" delayed")); return;
	case PL_MD_PENDING: pl_buf_puts(b, _(" pending")); return;
	case PL_MD_REMOTE: pl_buf_puts(b, _(" running on another cluster node")); return;
	case PL_MD_RUNNING: break;
	}
	pl_buf_printf(b, " %s", pl_unit_human(n, sizeof(n), a->percent, PL_U_PERCENT));
	if (a->has_finish)
		pl_buf_printf(b, _(", ETA %s"), pl_md_eta_text(eta, sizeof(eta), a->finish_min));
	if (a->has_speed)
		pl_buf_printf(b, _(" at %s"), pl_unit_human(n, sizeof(n), (double)a->speed_kps * 1024,
							 PL_U_BYTES_PER_S));
}

/* A degraded array is only being mended by a running recovery that has a disk for every
 * missing slot. A resync or reshape of a degraded array, a recovery that is delayed or
 * pending, or one short of disks leaves it without redundancy. */
static bool
judge_mending(const struct pl_mdstat *st, const struct pl_md_array *a, enum pl_md_action act)
{
	unsigned occupied = 0;

	for (size_t i = 0; i < a->nmembers; i++)
		if (!(pl_md_member(st, a, i)->flags & (PL_MD_FAULTY | PL_MD_SPARE | PL_MD_JOURNAL |
						       PL_MD_REPLACEMENT)))
			occupied++;
	return act == PL_MD_RECOVERY && a->progress == PL_MD_RUNNING &&
	       (!a->has_counts || occupied >= a->raid_disks);
}

/* The figures: level, action, degraded count, slots, working members, progress. */
static void
judge_figures(const struct pl_md_array *a, const struct pl_md_sys *s, struct pl_md_judgement *j)
{
	unsigned working = (unsigned)(a->nmembers - a->nfaulty - a->nspare);

	j->container = pl_md_is_container(a);
	pl_strlcpy(j->level, j->container ? "" : a->level[0] ? a->level : s->level,
		   sizeof(j->level));
	j->action = a->action;
	if (j->action == PL_MD_RESYNC && s->has_action && s->action == PL_MD_REPAIR)
		j->action = PL_MD_REPAIR;     /* mdstat prints a repair as "resync" */
	j->degraded = pl_md_degraded(a);
	if (s->has_degraded && s->degraded > j->degraded)
		j->degraded = (unsigned)s->degraded;
	j->disks = a->has_counts ? a->raid_disks : s->has_raid_disks ? (double)s->raid_disks :
		   working;
	j->active = a->state == PL_MD_INACTIVE ? 0 : a->has_counts ? a->in_sync : working;
	j->sync = j->action != PL_MD_IDLE && a->progress == PL_MD_RUNNING ? a->percent : NAN;
}

/* A running array: failed members, degraded slots, the action, mismatches. */
static void
judge_active(const struct pl_mdstat *st, const struct pl_md_array *a, const struct pl_md_sys *s,
	     const struct pl_md_policy *pol, const char *lv, struct pl_md_judgement *j,
	     struct pl_buf *brief)
{
	struct pl_buf b = PL_BUF_INIT;
	bool rebuild = j->action == PL_MD_RESYNC || j->action == PL_MD_RECOVERY ||
		       j->action == PL_MD_RESHAPE;

	pl_buf_init(&b, 512);
	if (a->has_counts)
		pl_buf_printf(brief, " [%s]", a->status);
	for (size_t i = 0; i < a->nmembers; i++) {
		char dev[PL_MD_DEV_MAX * 4];

		if (!(pl_md_member(st, a, i)->flags & PL_MD_FAULTY))
			continue;
		pl_name_str(dev, sizeof(dev), pl_md_member(st, a, i)->dev);
		pl_buf_printf(&b, "%s%s", b.len ? ", " : "", dev);
	}
	if (a->nfaulty)
		pl_findings_add(&j->findings, PL_CRITICAL, P_("failed member %s", "failed members %s",
							      a->nfaulty), pl_buf_str(&b));
	j->mending = judge_mending(st, a, j->action);
	if (j->degraded > 0 && !j->mending) {
		if (a->has_counts)
			pl_findings_add(&j->findings, PL_CRITICAL, _("%sdegraded [%u/%u] [%s]"), lv, a->raid_disks,
				      a->in_sync, a->status);
		else
			pl_findings_add(&j->findings, PL_CRITICAL, _("%sdegraded (%u missing)"), lv, j->degraded);
		j->degraded_finding = true;
		pl_buf_puts(brief, _(" degraded"));
	}
	if (j->action != PL_MD_IDLE) {
		enum pl_state as = rebuild ? PL_WARNING : pol->check_state;

		pl_buf_reset(&b);
		pl_md_action_text(a, j->action, &b);
		/* A rebuild of a degraded array shows which slots it rebuilds. */
		if (as != PL_OK && j->degraded > 0 && a->has_counts)
			pl_findings_add(&j->findings, as, "%s[%s] %s", lv, a->status, pl_buf_str(&b));
		else if (as != PL_OK)
			pl_findings_add(&j->findings, as, "%s%s", lv, pl_buf_str(&b));
		pl_buf_printf(brief, " %s", pl_md_action_name(j->action));
		if (a->progress == PL_MD_RUNNING) {
			pl_buf_putc(brief, ' ');
			j->brief_sync = brief->len;
			pl_buf_printf(brief, "%.1f%%", a->percent);
		} else {
			pl_buf_puts(brief, a->progress == PL_MD_DELAYED ? _(" delayed") :
				    a->progress == PL_MD_PENDING ? _(" pending") : _(" remote"));
		}
		j->rebuilding = rebuild;
		j->checking = !rebuild;
	}
	if (pol->mismatch_warn && s->has_mismatch && s->mismatch > 0)
		pl_findings_add(&j->findings, PL_WARNING, _("mismatch_cnt %llu after the last check (run a repair, "
			      "or find out why)"), (unsigned long long)s->mismatch);
	pl_buf_free(&b);
}

void
pl_md_judge(const struct pl_mdstat *st, const struct pl_md_array *a, const struct pl_md_sys *s,
	    const struct pl_md_policy *pol, struct pl_md_judgement *j)
{
	struct pl_buf brief = PL_BUF_INIT;
	char lv[sizeof(j->level) + 1];

	memset(j, 0, sizeof(*j));
	j->findings.worst = PL_OK;
	judge_figures(a, s, j);
	pl_snprintf(lv, sizeof(lv), "%s%s", j->level, j->level[0] ? " " : "");
	pl_buf_init(&brief, sizeof(j->brief));
	if (j->container) {
		pl_buf_printf(&brief, _("%s %s container"), a->name, a->super + 9);
	} else if (a->state == PL_MD_INACTIVE) {
		j->inactive = true;
		if (pol->inactive_state != PL_OK)
			pl_findings_add(&j->findings, pol->inactive_state, _("inactive (assembled but not started)"));
		pl_buf_printf(&brief, _("%s inactive"), a->name);
	} else if (a->state == PL_MD_BROKEN || strcmp(s->array_state, "broken") == 0) {
		j->broken = true;
		pl_findings_add(&j->findings, PL_CRITICAL, _("%sbroken (a member it needs is missing)"), lv);
		pl_buf_printf(&brief, _("%s %sbroken"), a->name, lv);
	} else {
		pl_buf_printf(&brief, "%s%s%s", a->name, j->level[0] ? " " : "", j->level);
		judge_active(st, a, s, pol, lv, j, &brief);
	}
	pl_strlcpy(j->brief, pl_buf_str(&brief), sizeof(j->brief));
	if (j->brief_sync >= strlen(j->brief))
		j->brief_sync = 0;     /* cut off */
	pl_buf_free(&brief);
}
